from django.urls import path

from campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:campaign_pk>/", views.campaign_detail, name="detail"),
    path("<int:campaign_pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:campaign_pk>/close/", views.campaign_close, name="close"),
]
