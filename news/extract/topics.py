"""Topics (*chuyên đề*) presented at the conference, by their titles as written.

A topic is a title that the text calls a *chuyên đề*: 'chuyên đề “Chiến lược bảo vệ Tổ
quốc trong tình hình mới”', 'truyền đạt chuyên đề: "…"', 'chuyên đề về "…"', a list
'các chuyên đề: “A”, “B” và “C”', or a numbered 'Chuyên đề 2: Tiếp tục …'. Other quoted
strings are not topics: idioms ("đầu voi đuôi chuột"), a congress's theme (*chủ đề*), the
title of a resolution or directive quoted after its symbol.
"""

import re

from vn.text import fold, normalize

_QUOTED = r"[“\"«‘](?P<title>[^“”\"«»‘’\n]{3,400})[”\"»’]"
# Between "chuyên đề" and the opening quote: a number, a year, a few linking words.
_LEAD_IN = (
    r"\s*(?:(?:số\s*)?\d+\s*)?(?:năm\s+\d{4}\s*)?[:\-–]?\s*"
    r"(?:(?:về|với nội dung|có tên|mang tên|với tên|với tiêu đề|với chủ đề|nội dung)\s*)?"
    r"[:\-–]?\s*"
)
_FIRST = re.compile(rf"(?<!\w)chuyên đề{_LEAD_IN}{_QUOTED}", re.IGNORECASE)
# The next title of the same list: '“A”; chuyên đề “B”', '“A”, “B” và “C”'.
_NEXT = re.compile(
    rf"\s*(?:[,;]|và|,\s*và)\s*(?:(?:các\s+)?chuyên đề{_LEAD_IN})?{_QUOTED}", re.IGNORECASE
)
# "Chuyên đề 1: Tiếp tục đổi mới …" up to the end of the clause or the reporter ("do …").
_NUMBERED = re.compile(
    r"(?<!\w)chuyên đề\s+(?:số\s*)?(?:\d+|[IVX]+)\s*[:.\-–]\s*"
    r"(?P<title>[^\W\d_][^“”\"«»\n;:.()]{10,300}?)(?=\s*(?:[;:.\n()]|$|\s(?:do|của) ))",
    re.IGNORECASE,
)
_STRIP = " \t.,;:!?…-–—\"'“”‘’«»"
_LEAST_WORDS = 3


def _clean(title: str) -> str:
    return normalize(title).strip(_STRIP)


def topics(text: str) -> list[str]:
    """Topic titles in order of first mention, each once."""
    found: list[tuple[int, str]] = []
    for match in _FIRST.finditer(text):
        found.append((match.start("title"), match["title"]))
        position = match.end()
        while following := _NEXT.match(text, position):
            found.append((following.start("title"), following["title"]))
            position = following.end()
    for match in _NUMBERED.finditer(text):
        if match["title"][0].isupper():
            found.append((match.start("title"), match["title"]))
    out: list[str] = []
    seen: set[str] = set()
    for _, title in sorted(found):
        title = _clean(title)
        key = fold(title)
        if len(title.split()) >= _LEAST_WORDS and key not in seen:
            seen.add(key)
            out.append(title)
    return out
