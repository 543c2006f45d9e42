from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


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
