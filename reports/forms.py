from django import forms
from django.utils.translation import gettext_lazy as _

from nghiquyet.forms import DATE_WIDGET
from reports.models import Decision, Export


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.HiddenInput)
    rating = forms.ChoiceField(label=_("Xếp loại"), required=False, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    new_due = forms.DateField(label=_("Hạn viết lại"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, scale=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [(r, r) for r in scale]


class ExtensionForm(forms.Form):
    card_number = forms.CharField(
        label=_("Số thẻ đảng viên"),
        required=False,
        help_text=_("Để trống để gia hạn cho cả đơn vị."),
    )
    due = forms.DateField(label=_("Hạn mới"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Lý do gia hạn"), max_length=255)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp DOCX hoặc PDF"))


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Định dạng"), choices=Export.Kind.choices)


class AllowedTextForm(forms.Form):
    text = forms.CharField(
        label=_("Văn bản được phép dùng chung"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Bài mẫu, đề cương hay đoạn văn được phát cho nhiều đơn vị: phần trùng với văn bản"
            " này không tính là sao chép."
        ),
    )
