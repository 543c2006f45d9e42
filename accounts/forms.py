import math

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from accounts.models import Role


class LoginForm(AuthenticationForm):
    """The sign-in form; after too many failures it says to wait, in words that are the
    same whether or not the account exists."""

    def get_invalid_login_error(self):
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        wait = throttle.login_wait(self.cleaned_data.get("username") or "", ip)
        if wait:
            return forms.ValidationError(
                _(
                    "Đăng nhập tạm thời bị khóa vì nhập sai nhiều lần. "
                    "Hãy thử lại sau %(minutes)s phút."
                )
                % {"minutes": math.ceil(wait / 60)},
                code="locked",
            )
        return super().get_invalid_login_error()


class GrantForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise forms.ValidationError(
                _("Không có người dùng “%(u)s”.") % {"u": username}
            ) from None
