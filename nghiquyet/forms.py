from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext as _


def _as_iso(value, input_formats: str, iso: str):
    """A value typed as text (dd/mm/yyyy) and sent back with another field's error is
    shown again in the ISO form a native picker needs, so nothing typed is lost."""
    if not isinstance(value, str):
        return value
    for fmt in get_format(input_formats):
        try:
            return datetime.strptime(value.strip(), fmt).strftime(iso)
        except ValueError:
            continue
    return value


class NativeDateInput(forms.DateInput):
    """The phone's or browser's own date picker. It sends ISO dates (accepted by every
    form through DATE_INPUT_FORMATS); where a browser falls back to a text box, dd/mm/yyyy
    typed by hand is accepted too."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "dd/mm/yyyy", **(attrs or {})}, format="%Y-%m-%d")

    def format_value(self, value):
        return super().format_value(_as_iso(value, "DATE_INPUT_FORMATS", "%Y-%m-%d"))


class NativeDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(
            {"placeholder": "dd/mm/yyyy hh:mm", **(attrs or {})}, format="%Y-%m-%dT%H:%M"
        )

    def format_value(self, value):
        return super().format_value(_as_iso(value, "DATETIME_INPUT_FORMATS", "%Y-%m-%dT%H:%M"))


class NativeTimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "hh:mm", **(attrs or {})}, format="%H:%M")


DATE_WIDGET = NativeDateInput()
DATETIME_WIDGET = NativeDateTimeInput()


def posted(request):
    """request.POST, or None when the body is over the server's limit (a pasted 10 MB),
    so that the page can say so rather than answer a bare 400."""
    try:
        return request.POST
    except RequestDataTooBig:
        return None


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def confirmed_in_page(request) -> bool:
    """Whether an irreversible action carries the confirmation given in its panel
    (templates/_confirm.html). A POST without it, from a stray form or a script, changes
    nothing and the page says why."""
    if request.POST.get("confirmed") == "yes":
        return True
    messages.error(
        request,
        _(
            "Thao tác này không hoàn tác được. Hãy xác nhận trong khung hiện ra sau khi bấm "
            "nút; chưa có gì thay đổi."
        ),
    )
    return False
