"""Template filters for Vietnamese formats: ``{% load vn %}``."""

from collections.abc import Callable
from typing import Any

from django import template

from vn import formats

register = template.Library()

_MISSING = object()


def _quietly(func: Callable[..., str], *args: Any) -> str:
    # Templates must render even with odd data; show nothing rather than fail.
    try:
        return func(*args)
    except (AttributeError, TypeError, ValueError):
        return ""


@register.filter(is_safe=True)
def vndate(value: Any) -> str:
    """``{{ d|vndate }}`` -> "31/12/2024"."""
    return _quietly(formats.format_date, value)


@register.filter(is_safe=True)
def vndatetime(value: Any) -> str:
    """``{{ dt|vndatetime }}`` -> "31/12/2024 08:30" in the current time zone."""
    return _quietly(formats.format_datetime, value)


@register.filter(is_safe=True)
def vnint(value: Any) -> str:
    """``{{ n|vnint }}`` -> "35.599"."""
    return _quietly(formats.format_int, value)


@register.filter(is_safe=True)
def vnpercent(value: Any, whole: Any = _MISSING) -> str:
    """``{{ 99.164|vnpercent }}`` or ``{{ part|vnpercent:whole }}`` -> "99,16%"."""
    if whole is _MISSING:
        return _quietly(formats.format_percent, value)
    if whole is None:
        return ""
    return _quietly(formats.format_percent, value, whole)


@register.filter(is_safe=True)
def vnshare(value: Any) -> str:
    """``{{ 0.8312|vnshare }}`` -> "83,12%": a share between 0 and 1 (Jaccard, containment)."""
    return _quietly(formats.format_percent, value, 1)


@register.filter(is_safe=True)
def vnratio(value: Any, whole: Any) -> str:
    """``{{ part|vnratio:whole }}`` -> "35.599/35.900"."""
    return _quietly(formats.format_ratio, value, whole)


@register.filter(is_safe=True)
def vndecimal(value: Any, places: int = 2) -> str:
    """``{{ 7.3|vndecimal }}`` -> "7,3": up to `places` decimals, trailing zeros dropped."""
    text = _quietly(formats.format_decimal, value, places)
    return text.rstrip("0").rstrip(",") if "," in text else text
