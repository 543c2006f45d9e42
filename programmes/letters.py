"""The urging letter (công văn đôn đốc) about overdue tasks, as a DOCX draft.

Laid out as guidance 36-HD/VPTW lays out a Party letter: the issuing body and number on
the left and the Party's name, place and date on the right of a borderless header, the
subject under the number, the addressees, the body, the list of tasks, then the
recipients and the signature block. The number, the signer and any wording are left for
the office to fill in Word. Text from the database goes in as plain runs, never markup.
"""

import datetime as dt
import io
import re
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Mm, Pt

from organizations.models import Organization
from programmes.models import Task
from vn.formats import format_date, format_int

FONT = "Times New Roman"
BODY_PT = 14
SMALL_PT = 13  # the subject line, the table and the recipients
REPORT_WITHIN = dt.timedelta(days=7)
DOCUMENTS_NAMED = 3  # more than this and the opening refers to them together
HEADER_WIDTHS = (Cm(7.0), Cm(9.5))
TABLE_WIDTHS = (Cm(1.0), Cm(5.6), Cm(2.6), Cm(3.4), Cm(2.2), Cm(1.7))
COLUMNS = (
    "STT",
    "Nội dung nhiệm vụ",
    "Văn bản",
    "Đơn vị chủ trì",
    "Thời hạn",
    "Số ngày quá hạn",
)
# XML 1.0 forbids these; typed text never holds them after cleaning, old data might.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# "Thành ủy Hà Nam" is dated at "Hà Nam", "Đảng bộ phường Lam Hạ" at "Lam Hạ".
_BODY_WORDS = re.compile(
    r"^(?:thành ủy|tỉnh ủy|huyện ủy|quận ủy|thị ủy|đảng ủy|đảng bộ|chi bộ)\s+"
    r"(?:(?:thành phố|tỉnh|huyện|quận|thị xã|thị trấn|phường|xã)\s+)?",
    re.IGNORECASE,
)
_SIGNED_FOR = {"TW": "BAN BÍ THƯ", "TU": "BAN THƯỜNG VỤ", "HU": "BAN THƯỜNG VỤ"}


def _plain(text: str) -> str:
    return _NOT_XML.sub("", text or "")


def place_of(unit: Organization) -> str:
    return _BODY_WORDS.sub("", unit.name).strip() or unit.name


def _date_line(place: str, day: dt.date) -> str:
    # Day and month below 10 take a leading zero in Party documents.
    return _("%(place)s, ngày %(d)02d tháng %(m)02d năm %(y)d") % {
        "place": place,
        "d": day.day,
        "m": day.month,
        "y": day.year,
    }


def _signed_for(unit: Organization) -> str:
    if unit.level.holds_members:
        return _("T/M CHI ỦY")
    return _("T/M %(body)s") % {"body": _SIGNED_FOR.get(unit.level.code, _("ĐẢNG ỦY"))}


def _word() -> WordDocument:
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


def _line(
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
    run = paragraph.add_run(_plain(text))
    # Only what differs from the Normal style is written: a letter may list 2,000 tasks.
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if underline:
        run.underline = True
    if size:
        run.font.size = Pt(size)
    return paragraph


def _body(document, text: str) -> None:
    paragraph = _line(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = Cm(1.27)
    paragraph.paragraph_format.space_before = Pt(6)


def _header(document, unit: Organization, place: str, today: dt.date) -> None:
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    for cell, width in zip((left, right), HEADER_WIDTHS, strict=True):
        cell.width = width
    parent = Organization.objects.get_parent(unit) if unit.depth > 1 else None
    first = left.paragraphs[0]
    if parent is not None:
        _line(left, parent.name.upper(), paragraph=first)
        _line(left, unit.name.upper(), bold=True)
    else:
        _line(left, unit.name.upper(), bold=True, paragraph=first)
    _line(left, "*")
    # The number is written in by hand when the letter is registered and signed.
    _line(left, _("Số %(gap)s-CV/%(issuer)s") % {"gap": " " * 6, "issuer": unit.issuer_code})
    _line(left, _("V/v đôn đốc thực hiện nhiệm vụ quá hạn"), size=SMALL_PT, italic=True)
    _line(
        right, _("ĐẢNG CỘNG SẢN VIỆT NAM"), bold=True, underline=True, paragraph=right.paragraphs[0]
    )
    _line(right)
    _line(right, _date_line(place, today), italic=True)


def _addressees(document, leads: list[Organization]) -> None:
    document.add_paragraph()
    if len(leads) <= 1:
        names = leads[0].name if leads else "……"
        _line(document, _("Kính gửi: %(name)s") % {"name": names})
        return
    _line(document, _("Kính gửi:"))
    for index, lead in enumerate(leads):
        end = "." if index == len(leads) - 1 else ","
        paragraph = _line(document, f"- {lead.name}{end}", align=WD_ALIGN_PARAGRAPH.LEFT)
        paragraph.paragraph_format.left_indent = Cm(5.0)


def _implemented(unit: Organization, tasks: list[Task]) -> str:
    documents = list({task.document_id: task.document for task in tasks}.values())
    if not documents or len(documents) > DOCUMENTS_NAMED:
        return _("các chương trình, kế hoạch của %(unit)s") % {"unit": unit.name}
    return "; ".join(
        _("%(kind)s số %(symbol)s ngày %(date)s của %(issuer)s")
        % {
            "kind": document.get_kind_display(),
            "symbol": document.display_symbol,
            "date": format_date(document.issued_on),
            "issuer": document.issuer_name,
        }
        for document in documents
    )


def _days_late(task: Task, today: dt.date) -> int:
    return max((today - task.deadline).days, 0) if task.deadline else 0


def _cell_xml(text: str, width, align: str) -> str:
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width.twips}" w:type="dxa"/></w:tcPr>'
        f'<w:p><w:pPr><w:jc w:val="{align}"/></w:pPr>'
        f'<w:r><w:rPr><w:sz w:val="{SMALL_PT * 2}"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(_plain(text).replace(chr(10), " "))}</w:t>'
        "</w:r></w:p></w:tc>"
    )


def _tasks_table(document, tasks: list[Task], today: dt.date) -> None:
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    for cell, title, width in zip(table.rows[0].cells, COLUMNS, TABLE_WIDTHS, strict=True):
        cell.width = width
        _line(cell, title, size=SMALL_PT, bold=True, paragraph=cell.paragraphs[0])
    # The rows are written as WordprocessingML and parsed once: python-docx's cell and run
    # objects take about 4 ms a row, 8 s for the 2,000 tasks a province letter may list.
    rows = []
    for number, task in enumerate(tasks, start=1):
        values = (
            (str(number), "center"),
            (task.content, "left"),
            (task.document.display_symbol, "center"),
            (task.lead.name, "left"),
            (format_date(task.deadline), "center"),
            (format_int(_days_late(task, today)), "center"),
        )
        cells = "".join(
            _cell_xml(text, width, align)
            for (text, align), width in zip(values, TABLE_WIDTHS, strict=True)
        )
        rows.append(f"<w:tr>{cells}</w:tr>")
    parsed = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>")
    for row in list(parsed):  # a copy: appending moves each row out of `parsed`
        table._tbl.append(row)


def _signature(document, unit: Organization) -> None:
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    for cell, width in zip((left, right), HEADER_WIDTHS, strict=True):
        cell.width = width
    left_align = WD_ALIGN_PARAGRAPH.LEFT
    _line(
        left,
        _("Nơi nhận:"),
        size=SMALL_PT,
        underline=True,
        align=left_align,
        paragraph=left.paragraphs[0],
    )
    for text in (_("- Như trên,"), _("- Lưu văn phòng.")):
        _line(left, text, size=SMALL_PT, align=left_align)
    _line(right, _signed_for(unit), bold=True, paragraph=right.paragraphs[0])
    _line(right, _("BÍ THƯ"), bold=True)
    for _blank in range(3):
        _line(right)
    _line(right, _("(Ký, ghi rõ họ tên)"), italic=True)


def urging_letter(
    unit: Organization,
    tasks: list[Task],
    today: dt.date,
    *,
    place: str | None = None,
    report_by: dt.date | None = None,
) -> bytes:
    """The letter `unit` sends to the lead units of `tasks` (overdue ones, as the caller
    chose them; fetch them with `lead` and `document`), asking for a report by
    `report_by` (a week from `today` unless given)."""
    tasks = sorted(tasks, key=lambda task: (task.lead.path, task.deadline or today, task.pk))
    leads = list({task.lead_id: task.lead for task in tasks}.values())
    report_by = report_by or today + REPORT_WITHIN
    document = _word()
    _header(document, unit, place or place_of(unit), today)
    _addressees(document, leads)
    _body(
        document,
        _(
            "Thực hiện %(documents)s, %(unit)s đã phân công các cơ quan, đơn vị chủ trì "
            "thực hiện các nhiệm vụ. Qua theo dõi, đến ngày %(today)s còn %(n)s nhiệm vụ đã "
            "quá thời hạn nhưng chưa hoàn thành, cụ thể như sau:"
        )
        % {
            "documents": _implemented(unit, tasks),
            "unit": unit.name,
            "today": format_date(today),
            "n": format_int(len(tasks)),
        },
    )
    document.add_paragraph()
    _tasks_table(document, tasks, today)
    _body(
        document,
        _(
            "%(unit)s đề nghị các cơ quan, đơn vị khẩn trương chỉ đạo thực hiện dứt điểm các "
            "nhiệm vụ nêu trên; báo cáo kết quả thực hiện, nêu rõ nguyên nhân chậm tiến độ và "
            "thời gian hoàn thành đối với nhiệm vụ chưa hoàn thành, gửi về %(unit)s (qua Văn "
            "phòng) trước ngày %(date)s để tổng hợp."
        )
        % {"unit": unit.name, "date": format_date(report_by)},
    )
    _signature(document, unit)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
