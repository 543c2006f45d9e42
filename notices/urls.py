from django.urls import path

from notices import views

app_name = "notices"
urlpatterns = [
    path("<int:notice_pk>/read/", views.notice_read, name="read"),
]
