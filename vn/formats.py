"""Vietnamese display formats: 31/12/2024, 35.599, 7,30, 99,16%."""

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.utils import timezone

Number = int | float | Decimal | Fraction | str

NOT_APPLICABLE = "—"

_DMY = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_SHORT_YEAR = re.compile(r"[0-9]{1,2}([/.-])[0-9]{1,2}\1[0-9]{2}")


def _local(dt: datetime) -> datetime:
    return timezone.localtime(dt) if timezone.is_aware(dt) else dt


def format_date(d: date | datetime | None) -> str:
    """ "dd/mm/yyyy"; aware datetimes are first converted to the current time zone."""
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = _local(d)
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_datetime(dt: datetime | date | None) -> str:
    """ "dd/mm/yyyy HH:MM" in the current time zone; naive values are taken as local."""
    if dt is None:
        return ""
    if not isinstance(dt, datetime):
        return format_date(dt)
    dt = _local(dt)
    return f"{format_date(dt)} {dt.hour:02d}:{dt.minute:02d}"


def _to_fraction(x: Number) -> Fraction:
    try:
        if isinstance(x, float):
            # Via the shortest repr, so 2.675 rounds the way it reads.
            return Fraction(repr(x))
        if isinstance(x, str):
            return Fraction(x.strip())
        return Fraction(x)
    except (ArithmeticError, InvalidOperation, TypeError, ValueError):
        raise ValueError(f'"{x}" không phải là một số hợp lệ.') from None


def _fixed(x: Fraction, places: int) -> str:
    """``x`` rounded half away from zero to ``places`` decimals, Vietnamese separators."""
    if not isinstance(places, int) or places < 0:
        raise ValueError(f'Số chữ số thập phân "{places}" không hợp lệ.')
    scaled = math.floor(abs(x) * 10**places + Fraction(1, 2))
    sign = "-" if x < 0 and scaled else ""
    digits = str(scaled).rjust(places + 1, "0")
    whole, frac = digits[: len(digits) - places], digits[len(digits) - places :]
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{frac}" if places else f"{sign}{grouped}"


def format_int(n: Number | None) -> str:
    """ "35.599", "-1.200"; non-integers are rounded half up; "" for None."""
    if type(n) is int:  # nearly every call: a count, with nothing to round
        return f"{n:,}".replace(",", ".")
    return "" if n is None else _fixed(_to_fraction(n), 0)


def format_decimal(x: Number | None, places: int = 2) -> str:
    """ "1.234,50": comma decimals, dot thousands, rounded half up; "" for None."""
    return "" if x is None else _fixed(_to_fraction(x), places)


def percent(part: Number | None, whole: Number | None, places: int = 2) -> Decimal | None:
    """``part`` of ``whole`` in percent, rounded half away from zero: ``percent(105, 115)
    == Decimal("91.30")``; None when nothing is due (``whole`` is 0) or a side is missing.

    The one rate behind every page, file, API answer and sentence, so that they can
    never disagree in the last decimal."""
    if part is None or whole is None:
        return None
    total = _to_fraction(whole)
    if total == 0:
        return None
    ratio = _to_fraction(part) * 100 / total
    scaled = math.floor(abs(ratio) * 10**places + Fraction(1, 2))
    return Decimal(-scaled if ratio < 0 else scaled).scaleb(-places)


def format_percent(part: Number | None, whole: Number | None = None, places: int = 2) -> str:
    """Percentage with exactly ``places`` decimals.

    ``format_percent(35599, 35900) == "99,16%"`` (part of whole, "—" when whole is 0);
    ``format_percent(99.164) == "99,16%"`` (part already in percent units).
    """
    if part is None:
        return ""
    if whole is not None:
        value = percent(part, whole, places)
        return NOT_APPLICABLE if value is None else _fixed(Fraction(value), places) + "%"
    return _fixed(_to_fraction(part), places) + "%"


def format_ratio(part: Number | None, whole: Number | None) -> str:
    """ "35.599/35.900"; "" if either side is missing."""
    if part is None or whole is None:
        return ""
    return f"{format_int(part)}/{format_int(whole)}"


def parse_date(value: str | date | datetime | None) -> date:
    """Read "dd/mm/yyyy" (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or ISO "yyyy-mm-dd".

    Raises ``ValueError`` with a Vietnamese message for anything else, including
    impossible dates such as 31/02/2020 and two-digit years.
    """
    if isinstance(value, datetime):
        return _local(value).date()
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        raise ValueError("Chưa nhập ngày (định dạng dd/mm/yyyy).")
    if match := _DMY.fullmatch(text):
        day, _, month, year = match.groups()
    elif match := _ISO.fullmatch(text):
        year, month, day = match.groups()
    elif _SHORT_YEAR.fullmatch(text):
        raise ValueError(f'Ngày "{text}" không hợp lệ: năm phải ghi đủ 4 chữ số (dd/mm/yyyy).')
    else:
        raise ValueError(f'Ngày "{text}" không hợp lệ (định dạng dd/mm/yyyy).')
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f'Ngày "{text}" không hợp lệ (định dạng dd/mm/yyyy).') from None
