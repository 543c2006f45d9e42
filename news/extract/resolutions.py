"""Resolutions named without a number: plenums and congresses.

Plenum resolutions ("Nghị quyết Hội nghị lần thứ tám Ban Chấp hành Trung ương Đảng khoá
XIII") are read by :func:`documents.names.find_named_resolutions` and written with its
labels ("NQ TW8 khóa XIII"). That reader does not check where the plenum's number ends, so
"các Nghị quyết Trung ương ban hành" reads as plenum 3 ("ba"), "Nghị quyết Trung ương năm
2023" as plenum 5 and "Nghị quyết TW về …" as plenum 5 ("v"). Here each mention is first
found with the number's end checked, then only that span is handed to the reader.

Around the reader's result:

- a mention without the term ("Nghị quyết Trung ương 8") is the same resolution as a
  mention of plenum 8 with a term in the same article, and is not listed again;
- terms I–V (1935–1986) are typos for XI–XV ("khóa III" for "khóa XIII") as long as that
  term had begun by the article's year: nobody studies those plenums in a conference now.

Congress resolutions ("Nghị quyết Đại hội Đại biểu Đảng bộ TP Hà Nội lần thứ XVII") are
written "NQ Đại hội Đảng bộ TP Hà Nội XVII"; the national congress is "NQ Đại hội Đảng toàn
quốc XIII". A "Nghị quyết Đại hội" without the congress's number is too vague to list.
"""

import re
import unicodedata

from documents.names import find_named_resolutions, roman
from vn.text import fold

# The term in progress when the year is unknown: XIV, 2026–2031.
LATEST_TERM = 14
_TERM_VI_YEAR = 1986  # terms last five years since the VI congress


def term_of_year(year: int) -> int:
    return 6 + (year - _TERM_VI_YEAR) // 5 if year >= _TERM_VI_YEAR else 5


class _PlainTable(dict):
    """`str.translate` table dropping diacritics but keeping case, one char for one."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in "đĐ":
            plain = "d" if ch == "đ" else "D"
        else:
            base = unicodedata.normalize("NFD", ch)[:1]
            plain = base if len(base) == 1 and base.isascii() and code > 127 else ch
        self[code] = plain
        return plain


_PLAIN = _PlainTable()

_ORDINAL = (
    "muoi mot|muoi hai|muoi ba|muoi bon|muoi lam|nhat|mot|hai|ba|tu|bon|nam|sau|bay|tam|chin|muoi"
)
# The number ends where the word ends: "ba" is not the start of "ban hành", and "năm 2023"
# is a year, not plenum five.
_NUMBER = rf"(?:\d{{1,2}}|[ivxl]{{1,7}}|{_ORDINAL})(?![^\W_])(?!\s+\d{{4}})"
_TERM = rf"(?:[\s,(]*khoa\s+(?:\d{{1,2}}|[ivxl]{{1,7}}|{_ORDINAL})(?![^\W_]))?"
_CENTRAL = r"(?:trung uong|tw|tu)"
_COMMITTEE = r"(?:ban chap hanh|bch)"
_PLENUM = re.compile(
    rf"(?<![^\W_])(?:nghi quyet|nq)\s*(?:cua\s+)?(?:hoi nghi\s+)?(?:{_COMMITTEE}\s+)?"
    rf"{_CENTRAL}\s*(?:dang\s+)?(?:lan thu\s+|lan\s+)?{_NUMBER}{_TERM}"
    rf"|(?<![^\W_])(?:nghi quyet|nq)\s+hoi nghi\s+(?:lan thu\s+)?{_NUMBER}\s+(?:cua\s+)?"
    rf"{_COMMITTEE}\s+{_CENTRAL}(?:\s+dang)?(?:\s+cong san viet nam)?{_TERM}",
    re.IGNORECASE,
)
# The plenum reader spells the committee out in full ("Ban Chấp hành Trung ương") after
# the plenum's number; "BCH TW" and "Ban Chấp hành TW" are written out for it.
_COMMITTEE_SHORT = re.compile(rf"\b{_COMMITTEE}\s+{_CENTRAL}\b", re.IGNORECASE)

_CONGRESS_NUMBER = (
    rf"(?:lan thu\s+(?P<n1>\d{{1,2}}|[ivxl]{{1,7}}|{_ORDINAL})|(?-i:(?P<n2>[IVXL]{{1,7}})))"
    r"(?![^\W_])"
)
_NAME = r"(?:[^\W\d_]+\.?\s+){0,10}?"
_CONGRESS = re.compile(
    r"(?<![^\W_])(?:nghi quyet|nq)\s+dai hoi\s+(?:dai bieu\s+)?"
    rf"(?P<head>{_NAME}){_CONGRESS_NUMBER}",
    re.IGNORECASE,
)
# After the number: "(nhiệm kỳ 2020-2025) Đảng bộ thành phố Hà Nội", "của Đảng".
_CONGRESS_TAIL = re.compile(
    r"\s*(?:\(\s*nhiem ky[^()\n]{0,30}\)|,?\s*nhiem ky\s+\d{4}\s*[-–]\s*\d{4})?\s*,?\s*"
    r"(?:cua\s+)?(?:(?P<body>(?:dang|chi) bo)(?![^\W_])|(?P<nation>dang|toan quoc)(?![^\W_]))",
    re.IGNORECASE,
)
# A congress met elsewhere in the text lends its body to a bare "Nghị quyết Đại hội XVII".
_CONGRESS_MET = re.compile(
    r"(?<![^\W_])dai hoi\s+(?:dai bieu\s+)?(?P<body>(?:dang|chi) bo)\s+"
    rf"{_NAME}{_CONGRESS_NUMBER}",
    re.IGNORECASE,
)
_NATIONAL_HEADS = frozenset({"toan quoc", "dang toan quoc", "dang", "dang cong san viet nam"})
# Lower-case words that belong to a Party organisation's name ("Đảng bộ Khối các cơ quan
# tỉnh"); any other lower-case word ends it.
_NAME_WORDS = frozenset({
    "tinh", "thanh", "pho", "tp", "quan", "huyen", "thi", "xa", "phuong", "tran", "khoi", "va",
    "cac", "co", "doanh", "nghiep", "truc", "thuoc", "trung", "uong"
})  # fmt: skip
_NAME_END = re.compile(r"[IVXL]+|\d+")
_CITY = re.compile(r"(?<!\w)(?:thành phố|tp\.?)(?!\w)", re.IGNORECASE)
_LEVEL = re.compile(r"(?<!\w)(?:Tỉnh|Huyện|Quận|Xã|Phường|Thị xã|Thị trấn)(?= \w)")
_ROMAN_NUMBERS = {roman(n): n for n in range(1, 61)}
_ORDINAL_NUMBERS = {
    "nhat": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6,
    "bay": 7, "tam": 8, "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12,
    "muoi ba": 13, "muoi bon": 14, "muoi lam": 15,
}  # fmt: skip


def _plenums(plain: str, year: int | None) -> list[tuple[int, int, int | None]]:
    """(position, plenum, term) of each plenum resolution named in the text."""
    latest = term_of_year(year) if year else LATEST_TERM
    found = []
    for match in _PLENUM.finditer(plain):
        span = _COMMITTEE_SHORT.sub("ban chap hanh trung uong", match.group(0))
        for named in find_named_resolutions(span)[:1]:
            term = named.term
            if term is not None and term <= 5 and term + 10 <= latest:
                term += 10
            found.append((match.start(), named.plenum, term))
    termed = {plenum for _, plenum, term in found if term is not None}
    return [item for item in found if item[2] is not None or item[1] not in termed]


def _number(written: str) -> int | None:
    """17 from "17", "XVII"; 1 from "nhất" (already without diacritics)."""
    if written.isdigit():
        return int(written)
    return _ROMAN_NUMBERS.get(written.upper()) or _ORDINAL_NUMBERS.get(written.lower())


def _organisation(text: str, start: int) -> str:
    """The Party organisation named at ``start``: "Đảng bộ thành phố Hà Nội." gives
    "Đảng bộ TP Hà Nội" (city written "TP", levels in lower case as in running text)."""
    words: list[str] = []
    for word in text[start : start + 200].split()[:12]:
        core = word.rstrip(".,;:()")
        if len(words) >= 2:
            if not core or fold(core) in {"lan", "nhiem"} or _NAME_END.fullmatch(core):
                break
            if not core[0].isupper() and fold(core) not in _NAME_WORDS:
                break
        words.append(core)
        if core != word and fold(word) != "tp.":
            break  # a full stop, comma or bracket ends the name
    if len(words) < 2:
        return ""
    head = "Chi bộ" if fold(words[0]) == "chi" else "Đảng bộ"
    rest = _CITY.sub("TP", " ".join(words[2:]))
    rest = _LEVEL.sub(lambda m: m.group(0).lower(), rest)
    return f"{head} {rest}".strip()


def _congresses(text: str, plain: str) -> list[tuple[int, str, int]]:
    """(position, body, number) of each congress resolution; body "" for the nation."""
    met: dict[int, str] = {}
    for match in _CONGRESS_MET.finditer(plain):
        number = _number(match["n1"] or match["n2"])
        if number:
            met.setdefault(number, _organisation(text, match.start("body")))
    found = []
    for match in _CONGRESS.finditer(plain):
        number = _number(match["n1"] or match["n2"])
        if not number:
            continue
        head = fold(match["head"]).strip(" .")
        if head.startswith(("dang bo", "chi bo")):
            body = _organisation(text, match.start("head"))
        elif head in _NATIONAL_HEADS:
            body = ""
        elif head:
            continue
        elif tail := _CONGRESS_TAIL.match(plain, match.end()):
            body = _organisation(text, tail.start("body")) if tail["body"] else ""
        elif number in met:
            body = met[number]
        elif number <= LATEST_TERM:
            body = ""  # "Nghị quyết Đại hội XIII": the national congress
        else:
            continue
        found.append((match.start(), body, number))
    return found


def _same_body(a: str, b: str) -> bool:
    """Whether two names are one body: "Đảng bộ TP" is "Đảng bộ TP Hà Nội" written short."""
    fa, fb = fold(a).split(), fold(b).split()
    return fa[: len(fb)] == fb or fb[: len(fa)] == fa


def named_resolutions(text: str, year: int | None = None) -> list[str]:
    """Labels of the resolutions named in ``text``, each once, in order of first mention.

    ``year`` (the article's) decides whether "khóa III" can be a typo for "khóa XIII".
    """
    plain = text.translate(_PLAIN)
    items: list[tuple[int, str]] = []
    seen: set[str] = set()
    for position, plenum, term in _plenums(plain, year):
        label = f"NQ TW{plenum}" + (f" khóa {roman(term)}" if term else "")
        if label not in seen:
            seen.add(label)
            items.append((position, label))
    congresses: list[tuple[int, str, int]] = []
    for position, body, number in _congresses(text, plain):
        for i, (first, known, known_number) in enumerate(congresses):
            if known_number == number and bool(known) == bool(body) and _same_body(known, body):
                congresses[i] = (first, max(known, body, key=len), number)
                break
        else:
            congresses.append((position, body, number))
    for position, body, number in congresses:
        items.append((position, f"NQ Đại hội {body or 'Đảng toàn quốc'} {roman(number)}"))
    return [label for _, label in sorted(items)]
