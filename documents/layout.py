"""The Party document layout of guidance 36-HD/VPTW, for the DOCX drafts the system
writes (urging letters, reports upward): A4, Times New Roman 14, the two-column header
with the issuing body and "ĐẢNG CỘNG SẢN VIỆT NAM", the place-and-date line, recipients
and the signature block. Text from the database goes in as plain runs."""

import datetime as dt
import re
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Mm, Pt

from organizations.models import Organization

FONT = "Times New Roman"
BODY_PT = 14
SMALL_PT = 13  # subject line, tables, recipients
HEADER_WIDTHS = (Cm(7.0), Cm(9.5))
LEFT = WD_ALIGN_PARAGRAPH.LEFT

# XML 1.0 forbids these; typed text never holds them after cleaning, old data might.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# "Thành ủy Hà Nam" is dated at "Hà Nam", "Đảng bộ phường Lam Hạ" at "Lam Hạ".
_BODY_WORDS = re.compile(
    r"^(?:thành ủy|tỉnh ủy|huyện ủy|quận ủy|thị ủy|đảng ủy|đảng bộ|chi bộ)\s+"
    r"(?:(?:thành phố|tỉnh|huyện|quận|thị xã|thị trấn|phường|xã)\s+)?",
    re.IGNORECASE,
)
_SIGNED_FOR = {"TW": "BAN BÍ THƯ", "TU": "BAN THƯỜNG VỤ", "HU": "BAN THƯỜNG VỤ"}


def plain(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def place_of(unit: Organization) -> str:
    return _BODY_WORDS.sub("", unit.name).strip() or unit.name


def date_line(place: str, day: dt.date) -> str:
    # Day and month below 10 take a leading zero in Party documents.
    return _("%(place)s, ngày %(d)02d tháng %(m)02d năm %(y)d") % {
        "place": place,
        "d": day.day,
        "m": day.month,
        "y": day.year,
    }


def signed_for(unit: Organization) -> str:
    if unit.level.holds_members:
        return _("T/M CHI ỦY")
    return _("T/M %(body)s") % {"body": _SIGNED_FOR.get(unit.level.code, _("ĐẢNG ỦY"))}


def word() -> WordDocument:
    document = WordDocument()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    style.paragraph_format.space_after = Pt(0)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    return document


def line(
    container,
    text: str = "",
    *,
    size=None,
    bold=False,
    italic=False,
    underline=False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    paragraph=None,
):
    paragraph = paragraph or container.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(plain(text))
    # Only what differs from the Normal style is written: a document may list thousands
    # of rows.
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if underline:
        run.underline = True
    if size:
        run.font.size = Pt(size)
    return paragraph


def body(document, text: str) -> None:
    paragraph = line(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = Cm(1.27)
    paragraph.paragraph_format.space_before = Pt(6)


def header(
    document, unit: Organization, place: str, day: dt.date, symbol: str, subject: str = ""
) -> None:
    """The two-column header: issuing body and number on the left, the Party's name and
    the place and date on the right; a letter's subject goes under its number."""
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    for cell, width in zip((left, right), HEADER_WIDTHS, strict=True):
        cell.width = width
    parent = Organization.objects.get_parent(unit) if unit.depth > 1 else None
    first = left.paragraphs[0]
    if parent is not None:
        line(left, parent.name.upper(), paragraph=first)
        line(left, unit.name.upper(), bold=True)
    else:
        line(left, unit.name.upper(), bold=True, paragraph=first)
    line(left, "*")
    line(left, symbol)
    if subject:
        line(left, subject, size=SMALL_PT, italic=True)
    line(
        right, _("ĐẢNG CỘNG SẢN VIỆT NAM"), bold=True, underline=True, paragraph=right.paragraphs[0]
    )
    line(right)
    line(right, date_line(place, day), italic=True)


def signature(document, unit: Organization, recipients: list[str], signer: str = "") -> None:
    """Recipients (Nơi nhận) on the left, the signature block on the right."""
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    for cell, width in zip((left, right), HEADER_WIDTHS, strict=True):
        cell.width = width
    left_align = WD_ALIGN_PARAGRAPH.LEFT
    line(
        left,
        _("Nơi nhận:"),
        size=SMALL_PT,
        underline=True,
        align=left_align,
        paragraph=left.paragraphs[0],
    )
    for text in recipients:
        line(left, text, size=SMALL_PT, align=left_align)
    line(right, signed_for(unit), bold=True, paragraph=right.paragraphs[0])
    line(right, _("BÍ THƯ"), bold=True)
    for _blank in range(3):
        line(right)
    line(right, signer or _("(Ký, ghi rõ họ tên)"), italic=not signer, bold=bool(signer))


def _cell_xml(text: str, width, align: str, size: float, bold: bool) -> str:
    width_xml = f'<w:tcPr><w:tcW w:w="{width.twips}" w:type="dxa"/></w:tcPr>' if width else ""
    weight = "<w:b/>" if bold else ""
    return (
        f'<w:tc>{width_xml}<w:p><w:pPr><w:jc w:val="{align}"/></w:pPr>'
        f'<w:r><w:rPr>{weight}<w:sz w:val="{round(size * 2)}"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(plain(text).replace(chr(10), " "))}</w:t>'
        "</w:r></w:p></w:tc>"
    )


def table(document, headings, rows, *, widths=None, aligns=None, size=SMALL_PT, bold_last=False):
    """A bordered table: the headings in bold, then `rows` (lists of strings).

    Rows are written as WordprocessingML and parsed once: python-docx's cell and run
    objects take about 4 ms a row, 8 s for the 2,000 rows a province document may list.
    """
    columns = len(headings)
    widths = widths or (None,) * columns
    aligns = aligns or ("left",) * columns
    grid = document.add_table(rows=1, cols=columns)
    grid.style = "Table Grid"
    if widths[0] is not None:
        grid.autofit = False
    for cell, title, width in zip(grid.rows[0].cells, headings, widths, strict=True):
        if width is not None:
            cell.width = width
        line(cell, title, size=size, bold=True, paragraph=cell.paragraphs[0])
    xml = []
    for index, values in enumerate(rows):
        bold = bold_last and index == len(rows) - 1
        cells = "".join(
            _cell_xml(str(text), width, align, size, bold)
            for text, width, align in zip(values, widths, aligns, strict=True)
        )
        xml.append(f"<w:tr>{cells}</w:tr>")
    parsed = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(xml)}</w:tbl>")
    for row in list(parsed):  # a copy: appending moves each row out of `parsed`
        grid._tbl.append(row)
    return grid
