from django import forms
from django.utils.translation import gettext_lazy as _

from conferences.models import BridgePoint, Conference, Makeup, PartOfDay, Status
from nghiquyet.forms import DATE_WIDGET, DATETIME_WIDGET
from organizations.choosers import use_chooser
from organizations.models import Organization

MAX_TOPICS = 30


def _unit_label(unit: Organization) -> str:
    return f"{unit.name} ({unit.code})"


class ConferenceForm(forms.ModelForm):
    topics_text = forms.CharField(
        label=_("Chuyên đề và báo cáo viên"),
        help_text=_("Mỗi dòng một chuyên đề: tên chuyên đề | báo cáo viên, chức vụ."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=6000,
    )

    class Meta:
        model = Conference
        fields = [
            "organizer",
            "title",
            "starts_at",
            "ends_at",
            "format",
            "venue",
            "chair",
            "chair_title",
            "relayed_from",
            "agenda",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "agenda": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, organizers=None, relays=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organizer"]
            self.fields["topics_text"].initial = "\n".join(
                f"{t.title} | {t.reporter}" for t in self.instance.topics.all()
            )
            if self.instance.part_of_day != PartOfDay.EXACT:
                self.fields["starts_at"].help_text = _(
                    "Chưa biết giờ chính xác (ghi nhận: %(when)s); giờ đang hiện chỉ để sắp "
                    "xếp. Sửa giờ nếu biết, hội nghị sẽ ghi đúng giờ đó."
                ) % {"when": self.instance.when}
        else:
            use_chooser(
                self.fields["organizer"],
                organizers if organizers is not None else Organization.objects.none(),
                "manage_conferences",
            )
        self.fields["relayed_from"].queryset = relays or Conference.objects.none()
        self.fields["relayed_from"].label_from_instance = lambda c: (
            f"{c.title} — {c.organizer.name}"
        )

    def clean_topics_text(self) -> list[tuple[str, str]]:
        topics = []
        for number, line in enumerate(self.cleaned_data["topics_text"].splitlines(), start=1):
            if not line.strip():
                continue
            title, bar, reporter = line.partition("|")
            title, reporter = title.strip(), reporter.strip()
            if not bar or not title or not reporter:
                raise forms.ValidationError(
                    _("Dòng %(n)s: cần dạng “tên chuyên đề | báo cáo viên”.") % {"n": number}
                )
            if len(title) > 300 or len(reporter) > 200:
                raise forms.ValidationError(_("Dòng %(n)s quá dài.") % {"n": number})
            topics.append((title, reporter))
        if len(topics) > MAX_TOPICS:
            raise forms.ValidationError(_("Tối đa %(n)s chuyên đề.") % {"n": MAX_TOPICS})
        return topics


class BridgePointForm(forms.ModelForm):
    class Meta:
        model = BridgePoint
        fields = ["name", "host", "units", "chair", "chair_title", "address"]
        widgets = {"units": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = units if units is not None else Organization.objects.none()
        top = units.order_by("depth", "path").values_list("pk", flat=True).first()
        for name in ("host", "units"):
            use_chooser(self.fields[name], units, "view", within=top)
        self.fields["units"].help_text = _(
            "Đảng viên của các đơn vị này (kể cả đơn vị trực thuộc) dự tại điểm cầu."
        )


class MarkForm(forms.Form):
    member = forms.IntegerField(label=_("Đảng viên"))
    status = forms.ChoiceField(label=_("Tình trạng"), choices=Status.choices)
    reason = forms.CharField(label=_("Lý do"), max_length=255, required=False)


class GuestsForm(forms.Form):
    guests = forms.IntegerField(label=_("Khách mời"), min_value=0, max_value=100_000)


class MakeupForm(forms.ModelForm):
    class Meta:
        model = Makeup
        fields = ["held_on", "venue", "reporter"]
        widgets = {"held_on": DATE_WIDGET}


class MakeupChoiceForm(forms.Form):
    """Whom a make-up briefing is for: the rows ticked in the absentee table, which
    renders this field itself (one checkbox per absentee), so people are chosen once."""

    marks = forms.TypedMultipleChoiceField(coerce=int, label=_("Đảng viên học bù"))

    def __init__(self, *args, absentees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["marks"].choices = [(mark.pk, mark.member.full_name) for mark in absentees]
        self.fields["marks"].error_messages["required"] = _(
            "Hãy chọn ít nhất một đảng viên cần học bù."
        )

    def ticked(self) -> set[str]:
        return set(self.data.getlist("marks")) if self.is_bound else set()
