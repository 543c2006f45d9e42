"""Showing recorded values: ``{% load audit_trail %}``."""

import datetime as dt
import re

from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audit.forms import action_label
from vn.formats import format_date, format_datetime

register = template.Library()

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.]+([+-]\d{2}:\d{2}|Z)?)?$")


@register.filter
def audit_value(value):
    """A value from an entry's changes: empty as ∅, yes or no in words, ISO dates (how
    the trail stores them) as dd/mm/yyyy, anything else as it is."""
    if value is None or value == "":
        return "∅"
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return format_date(parsed) if len(value) == 10 else format_datetime(parsed)
    return value


@register.filter
def audit_action(code: str) -> str:
    return action_label(code)


@register.filter
def audit_field(entry, name: str) -> str:
    """A changed field by its model's Vietnamese name where the model has that field."""
    # get_for_id is cached per process: no query per row.
    model = (
        ContentType.objects.get_for_id(entry.content_type_id).model_class()
        if entry.content_type_id
        else None
    )
    try:
        return capfirst(model._meta.get_field(name).verbose_name) if model else name
    except Exception:  # FieldDoesNotExist, or a relation without a verbose name
        return name
