from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("me/", views.member_me, name="me"),
    path("unit/<int:unit_pk>/", views.member_list, name="list"),
    path("unit/<int:unit_pk>/new/", views.member_add, name="add"),
    path("<int:member_pk>/", views.member_detail, name="detail"),
    path("<int:member_pk>/edit/", views.member_edit, name="edit"),
    path("<int:member_pk>/transfer/", views.member_transfer, name="transfer"),
    path("<int:member_pk>/leave/", views.member_leave, name="leave"),
    path("<int:member_pk>/history/", views.member_history, name="history"),
]
