from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("campaign/<int:campaign_pk>/", views.dashboard, name="dashboard"),
    path("<int:snapshot_pk>/", views.snapshot_detail, name="detail"),
    path("files/<int:file_pk>/", views.file_detail, name="file"),
    path("files/<int:file_pk>/download/", views.file_download, name="file-download"),
    path("requests/", views.requests_view, name="requests"),
    path("requests/<int:request_pk>/", views.request_detail, name="request"),
]
