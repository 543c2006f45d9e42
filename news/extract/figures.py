"""How many bridge points and how many people: "kết nối trực tuyến đến 14 điểm cầu với
trên gần 300 đại biểu", "1.200 cán bộ, đảng viên", "45/47 đảng viên tham dự".

Vietnamese writes thousands with a dot ("1.200") and decimals with a comma ("1,44 triệu").
Qualifiers ("gần", "hơn", "trên", "khoảng") are dropped: "gần 300" is 300. When an article
gives several counts (the whole conference and one bridge point), the largest is the
conference's.
"""

import re

from .page import Page

# At most nine digits: a longer run of digits is no head count (and int() refuses huge ones).
_NUMBER = r"(?P<num>\d{1,3}(?:\.\d{3}){1,2}|\d{1,9}(?:,\d{1,3})?)(?![\d.])"
_MULTIPLIER = {"triệu": 1_000_000, "nghìn": 1_000, "ngàn": 1_000}
_PEOPLE = (
    r"đại biểu|đảng viên|cán bộ|người|đồng chí|học viên|hội viên|công chức|viên chức|"
    r"đoàn viên|quần chúng|cựu chiến binh|chiến sĩ|sĩ quan|giáo viên|người lao động"
)
# Not after a digit, a separator, a slash ("45/47": 47 is the total) or a per cent sign.
_BEFORE = r"(?<![\w.,/%])"
# "gần 300", "hơn 1.200", "khoảng 50": the count is approximate, and pages say so.
QUALIFIERS = ("gần", "hơn", "trên", "khoảng", "xấp xỉ", "gần như", "hàng", "ước")
_QUALIFIER = re.compile(
    r"(?<!\w)(?P<q>" + "|".join(sorted(QUALIFIERS, key=len, reverse=True)) + r")\s*$",
    re.IGNORECASE,
)
_ATTENDEES = re.compile(
    rf"{_BEFORE}{_NUMBER}(?:\s*/\s*\d{{1,3}}(?:\.\d{{3}})*)?"
    rf"(?:\s+(?P<mult>triệu|nghìn|ngàn))?\s+(?:lượt\s+)?(?:{_PEOPLE})(?![^\W_])",
    re.IGNORECASE,
)
_BRIDGES = re.compile(rf"{_BEFORE}{_NUMBER}\s+điểm\s+cầu(?![^\W_])", re.IGNORECASE)
# A count of people is an attendance only in a sentence about the conference; "Đảng bộ
# có 320 đảng viên" is the roll, not the room.
_ATTENDANCE = re.compile(
    r"(?<!\w)(?:dự|tham dự|tham gia|có mặt|hội nghị|điểm cầu|lớp|khai giảng|học tập|"
    r"quán triệt)(?!\w)",
    re.IGNORECASE,
)
_MOST_PEOPLE = 10_000_000
_MOST_BRIDGES = 100_000


def _value(number: str, multiplier: str | None) -> int | None:
    if multiplier:
        return round(
            float(number.replace(".", "").replace(",", ".")) * _MULTIPLIER[multiplier.lower()]
        )
    if "," in number:
        return None  # "1,5 người" is no head count
    return int(number.replace(".", ""))


def _lines(page: Page) -> list[str]:
    return [page.title, *page.sentences] if page.title else list(page.sentences)


def attendees_as_written(page: Page) -> tuple[int | None, str]:
    """The head count and the word that made it approximate ("gần"), or ""."""
    found = [
        (value, _qualifier(sentence, match.start()))
        for sentence in _lines(page)
        if _ATTENDANCE.search(sentence)
        for match in _ATTENDEES.finditer(sentence)
        if (value := _value(match["num"], match["mult"])) and value <= _MOST_PEOPLE
    ]
    return max(found, key=lambda item: item[0], default=(None, ""))


def _qualifier(sentence: str, start: int) -> str:
    found = _QUALIFIER.search(sentence, max(0, start - 12), start)
    return found["q"].lower() if found else ""


def attendees(page: Page) -> int | None:
    return attendees_as_written(page)[0]


def bridge_points(page: Page) -> int | None:
    found = [
        value
        for sentence in _lines(page)
        for match in _BRIDGES.finditer(sentence)
        if (value := _value(match["num"], None)) and value <= _MOST_BRIDGES
    ]
    return max(found, default=None)
