from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from accounts import throttle


class ThrottledModelBackend(ModelBackend):
    """Username and password, refused without checking the password while the account
    name or the client address is locked (every sign-in form, the admin's included)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        ip = request.META.get("REMOTE_ADDR") if request is not None else None
        if throttle.login_wait(username or kwargs.get("username", ""), ip):
            raise PermissionDenied  # authenticate() stops and reports a failed sign-in
        return super().authenticate(request, username=username, password=password, **kwargs)
