import math

from django import forms
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
    """A role for a member chosen from the grantor's subtree (never a typed username).
    The list shows only the roles the policy allows here; anything else posted is
    refused by the service with the same answer as every other refusal."""

    member = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Hãy tìm và chọn người được cấp quyền.")},
    )
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].widget.choices = [(r, Role(r).label) for r in roles]
