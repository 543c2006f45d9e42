"""The day of the event and, when the lead leaves it out, its year.

The lead of a unit's article dates the event: "Chiều ngày 27/12/2023, …", "Ngày 4/12, …",
"Sáng 18-12, …". The year is often left out; it is then read, in this order, from the
page's publication date, or from the other times the article mentions: documents of the
same study round ("Công văn số 1726-CV/BTGTU, ngày 01/12/2023"), months ("tháng 12/2023")
and years of work ("6 tháng đầu năm 2021"). Horizons ("đến năm 2030", "nhiệm kỳ
2020-2025") say nothing about when the article was written and are not read.
"""

import datetime as dt
import re
from dataclasses import dataclass

from documents.symbols import find_symbols
from vn.text import fold_aligned

from .page import Page

# "27/12/2023", "18-12", "4/12", "18.12.2023", a range's first day ("11-13/10", "18 và
# 19/12", "4 đến ngày 8/3/2024"), and "ngày 4 tháng 12 năm 2023".
_DAY = re.compile(
    r"(?<![\w/.,\-])(?P<d>\d{1,2})(?:\s*(?:-|–|và|đến|tới)\s*(?:ngày\s+)?\d{1,2}(?=\s*/))?"
    r"\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})(?:\s*(?P=sep)\s*(?P<y>\d{4}))?(?![\w/]|[.\-,]\d)"
    r"|(?:ngày\s+(?:mùng|mồng)?|mùng|mồng)\s*(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})(?:\s*(?:năm|,)\s*(?P<y2>\d{4}))?",
    re.IGNORECASE,
)
_MONTH = re.compile(r"tháng\s+(?P<m>\d{1,2})\s*(?:/|-|năm)\s*(?P<y>\d{4})(?!\d)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\w)năm\s+(?P<y>\d{4})(?!\d)(?!\s*[-–]\s*\d{4})", re.IGNORECASE)
# Words before a year that make it a horizon or a span, not the time of writing.
_HORIZON = re.compile(r"(?<!\w)(?:den|toi|tam nhin|giai doan|nhiem ky|tu|truoc|sau|ke tu)\s*$")
# "6/6 chi bộ", "1/3 số đảng viên": a fraction of something counted, not a day.
_COUNTED = re.compile(
    r"\s*(?:số|chi bộ|đảng bộ|đảng viên|đơn vị|cơ quan|xã|phường|điểm|tổ|người|cán bộ|"
    r"đại biểu|học viên|bài|lượt|%)",
    re.IGNORECASE,
)
# Before a date without a year written with dashes ("Sáng 18-12"), one of these.
_DASH_DATE_CUE = re.compile(
    r"(?:ngày|sáng|chiều|tối|trưa|nay|\(|thứ\s+\w+\s*,?)\s*$", re.IGNORECASE
)
# A deadline or a document's date is not the day of the event. ("tới" is left out: folded,
# it is also "tối", the evening of the event.)
_DEADLINE = re.compile(r"(?<!\w)(?:truoc|den|han|cham nhat|het)\s*(?:ngay)?\s*$")
_DOCUMENT_GAP = re.compile(
    r"\s*,?\s*(?:(?:được\s+)?(?:ban hành|ký|phát hành)\s+)?(?:vào\s+)?(?:ngày\s*)?",
    re.IGNORECASE,
)
_EVENT_WORDS = re.compile(
    r"hoi nghi|to chuc|(?<!\w)lop(?!\w)|(?<!\w)buoi(?!\w)|dien ra|khai mac|tham du|"
    r"(?<!\w)du(?!\w)|hoc tap|quan triet|ket noi|truc tuyen"
)
_TODAY = re.compile(r"^(?P<part>sáng|chiều|tối|trưa|hôm)\s+nay\b", re.IGNORECASE)
# The part of the day written before the date: "Chiều ngày 27/12", "sáng thứ Hai, 18-12",
# "vào tối 18/12". Leads rarely give the hour, and an invented hour would read as a fact.
PARTS_OF_DAY = {"sáng": "morning", "trưa": "noon", "chiều": "afternoon", "tối": "evening"}
_PART_BEFORE = re.compile(
    r"(?<!\w)(?P<part>sáng|trưa|chiều|tối)\s*,?\s*(?:(?:thứ\s+\w+|chủ\s+nhật)\s*,?\s*)?"
    r"(?:ngày\s*)?(?:mùng\s*|mồng\s*)?\(?\s*$",
    re.IGNORECASE,
)
_LEAD_SENTENCES = 15
_WEEKDAYS = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5, "chu nhat": 6}
_WEEKDAY = re.compile(
    r"^(?:(?:vào\s+)?(?P<part>sáng|trưa|chiều|tối)\s+)?(?:thứ\s+(?P<day>hai|ba|tư|năm|sáu|bảy)|"
    r"(?P<sunday>chủ nhật))(?:\s+(?:vừa qua|tuần qua|tuần trước|vừa rồi))?\s*[,(]",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Day:
    """A day written in the text; ``year`` is None when the writer left it out."""

    day: int
    month: int
    year: int | None
    start: int
    end: int

    def valid(self) -> bool:
        # 29 February is checked against a leap year when the year is unknown.
        return _make(self.year or 2024, self.month, self.day) is not None


@dataclass(frozen=True, slots=True)
class Event:
    date: dt.date | None
    sentence: int | None  # index in Page.sentences of the lead that dated it
    part: str | None = None  # a key of PARTS_OF_DAY's values ("afternoon"), when written
    # Where the year came from: "written", "published" (the page's date), "mentions" (the
    # other times the article names), "today" ("Sáng nay" on the day of publication) or
    # "weekday" ("thứ Hai vừa qua", counted back from the day of publication).
    year_from: str | None = None
    time: dt.time | None = None  # the hour, when the lead gives it ("lúc 14 giờ 30")


# "lúc 14 giờ 30", "14h30", "8 giờ", "vào lúc 7h30 sáng": an hour written in the lead.
_HOUR = re.compile(
    r"(?<![\w/.:])(?P<h>[01]?\d|2[0-3])\s*(?:giờ|h|g)\s*(?P<m>[0-5]\d)?(?:\s*phút)?(?![\w/])",
    re.IGNORECASE,
)
_HOUR_CUE = re.compile(r"(?:lúc|vào|từ|khai mạc)\s*$", re.IGNORECASE)
_AFTERNOON_WORDS = ("chiều", "tối")


def hour_in(sentence: str, part: str | None) -> dt.time | None:
    """The hour the sentence gives, read as the 24-hour clock ("2 giờ chiều" is 14:00)."""
    for match in _HOUR.finditer(sentence):
        before = sentence[max(0, match.start() - 12) : match.start()]
        if not _HOUR_CUE.search(before) and sentence[: match.start()].strip():
            continue
        hour, minute = int(match["h"]), int(match["m"] or 0)
        after = sentence[match.end() : match.end() + 8].lower()
        if hour < 12 and (part in ("afternoon", "evening") or after.startswith(_AFTERNOON_WORDS)):
            hour += 12
        return dt.time(hour, minute)
    return None


def _make(year: int, month: int, day: int) -> dt.date | None:
    if not 1945 <= year <= 2099:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def days_in(text: str) -> list[Day]:
    """Every day written in ``text`` that can be a calendar day."""
    found = []
    for match in _DAY.finditer(text):
        if match["d"]:
            day, month = int(match["d"]), int(match["m"])
            year = int(match["y"]) if match["y"] else None
            if year is None:
                if match["sep"] == ".":
                    continue  # "1.12" is a decimal; dotted days always carry the year
                if match["sep"] == "-" and not _DASH_DATE_CUE.search(text, 0, match.start()):
                    continue  # "6-7 người" is a range
                if _COUNTED.match(text, match.end()):
                    continue
        else:
            day, month = int(match["d2"]), int(match["m2"])
            year = int(match["y2"]) if match["y2"] else None
        item = Day(day, month, year, match.start(), match.end())
        if item.valid():
            found.append(item)
    return found


def _event_days(sentence: str) -> list[Day]:
    """Days of ``sentence`` that may date the event: not a document's, not a deadline."""
    days = days_in(sentence)
    if not days:
        return []
    symbol_ends = [m.end for m in find_symbols(sentence)]
    kept = []
    for day in days:
        before = sentence[max(0, day.start - 40) : day.start]
        if _DEADLINE.search(fold_aligned(before)):
            continue
        if any(
            0 <= day.start - end <= 40 and _DOCUMENT_GAP.fullmatch(sentence[end : day.start])
            for end in symbol_ends
        ):
            continue
        kept.append(day)
    return kept


def _anchors(text: str) -> list[tuple[dt.date, dt.date]]:
    """Times the article mentions, as (first day, last day) spans."""
    spans = []
    for day in days_in(text):
        if day.year is not None:
            date = _make(day.year, day.month, day.day)
            if date:
                spans.append((date, date))
    for match in _MONTH.finditer(text):
        year, month = int(match["y"]), int(match["m"])
        if first := _make(year, month, 1):
            following = _make(year + month // 12, month % 12 + 1, 1)
            spans.append((first, (following or first) - dt.timedelta(days=1)))
    for match in _YEAR.finditer(text):
        if _HORIZON.search(fold_aligned(text[max(0, match.start() - 20) : match.start()])):
            continue
        year = int(match["y"])
        if (first := _make(year, 1, 1)) and (last := _make(year, 12, 31)):
            spans.append((first, last))
    return spans


def infer_year(month: int, day: int, *, published: dt.date | None, text: str) -> int | None:
    """The year of a day written without one, or None when nothing tells."""
    if published is not None:
        # Published on the day or soon after; a week's grace for announcements.
        same = _make(published.year, month, day)
        if same is not None and same <= published + dt.timedelta(days=7):
            return published.year
        return published.year - 1 if _make(published.year - 1, month, day) else None
    spans = _anchors(text)
    if not spans:
        return None
    # Older mentions are history ("thành lập năm 1930"); keep the latest two years.
    latest = max(last.year for _, last in spans)
    spans = [(a, b) for a, b in spans if b.year >= latest - 2]
    candidates = {y for a, _ in spans for y in range(a.year - 1, a.year + 2)}

    def distance(date: dt.date, span: tuple[dt.date, dt.date]) -> int:
        first, last = span
        return max((first - date).days, (date - last).days, 0)

    best = None
    for year in sorted(candidates):
        date = _make(year, month, day)
        if date is None:
            continue
        gaps = [distance(date, span) for span in spans]
        # Nearest mention first; then the most mentions it falls in; then, between a year
        # of work and the next one ("tổng kết năm 2023, nhiệm vụ năm 2024"), the earlier
        # one for a day in the second half of the year and the later one otherwise.
        key = (min(gaps), -gaps.count(0), year if month >= 7 else -year)
        if best is None or key < best[0]:
            best = (key, year)
    return best[1] if best else None


def _part_of_day(word: str | None) -> str | None:
    return PARTS_OF_DAY.get(word.lower()) if word else None


def find_event(page: Page) -> Event:
    """The day of the event, from the lead (or the title), with its year resolved and the
    part of the day when the lead names it."""
    found: tuple[Day, int | None, str] | None = None
    for index, sentence in enumerate(page.sentences[:_LEAD_SENTENCES]):
        if not _EVENT_WORDS.search(fold_aligned(sentence)):
            continue
        if days := _event_days(sentence):
            found = (days[0], index, sentence)
            break
    if found is None and (days := _event_days(page.title)):
        found = (days[0], None, page.title)
    if found is None:
        # "Sáng nay, …" on the day of publication.
        for index, sentence in enumerate(page.sentences[:3]):
            if (today := _TODAY.match(sentence)) and page.published:
                part = _part_of_day(today["part"])
                return Event(page.published, index, part, "today", hour_in(sentence, part))
        # "Sáng thứ Hai vừa qua, …": the last such weekday up to the day of publication.
        leads = [*enumerate(page.sentences[:3]), (None, page.title)]
        for index, sentence in leads:
            if (named := _WEEKDAY.search(sentence)) and page.published:
                name = fold_aligned(named["day"]).lower() if named["day"] else "chu nhat"
                back = (page.published.weekday() - _WEEKDAYS[name]) % 7
                part = _part_of_day(named["part"])
                day = page.published - dt.timedelta(days=back)
                return Event(day, index, part, "weekday", hour_in(sentence, part))
        return Event(None, None)
    day, index, sentence = found
    year, year_from = day.year, "written"
    if year is None:
        year = infer_year(day.month, day.day, published=page.published, text=page.text)
        year_from = "published" if page.published else "mentions"
    written = _PART_BEFORE.search(sentence, 0, day.start)
    date = _make(year, day.month, day.day) if year else None
    if date is None:
        return Event(None, index)
    part = _part_of_day(written["part"]) if written else None
    return Event(date, index, part, year_from, hour_in(sentence, part))
