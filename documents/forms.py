from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import Document, Kind, LinkKind
from nghiquyet.forms import DATE_WIDGET
from organizations.choosers import use_chooser
from organizations.models import Organization


class DocumentForm(forms.ModelForm):
    symbol_raw = forms.CharField(
        label=_("Số, ký hiệu"),
        max_length=120,
        required=False,
        help_text=_("Gõ như trên văn bản, ví dụ 23-NQ/TU, 30/2020/NĐ-CP."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "hx-trigger": "input changed delay:300ms"}
        ),
    )
    kind = forms.ChoiceField(
        label=_("Loại văn bản"), choices=[("", "—")] + Kind.choices, required=False
    )

    class Meta:
        model = Document
        fields = [
            "owner",
            "symbol_raw",
            "kind",
            "issuer_name",
            "issued_on",
            "term",
            "plenum",
            "title",
        ]
        widgets = {"issued_on": DATE_WIDGET, "title": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["owner"]
        else:
            use_chooser(
                self.fields["owner"],
                owners if owners is not None else Organization.objects.none(),
                "manage_documents",
            )
        self.fields["issued_on"].initial = timezone.localdate()

    def clean(self):
        from documents.services import kind_for
        from documents.symbols import parse_symbol

        cleaned = super().clean()
        raw = cleaned.get("symbol_raw", "")
        symbol = parse_symbol(raw) if raw else None
        if not cleaned.get("kind"):
            guessed = kind_for(symbol) if symbol else None
            if guessed is None:
                self.add_error(
                    "kind",
                    _(
                        "Hãy chọn loại văn bản (ký hiệu không cho biết chắc chắn, "
                        "ví dụ QĐ là Quy định hoặc Quyết định)."
                    ),
                )
            else:
                cleaned["kind"] = guessed
        if (
            symbol
            and symbol.system == "party"
            and not cleaned.get("term")
            and "term" in self.fields
        ):
            self.add_error("term", _("Văn bản của Đảng đánh số theo nhiệm kỳ: hãy nhập khóa."))
        return cleaned


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Văn bản này"), choices=LinkKind.choices)
    target = forms.CharField(
        label=_("Văn bản cấp trên / được thay thế"),
        max_length=120,
        help_text=_(
            "Số, ký hiệu của văn bản đã đăng ký (45-NQ/TW), có thể kèm năm (23-NQ/TU 2024), "
            "hoặc tên nghị quyết (Nghị quyết Hội nghị Trung ương 8 khóa XIII)."
        ),
    )


class ObligationForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Các đơn vị phải xây dựng kế hoạch"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(label=_("Hạn ban hành"), widget=DATE_WIDGET)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["units"].queryset = units
        self.fields["units"].label_from_instance = lambda o: o.name


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp đính kèm (PDF, DOCX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )


class RegistrationAskForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Đơn vị mở đợt học tập"), queryset=Organization.objects.none()
    )
    # Longer than the column, so that the service names the limit in its own words.
    text = forms.CharField(
        label=_("Số, ký hiệu hoặc trích yếu văn bản"),
        max_length=1000,
        help_text=_("Ví dụ: 23-NQ/TU, hoặc Nghị quyết về chuyển đổi số."),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        use_chooser(
            self.fields["organization"],
            units if units is not None else Organization.objects.none(),
            "manage_campaigns",
        )
