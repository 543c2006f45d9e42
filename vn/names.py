"""Vietnamese personal names: splitting, display and collation."""

import re
import unicodedata

from vn.text import normalize

SORT_KEY_MAX_LENGTH = 255

# Vietnamese alphabet with f, j, w, z at their Latin positions; codes 10, 11, ...
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_CODES = {letter: str(code) for code, letter in enumerate(_ALPHABET, start=10)}
_CODES.update({digit: str(50 + int(digit)) for digit in "0123456789"})
_PART_SEP = "00"  # between given, middle and family name
_END = "01"  # after a part's letters, before its tones
_WORD_SEP = "02"  # between words of one part ("Thị Minh")

# ngang 0, huyền 1, hỏi 2, ngã 3, sắc 4, nặng 5
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_MODIFIED = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
_SEGMENT_BREAKS = "-'\u2019"  # "H'Luân", "Y-Moan"


def _title(word: str) -> str:
    out = []
    at_start = True
    for ch in word:
        if ch in _SEGMENT_BREAKS:
            at_start = True
        elif ch.isalpha():
            ch = ch.upper() if at_start else ch.lower()
            at_start = False
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _split(words: list[str]) -> tuple[str, str, str]:
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def display_name(full_name: str) -> str:
    """Normalized name with each word capitalized: "nguyễn văn an" -> "Nguyễn Văn An"."""
    return " ".join(_title(word) for word in normalize(full_name).split())


def split_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given): "Nguyễn Thị Minh Khai" -> ("Nguyễn", "Thị Minh", "Khai")."""
    return _split(display_name(full_name).split())


# "Đồng chí", "đ/c", "Đ/C.", "đc" typed before a name or a title.
_COMRADE = re.compile(r"^(?:đồng\s+chí|đ\s*/\s*c|đc)\b\.?[\s,:]*", re.IGNORECASE)


def without_comrade(text: str) -> str:
    """A name or title as typed, without the "đồng chí" (or "Đ/c") a sentence adds."""
    text = " ".join(normalize(text or "").split())
    while (stripped := _COMRADE.sub("", text, count=1)) != text:
        text = stripped
    return text


def comrade(name: str, title: str = "") -> str:
    """How Party writing names a person: "đồng chí Nguyễn Văn A, Bí thư Đảng ủy phường",
    never "đồng chí đồng chí …"; "" when neither name nor title is known."""
    name, title = without_comrade(name), without_comrade(title).strip(" ,")
    if name.casefold().endswith(title.casefold()):
        title = ""  # typed into the name already
    who = ", ".join(part for part in (name, title) if part)
    return f"đồng chí {who}" if who else ""


def _encode(word: str) -> tuple[str, str]:
    """(letter codes, tone digits) of one word; characters without a code are dropped."""
    letters: list[tuple[str, str]] = []
    for ch in unicodedata.normalize("NFD", normalize(word).lower()):
        if unicodedata.category(ch).startswith("M"):
            if letters:
                base, tone = letters[-1]
                if ch in _TONES and tone == "0":
                    letters[-1] = (base, _TONES[ch])
                elif (base, ch) in _MODIFIED:
                    letters[-1] = (_MODIFIED[base, ch], tone)
        else:
            letters.append((ch, "0"))
    coded = [(_CODES[base], tone) for base, tone in letters if base in _CODES]
    return "".join(code for code, _ in coded), "".join(tone for _, tone in coded)


def sort_key(full_name: str) -> str:
    """Key that orders names the Vietnamese way under any database collation.

    Names compare by given name, then middle name, then family name. Within each part,
    letters compare in the Vietnamese alphabet (a ă â b c d đ e ê ... u ư v x y), ignoring
    case, and the tones (ngang, huyền, hỏi, ngã, sắc, nặng) break ties before the next
    part is looked at: a list reads An, Anh, Anh, Ánh, Ân, as people expect, with every
    "Anh" together before every "Ánh".

    The key is made of ASCII digits only, because byte order, SQLite's BINARY and
    PostgreSQL's en_US.UTF-8 (or any ICU/glibc locale) all agree on strings of digits,
    whereas they disagree on letters, case, spaces and diacritics. Layout per part: two
    digits per letter (10-42, digits 50-59), "02" between words of a part, then "01" and
    one tone digit per letter; parts are joined by "00". "01" sorts before any letter, so
    "An" < "Anh"; a part's tone digits have the same length for the same letters, so the
    next part lines up. At most ``SORT_KEY_MAX_LENGTH`` characters, cut at the end.
    """
    words = [code for code in map(_encode, normalize(full_name).split()) if code[0]]
    parts = (words[-1:], words[1:-1], words[:1] if len(words) > 1 else [])
    keys = [
        _WORD_SEP.join(codes for codes, _ in part) + _END + "".join(tone for _, tone in part)
        for part in parts
    ]
    return _PART_SEP.join(keys)[:SORT_KEY_MAX_LENGTH]
