"""Document symbols (*số, ký hiệu*) of Party and State documents: parse, find, write.

Party documents (guidance 36-HD/VPTW) are written ``NUMBER-TYPE/ISSUER`` (``23-NQ/TU``),
State documents (decree 30/2020/NĐ-CP) ``NUMBER[/YEAR]/TYPE-ISSUER`` (``89/QĐ-UBND``,
``30/2020/NĐ-CP``) and State letters ``NUMBER/ISSUER-UNIT`` (``1483/UBND-THNC``).

Input is read leniently (stray spaces, case, ``TƯ``, ``Ð``, dashes, ``CTHĐ``, ``QĐi``…);
output is one canonical spelling, so equal documents get equal keys.

Decisions on ambiguous forms:

- The punctuation family is kept as written: ``system`` says which one was used.
  ``700/CV-DVTU`` is a Party letter written with State punctuation; a reader cannot know
  whether the writer or the issuer got it wrong, so it stays ``700/CV-DVTU`` (system
  ``"state"``, type ``CV``) and :attr:`Symbol.issued_by_party` tells that the issuer is a
  Party organ. Rewriting it as ``700-CV/DVTU`` would be a guess.
- State letters carry no type: ``doc_type`` is ``""`` and the type name is *Công văn*.
- ``QĐ`` in a Party symbol is both *Quy định* and *Quyết định*: :attr:`Symbol.type_names`
  returns both. In a State symbol ``QĐ`` is *Quyết định* and ``QyĐ`` *Quy định*.
- Numbers under 10 carry a leading zero in both systems (``09-KH/ĐU``, ``05/2020/TT-BNV``).
- Issuer codes are written in capitals, except the mixed-case codes ``TTg`` and ``ThU``.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

from vn.text import normalize

__all__ = [
    "MAX_NUMBER",
    "PARTY_TYPE_NAMES",
    "STATE_TYPE_NAMES",
    "Symbol",
    "SymbolMatch",
    "System",
    "canonical",
    "find_symbols",
    "parse_symbol",
]

System = Literal["party", "state"]

MAX_NUMBER = 999_999

PARTY_TYPE_NAMES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "NQ": ("Nghị quyết",),
        "QĐ": ("Quy định", "Quyết định"),
        "CT": ("Chỉ thị",),
        "KL": ("Kết luận",),
        "QC": ("Quy chế",),
        "HD": ("Hướng dẫn",),
        "TT": ("Thông tri",),
        "TB": ("Thông báo",),
        "TC": ("Thông cáo",),
        "BC": ("Báo cáo",),
        "KH": ("Kế hoạch",),
        "CTr": ("Chương trình hành động",),
        "ĐA": ("Đề án",),
        "PA": ("Phương án",),
        "TTr": ("Tờ trình",),
        "CV": ("Công văn",),
        "BB": ("Biên bản",),
        "BS": ("Bản sao",),
        "GM": ("Giấy mời",),
        "GGT": ("Giấy giới thiệu",),
        "GCN": ("Giấy chứng nhận",),
    }
)

STATE_TYPE_NAMES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "": ("Công văn",),  # a State letter: NUMBER/ISSUER-UNIT, no type written
        "NQ": ("Nghị quyết",),
        "NQLT": ("Nghị quyết liên tịch",),
        "NĐ": ("Nghị định",),
        "QĐ": ("Quyết định",),
        "QyĐ": ("Quy định",),
        "CT": ("Chỉ thị",),
        "TT": ("Thông tư",),
        "TTLT": ("Thông tư liên tịch",),
        "L": ("Lệnh",),
        "QC": ("Quy chế",),
        "TC": ("Thông cáo",),
        "TB": ("Thông báo",),
        "HD": ("Hướng dẫn",),
        "CTr": ("Chương trình",),
        "KH": ("Kế hoạch",),
        "PA": ("Phương án",),
        "ĐA": ("Đề án",),
        "DA": ("Dự án",),
        "BC": ("Báo cáo",),
        "BB": ("Biên bản",),
        "TTr": ("Tờ trình",),
        "HĐ": ("Hợp đồng",),
        "CĐ": ("Công điện",),
        "BGN": ("Bản ghi nhớ",),
        "BTT": ("Bản thỏa thuận",),
        "GUQ": ("Giấy ủy quyền",),
        "GM": ("Giấy mời",),
        "GGT": ("Giấy giới thiệu",),
        "GNP": ("Giấy nghỉ phép",),
        "PG": ("Phiếu gửi",),
        "PC": ("Phiếu chuyển",),
        "PB": ("Phiếu báo",),
    }
)

# Spellings seen in real text -> canonical type code, keyed by the upper-cased spelling.
# ASCII-folded spellings are mapped only where no other code folds the same way: "QD" can
# only be QĐ and "ND" only NĐ, but "HD"/"HĐ" and "DA"/"ĐA" are different State types.
_TYPE_VARIANTS = {"QĐI": "QĐ", "QD": "QĐ", "CTHĐ": "CTr", "CTHD": "CTr"}
_PARTY_TYPES = {code.upper(): code for code in PARTY_TYPE_NAMES} | _TYPE_VARIANTS
# State punctuation also carries Party types (700/CV-DVTU, 15/KL-TW in careless text).
_STATE_SHAPED_TYPES = (
    {code.upper(): code for code in PARTY_TYPE_NAMES}
    | {code.upper(): code for code in STATE_TYPE_NAMES if code}
    | _TYPE_VARIANTS
    | {"ND": "NĐ"}
)

# Upper-cased issuer segment -> canonical spelling. No Party organ code other than these
# spells D-U ("Dân vận" is DV), so an ASCII "DU" is the Đảng ủy.
_ISSUER_SPELLINGS = {"TTG": "TTg", "THU": "ThU", "DU": "ĐU", "DUK": "ĐUK"}

# Party organ codes end with a level code (36-HD/VPTW): BTGTU, VPTW, ĐUK, CB…
_PARTY_LEVEL_SUFFIXES = ("TW", "TU", "HU", "QU", "XU", "ĐU", "ĐUK", "CB", "ĐĐ", "BCSĐ")

_YEARS = range(1945, 2100)

# --- the pattern -----------------------------------------------------------------------
_SPACE = r"[ \t\u00a0\u202f]{0,2}"
_DASH = r"[\-\u2010-\u2015\u2212]"  # hyphen, non-breaking hyphen, en/em dash, minus
# A slash escaped by a page's HTML ("41-QĐ&#x002F;TW") is still a slash.
_SLASH = r"(?:[/\u2215\uff0f]|&#[xX]0*2[fF];|&#0*47;|&sol;)"
# Latin letters, Đ and its look-alikes, Ư (TƯ) precomposed or as U + combining horn.
_FIRST_LETTER = "A-Za-z\u0110\u0111\u00d0\u00f0\u0189\u01af\u01b0"
_LETTER = _FIRST_LETTER + "\u031b"
_UPPER_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ\u0110\u00d0\u0189\u01af")
# A segment starts on a letter, not on the combining horn; digits close it: QH15, UBTVQH15.
# A unit code may join two codes with "&" (2310/BTTTT-PTTH&TTĐT).
_SEGMENT = (
    rf"[{_FIRST_LETTER}][{_LETTER}]{{0,15}}(?:&[{_FIRST_LETTER}][{_LETTER}]{{0,15}})?[0-9]{{0,3}}"
)
# A number glued to an ASCII letter, dot, slash or dash belongs to something else (a code,
# a decimal, a date, a URL path); after a Vietnamese letter it is "số23" with a lost space.
_GLUED = r"[0-9A-Za-z_./\-\u2010-\u2015\u2212\u2215\uff0f]"
_AFTER = r"(?![\w\u0300-\u036f])"

_SYMBOL = (
    # The check on the character before sits after the first digit so that the pattern
    # starts with a plain character set, which the regex engine scans for at C speed.
    rf"(?P<num>[0-9](?<!{_GLUED}[0-9])[0-9]{{0,5}}){_SPACE}(?:"
    # Party: 23-NQ/TU, 23- NQ/TU, 15-NQ / TU, 01-HD/BTGTW-BTCTW
    rf"{_DASH}{_SPACE}(?P<ptype>[{_LETTER}]{{1,5}}){_SPACE}{_SLASH}{_SPACE}"
    rf"(?P<pissuer>{_SEGMENT}(?:{_DASH}{_SEGMENT})*)"
    # State: 89/QĐ-UBND, 30/2020/NĐ-CP, 1483/UBND-THNC, 1206 /QĐ-HVTC, 59/2020/QH14.
    # Spaces are allowed around the first dash only ("QĐ - UBND"); later dashes in running
    # text are punctuation more often than not.
    rf"|{_SLASH}{_SPACE}(?:(?P<year>[0-9]{{4}}){_SPACE}{_SLASH}{_SPACE})?"
    rf"(?P<shead>{_SEGMENT})(?:(?P<sgap>{_SPACE}{_DASH}{_SPACE})"
    rf"(?P<stail>{_SEGMENT}(?:{_DASH}{_SEGMENT})*))?"
    rf"){_AFTER}"
)
_PATTERN = re.compile(_SYMBOL)
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"'“”‘’]+", re.IGNORECASE)
_SPLIT_DASH = re.compile(rf"\s*{_DASH}\s*")
_ISSUER_SEGMENT = re.compile(_SEGMENT)
_PREFIX = re.compile(r"(?:số|Số|SỐ)(?:\s*hiệu)?\s*:?\s*")
_LONGEST = 120  # far beyond any real symbol ("01/2020/TTLT-BGDĐT-BLĐTBXH-BNV" is 31)
_WRAPPING = " \"'“”‘’«»()[]"
_TRAILING = ".,;:"


# Texts repeat a handful of types and issuers: cache their canonical spellings.
@lru_cache(maxsize=4096)
def _canonical_type(code: str, system: System) -> str:
    if system == "state" and code == "":
        return ""
    table = _PARTY_TYPES if system == "party" else _STATE_SHAPED_TYPES
    canonical_code = table.get(normalize(code).upper())
    if canonical_code is None:
        raise ValueError(f"unknown {system} document type: {code!r}")
    return canonical_code


@lru_cache(maxsize=4096)
def _canonical_issuer(issuer: str) -> str:
    segments = []
    for segment in _SPLIT_DASH.split(normalize(issuer)):
        if not _ISSUER_SEGMENT.fullmatch(segment):
            raise ValueError(f"not an issuer code: {issuer!r}")
        key = segment.upper().replace("TƯ", "TW").replace("TU\u031b", "TW")
        segments.append(_ISSUER_SPELLINGS.get(key, key))
    return "-".join(segments)


@dataclass(frozen=True, slots=True)
class Symbol:
    """One document symbol; always canonical (the constructor canonicalises its fields).

    ``raw`` is the text it was read from and takes no part in equality.
    """

    number: int
    system: System
    doc_type: str
    issuer: str
    year: int | None = None
    raw: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.system not in ("party", "state"):
            raise ValueError(f"system must be 'party' or 'state', not {self.system!r}")
        if type(self.number) is not int or not 1 <= self.number <= MAX_NUMBER:
            raise ValueError(f"number must be an int in 1..{MAX_NUMBER}: {self.number!r}")
        doc_type = _canonical_type(self.doc_type, self.system)
        issuer = _canonical_issuer(self.issuer)
        if self.year is not None and (type(self.year) is not int or self.year not in _YEARS):
            raise ValueError(f"year out of range: {self.year!r}")
        if self.system == "party" and self.year is not None:
            raise ValueError("Party symbols carry no year")
        if self.system == "state" and doc_type == "":
            # A letter: its first segment must not read as a type, or parsing it back
            # would find a typed document; one bare segment needs the year to be a symbol.
            head, _, rest = issuer.partition("-")
            if head.upper() in _STATE_SHAPED_TYPES:
                raise ValueError(f"letter issuer starts with a type code: {issuer!r}")
            if not rest and self.year is None:
                raise ValueError(f"a letter needs ISSUER-UNIT or a year: {issuer!r}")
        object.__setattr__(self, "doc_type", doc_type)
        object.__setattr__(self, "issuer", issuer)

    @property
    def canonical(self) -> str:
        """``09-KH/ĐU``, ``89/QĐ-UBND``, ``30/2020/NĐ-CP``, ``1483/UBND-THNC``."""
        if self.system == "party":
            return f"{self.number:02d}-{self.doc_type}/{self.issuer}"
        year = f"{self.year}/" if self.year is not None else ""
        body = f"{self.doc_type}-{self.issuer}" if self.doc_type else self.issuer
        return f"{self.number:02d}/{year}{body}"

    @property
    def issued_by_party(self) -> bool:
        """Whether the issuer is a Party organ, whichever punctuation was used."""
        if self.system == "party":
            return True
        return self.issuer.partition("-")[0].upper().endswith(_PARTY_LEVEL_SUFFIXES)

    @property
    def type_names(self) -> tuple[str, ...]:
        """Vietnamese name(s) of the type; two for the Party's ambiguous ``QĐ``."""
        if self.system == "state" and not self.doc_type and self.year is not None:
            # Acts of the National Assembly and its Standing Committee write no type:
            # "Luật số 59/2020/QH14", "Nghị quyết số 43/2022/QH15".
            head = self.issuer.partition("-")[0]
            if head.startswith("QH"):
                return ("Luật", "Nghị quyết")
            if head.startswith("UBTVQH"):
                return ("Pháp lệnh", "Nghị quyết")
            return ("Văn bản",)
        first, second = (
            (PARTY_TYPE_NAMES, STATE_TYPE_NAMES)
            if self.issued_by_party and self.doc_type
            else (STATE_TYPE_NAMES, PARTY_TYPE_NAMES)
        )
        return first.get(self.doc_type) or second[self.doc_type]

    @property
    def type_name(self) -> str:
        """``"Nghị quyết"``; ``"Quy định / Quyết định"`` when the code is ambiguous."""
        return " / ".join(self.type_names)

    @property
    def type_is_ambiguous(self) -> bool:
        return len(self.type_names) > 1

    def __str__(self) -> str:
        return self.canonical


@dataclass(frozen=True, slots=True)
class SymbolMatch:
    """A symbol found in a text; ``text[start:end]`` is what was written."""

    symbol: Symbol
    start: int
    end: int

    @property
    def raw(self) -> str:
        return self.symbol.raw


@lru_cache(maxsize=4096)
def _is_type(code: str) -> bool:
    return normalize(code).upper() in _STATE_SHAPED_TYPES


def _symbol_from(match: re.Match[str]) -> tuple[Symbol, int] | None:
    """The symbol a pattern match stands for and where it ends, or None."""
    number = int(match["num"])
    try:
        if match["ptype"] is not None:
            raw = match.group(0)
            symbol = Symbol(number, "party", match["ptype"], match["pissuer"], raw=raw)
            return symbol, match.end()
        year = int(match["year"]) if match["year"] is not None else None
        head, tail, end = match["shead"], match["stail"], match.end()
        if _is_type(head):
            if tail is None:
                return None  # "10/QĐ": a type without its issuer
            raw = match.group(0)
            return Symbol(number, "state", head, tail, year, raw=raw), end
        if head[0] not in _UPPER_START:
            return None
        if tail is not None and match["sgap"].strip() != match["sgap"]:
            # A letter's issuer and unit are never spaced: "UBND - Thành phố" is prose.
            tail, end = None, match.end("shead")
        issuer = head if tail is None else f"{head}-{tail}"
        raw = match.string[match.start() : end]
        return Symbol(number, "state", "", issuer, year, raw=raw), end
    except ValueError:
        return None


# News repeats the same few symbols; a match's text alone decides what it reads as.
@lru_cache(maxsize=8192)
def _read(written: str) -> tuple[Symbol, int] | None:
    match = _PATTERN.fullmatch(written)
    return _symbol_from(match) if match else None


# --- odd spellings ----------------------------------------------------------------------
# Symbols as careless pages write them, each read back to the regular spelling:
#   19-NQ-TW, 19 NQ-TW   -> 19-NQ/TW      (a Party symbol with a dash for its slash)
#   97 QĐ/TWĐTN          -> 97-QĐ/TWĐTN   (a space for its dash)
#   45 nq cp, 19 nq tw   -> 45/NQ-CP, 19-NQ/TW (spaces only, any case; known issuers only)
#   63 2019 qh14         -> 63/2019/QH14
#   22-2021-TT-BGDĐT     -> 22/2021/TT-BGDĐT (dashes for the State slashes)
#   47/2015/TTLT/BTC-BNV -> 47/2015/TTLT-BTC-BNV (a slash after the type)
# A number glued to something else, or a year out of range, is left alone as before.
_ODD_TYPE = r"NQ|NĐ|ND|QĐ|QD|CTr|CTR|CT|KL|QC|HD|HĐ|KH|TTLT|TT|TB|BC|CV|ĐA|NQLT"
_PARTY_ISSUER = rf"[A-ZĐƯ]{{0,10}}(?:TW|TƯ|TU|HU|QU|XU|ĐU|ĐUK|ThU|THU){_AFTER}"
# Issuers that spaced-out, lower-case text names: the Government, the Prime Minister, the
# Centre, the National Assembly and its Standing Committee, the ministries.
_KNOWN_ISSUERS = frozenset(
    {"CP", "TTG", "TW", "TƯ", "BCT", "BYT", "BTC", "BNV", "BCA", "BQP", "BGDĐT", "BGDDT"}
    | {"BTTTT", "BTNMT", "BKHĐT", "BLĐTBXH", "BVHTTDL", "BTP", "BNNPTNT", "BGTVT", "BXD"}
    | {"BKHCN", "BNG", "BNNMT", "BDTTG", "NHNN", "TTCP", "KTNN", "TANDTC", "VKSNDTC"}
)
_YEAR = r"(?:19[4-9][0-9]|20[0-9][0-9])"
_ODD = re.compile(
    rf"(?P<num>[0-9](?<!{_GLUED}[0-9])[0-9]{{0,5}})(?:"
    rf"{_SPACE}{_DASH}{_SPACE}(?P<ptype>{_ODD_TYPE}){_SPACE}{_DASH}{_SPACE}(?P<pissuer>{_PARTY_ISSUER})"
    rf"|[ \t\u00a0]{{1,2}}(?P<stype>{_ODD_TYPE})(?:{_SPACE}{_DASH}{_SPACE}|[ \t\u00a0]{{1,2}})"
    rf"(?P<sissuer>{_PARTY_ISSUER})"
    rf"|[ \t\u00a0]{{1,2}}(?P<qtype>{_ODD_TYPE}){_SPACE}{_SLASH}{_SPACE}"
    rf"(?P<qissuer>{_SEGMENT}){_AFTER}"
    rf"|{_DASH}(?P<year>{_YEAR}){_DASH}(?:(?P<ytype>{_ODD_TYPE}){_DASH})?"
    rf"(?P<yissuer>{_SEGMENT}(?:{_DASH}{_SEGMENT})*){_AFTER}"
    rf"|{_SLASH}(?:(?P<tyear>{_YEAR}){_SLASH})?(?P<ttype>{_ODD_TYPE}){_SLASH}"
    rf"(?P<tissuer>{_SEGMENT}(?:{_DASH}{_SEGMENT})*){_AFTER}"
    rf"|[ \t\u00a0](?P<ltype>(?i:nq|nđ|nd|qđ|qd|ct|kl|tt|ttlt|qđ)) (?P<lissuer>(?i:[a-zđư]{{2,9}}))"
    rf"{_AFTER}"
    rf"|[ \t\u00a0](?P<lyear>{_YEAR}) (?P<lqh>(?i:(?:ubtv)?qh[0-9]{{2}})){_AFTER}"
    r")"
)


def _regular(match: re.Match[str]) -> str | None:
    """The regular spelling of an odd one, or None when it is not a symbol after all."""
    number = match["num"]
    if ptype := match["ptype"] or match["stype"]:
        issuer = match["pissuer"] or match["sissuer"]
        return f"{number}-{ptype}/{issuer}"
    if match["qtype"]:
        return f"{number}-{match['qtype']}/{match['qissuer']}"
    if match["year"]:
        segments = _SPLIT_DASH.sub("-", match["yissuer"])
        head = f"{match['ytype']}-" if match["ytype"] else ""
        return f"{number}/{match['year']}/{head}{segments}"
    if match["ttype"]:
        year = f"{match['tyear']}/" if match["tyear"] else ""
        return f"{number}/{year}{match['ttype']}-{match['tissuer']}"
    if match["ltype"]:
        issuer = normalize(match["lissuer"]).upper()
        if issuer not in _KNOWN_ISSUERS:
            return None
        doc_type = match["ltype"].upper()
        if issuer.replace("Ư", "W") == "TW":
            return f"{number}-{doc_type}/TW"
        return f"{number}/{doc_type}-{issuer}"
    if match["lyear"]:
        return f"{number}/{match['lyear']}/{match['lqh'].upper()}"
    return None


@lru_cache(maxsize=4096)
def _read_odd(written: str) -> tuple[Symbol, int] | None:
    match = _ODD.fullmatch(written)
    regular = _regular(match) if match else None
    read = _read(regular) if regular else None
    if read is None or read[1] != len(regular):
        return None
    symbol = read[0]
    fields = (symbol.number, symbol.system, symbol.doc_type, symbol.issuer, symbol.year)
    return Symbol(*fields, raw=written), len(written)


def parse_symbol(text: str) -> Symbol | None:
    """Read one symbol (``"Số: 23- NQ/TU"``, ``"89/QĐ-UBND."``); None if it is not one."""
    text = normalize(text)
    if prefix := _PREFIX.match(text):
        text = text[prefix.end() :]
    text = text.strip(_WRAPPING).rstrip(_TRAILING).strip(_WRAPPING)
    if len(text) > _LONGEST:
        return None  # not a symbol, and not worth a place in the cache
    found = _read(text)
    if found and found[1] == len(text):
        return found[0]
    odd = _read_odd(text)
    return odd[0] if odd and odd[1] == len(text) else None


def canonical(text: str) -> str | None:
    """Canonical form of the symbol in ``text``, or None: ``"30-Ctr/TƯ"`` -> ``"30-CTr/TW"``."""
    symbol = parse_symbol(text)
    return symbol.canonical if symbol else None


def _url_spans(text: str) -> list[tuple[int, int]]:
    # Most texts hold no URL: two substring tests spare them the second pass.
    if "://" not in text and "www." not in text and "WWW." not in text:
        return []
    return [url.span() for url in _URL.finditer(text)]


def find_symbols(text: str) -> list[SymbolMatch]:
    """Every symbol in ``text``, in order, positions in ``text`` itself.

    Dates, fractions, times, percentages and anything inside a URL are not symbols.
    """
    spans = _url_spans(text)
    found = _found(text, _PATTERN, _read, spans)
    odd = _found(text, _ODD, _read_odd, spans)
    if not odd:
        return found
    # An odd spelling counts only where no regular symbol was read.
    taken = [(m.start, m.end) for m in found]
    found += [m for m in odd if not any(a < m.end and m.start < b for a, b in taken)]
    return sorted(found, key=lambda m: m.start)


def _found(text, pattern, read, spans) -> list[SymbolMatch]:
    urls = iter(spans)
    url_start, url_end = next(urls, (-1, -1))
    found = []
    for match in pattern.finditer(text):
        start = match.start()
        while 0 <= url_end <= start:
            url_start, url_end = next(urls, (-1, -1))
        if url_start <= start < url_end:
            continue
        if got := read(match.group(0)):
            found.append(SymbolMatch(got[0], start, start + got[1]))
    return found
