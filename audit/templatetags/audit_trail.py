"""Showing recorded values: ``{% load audit_trail %}``."""

import datetime as dt
import re

from django import template

from vn.formats import format_date, format_datetime

register = template.Library()

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.]+([+-]\d{2}:\d{2}|Z)?)?$")


@register.filter
def audit_value(value):
    """A value from an entry's changes: empty as ∅, ISO dates (how the trail stores them)
    as dd/mm/yyyy, anything else as it is."""
    if value is None or value == "":
        return "∅"
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        return format_date(parsed) if len(value) == 10 else format_datetime(parsed)
    return value
