"""References to documents in running text, with or without a printed symbol.

A printed symbol ("43-NQ/TW", or an odd spelling of one, "19-NQ-TW", "45 nq cp") is read by
:mod:`documents.symbols`. Texts also cite documents by type and number alone: "Nghị quyết
số 43 của Bộ Chính trị", "Quyết định 2160 Bộ Y tế", "Kết luận 61", "NQ 33". Such a
reference resolves to a canonical symbol only when the text names its issuer:

- Bộ Chính trị, Ban Bí thư, Ban Chấp hành Trung ương → ``TW`` (``43-NQ/TW``);
- Chính phủ → ``CP`` (``93/NQ-CP``), Thủ tướng → ``TTg`` (``20/QĐ-TTg``);
- a provincial or city committee (Tỉnh ủy, Thành ủy, its Ban Thường vụ) → ``TU``; a
  district's → ``HU``/``QU``/``ThU``; a Đảng ủy → ``ĐU``; a people's committee → ``UBND``;
- a ministry → its code (Bộ Y tế → ``BYT``).

The issuer is the one named right after the number (after its date or title, within the
clause: "Nghị quyết số 05 ngày 12/3/2021 của Tỉnh ủy") or the one said to issue it just
before ("Tỉnh ủy ban hành Chương trình hành động số 27"). State types numbered per year
(*Nghị định*, *Thông tư*, *Luật*) need the year, which such a reference does not give, and
the National Assembly's acts need its term: those keep their number and type only. Nothing
is guessed: without an issuer, a reference is "Kết luận số 61", and an article that also
prints "61-KL/TW" has cited one document, not two.
"""

import re
from dataclasses import dataclass

from vn.text import fold_aligned

from .symbols import Symbol, find_symbols, parse_symbol

__all__ = [
    "MINISTRIES",
    "Reference",
    "find_references",
    "read_reference",
    "reference_keys",
    "resolve_label",
]

# Folded kind word -> (type code, type name as the label writes it).
_KINDS = {
    "nghi quyet": ("NQ", "Nghị quyết"),
    "nq": ("NQ", "Nghị quyết"),
    "chi thi": ("CT", "Chỉ thị"),
    "ket luan": ("KL", "Kết luận"),
    "kl": ("KL", "Kết luận"),
    "quy dinh": ("QĐ", "Quy định"),
    "quyet dinh": ("QĐ", "Quyết định"),
    "qd": ("QĐ", "Quyết định"),
    "chuong trinh hanh dong": ("CTr", "Chương trình hành động"),
    "ctr": ("CTr", "Chương trình hành động"),
    "cthd": ("CTr", "Chương trình hành động"),
    "ke hoach": ("KH", "Kế hoạch"),
    "huong dan": ("HD", "Hướng dẫn"),
    "nghi dinh": ("NĐ", "Nghị định"),
    "nd": ("NĐ", "Nghị định"),
    "thong tu": ("TT", "Thông tư"),
    "thong tri": ("TT", "Thông tri"),
    "cong van": ("CV", "Công văn"),
}
# State documents numbered per year: their symbol needs a year the reference lacks.
_YEAR_NUMBERED = frozenset({"NĐ", "TT"})
# A Party organ issues no decree and no circular (its *Thông tri* is another type).
_STATE_ONLY = frozenset({"Nghị định", "Thông tư"})

MINISTRIES = {
    "bo y te": "BYT",
    "bo giao duc va dao tao": "BGDĐT",
    "bo tai chinh": "BTC",
    "bo noi vu": "BNV",
    "bo cong an": "BCA",
    "bo quoc phong": "BQP",
    "bo thong tin va truyen thong": "BTTTT",
    "bo tai nguyen va moi truong": "BTNMT",
    "bo ke hoach va dau tu": "BKHĐT",
    "bo lao dong thuong binh va xa hoi": "BLĐTBXH",
    "bo van hoa the thao va du lich": "BVHTTDL",
    "bo tu phap": "BTP",
    "bo cong thuong": "BCT",
    "bo nong nghiep va phat trien nong thon": "BNNPTNT",
    "bo nong nghiep va moi truong": "BNNMT",
    "bo giao thong van tai": "BGTVT",
    "bo xay dung": "BXD",
    "bo khoa hoc va cong nghe": "BKHCN",
    "bo ngoai giao": "BNG",
    "bo dan toc va ton giao": "BDTTG",
}
_GAP = r"[\s,\-–]+"
_MINISTRY = "|".join(_GAP.join(name.split()) for name in sorted(MINISTRIES, key=len, reverse=True))
# Each issuer phrase, folded, with the code it stands for; None: named but not resolvable.
_ISSUERS = re.compile(
    r"(?:(?P<tw>bo chinh tri|ban bi thu|ban chap hanh trung uong|bch (?:trung uong|tw)|"
    r"trung uong dang|trung uong)"
    r"|(?P<ttg>thu tuong(?: chinh phu)?)"
    r"|(?P<cp>chinh phu)"
    r"|(?P<qh>quoc hoi|uy ban thuong vu quoc hoi)"
    r"|(?:(?:ban thuong vu|btv|ban chap hanh|bch)\s+)?(?:(?P<tu>tinh uy|thanh uy)|(?P<hu>huyen uy)|"
    r"(?P<qu>quan uy)|(?P<thu>thi uy)|(?P<du>dang uy))"
    r"|(?P<ubnd>ubnd|uy ban nhan dan)"
    rf"|(?P<bo>{_MINISTRY})"
    r")(?![^\W_])"
)
_ISSUER_CODES = {"tw": "TW", "ttg": "TTg", "cp": "CP", "tu": "TU", "hu": "HU", "qu": "QU"}
_ISSUER_CODES |= {"thu": "ThU", "du": "ĐU", "ubnd": "UBND"}
_PARTY_ISSUERS = frozenset({"TW", "TU", "HU", "QU", "ThU", "ĐU"})

_KIND = "|".join(sorted(_KINDS, key=len, reverse=True))
# Texts hold many numbers and few references: each number (found at C speed, the pattern
# starting with a digit) is checked for a kind word just before it.
_NUMBER = re.compile(
    r"\d(?<![^\W_]\d)\d{0,5}"
    r"(?!\d|\s*[-/–.,]\s*\d|\s*[-/–]\s*[^\W\d_]|[^\W_])"
    r"(?!\s+(?:nam(?!\s+\d{4})|thang|ngay(?!\s+\d)|nguoi|dang vien|diem|ty|trieu|lan|%))"
)
_KIND_BEFORE = re.compile(rf"(?<![^\W_])(?P<kind>{_KIND})\s*(?:so\s*)?:?\s*$")
_KIND_WINDOW = 30
_REFERENCE = re.compile(
    rf"(?<![^\W_])(?P<kind>{_KIND})\s*(?:so\s*)?:?\s*(?P<num>\d{{1,6}})"
    # Not a printed symbol, a date, a decimal or a count ("Nghị quyết 2 năm").
    r"(?!\d|\s*[-/–.,]\s*\d|\s*[-/–]\s*[^\W\d_]|[^\W_])"
    r"(?!\s+(?:nam(?!\s+\d{4})|thang|ngay(?!\s+\d)|nguoi|dang vien|diem|ty|trieu|lan|%))",
    re.IGNORECASE,
)
# Between the number and the issuer: its date, its title, "của", "do … ban hành".
_DATE_AFTER = re.compile(r"\s*,?\s*(?:ngay\s+)?\d{1,2}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{4}")
_OF = re.compile(r"\s*,?\s*(?:cua|do)\s+|\s+")
_CLAUSE_END = re.compile(r"[.;:!?\n()“”\"]")
_TITLE_WORDS = 25
# "Tỉnh ủy (đã|vừa) ban hành Chương trình hành động số 27".
_ISSUED_BY = re.compile(r"\s+(?:da\s+|vua\s+|moi\s+)?ban hanh\s+(?:cac\s+)?$")
_LOOK_BEHIND = 80
_NAME_WORDS = 5  # "Tỉnh ủy Bà Rịa - Vũng Tàu ban hành"


@dataclass(frozen=True, slots=True)
class Reference:
    """A document cited in a text; ``symbol`` is None when the issuer is not known."""

    doc_type: str
    number: int
    type_name: str
    symbol: Symbol | None
    printed: bool
    start: int
    end: int
    issuer: str = ""  # the issuer as written, when named

    @property
    def label(self) -> str:
        return f"{self.type_name} số {self.number:02d}"

    @property
    def key(self) -> str:
        """The canonical symbol, else the label: "43-NQ/TW", "Kết luận số 61"."""
        return self.symbol.canonical if self.symbol else self.label

    @property
    def confidence(self) -> float:
        if self.printed:
            return 1.0
        return 0.8 if self.symbol else 0.5


def _issuer_at(folded: str, position: int) -> re.Match[str] | None:
    """The issuer named after a reference ending at ``position``, within its clause."""
    date = _DATE_AFTER.match(folded, position)
    if date:
        position = date.end()
    of = _OF.match(folded, position)
    if of and (found := _ISSUERS.match(folded, of.end())):
        return found
    # "Nghị quyết số 43 về tiếp tục … của Bộ Chính trị": a title, then "của".
    end = _CLAUSE_END.search(folded, position, position + 300)
    clause = folded[position : end.start() if end else position + 300]
    cut = _REFERENCE.search(clause)
    clause = clause[: cut.start()] if cut else clause
    of = clause.rfind(" cua ")
    if of < 0 or len(clause[:of].split()) > _TITLE_WORDS:
        return None
    return _ISSUERS.match(folded, position + of + len(" cua "))


def _issuer_before(folded: str, start: int) -> re.Match[str] | None:
    window_start = max(0, start - _LOOK_BEHIND)
    window = folded[window_start:start]
    said = _ISSUED_BY.search(window)
    if said is None:
        return None
    named = list(_ISSUERS.finditer(window, 0, said.start()))
    if not named:
        return None
    last = named[-1]
    between = window[last.end() : said.start()]
    if _CLAUSE_END.search(between) or "," in between or len(between.split()) > _NAME_WORDS:
        return None
    return _ISSUERS.match(folded, window_start + last.start())


def _code(issuer: re.Match[str]) -> str | None:
    for group, code in _ISSUER_CODES.items():
        if issuer[group]:
            return code
    if issuer["bo"]:
        return MINISTRIES[" ".join(re.split(_GAP, issuer["bo"]))]
    return None  # the National Assembly: its acts need a year and a term


def _symbol(number: int, doc_type: str, type_name: str, code: str | None) -> Symbol | None:
    if code is None:
        return None
    try:
        if code in _PARTY_ISSUERS:
            if type_name in _STATE_ONLY:
                return None
            return Symbol(number, "party", doc_type, code)
        if doc_type in _YEAR_NUMBERED or doc_type == "CV":
            return None
        return Symbol(number, "state", doc_type, code)
    except ValueError:
        return None


def _unprinted(folded: str):
    """(start, end, kind, number) of each "Nghị quyết số 43" in the folded text."""
    for number in _NUMBER.finditer(folded):
        window_start = max(0, number.start() - _KIND_WINDOW)
        kind = _KIND_BEFORE.search(folded, window_start, number.start())
        if kind:
            yield kind.start(), number.end(), kind["kind"], int(number.group(0))


def find_references(text: str, folded: str | None = None) -> list[Reference]:
    """Every document cited in ``text``, printed or not, in order of position.
    ``folded`` is ``fold_aligned(text)`` when the caller has it already."""
    found = [
        Reference(
            m.symbol.doc_type,
            m.symbol.number,
            m.symbol.type_name,
            m.symbol,
            True,
            m.start,
            m.end,
        )
        for m in find_symbols(text)
    ]
    printed = [(r.start, r.end) for r in found]
    folded = fold_aligned(text) if folded is None else folded
    for start, end, kind, number in _unprinted(folded):
        # "Nghị quyết số 43-NQ/TW": the printed symbol already says it.
        if not number or any(a < end + 2 and start < b for a, b in printed):
            continue
        doc_type, type_name = _KINDS[" ".join(kind.split())]
        issuer = _issuer_at(folded, end) or _issuer_before(folded, start)
        code = _code(issuer) if issuer else None
        found.append(
            Reference(
                doc_type,
                number,
                type_name,
                _symbol(number, doc_type, type_name, code),
                False,
                start,
                end,
                text[issuer.start() : issuer.end()] if issuer else "",
            )
        )
    found.sort(key=lambda r: r.start)
    return found


def reference_keys(text: str, references: list[Reference] | None = None) -> list[str]:
    """Keys of the documents cited, each once, in order of first mention. A reference
    without its issuer is left out when another reference in the text with the same type
    and number names the document fully. ``references``: `find_references(text)`, when
    the caller has it already."""
    references = find_references(text) if references is None else references
    resolved = {(r.doc_type, r.number) for r in references if r.symbol}
    keys = [r.key for r in references if r.symbol or (r.doc_type, r.number) not in resolved]
    return list(dict.fromkeys(keys))


_LABEL = re.compile(rf"^(?P<kind>{_KIND})\s*(?:so\s*)?:?\s*(?P<num>\d{{1,6}})$", re.IGNORECASE)


def resolve_label(text: str) -> str | None:
    """The label of a reference written without its issuer ("NQ 33", "Kết luận 61"), so
    that labels written differently compare equal; None if ``text`` is not one."""
    folded = fold_aligned(" ".join(text.split()))
    match = _LABEL.match(folded)
    if match is None:
        return None
    _, type_name = _KINDS[match["kind"].lower()]
    return f"{type_name} số {int(match['num']):02d}"


def read_reference(written: str) -> str | None:
    """What one written reference reads as: "19-NQ-TW" -> "19-NQ/TW", "Nghị quyết số 43
    của Bộ Chính trị" -> "43-NQ/TW", "NQ 33" -> "Nghị quyết số 33"; None if nothing."""
    if symbol := parse_symbol(written):
        return symbol.canonical
    keys = reference_keys(written)
    return keys[0] if len(keys) == 1 else None
