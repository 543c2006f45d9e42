"""A pasted news page as the extractor reads it: title, publication date and body lines.

Officers paste whatever their browser gives them: the article alone, the article with the
site's furniture around it ("Xem cỡ chữ", "Lượt xem: 787", share buttons, visitor
counters, related headlines), or the page's HTML. This module keeps the article and throws
the furniture away, so that a headline under "Tin liên quan" never lends the article its
date or its resolutions.
"""

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from html import unescape
from html.parser import HTMLParser

from vn.text import fold_aligned, normalize

# An article is a few thousand characters; a long one 20,000. Everything beyond these
# caps is furniture or a mistaken paste, and reading it would only cost time.
MAX_TEXT = 100_000
MAX_HTML = 1_000_000

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_LINE_BREAK = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
# "T.W" and "T.Ư" are typed for TW (Trung ương) in "Ban Chấp hành T.W Đảng".
_DOTTED_TW = re.compile(r"(?<![\w.])T\.\s?([WƯ])(?!\w)")

_HTML_TAG = re.compile(
    r"<(?:!doctype|html|head|body|div|p|br|span|a|h[1-6]|article|section|table|tr|td|ul|ol|"
    r"li|meta|script|style|strong|em|b|i|img|figure|header|main|nav)\b[^<>]{0,2000}>",
    re.IGNORECASE,
)

# Whole lines of page furniture, matched on the folded line (no diacritics, lower case).
_FURNITURE = re.compile(
    r"^(?:xem (?:voi )?co chu|co chu|doc bai viet|nghe (?:doc )?bai|in bai viet|in trang|"
    r"ban in|gui email|gui bai viet|chia se|share|tweet|facebook|zalo|image banner|"
    r"tin noi bat|trang chu|quay lai|ve dau trang|len dau trang|sao chep lien ket|"
    r"copy link|bookmark|luot xem)\b"
    # visitor counters: "Đang online: 2", "Hôm nay: 21", "Tất cả: 1878564"
    r"|^(?:dang online|dang truy cap|hom nay|hom qua|trong tuan|tuan nay|trong thang|"
    r"thang nay|tat ca|tong so|tong luot truy cap|luot truy cap|truy cap)\s*:?\s*[\d.,\s]*$"
)
_FURNITURE_WORDS = 12  # a body sentence that mentions "chia sẻ" is longer than this

# Headings after which the page lists other articles, counters or comments.
_TAIL = re.compile(
    r"^(?:tin lien quan|cac tin (?:khac|da dua|lien quan|cung chuyen muc|moi)|tin khac|"
    r"tin cung chuyen muc|tin moi(?: nhat| hon)?|tin da dua|bai viet (?:lien quan|khac|"
    r"cung chuyen muc)|cac bai viet (?:khac|lien quan)|xem them|doc them|thong ke truy cap|"
    r"lien ket website|y kien ban doc|binh luan|gui y kien|gui binh luan|tu khoa|tags?|"
    r"ban quyen|tin xem nhieu|tin doc nhieu|tin tieu diem)\b"
)
_TAIL_WORDS = 8
_BODY_WORDS = 15  # a line this long is article text: headings below it may end the article

# A publication line: "27/12/2023", "Ngày đăng 10/05/2024 | 16:21 | Lượt xem: 503",
# "Thứ Năm, 21/12/2023 09:15 (GMT+7)", "Cập nhật lúc 10:20 ngày 21 tháng 12 năm 2023".
_FULL_DATE = re.compile(
    r"(?<![\w/.\-])(?P<d>\d{1,2})\s*(?P<sep>[/.\-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*"
    r"(?P<y>\d{4})(?!\d)"
    r"|ngày\s+(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4})",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})")
_PUBLICATION_WORDS = re.compile(
    r"(?<!\w)(?:ngày đăng|đăng ngày|ngày cập nhật|cập nhật|đăng lúc|ngày xuất bản|xuất bản|"
    r"thời gian|ngày|lúc|thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ nhật|"
    r"lượt xem\s*:?\s*[\d.,]*|gmt\s*[+\-]?\s*\d*|sáng|chiều|tối|am|pm|"
    r"\d{1,2}\s*(?::|h|giờ)\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*phút)?)(?!\w)",
    re.IGNORECASE,
)
_PUBLICATION_LINE_WORDS = 16
_YEARS = range(1945, 2100)

# Abbreviations whose full stop does not end a sentence: "TP. Hà Nội", "ThS. Nguyễn".
_ABBREVIATIONS = frozenset({
    "tp", "tx", "tt", "tp.hcm", "ts", "ths", "pgs", "gs", "bs", "ks", "cn", "th", "đ/c", "đc",
    "ông", "bà", "st", "v.v"
})  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)]*\s+")


@dataclass(frozen=True)
class Page:
    """The article: its title (may be empty), body lines and publication date."""

    title: str
    body: tuple[str, ...]
    published: dt.date | None = None

    @cached_property
    def text(self) -> str:
        """Title and body, one line each, as the field readers search them."""
        return "\n".join(filter(None, (self.title, *self.body)))

    @cached_property
    def folded(self) -> str:
        """``text`` without diacritics, in lower case, one character for one."""
        return fold_aligned(self.text)

    @cached_property
    def sentences(self) -> tuple[str, ...]:
        """Body sentences in order; a line without a full stop is one sentence."""
        return tuple(s for line in self.body for s in split_sentences(line))


def split_sentences(line: str) -> list[str]:
    out, start = [], 0
    for match in _SENTENCE_END.finditer(line):
        following = line[match.end() : match.end() + 2].lstrip('"“‘(')
        if not following or not (following[0].isupper() or following[0].isdigit()):
            continue
        words = line[start : match.start() + 1].split()
        last = words[-1].rstrip(".").lower() if words else ""
        # "TP. Hà Nội", "N. V. A.": an abbreviation or an initial, not an end.
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        out.append(line[start : match.end()].strip())
        start = match.end()
    if line[start:].strip():
        out.append(line[start:].strip())
    return out


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value[: MAX_HTML * 4]).decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)


def _date(year: int, month: int, day: int) -> dt.date | None:
    if year not in _YEARS:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _date_in(text: str) -> dt.date | None:
    """The first full date written in ``text`` ("21/12/2023", ISO "2023-12-21T…")."""
    if match := _FULL_DATE.search(text):
        if match["d"]:
            return _date(int(match["y"]), int(match["m"]), int(match["d"]))
        return _date(int(match["y2"]), int(match["m2"]), int(match["d2"]))
    if match := _ISO_DATE.search(text):
        return _date(int(match[1]), int(match[2]), int(match[3]))
    return None


def _publication_date(line: str) -> dt.date | None:
    """The date of a short line that holds nothing but a date, a time and labels."""
    if len(line.split()) > _PUBLICATION_LINE_WORDS or not _FULL_DATE.search(line):
        return None
    rest = _PUBLICATION_WORDS.sub(" ", _FULL_DATE.sub(" ", line))
    words = [w for w in re.split(r"[\s|,:()\[\]\-–/•]+", rest) if w]
    return _date_in(line) if len(words) <= 3 else None


# --- HTML ----------------------------------------------------------------------------------

_SKIPPED = frozenset({
    "script", "style", "noscript", "template", "svg", "iframe", "nav", "footer", "aside",
    "form", "select", "button", "head", "object", "canvas", "map"
})  # fmt: skip
_BLOCKS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "blockquote", "figure", "figcaption", "dd", "dt", "dl",
    "hr", "main", "pre", "td", "th", "caption", "address"
})  # fmt: skip
_PUBLISHED_META = frozenset({
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "published_time", "dc.date", "dc.date.issued", "date"
})  # fmt: skip
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')


class _HtmlText(HTMLParser):
    """Text of a page with one line per block, without scripts, menus and footers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.published: dt.date | None = None
        self.time_published: dt.date | None = None
        self.heading: str | None = None
        self._heading_parts: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            names = {(value or "").lower() for key, value in attrs if key != "content"}
            content = dict(attrs).get("content") or ""
            if self.published is None and names & _PUBLISHED_META:
                self.published = _date_in(content)
            return
        if tag == "time" and self.time_published is None:
            self.time_published = _date_in(dict(attrs).get("datetime") or "")
        if tag == "body":
            self.skipping = 0  # an unclosed <head> must not hide the page
        if tag in _SKIPPED:
            self.skipping += 1
            return
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "h1" and self.heading is None and not self.skipping:
            self._heading_parts = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "h1" and self._heading_parts is not None:
            self.heading = normalize("".join(self._heading_parts)) or None
            self._heading_parts = None

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        self.parts.append(data)
        if self._heading_parts is not None:
            self._heading_parts.append(data)


_SCRIPT_OPENS = re.compile(r"<(script|style|noscript)\b", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]{0,2000}>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.IGNORECASE)


def _tags_stripped(markup: str) -> str:
    """Text of markup that the parser could not read, in one pass: scripts and styles
    dropped up to their closing tag (to the end when unclosed), other tags replaced by
    line breaks."""
    lower = markup.lower()
    parts, position = [], 0
    while match := _SCRIPT_OPENS.search(markup, position):
        parts.append(markup[position : match.start()])
        close = lower.find(f"</{match[1].lower()}", match.end())
        position = len(markup) if close < 0 else close + 2
    parts.append(markup[position:])
    return unescape(_ANY_TAG.sub("\n", "".join(parts)))


def _html_text(markup: str) -> tuple[str, dt.date | None, str | None]:
    """Text, publication date and first ``<h1>`` of an HTML page."""
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    published = parser.published or parser.time_published
    if published is None and (match := _JSON_LD_DATE.search(markup)):
        published = _date_in(match[1])
    if len(text.split()) < 20 < len(markup.split()):
        # The page never closed a <nav> or <form> before its article: strip tags instead.
        text = _tags_stripped(markup)
    return text, published, parser.heading


# --- the page ------------------------------------------------------------------------------


def _clean_line(line: str) -> str:
    return _DOTTED_TW.sub(r"T\1", normalize(line))


def _is_title(line: str) -> bool:
    words = len(line.split())
    # A long line that ends with a full stop is the first paragraph: no title was pasted.
    return 4 <= words <= 60 and not (line.endswith(".") and words >= 25)


def read_page(value: object) -> Page:
    """The article in a paste: plain text or HTML, of any size (only the start is read)."""
    text = _as_text(value)
    published: dt.date | None = None
    heading: str | None = None
    if _HTML_TAG.search(text, 0, MAX_HTML):
        text, published, heading = _html_text(text[:MAX_HTML])
    elif _ENTITY.search(text, 0, MAX_TEXT):
        text = unescape(text[:MAX_TEXT])  # "&ldquo;" copied from a page's source
    text = text[:MAX_TEXT].translate(_INVISIBLE)

    kept: list[str] = []
    in_body = False
    for raw in _LINE_BREAK.sub("\n", text).split("\n"):
        line = _clean_line(raw)
        if not line or not any(ch.isalnum() for ch in line):
            continue
        words = len(line.split())
        folded = fold_aligned(line) if words <= _FURNITURE_WORDS else ""
        if folded and _FURNITURE.search(folded) and not _publication_date(line):
            continue
        if in_body and words <= _TAIL_WORDS and _TAIL.search(folded):
            break
        if words <= _PUBLICATION_LINE_WORDS and (day := _publication_date(line)):
            published = published or day
            continue
        kept.append(line)
        in_body = in_body or words >= _BODY_WORDS

    # The title is the page's <h1>, or else the first line shaped like one; what comes
    # before it is the site's header and menus.
    start = None
    if heading:
        wanted = fold_aligned(heading)
        start = next((i for i, line in enumerate(kept) if fold_aligned(line) == wanted), None)
    if start is None:
        start = next((i for i, line in enumerate(kept) if _is_title(line)), None)
    if start is None:
        return Page("", tuple(kept), published)
    return Page(kept[start], tuple(kept[start + 1 :]), published)
