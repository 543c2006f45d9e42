"""Canonical form and search keys for Vietnamese text."""

import functools
import re
import unicodedata

# Look-alikes of "Đ" that arrive from old fonts, PDFs and foreign keyboards.
_D_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u0189": "\u0110", "\u00f0": "\u0111"})

# huyền, sắc, hỏi, ngã, nặng
_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"

# Precomposed toned a/e/y -> (plain vowel, tone mark).
_TONED = {
    unicodedata.normalize("NFC", vowel + mark): (vowel, mark)
    for vowel in "aeyAEY"
    for mark in _TONE_MARKS
}
_CLUSTERS = {"oa", "oe", "uy"}

# A plain o/u followed by a toned a/e/y that ends the word (no letter follows).
_FINAL_CLUSTER = re.compile(f"([oOuU])([{''.join(_TONED)}])(?![^\\W\\d_])")


def _base_letter(ch: str) -> str:
    return unicodedata.normalize("NFD", ch)[0].lower()


def _move_tone(match: re.Match[str]) -> str:
    first, toned = match.group(1), match.group(2)
    vowel, mark = _TONED[toned]
    if (first + vowel).lower() not in _CLUSTERS:
        return match.group(0)
    start = match.start()
    if start > 0:
        prev = match.string[start - 1]
        if prev.isalpha():
            base = _base_letter(prev)
            # After a vowel the cluster is not the whole nucleus; in "quý" the u is onset.
            if base in "aeiouy" or (base == "q" and first in "uU"):
                return match.group(0)
    return unicodedata.normalize("NFC", first + mark) + vowel


def normalize(s: str) -> str:
    """Return the canonical form of ``s``.

    NFC, "Đ" instead of its look-alikes, the tone mark of a syllable-final oa/oe/uy on
    its first vowel ("khoá" -> "khóa", "thuỷ" -> "thủy"), whitespace collapsed and
    stripped. Idempotent; never raises.
    """
    s = unicodedata.normalize("NFC", s).translate(_D_LOOKALIKES)
    s = unicodedata.normalize("NFC", _FINAL_CLUSTER.sub(_move_tone, s))
    return " ".join(s.split())


def fold(s: str) -> str:
    """Diacritic- and case-insensitive search key: ``fold("ĐẢNG BỘ") == "dang bo"``."""
    s = unicodedata.normalize("NFD", normalize(s).lower())
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn").replace("đ", "d")
    return " ".join(unicodedata.normalize("NFC", s).split())


# Remembered: every roll-up sorts its hundreds of units by name on each request, and
# folding a name costs more than the rest of the sort.
@functools.lru_cache(maxsize=65536)
def natural_key(s: str) -> tuple:
    """Order for unit names: folded text, numbers by value ("khu phố 2" before "khu phố
    10"), the name as written breaking ties, the same under every database collation."""
    parts = re.split(r"(\d+)", fold(s))
    return tuple((1, int(part)) if i % 2 else (0, part) for i, part in enumerate(parts)), s


def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFD", ch.lower())[:1] or ch
    if base in "đð":
        return "d"
    return base if len(base) == 1 else ch


class _FoldTable(dict):
    """`str.translate` table built as characters are met: one character for one."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        self[code] = folded = _fold_char(ch) if code > 127 else ch.lower()
        return folded


_FOLD_TABLE = _FoldTable()


def fold_aligned(s: str) -> str:
    """Fold one character into one character, so offsets in the result are offsets in `s`.

    For finding a search term in a text and showing the passage as it was written.
    `s` should already be NFC (stored text is); whitespace is kept as it is.
    """
    return s.translate(_FOLD_TABLE)
