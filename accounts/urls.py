from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms import LoginForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, form_class=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("roles/", views.role_matrix, name="matrix"),
    path("roles/unit/<int:unit_pk>/", views.role_list, name="roles"),
    path("roles/<int:grant_pk>/revoke/", views.role_revoke, name="revoke"),
    path("tokens/", views.token_list, name="tokens"),
    path("mine/", views.member_home, name="mine"),
    path("today/", views.officer_home, name="today"),
]
