from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nghiquyet.forms import DATE_WIDGET
from organizations.choosers import use_chooser
from programmes.models import Decision, Inspection, Programme, Recurrence, Target


class ReminderForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["remind_before", "remind_after"]


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = [
            "name",
            "unit_of_measure",
            "baseline",
            "low",
            "high",
            "year",
            "direction",
            "aggregate",
        ]
        localized_fields = ("baseline", "low", "high")


class TaskForm(forms.Form):
    position = forms.CharField(label=_("STT"), max_length=20, required=False)
    content = forms.CharField(
        label=_("Nội dung nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 3})
    )
    lead = forms.ModelChoiceField(label=_("Cơ quan chủ trì"), queryset=None)
    partners = forms.ModelMultipleChoiceField(
        label=_("Cơ quan phối hợp"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    product = forms.CharField(label=_("Sản phẩm"), max_length=500, required=False)
    deadline = forms.DateField(label=_("Thời hạn"), required=False, widget=DATE_WIDGET)
    recurrence = forms.ChoiceField(label=_("Tính chất"), choices=Recurrence.choices, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        use_chooser(self.fields["lead"], units, "view")
        use_chooser(self.fields["partners"], units, "view")


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    milestone = forms.CharField(label=_("Mốc đã đạt"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    completed = forms.BooleanField(label=_("Đã hoàn thành"), required=False)
    completed_on = forms.DateField(
        label=_("Ngày hoàn thành thực tế"),
        required=False,
        initial=timezone.localdate,
        widget=DATE_WIDGET,
        help_text=_("Ngày nhiệm vụ thực sự hoàn thành, không phải ngày nhập; không sau hôm nay."),
    )
    product = forms.CharField(label=_("Sản phẩm đã hoàn thành"), max_length=500, required=False)
    evidence = forms.FileField(label=_("Tài liệu minh chứng (PDF/DOCX)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class ActualForm(forms.Form):
    period = forms.CharField(label=_("Kỳ"), max_length=10, help_text=_("Ví dụ 2025 hoặc 2025-Q2."))
    value = forms.DecimalField(
        label=_("Giá trị thực hiện"), max_digits=18, decimal_places=4, localize=True
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["kind", "reference", "decided_on", "new_deadline"]
        widgets = {"decided_on": DATE_WIDGET, "new_deadline": DATE_WIDGET}


class ContributionForm(forms.Form):
    higher = forms.IntegerField(
        label=_("Mã nhiệm vụ cấp trên"), help_text=_("Số hiển thị ở đầu trang nhiệm vụ cấp trên.")
    )
    weight = forms.DecimalField(
        label=_("Trọng số"), initial=1, max_digits=6, decimal_places=2, localize=True
    )


class AppendixForm(forms.Form):
    file = forms.FileField(label=_("Tệp phụ lục phân công (XLSX)"))


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = [
            "organization",
            "kind",
            "units",
            "subject",
            "document",
            "period_from",
            "period_to",
        ]
        widgets = {"period_from": DATE_WIDGET, "period_to": DATE_WIDGET}

    def __init__(self, *args, organizations=None, units=None, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        use_chooser(self.fields["organization"], organizations, "plan_inspections")
        use_chooser(self.fields["units"], units, "view")
        self.fields["document"].queryset = documents


class RecordForm(forms.Form):
    visited_on = forms.DateField(label=_("Ngày làm việc"), widget=DATE_WIDGET)
    findings = forms.CharField(
        label=_("Kết quả kiểm tra"), widget=forms.Textarea(attrs={"rows": 4})
    )
    conclusions = forms.CharField(label=_("Kết luận"), widget=forms.Textarea(attrs={"rows": 4}))
