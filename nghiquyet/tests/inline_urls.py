"""A page that breaks the Content-Security-Policy on purpose, for the browser fixture's
own test."""

from django.http import HttpResponse
from django.urls import include, path


def inline(request):
    return HttpResponse(
        "<!doctype html><html><body><p style='color:red'>x</p>"
        "<script>document.title = 'ran';</script></body></html>"
    )


urlpatterns = [path("inline/", inline), path("", include("nghiquyet.urls"))]
