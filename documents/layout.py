"""The Party document layout of guidance 36-HD/VPTW, for every DOCX and PDF the system
writes (reports upward, urging letters, attendance sheets).

A document is built once as a `PartyDocument` (masthead, body blocks, signature, an
appendix on landscape pages) and rendered twice: to WordprocessingML with python-docx
and to HTML for WeasyPrint. Both renderers only place what the model holds, so the DOCX
and the PDF carry the same words.

Page: A4, margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman 14 pt
(the PDF uses Liberation Serif, which has the same advance widths). Masthead: on the left
the Party body above in capitals ("ĐẢNG BỘ THÀNH PHỐ HÀ NỘI"), the issuing committee in
bold capitals ("ĐẢNG ỦY PHƯỜNG ĐỊNH LONG"), a star, the number ("Số 52-BC/ĐU") and a
letter's subject; on the right "ĐẢNG CỘNG SẢN VIỆT NAM" underlined and the
place-and-date line in italics. Masthead lines are measured with the font's own widths
and set a little smaller, or broken between the words a name does not hold together, so
no renderer ever wraps them inside a name ("HÀ / NỘI"). Text from the database goes in as
plain runs, never markup.
"""

import dataclasses
import datetime as dt
import functools
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Mm, Pt
from pypdf import PdfReader, PdfWriter

from documents import drawn_pages
from nghiquyet.pdf import html_to_pdf
from organizations.models import Organization
from vn.text import normalize

FONT = "Times New Roman"
BODY_PT = 14
SMALL_PT = 12  # a letter's subject, the recipients
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
HEAD_MM = (80, TEXT_MM - 80)  # the masthead's and the signature's two columns
SMALLEST_PT = 11  # below this a masthead line is broken rather than shrunk further
LEFT = WD_ALIGN_PARAGRAPH.LEFT
WIDE_MM = PAGE_MM[1] - 20 - 15  # the text width of a landscape appendix page
# Liberation Serif has Times New Roman's metrics; version 2 also covers Vietnamese.
FONT_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation-serif",
    "/usr/share/fonts/liberation",
)

# XML 1.0 forbids these; typed text never holds them after cleaning, old data might.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# "Thành ủy Hà Nam" is dated at "Hà Nam", "Đảng bộ phường Lam Hạ" at "Lam Hạ"; a cell
# ("Chi bộ khu phố 1") or an agency's committee at the place of the body above it.
_PLACE_IN_NAME = re.compile(
    r"^(?:(?:thành ủy|tỉnh ủy|huyện ủy|quận ủy|thị ủy)\s+"
    r"|(?:đảng ủy|đảng bộ|chi bộ)\s+(?:thành phố|tỉnh|huyện|quận|thị xã|thị trấn|phường|xã)\s+)"
    r"(?P<place>\S.*)$",
    re.IGNORECASE,
)
# How a unit's committee signs, and how units below name it as the body above them.
_COMMITTEE = ((r"đảng bộ bộ phận", "Đảng ủy bộ phận"), (r"đảng bộ", "Đảng ủy"))
_ISSUES_AS_NAMED = r"(?:chi bộ|thành ủy|tỉnh ủy|huyện ủy|quận ủy|thị ủy|đảng ủy|ban|văn phòng)"
_PARTY_BODY = (
    (r"thành ủy", "Đảng bộ thành phố"),
    (r"tỉnh ủy", "Đảng bộ tỉnh"),
    (r"huyện ủy", "Đảng bộ huyện"),
    (r"quận ủy", "Đảng bộ quận"),
    (r"thị ủy", "Đảng bộ thị xã"),
    (r"đảng ủy", "Đảng bộ"),
)
_SIGNED_FOR = {"TW": "BAN BÍ THƯ", "TU": "BAN THƯỜNG VỤ", "HU": "BAN THƯỜNG VỤ"}
# Words that begin a place's name in a unit's name: "… PHƯỜNG ĐỊNH LONG", "… KHU PHỐ 1".
_PLACE_WORDS = (
    ("THÀNH", "PHỐ"),
    ("THỊ", "XÃ"),
    ("THỊ", "TRẤN"),
    ("KHU", "PHỐ"),
    ("TỔ", "DÂN", "PHỐ"),
    ("TỈNH",),
    ("HUYỆN",),
    ("QUẬN",),
    ("PHƯỜNG",),
    ("XÃ",),
    ("THÔN",),
    ("XÓM",),
    ("ẤP",),
    ("BẢN",),
)


def plain(text: str) -> str:
    return _NOT_XML.sub("", text or "")


# --- Names and lines of the masthead ------------------------------------------------------


def _swap_head(name: str, table) -> str | None:
    for pattern, replacement in table:
        match = re.match(rf"{pattern}(?=\s|$)", name, re.IGNORECASE)
        if match:
            return replacement + name[match.end() :]
    return None


def committee_name(unit: Organization) -> str:
    """The committee that issues the unit's documents: "Đảng bộ phường Định Long" issues
    as "Đảng ủy phường Định Long"; a cell, a Thành ủy or a board as itself."""
    name = normalize(unit.name)
    swapped = _swap_head(name, _COMMITTEE)
    if swapped is not None:
        return swapped
    if re.match(rf"{_ISSUES_AS_NAMED}(?=\s|$)", name, re.IGNORECASE):
        return name
    if unit.level.holds_members:
        return _("Chi bộ %(name)s") % {"name": name}
    if unit.level.code in _SIGNED_FOR:
        return name
    return _("Đảng ủy %(name)s") % {"name": name}


def party_body_name(unit: Organization) -> str:
    """The unit as the body above another's masthead names it: "Thành ủy Hà Nội" is
    "Đảng bộ thành phố Hà Nội", "Đảng ủy xã X" is "Đảng bộ xã X"."""
    name = normalize(unit.name)
    return _swap_head(name, _PARTY_BODY) or name


def place_of(unit: Organization) -> str:
    """The place a unit dates its documents at: its own commune, ward or province, or the
    nearest above it that names one."""
    for above in reversed(unit.ancestors_and_self()):
        match = _PLACE_IN_NAME.match(normalize(above.name).removesuffix(" (cũ)"))
        if match:
            return match["place"].strip()
    return unit.name


def date_line(place: str, day: dt.date) -> str:
    # Day and month below 10 take a leading zero in Party documents.
    return _("%(place)s, ngày %(d)02d tháng %(m)02d năm %(y)d") % {
        "place": place,
        "d": day.day,
        "m": day.month,
        "y": day.year,
    }


def number_line(symbol: str, type_code: str, unit: Organization) -> str:
    """ "Số 52-BC/ĐU"; without a number, a gap the office fills in by hand when the
    document is registered and signed."""
    symbol = " ".join((symbol or "").split())
    if re.match(r"số\b", symbol, re.IGNORECASE):
        symbol = symbol[2:].strip()
    if symbol:
        return _("Số %(symbol)s") % {"symbol": symbol}
    return _("Số %(gap)s-%(type)s/%(issuer)s") % {
        "gap": " " * 6,
        "type": type_code,
        "issuer": unit.issuer_code,
    }


def signed_for(unit: Organization) -> str:
    if unit.level.holds_members:
        return _("T/M CHI BỘ")
    return _("T/M %(body)s") % {"body": _SIGNED_FOR.get(unit.level.code, _("ĐẢNG ỦY"))}


def signature_roles(unit: Organization, *, deputy: bool = False) -> tuple[str, ...]:
    """ "T/M ĐẢNG ỦY" over "BÍ THƯ"; a deputy signs "K/T BÍ THƯ" over "PHÓ BÍ THƯ"."""
    if deputy:
        return (signed_for(unit), _("K/T BÍ THƯ"), _("PHÓ BÍ THƯ"))
    return (signed_for(unit), _("BÍ THƯ"))


def parent_of(unit: Organization) -> Organization | None:
    if unit.depth <= 1:
        return None
    above = Organization.objects.select_related("level")
    return above.filter(path=unit.path[: -Organization.steplen]).first()


# --- Measuring text ------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line set in one size and style; nothing wraps it."""

    text: str
    size: float = BODY_PT
    bold: bool = False
    italic: bool = False
    underline: bool = False

    @property
    def css_size(self) -> str:
        return f"{self.size:g}pt"


@functools.cache
def _advances(bold: bool, italic: bool) -> tuple[dict[int, int], int] | None:
    """Advance widths by code point, and units per em, of Liberation Serif."""
    style = {(False, False): "Regular", (True, False): "Bold"}.get((bold, italic))
    style = style or ("BoldItalic" if bold else "Italic")
    for folder in FONT_DIRS:
        path = Path(folder) / f"LiberationSerif-{style}.ttf"
        if path.exists():
            from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

            font = TTFont(path, lazy=True)
            metrics = font["hmtx"].metrics
            widths = {cp: metrics[glyph][0] for cp, glyph in font.getBestCmap().items()}
            return widths, font["head"].unitsPerEm
    return None


def text_mm(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """How wide `text` is set in Times New Roman / Liberation Serif at `size` points."""
    found = _advances(bold, italic)
    if found is None:  # no font file here: a generous estimate
        return len(text) * 0.62 * size * 25.4 / 72
    widths, per_em = found
    total = 0
    for ch in text:
        width = widths.get(ord(ch))
        if width is None:  # a glyph the font lacks is drawn like its base letter
            width = widths.get(ord(unicodedata.normalize("NFD", ch)[0]), per_em // 2)
        total += width
    return total / per_em * size * 25.4 / 72


def _name_breaks(words: list[str]) -> dict[int, int]:
    """Where a unit's name (as written, in mixed case) may be broken, before word i, and
    at what cost. A capitalised syllable runs on into the next ("Hà Nội", "Mặt trận",
    "Đảng bộ"), so no break follows one; a capital after a small letter starts a new
    part of the name ("… Mặt trận | Tổ quốc | Việt Nam"), the best place to break;
    between two small letters is allowed but dearer ("khu vực"). The place that ends a
    name ("phường Định Long") is never broken, and may always start a line."""
    upper = [w.upper() for w in words]
    place = len(words)
    for start in range(1, len(words)):
        if any(tuple(upper[start : start + len(p)]) == p for p in _PLACE_WORDS):
            place = start
    costs = {}
    for i in range(1, min(place, len(words) - 1) + 1):
        before, word = words[i - 1], words[i]
        if i == place:
            costs[i] = 0
        elif not before[:1].isupper():
            costs[i] = 0 if word[:1].isupper() else 1
    return costs


def _split(words: list[str], breaks: list[int], parts: int) -> list[list[list[str]]]:
    """Every way to cut `words` into `parts` lines at the allowed breaks."""
    if parts == 1:
        return [[words]]
    out = []
    for index, cut in enumerate(breaks):
        rest = [b - cut for b in breaks[index + 1 :]]
        for tail in _split(words[cut:], rest, parts - 1):
            out.append([words[:cut], *tail])
    return out


def fit(
    text: str,
    width_mm: float,
    *,
    size: float = BODY_PT,
    smallest: float = SMALLEST_PT,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    upper: bool = False,
    breaks: Callable[[list[str]], dict[int, int]] = _name_breaks,
) -> tuple[Line, ...]:
    """`text` on as few lines as will hold it within `width_mm`: whole at the largest size
    from `size` down to `smallest` (half points), else broken where `breaks` allows, at
    the cheapest breaks, into the most even lines that fit. `upper`: set in capitals
    (the breaks are read from the text as written)."""
    text = " ".join(plain(text).split())
    style = {"bold": bold, "italic": italic}

    def line(words: list[str], points: float) -> Line:
        written = " ".join(words)
        return Line(written.upper() if upper else written, points, bold, italic, underline)

    def width(words: list[str], points: float) -> float:
        return text_mm(line(words, points).text, points, **style)

    words = text.split(" ")
    sizes = [size - step / 2 for step in range(int((size - smallest) * 2) + 1)]
    for points in sizes:
        if width(words, points) <= width_mm:
            return (line(words, points),)
    costs = breaks(words)
    for parts in (2, 3):
        for dearest in sorted(set(costs.values())):
            allowed = sorted(i for i, cost in costs.items() if cost <= dearest)
            for points in sizes:
                cuts = [
                    lines
                    for lines in _split(words, allowed, parts)
                    if all(width(w, points) <= width_mm for w in lines)
                ]
                if cuts:
                    best = min(cuts, key=lambda lines: max(width(w, points) for w in lines))
                    return tuple(line(w, points) for w in best)
    return (line(words, smallest),)  # nothing better exists


def _after_comma(words: list[str]) -> dict[int, int]:
    return {i: 0 for i in range(1, len(words)) if words[i - 1].endswith(",")}


# --- The document model -----------------------------------------------------------------


@dataclass(frozen=True)
class Masthead:
    above: tuple[Line, ...]  # the Party body above, if any
    issuer: tuple[Line, ...]  # the issuing committee
    symbol: Line | None  # "Số 52-BC/ĐU"; a list has none
    subject: tuple[Line, ...]  # a letter's "V/v …"
    party: Line
    date: tuple[Line, ...]

    @property
    def left(self) -> list[Line]:
        star = Line("*", BODY_PT)
        return [*self.above, *self.issuer, star, *filter(None, [self.symbol]), *self.subject]

    @property
    def right(self) -> list[Line]:
        # The date stands level with the number, a line below the Party's name.
        return [self.party, Line("", BODY_PT), *self.date]


def masthead_for(
    unit: Organization, place: str, day: dt.date, symbol: str | None, subject: str = ""
) -> Masthead:
    """The masthead of a document `unit` issues at `place` on `day`."""
    left, right = (width - 1 for width in HEAD_MM)  # a millimetre spare for rounding
    parent = parent_of(unit)
    above: tuple[Line, ...] = ()
    # A provincial committee is answerable to the Central Committee, which no masthead names.
    if parent is not None and parent.level.code != "TW":
        above = fit(party_body_name(parent), left, upper=True)
    subject_lines = (Line(plain(subject), SMALL_PT, italic=True),) if subject else ()
    return Masthead(
        above=above,
        issuer=fit(committee_name(unit), left, bold=True, upper=True),
        symbol=Line(plain(symbol), BODY_PT) if symbol else None,
        subject=subject_lines,
        party=Line(_("ĐẢNG CỘNG SẢN VIỆT NAM"), 15, bold=True, underline=True),
        date=fit(date_line(place, day), right, italic=True, breaks=_after_comma),
    )


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the body. Styles: title (BÁO CÁO), subject (its trích yếu), period,
    rule (-----), heading (I. …), body, address (Kính gửi: …), addressee (- …), note."""

    text: str
    style: str = "body"
    kind: str = field(default="paragraph", init=False)


@dataclass(frozen=True)
class Table:
    headings: tuple[str, ...]
    rows: list[list[str]]
    aligns: tuple[str, ...]
    widths_mm: tuple[float, ...] | None = None
    size: float = SMALL_PT
    bold_last: bool = False
    kind: str = field(default="table", init=False)

    @property
    def css_size(self) -> str:
        return f"{self.size:g}pt"

    @property
    def css_widths(self) -> list[str]:
        return [f"{width:.2f}mm" for width in self.widths_mm or ()]

    @property
    def aligned_rows(self) -> list[list[tuple[str, str]]]:
        return [list(zip(row, self.aligns, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Signature:
    recipients: tuple[str, ...]
    roles: tuple[str, ...]  # ("T/M ĐẢNG ỦY", "BÍ THƯ")
    signer: str = ""
    hint: str = ""  # where the name goes while nobody is named

    @property
    def left(self) -> list[Line]:
        if not self.recipients:
            return []
        heading = Line(_("Nơi nhận:"), BODY_PT, bold=True, italic=True, underline=True)
        return [heading, *(Line(text, SMALL_PT) for text in self.recipients)]

    @property
    def right(self) -> list[Line]:
        """The roles, room for the signature and the seal, then the name."""
        roles = [Line(role, BODY_PT, bold=True) for role in self.roles]
        name = Line(self.signer, BODY_PT, bold=True) if self.signer else None
        if name is None and self.hint:
            name = Line(self.hint, SMALL_PT, italic=True)
        return [*roles, *(Line("") for _ in range(4)), *filter(None, [name])]


# A Party document is written in Vietnamese whatever language its clerk reads the pages
# in: its builders and renderers (and the figures stored for it) run under Vietnamese.
@dataclass
class PartyDocument:
    title: str
    masthead: Masthead
    body: list
    signature: Signature
    appendix: list = field(default_factory=list)  # landscape pages after the signature


def paragraphs(text: str, style: str = "body") -> list[Paragraph]:
    """Text typed in a box, one paragraph per line."""
    return [Paragraph(line.strip(), style) for line in (text or "").splitlines() if line.strip()]


# --- DOCX ------------------------------------------------------------------------------------

_STYLES = {
    # style: (size, bold, italic, alignment, first-line indent, space before)
    "title": (15, True, False, "center", None, 12),
    "subject": (BODY_PT, True, False, "center", None, 0),
    "period": (BODY_PT, False, True, "center", None, 0),
    "rule": (BODY_PT, False, False, "center", None, 0),
    "heading": (BODY_PT, True, False, "left", None, 6),
    "body": (BODY_PT, False, False, "both", Cm(1.27), 6),
    "address": (BODY_PT, False, False, "center", None, 12),
    "addressee": (BODY_PT, False, False, "left", None, 0),
    "note": (SMALL_PT, False, True, "left", None, 6),
}
_ALIGN = {
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _run(paragraph, line: Line, default_size: float = BODY_PT) -> None:
    run = paragraph.add_run(plain(line.text))
    # Only what differs from the Normal style is written: a document may list thousands
    # of rows.
    if line.bold:
        run.bold = True
    if line.italic:
        run.italic = True
    if line.underline:
        run.underline = True
    if line.size != default_size:
        run.font.size = Pt(line.size)


def _lines(cell, lines: list[Line], align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = align
        _run(paragraph, line)


def _two_columns(document):
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    # No cell padding: the masthead lines were measured against the full column width.
    table._tbl.tblPr.append(
        parse_xml(
            f'<w:tblCellMar {nsdecls("w")}><w:left w:w="0" w:type="dxa"/>'
            '<w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
        )
    )
    cells = table.rows[0].cells
    for cell, width in zip(cells, HEAD_MM, strict=True):
        cell.width = Mm(width)
    return cells


def _page_numbers(section) -> None:
    """The page number centred at the top of every page but the first."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>2</w:t></w:r></w:fldSimple>'
        )
    )


def _word() -> WordDocument:
    document = WordDocument()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    style.paragraph_format.space_after = Pt(0)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    _page_numbers(section)
    return document


def _paragraph(document, block: Paragraph) -> None:
    size, bold, italic, align, indent, before = _STYLES[block.style]
    paragraph = document.add_paragraph()
    paragraph.alignment = _ALIGN[align]
    if indent is not None:
        paragraph.paragraph_format.first_line_indent = indent
    if block.style == "addressee":
        paragraph.paragraph_format.left_indent = Cm(5.0)
    if before:
        paragraph.paragraph_format.space_before = Pt(before)
    _run(paragraph, Line(block.text, size, bold, italic))


def _cell_xml(text: str, width, align: str, size: float, bold: bool) -> str:
    width_xml = f'<w:tcPr><w:tcW w:w="{width.twips}" w:type="dxa"/></w:tcPr>' if width else ""
    weight = "<w:b/>" if bold else ""
    return (
        f'<w:tc>{width_xml}<w:p><w:pPr><w:jc w:val="{align}"/></w:pPr>'
        f'<w:r><w:rPr>{weight}<w:sz w:val="{round(size * 2)}"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(plain(text).replace(chr(10), " "))}</w:t>'
        "</w:r></w:p></w:tc>"
    )


def _table(document, block: Table) -> None:
    """A bordered table: the headings in bold, repeated on every page, then the rows.

    Rows are written as WordprocessingML and parsed once: python-docx's cell and run
    objects take about 4 ms a row, 8 s for the 2,000 rows a province document may list.
    """
    columns = len(block.headings)
    widths = tuple(Mm(w) for w in block.widths_mm) if block.widths_mm else (None,) * columns
    grid = document.add_table(rows=1, cols=columns)
    grid.style = "Table Grid"
    if widths[0] is not None:
        grid.autofit = False
    header = grid.rows[0]
    header._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    for cell, title, width in zip(header.cells, block.headings, widths, strict=True):
        if width is not None:
            cell.width = width
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], Line(title, block.size, bold=True))
    xml = []
    for index, values in enumerate(block.rows):
        bold = block.bold_last and index == len(block.rows) - 1
        cells = "".join(
            _cell_xml(str(text), width, align, block.size, bold)
            for text, width, align in zip(values, widths, block.aligns, strict=True)
        )
        xml.append(f"<w:tr>{cells}</w:tr>")
    parsed = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(xml)}</w:tbl>")
    for row in list(parsed):  # a copy: appending moves each row out of `parsed`
        grid._tbl.append(row)


def _blocks(document, blocks: list) -> None:
    for block in blocks:
        if block.kind == "table":
            _table(document, block)
        else:
            _paragraph(document, block)


def _signature(document, signature: Signature) -> None:
    # The signature never stands alone on a page: the last paragraph goes with it.
    if document.paragraphs:
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    document.add_paragraph().paragraph_format.keep_with_next = True
    left, right = _two_columns(document)
    left._tc.getparent().get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    _lines(left, signature.left, align=LEFT)
    _lines(right, signature.right)


@translation.override("vi")
def to_docx(doc: PartyDocument) -> bytes:
    document = _word()
    left, right = _two_columns(document)
    _lines(left, doc.masthead.left)
    _lines(right, doc.masthead.right)
    _blocks(document, doc.body)
    _signature(document, doc.signature)
    if doc.appendix:
        section = document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(PAGE_MM[1]), Mm(PAGE_MM[0])
        section.left_margin, section.right_margin = Mm(PAGE_MM[1] - WIDE_MM - 15), Mm(15)
        section.top_margin, section.bottom_margin = Mm(20), Mm(15)
        _blocks(document, doc.appendix)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- PDF -------------------------------------------------------------------------------------


def _paragraph_css() -> str:
    """The paragraph styles of `_STYLES`, as CSS classes `p-<style>`."""
    rules = []
    for style, (size, bold, italic, align, indent, before) in _STYLES.items():
        rules.append(
            f".p-{style} {{ font-size: {size:g}pt; font-weight: {'bold' if bold else 'normal'};"
            f" font-style: {'italic' if italic else 'normal'};"
            f" text-align: {'justify' if align == 'both' else align};"
            f" text-indent: {indent.mm if indent is not None else 0:g}mm;"
            f" margin: {before:g}pt 0 0 {50 if style == 'addressee' else 0}mm; }}"
        )
    return "\n".join(rules)


@translation.override("vi")
def to_html(doc: PartyDocument) -> str:
    return render_to_string(
        "documents/party_document_pdf.html",
        {
            "doc": doc,
            "head_mm": HEAD_MM,
            "text_mm": TEXT_MM,
            "margins": MARGINS_MM,
            "paragraph_css": _paragraph_css(),
        },
    )


def to_pdf(doc: PartyDocument) -> bytes:
    """The body set by WeasyPrint; the landscape appendix drawn directly (`drawn_pages`:
    a statistics table costs microseconds a cell there, 1,6 ms in WeasyPrint), or by
    WeasyPrint too where the font files are missing."""
    if not doc.appendix:
        return html_to_pdf(to_html(doc))
    body = html_to_pdf(to_html(dataclasses.replace(doc, appendix=[])))
    reader = PdfReader(io.BytesIO(body))
    try:
        appendix = drawn_pages.appendix_pdf(
            doc.appendix, _STYLES, FONT_DIRS, first_number=len(reader.pages) + 1
        )
    except FileNotFoundError:
        return html_to_pdf(to_html(doc))
    writer = PdfWriter(clone_from=reader)
    writer.append(PdfReader(io.BytesIO(appendix)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
