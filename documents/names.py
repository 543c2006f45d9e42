"""Resolutions named without a number: "Nghị quyết Hội nghị Trung ương 8 khóa XIII"."""

import re
from dataclasses import dataclass

from vn.text import fold

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_ORDINALS = {
    "nhat": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6,
    "bay": 7, "tam": 8, "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12,
    "muoi ba": 13, "muoi bon": 14, "muoi lam": 15,
}  # fmt: skip
_NUMBER = r"(?:\d{1,2}|[ivxl]{1,7}|" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + ")"
_END = r"(?![a-z0-9])"  # a number ends where the word ends: "ba" is not the start of "ban"
_TERM = r"[\s,(]*(?:khoa\s+(?P<term>" + _NUMBER + r")" + _END + r")?"
_PATTERN = re.compile(
    # "Nghị quyết (Hội nghị) Trung ương 8 khóa XIII", "NQ TW8 khóa XIII"
    r"(?:nghi quyet|nq)\s*(?:cua\s+)?(?:hoi nghi\s+)?(?:ban chap hanh\s+)?"
    r"(?:trung uong|tw|tu)\s*(?:dang\s+)?(?:lan thu\s+|lan\s+)?(?P<plenum>"
    + _NUMBER
    + r")"
    + _END
    + _TERM
    # "Nghị quyết Hội nghị lần thứ tám Ban Chấp hành Trung ương Đảng khóa XIII"
    + r"|(?:nghi quyet|nq)\s+hoi nghi\s+(?:lan thu\s+)?(?P<plenum2>"
    + _NUMBER
    + r")"
    + _END
    + r"\s+(?:cua\s+)?(?:ban chap hanh|bch)\s+(?:trung uong|tw|tu)(?:\s+dang)?"
    + _TERM.replace("term", "term2"),
)


@dataclass(frozen=True)
class NamedResolution:
    plenum: int
    term: int | None

    @property
    def label(self) -> str:
        """The short form readers use: "NQ TW8 khóa XIII"."""
        term = f" khóa {roman(self.term)}" if self.term else ""
        return f"NQ TW{self.plenum}{term}"


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text in _ORDINALS:
        return _ORDINALS[text]
    if set(text) <= set(_ROMAN):
        total = 0
        for i, ch in enumerate(text):
            value = _ROMAN[ch]
            following = _ROMAN[text[i + 1]] if i + 1 < len(text) else 0
            total += -value if value < following else value
        return total if roman(total).lower() == text else None
    return None


def roman(n: int) -> str:
    out = ""
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV")):
        while n >= value:
            out, n = out + letters, n - value
    return out + "I" * n


def find_named_resolutions(text: str) -> list[NamedResolution]:
    """Central plenum resolutions named in `text`, in order, without repeats."""
    found: list[NamedResolution] = []
    folded = fold(text)
    for match in _PATTERN.finditer(folded):
        written = match["plenum"] or match["plenum2"]
        if written == "nam" and re.match(r"\s+\d{4}", folded[match.end("plenum") :]):
            continue  # "Trung ương năm 2023" is a year, not plenum five
        plenum = _number(written)
        written_term = match["term"] or match["term2"]
        term = _number(written_term) if written_term else None
        if plenum is None or not 1 <= plenum <= 20:
            continue
        if term is not None and not 1 <= term <= 20:
            term = None
        item = NamedResolution(plenum, term)
        if item not in found:
            found.append(item)
    return found
