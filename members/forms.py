from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import LeftReason, Member
from members.services import member_problems
from nghiquyet.forms import DATE_WIDGET
from organizations.choosers import use_chooser
from organizations.models import Organization


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "full_name",
            "gender",
            "date_of_birth",
            "card_number",
            "status",
            "admitted_on",
            "official_on",
            "organization",
        ]
        widgets = {
            "date_of_birth": DATE_WIDGET,
            "admitted_on": DATE_WIDGET,
            "official_on": DATE_WIDGET,
        }

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Moving between cells is a transfer with its own date, not an edit.
            del self.fields["organization"]
        else:
            use_chooser(
                self.fields["organization"],
                units if units is not None else Organization.objects.none(),
                "manage_members",
            )

    def clean(self):
        cleaned = super().clean()
        for field, message in member_problems(cleaned).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Chuyển đến chi bộ"), queryset=Organization.objects.none())
    on = forms.DateField(label=_("Ngày chuyển"), initial=timezone.localdate, widget=DATE_WIDGET)
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            use_chooser(self.fields["to"], units, "manage_members")


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Ngày"), initial=timezone.localdate, widget=DATE_WIDGET)
    reason = forms.ChoiceField(label=_("Lý do"), choices=LeftReason.choices)


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách (XLSX hoặc CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
