from django.urls import path

from conferences import views

app_name = "conferences"
urlpatterns = [
    path("campaign/<int:campaign_pk>/new/", views.conference_create, name="create"),
    path("campaign/<int:campaign_pk>/rollup/", views.campaign_rollup, name="rollup"),
    path("campaign/<int:campaign_pk>/absentees/", views.absentees, name="absentees"),
    path("<int:conference_pk>/", views.conference_detail, name="detail"),
    path("<int:conference_pk>/edit/", views.conference_edit, name="edit"),
    path("<int:conference_pk>/close/", views.conference_close, name="close"),
    path("<int:conference_pk>/bridges/new/", views.bridge_point_add, name="bridge-add"),
    path("<int:conference_pk>/checkin/", views.checkin, name="checkin"),
    path("checkin/<int:receipt_pk>/", views.checkin_receipt, name="checkin-receipt"),
    path("bridges/<int:bridge_pk>/", views.bridge_point_roster, name="roster"),
    path("bridges/<int:bridge_pk>/mark/", views.bridge_point_mark, name="mark"),
    path("bridges/<int:bridge_pk>/all-present/", views.bridge_point_mark_all, name="mark-all"),
    path("bridges/<int:bridge_pk>/counts/", views.bridge_point_counts, name="counts"),
    path("bridges/<int:bridge_pk>/guests/", views.bridge_point_guests, name="guests"),
    path("bridges/<int:bridge_pk>/screen/", views.bridge_point_screen, name="screen"),
    path("bridges/<int:bridge_pk>/qr/", views.bridge_point_qr, name="qr"),
    path("bridges/<int:bridge_pk>/upload/", views.bridge_point_upload, name="upload"),
    path("bridges/<int:bridge_pk>/roster.xlsx", views.bridge_point_xlsx, name="xlsx"),
    path("bridges/<int:bridge_pk>/sheet.pdf", views.bridge_point_pdf, name="pdf"),
    path("makeups/<int:makeup_pk>/", views.makeup_detail, name="makeup"),
]
