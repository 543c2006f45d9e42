"""Dates and times are picked with the device's own widgets, typed text still works, and
every date-time is written one way."""

import contextlib
import datetime as dt
import importlib

import pytest
from django import forms
from django.conf import settings
from django.utils import timezone, translation

from nghiquyet.forms import DATE_WIDGET, DATETIME_WIDGET, NativeDateInput
from reports.forms import ExtensionForm

NATIVE = {forms.DateField: "date", forms.DateTimeField: "datetime-local", forms.TimeField: "time"}


def _project_forms():
    for app in settings.INSTALLED_APPS:
        if "." in app:
            continue
        for module in ("forms", "views"):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{app}.{module}")
    apps = {app for app in settings.INSTALLED_APPS if "." not in app}
    seen, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [cls for cls in seen if cls.__module__.split(".")[0] in apps]


def test_every_date_and_time_field_of_every_form_uses_the_native_picker():
    found, wrong = 0, []
    for cls in _project_forms():
        for name, field in cls.base_fields.items():
            for kind, input_type in NATIVE.items():
                if type(field) is kind:
                    found += 1
                    if getattr(field.widget, "input_type", None) != input_type:
                        wrong.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert found > 20
    assert wrong == []


@pytest.mark.parametrize("typed", ["2026-12-20", "20/12/2026", "20-12-2026"])
def test_a_date_is_accepted_as_the_picker_sends_it_and_as_typed_by_hand(typed):
    with translation.override("vi"):
        form = ExtensionForm({"due": typed, "reason": "Ốm"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["due"] == dt.date(2026, 12, 20)


class _When(forms.Form):
    at = forms.DateTimeField(widget=DATETIME_WIDGET)
    on = forms.DateField(widget=DATE_WIDGET)
    other = forms.IntegerField()


@pytest.mark.parametrize("typed", ["2026-12-02T14:30", "02/12/2026 14:30"])
def test_a_date_time_is_accepted_as_the_picker_sends_it_and_as_typed(typed):
    with translation.override("vi"), timezone.override("Asia/Ho_Chi_Minh"):
        form = _When({"at": typed, "on": "02/12/2026", "other": "1"})
        assert form.is_valid(), form.errors
        assert timezone.localtime(form.cleaned_data["at"]).strftime("%d/%m %H:%M") == "02/12 14:30"


def test_text_typed_by_hand_comes_back_in_the_pickers_form_when_another_field_is_wrong():
    with translation.override("vi"):
        form = _When({"at": "02/12/2026 14:30", "on": "20/12/2026", "other": "x"})
        assert not form.is_valid()
        html = str(form["on"]) + str(form["at"])
    assert 'type="date"' in html and 'value="2026-12-20"' in html
    assert 'type="datetime-local"' in html and 'value="2026-12-02T14:30"' in html


def test_a_stored_date_is_given_to_the_picker_in_iso_form():
    html = NativeDateInput().render("on", dt.date(2026, 3, 5))
    assert 'value="2026-03-05"' in html
