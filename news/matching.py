"""Which unit of the tree an article's organiser is: by the whole folded name, with the
level words understood.

An article writes "Sở Tài nguyên và Môi trường Hà Nội", "Đảng ủy Sở TN&MT", "Ban Thường vụ
Quận ủy Tây Hồ"; the tree says "Đảng bộ Sở Tài nguyên và Môi trường" under "Đảng bộ Thành
phố Hà Nội", and "Đảng bộ quận Tây Hồ". Both names are brought to a core: folded (no
diacritics, lower case), abbreviations written out (UBND, TP, TN&MT …), the Party organ
words dropped (*Đảng bộ*, *Đảng ủy*, *Chi bộ*, *Ban Thường vụ*, *Ban Chấp hành*) and a
committee turned into its place (*Quận ủy Tây Hồ* is *quận Tây Hồ*). Then:

- equal cores: 1.0;
- the unit's core inside the organiser's, the words left over naming a place above the
  unit ("Hà Nội"): 0.95; left over and unexplained: 0.75;
- the organiser's core inside the unit's (a shorter name): 0.8 when what the unit's
  name adds is its place, 0.7 otherwise;
- otherwise the share of words in common (Dice), scaled to at most 0.6.

A match is certain at :data:`CERTAIN` or above, and ahead of the next candidate by
:data:`MARGIN`; otherwise the page asks the officer to choose.
"""

import re
from dataclasses import dataclass

from django.db.models import Q

from organizations.models import Organization
from vn.text import fold

CERTAIN = 0.9
MARGIN = 0.1
LEAST = 0.35
MOST_CANDIDATES = 5
_SCANNED = 2000
# "Bộ Chính trị, Ban Bí thư", "Đảng ủy xã A và Ban Tuyên giáo Huyện ủy": several organisers.
_SEVERAL = re.compile(r",|\svà\s(?=(?:Ban|Bộ|Đảng|Chi|Tỉnh|Thành|Huyện|Quận)\b)")

_ABBREVIATIONS = (
    (r"tn\s*&\s*mt|tnmt", "tai nguyen va moi truong"),
    (r"gd\s*&\s*dt|gddt", "giao duc va dao tao"),
    (r"kh\s*&\s*cn|khcn", "khoa hoc va cong nghe"),
    (r"vh\s*,?\s*tt\s*&?\s*dl|vhttdl", "van hoa the thao va du lich"),
    (r"ld\s*-?\s*tb\s*&?\s*xh|ldtbxh", "lao dong thuong binh va xa hoi"),
    (r"ubnd", "uy ban nhan dan"),
    (r"hdnd", "hoi dong nhan dan"),
    (r"mttq", "mat tran to quoc"),
    (r"tp\.?", "thanh pho"),
    (r"btv", "ban thuong vu"),
    (r"bch", "ban chap hanh"),
    (r"du", "dang uy"),
    (r"db", "dang bo"),
    (r"cb", "chi bo"),
)
_ABBREVIATION = re.compile(
    r"(?<![\w&])(?:" + "|".join(f"(?P<a{i}>{p})" for i, (p, _) in enumerate(_ABBREVIATIONS)) + r")"
    r"(?![\w&])"
)
# A committee named by its level: "quận ủy Tây Hồ" is the Party of "quận Tây Hồ".
_COMMITTEES = {
    "tinh uy": "tinh",
    "thanh uy": "thanh pho",
    "huyen uy": "huyen",
    "quan uy": "quan",
    "thi uy": "thi xa",
    "dang uy khoi": "khoi",
}
_COMMITTEE = re.compile(r"(?<!\w)(" + "|".join(_COMMITTEES) + r")(?!\w)")
_ORGAN_WORDS = re.compile(
    r"(?<!\w)(?:ban thuong vu|ban chap hanh|thuong truc|dang bo bo phan|dang bo|dang uy|"
    r"chi bo|chi uy|dang doan|ban can su dang)(?!\w)"
)
_PUNCTUATION = re.compile(r"[^\w\s&]+")
# Level words that a place name carries ("thành phố Hà Nội", "tỉnh Nghệ An").
_PLACE_LEVELS = frozenset({"tinh", "thanh", "pho", "quan", "huyen", "xa", "phuong", "thi", "tran"})


def core(name: str) -> str:
    """The comparable core of a unit's or an organiser's name (see the module)."""
    text = _PUNCTUATION.sub(" ", fold(name).replace("-", " "))
    text = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[int(m.lastgroup[1:])][1], text)
    text = _COMMITTEE.sub(lambda m: _COMMITTEES[m.group(1)], text)
    text = _ORGAN_WORDS.sub(" ", text)
    return " ".join(text.split())


def _inside(small: list[str], big: list[str]) -> int | None:
    """Where the word sequence ``small`` starts in ``big``, or None."""
    n = len(small)
    for i in range(len(big) - n + 1):
        if big[i : i + n] == small:
            return i
    return None


def _is_place(words: list[str], places: str) -> bool:
    """Whether the leftover ``words`` name a place found in ``places`` (ancestors' cores)."""
    words = [w for w in words if w not in _PLACE_LEVELS]
    return bool(words) and _inside(words, places.split()) is not None


def score(organiser: str, unit: str, places: str = "") -> float:
    """How well ``organiser`` names a unit whose core is ``unit`` (see the module)."""
    want, have = organiser.split(), unit.split()
    if not want or not have:
        return 0.0
    if want == have:
        return 1.0
    if (at := _inside(have, want)) is not None:
        rest = want[:at] + want[at + len(have) :]
        return 0.95 if _is_place(rest, places) else 0.75
    if (at := _inside(want, have)) is not None:
        rest = have[:at] + have[at + len(want) :]
        return 0.8 if _is_place(rest, places) or all(w in _PLACE_LEVELS for w in rest) else 0.7
    common = len(set(want) & set(have))
    return 0.6 * 2 * common / (len(set(want)) + len(set(have)))


@dataclass(frozen=True)
class Candidate:
    unit: Organization
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


# The same abbreviations written out as the tree spells names, for the database's first cut.
_WRITTEN_OUT = (
    (r"TN\s*&\s*MT|TNMT", "Tài nguyên và Môi trường"),
    (r"GD\s*&\s*ĐT|GDĐT", "Giáo dục và Đào tạo"),
    (r"KH\s*&\s*CN|KHCN", "Khoa học và Công nghệ"),
    (r"VHTTDL", "Văn hóa, Thể thao và Du lịch"),
    (r"LĐTBXH", "Lao động - Thương binh và Xã hội"),
    (r"UBND", "Ủy ban nhân dân"),
    (r"HĐND", "Hội đồng nhân dân"),
    (r"MTTQ", "Mặt trận Tổ quốc"),
)
_WRITTEN = re.compile(
    r"(?<![\w&])(?:" + "|".join(f"(?P<w{i}>{p})" for i, (p, _) in enumerate(_WRITTEN_OUT)) + r")"
    r"(?![\w&])",
    re.IGNORECASE,
)


def _words_to_search(name: str) -> list[str]:
    """Distinctive words of the organiser as written, for a first cut in the database."""
    name = _WRITTEN.sub(lambda m: _WRITTEN_OUT[int(m.lastgroup[1:])][1], name)
    plain = [w.strip('.,;:()"“”') for w in name.split()]
    organ = {"đảng", "bộ", "ủy", "ban", "chi", "thường", "vụ", "và", "của", "tỉnh", "thành"}
    words = [w for w in plain if len(w) >= 3 and w.lower() not in organ and w.isalpha()]
    return sorted(words, key=len, reverse=True)[:3]


def candidates(units, organiser: str | None) -> list[Candidate]:
    """Units of ``units`` (a queryset the reader may see) that the organiser may name,
    best first, at most :data:`MOST_CANDIDATES`."""
    if not organiser or not organiser.strip():
        return []
    parts = _SEVERAL.split(organiser)
    wanted = [c for c in (core(p) for p in parts) if c] or [core(organiser)]
    query = Q()
    for word in _words_to_search(organiser) or organiser.split()[-1:]:
        query |= Q(name__icontains=word) | Q(name__icontains=word.lower())
    for text in wanted:
        for word in text.split():
            if len(word) >= 4:
                query |= Q(name__icontains=word)
    found = list(units.filter(query).select_related("level").order_by("depth", "path")[:_SCANNED])
    above = {p for u in found for p in Organization.paths_above(u.path)}
    names = dict(Organization.objects.filter(path__in=above).values_list("path", "name"))
    scored = []
    for unit in found:
        above_unit = Organization.paths_above(unit.path)[:-1]
        places = " ".join(core(names[p]) for p in above_unit if p in names)
        best = max(score(text, core(unit.name), places) for text in wanted)
        if best >= LEAST:
            scored.append((-best, unit.depth, unit.path, Candidate(unit, best)))
    scored.sort(key=lambda row: row[:3])
    return [row[-1] for row in scored[:MOST_CANDIDATES]]


def is_certain(found: list[Candidate]) -> bool:
    if not found or found[0].score < CERTAIN:
        return False
    return len(found) == 1 or found[0].score - found[1].score >= MARGIN
