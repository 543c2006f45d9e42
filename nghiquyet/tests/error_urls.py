"""Views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import include, path


def broken(request):
    raise RuntimeError("secret detail of the failure")


def suspicious(request):
    raise SuspiciousOperation("secret detail of the bad request")


def forbidden(request):
    raise PermissionDenied("secret detail of the refusal")


urlpatterns = [
    path("broken/", broken),
    path("suspicious/", suspicious),
    path("forbidden/", forbidden),
    path("", include("nghiquyet.urls")),
]
