from django.contrib import admin
from django.urls import include, path

from news.portal import home
from nghiquyet.api import api

urlpatterns = [
    path("", home, name="home"),
    path("", include("news.portal_urls")),
    path("accounts/", include("accounts.urls")),
    path("units/", include("organizations.urls")),
    path("members/", include("members.urls")),
    path("documents/", include("documents.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("conferences/", include("conferences.urls")),
    path("reports/", include("reports.urls")),
    path("news/", include("news.urls")),
    path("programmes/", include("programmes.urls")),
    path("reporting/", include("reporting.urls")),
    path("notices/", include("notices.urls")),
    path("audit/", include("audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
