from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("campaign/<int:campaign_pk>/write/", views.write, name="write"),
    path("campaign/<int:campaign_pk>/draft/", views.draft, name="draft"),
    path("campaign/<int:campaign_pk>/upload/", views.upload, name="upload"),
    path("campaign/<int:campaign_pk>/member/<int:member_pk>/", views.enter, name="enter"),
    path("campaign/<int:campaign_pk>/member/<int:member_pk>/draft/", views.draft, name="draft-for"),
    path(
        "campaign/<int:campaign_pk>/member/<int:member_pk>/upload/", views.upload, name="upload-for"
    ),
    path("uploads/<int:upload_pk>/", views.upload_state, name="upload-state"),
    path("uploads/<int:upload_pk>/use/", views.upload_use, name="upload-use"),
    path("campaign/<int:campaign_pk>/", views.unit_reports, name="unit"),
    path("campaign/<int:campaign_pk>/next/", views.review_next, name="review-next"),
    path("campaign/<int:campaign_pk>/copies/", views.copy_pairs, name="copies"),
    path("campaign/<int:campaign_pk>/pending/", views.pending_list, name="pending"),
    path("campaign/<int:campaign_pk>/remind/", views.remind, name="remind"),
    path("campaign/<int:campaign_pk>/extend/", views.extend, name="extend"),
    path("campaign/<int:campaign_pk>/confirm/<int:unit_pk>/", views.confirm, name="confirm"),
    path("campaign/<int:campaign_pk>/export/", views.export_start, name="export-start"),
    path("exports/<int:export_pk>/", views.export_detail, name="export"),
    path("exports/<int:export_pk>/download/", views.export_download, name="export-download"),
    path("receipts/<int:receipt_pk>/", views.receipt, name="receipt"),
    path("<int:report_pk>/", views.report_detail, name="detail"),
    path("<int:report_pk>/compare/<int:other_pk>/", views.compare, name="compare"),
]
