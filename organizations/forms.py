from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nghiquyet.forms import DATE_WIDGET
from organizations.choosers import use_chooser
from organizations.models import Level, Organization


class UnitForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "code", "level", "issuer_code", "valid_from"]
        widgets = {"valid_from": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = Level.objects.all()

    def clean_name(self):
        from vn.text import normalize

        name = normalize(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Tên đơn vị không được để trống."))
        return name

    def clean_code(self):
        from vn.text import normalize

        code = normalize(self.cleaned_data["code"]).upper().replace(" ", "")
        clash = Organization.objects.filter(code=code)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Mã đơn vị “%(code)s” đã được dùng.") % {"code": code})
        return code


class RenameDateForm(forms.Form):
    renamed_on = forms.DateField(
        label=_("Áp dụng từ ngày"),
        initial=timezone.localdate,
        widget=DATE_WIDGET,
        help_text=_("Các hồ sơ trước ngày này vẫn hiển thị tên cũ."),
    )


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(
        label=_("Chuyển đến trực thuộc"), queryset=Organization.objects.none()
    )

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if targets is not None:
            use_chooser(self.fields["new_parent"], targets, "manage_units")


class CloseForm(forms.Form):
    closed_on = forms.DateField(
        label=_("Ngày đóng (giải thể, sáp nhập)"), initial=timezone.localdate, widget=DATE_WIDGET
    )
    note = forms.CharField(label=_("Lý do"), max_length=255, required=False)
