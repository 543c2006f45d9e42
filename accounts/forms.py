import math

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import gettext_lazy as _

from accounts import throttle
from accounts.models import ApiToken, Role, Scope
from organizations.choosers import use_chooser
from organizations.models import Organization


class LoginForm(AuthenticationForm):
    """The sign-in form; after too many failures it says to wait, in words that are the
    same whether or not the account exists."""

    username = UsernameField(
        label=_("Tên đăng nhập"), widget=forms.TextInput(attrs={"autofocus": True})
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

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


class GrantPlaceForm(forms.Form):
    """The unit whose roles page to open, found by typing its name or code."""

    unit = forms.ModelChoiceField(
        label=_("Đơn vị"),
        queryset=Organization.objects.none(),
        error_messages={"required": _("Hãy chọn đơn vị.")},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        use_chooser(self.fields["unit"], units, "grant_roles")


class TokenForm(forms.Form):
    DAYS = [(7, _("7 ngày")), (30, _("30 ngày")), (90, _("90 ngày")), (180, _("180 ngày"))]
    DAYS += [(365, _("1 năm"))]

    name = forms.CharField(label=_("Tên gợi nhớ"), max_length=100, required=False)
    scope = forms.ChoiceField(label=_("Phạm vi"))
    days = forms.TypedChoiceField(
        label=_("Thời hạn"), choices=DAYS, coerce=int, initial=ApiToken.DEFAULT_DAYS
    )

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(s, Scope(s).label) for s in scopes]
        self.fields["scope"].initial = Scope.READ
