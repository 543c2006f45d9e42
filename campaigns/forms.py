from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import DEFAULT_PROMPTS, DEFAULT_SCALE, Campaign
from campaigns.services import deadline_problem
from documents.models import Document
from nghiquyet.forms import DATE_WIDGET
from organizations.choosers import use_chooser
from organizations.models import Organization


class CampaignForm(forms.ModelForm):
    prompts_text = forms.CharField(
        label=_("Nội dung bài thu hoạch (mỗi dòng một nội dung)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="\n".join(DEFAULT_PROMPTS),
        max_length=4000,
        error_messages={"required": _("Cần ít nhất một nội dung.")},
    )
    scale_text = forms.CharField(
        label=_("Thang đánh giá (cách nhau bằng dấu phẩy, từ cao đến thấp)"),
        initial=", ".join(DEFAULT_SCALE),
        max_length=300,
    )

    class Meta:
        model = Campaign
        fields = [
            "title",
            "owner",
            "documents",
            "conference_deadline",
            "report_days",
            "makeup_days",
            "report_cutoff",
            "exempt_required",
            "blind_review",
        ]
        widgets = {
            "conference_deadline": DATE_WIDGET,
            "report_cutoff": DATE_WIDGET,
            "documents": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, owners=None, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            use_chooser(
                self.fields["owner"],
                owners if owners is not None else Organization.objects.none(),
                "manage_campaigns",
            )
        self.fields["documents"].queryset = (
            documents if documents is not None else Document.objects.none()
        )
        self.fields["documents"].label_from_instance = lambda d: str(d)
        self.fields["report_days"].min_value = 1
        self.fields["makeup_days"].min_value = 1

    def clean_conference_deadline(self):
        deadline = self.cleaned_data["conference_deadline"]
        try:
            deadline_problem(deadline)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["conference_deadline"]) from None
        return deadline

    def clean_report_days(self):
        return _days(self.cleaned_data["report_days"])

    def clean_makeup_days(self):
        return _days(self.cleaned_data["makeup_days"])

    def clean_prompts_text(self):
        prompts = [line.strip() for line in self.cleaned_data["prompts_text"].splitlines()]
        prompts = [p for p in prompts if p]
        if not prompts:
            raise forms.ValidationError(_("Cần ít nhất một nội dung."))
        return prompts

    def clean_scale_text(self):
        grades = [g.strip() for g in self.cleaned_data["scale_text"].split(",") if g.strip()]
        if len(grades) < 2 or len(set(grades)) != len(grades):
            raise forms.ValidationError(_("Thang đánh giá cần ít nhất hai mức, không trùng nhau."))
        return grades


def _days(value: int) -> int:
    if not 1 <= value <= 60:
        raise forms.ValidationError(_("Số ngày phải từ 1 đến 60."))
    return value


class CampaignEditForm(CampaignForm):
    """The same rules, on a campaign that exists: its unit stays; a deadline already past
    may stay as it is, only a new one must not be in the past."""

    class Meta(CampaignForm.Meta):
        fields = [name for name in CampaignForm.Meta.fields if name != "owner"]

    def __init__(self, *args, instance, documents=None, **kwargs):
        super().__init__(*args, instance=instance, documents=documents, **kwargs)
        if not self.is_bound:
            self.initial["prompts_text"] = "\n".join(instance.prompts)
            self.initial["scale_text"] = ", ".join(instance.rating_scale)

    def clean_conference_deadline(self):
        deadline = self.cleaned_data["conference_deadline"]
        if deadline == self.instance.conference_deadline:
            return deadline
        return super().clean_conference_deadline()
