"""The exporter registry: one exporter per (report kind, format). Each turns a report's
stored figures into bytes, calling `progress(done, total)` as it writes rows; the job in
`reporting.tasks` runs it and stores the file with an expiry.

- DOCX: the Party document layout (`documents.layout`), pre-filled with the standard
  phrasing and a table per unit below, to be finished in Word.
- XLSX: the statistics table (biểu thống kê), one row per unit below and the totals, with
  formula injection neutralised.
- PDF: the same report through WeasyPrint, local fonts only, no URL ever fetched.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from documents import layout
from nghiquyet.pdf import html_to_pdf
from nghiquyet.spreadsheets import cell_safe
from organizations.models import Organization
from reporting.figures import Column, cell, columns_for
from reporting.models import Kind, Snapshot
from vn.formats import format_date, format_decimal, format_int

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Exporter:
    kind: str
    format: str
    extension: str
    content_type: str
    build: Callable[[Snapshot, Progress], bytes]


EXPORTERS: dict[tuple[str, str], Exporter] = {}


def exporter(fmt: str, extension: str, content_type: str, kinds=tuple(Kind.values)):
    """Register `build` for `fmt` and each of `kinds`."""

    def register(build):
        for kind in kinds:
            EXPORTERS[(kind, fmt)] = Exporter(kind, fmt, extension, content_type, build)
        return build

    return register


def exporter_for(kind: str, fmt: str) -> Exporter | None:
    return EXPORTERS.get((kind, fmt))


def _shown(value, column: Column) -> str:
    if value is None:
        return "—"
    if column.percent_of:
        return format_decimal(value, 2)
    return format_int(value)


def _table_rows(snapshot: Snapshot):
    figures = snapshot.figures
    columns = columns_for(snapshot.kind)
    rows = [
        (row["unit"]["name"], [_shown(cell(row, c), c) for c in columns], row.get("reported"))
        for row in figures.get("rows", [])
    ]
    total = [_shown(cell(figures.get("total", {}), c), c) for c in columns]
    return columns, rows, total


def heading(snapshot: Snapshot) -> str:
    return snapshot.title.upper()


@exporter("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
def build_docx(snapshot: Snapshot, progress: Progress) -> bytes:
    unit = snapshot.organization
    figures = snapshot.figures
    columns, rows, total = _table_rows(snapshot)
    document = layout.word()
    day = snapshot.issued_on or snapshot.period_to
    symbol = snapshot.symbol or _("Số %(gap)s-BC/%(issuer)s") % {
        "gap": " " * 6,
        "issuer": unit.issuer_code,
    }
    layout.header(document, unit, snapshot.place, day, symbol)
    document.add_paragraph()
    layout.line(document, _("BÁO CÁO"), bold=True, size=15)
    layout.line(document, snapshot.title, bold=True)
    layout.line(
        document,
        _("(Từ ngày %(start)s đến ngày %(end)s)")
        % {"start": format_date(snapshot.period_from), "end": format_date(snapshot.period_to)},
        italic=True,
    )
    layout.line(document, "-----")
    layout.line(document, _("I. KẾT QUẢ THỰC HIỆN"), bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for sentence in figures.get("phrases", []):
        layout.body(document, sentence)
    layout.line(document, _("II. HẠN CHẾ, NGUYÊN NHÂN"), bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    layout.body(document, _("(Đơn vị bổ sung nội dung.)"))
    layout.line(
        document,
        _("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"),
        bold=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    layout.body(document, _("(Đơn vị bổ sung nội dung.)"))
    if rows:
        document.add_paragraph()
        layout.line(document, _("BIỂU THỐNG KÊ THEO ĐƠN VỊ TRỰC THUỘC"), bold=True)
        _docx_table(document, columns, rows, total, progress)
    recipients = [r.strip() for r in snapshot.recipients.splitlines() if r.strip()] or [
        _("- Như trên,"),
        _("- Lưu văn phòng."),
    ]
    layout.signature(document, unit, recipients, snapshot.signer)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document, columns, rows, total, progress: Progress) -> None:
    headings = [_("STT"), _("Đơn vị"), *[c.label for c in columns]]
    body = [[str(n), name, *values] for n, (name, values, _reported) in enumerate(rows, 1)]
    body.append(["", _("Tổng cộng"), *total])
    aligns = ("center", "left", *("right",) * len(columns))
    layout.table(document, headings, body, aligns=aligns, size=8, bold_last=True)
    progress(len(rows), len(rows))


@exporter("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
def build_xlsx(snapshot: Snapshot, progress: Progress) -> bytes:
    figures = snapshot.figures
    columns = columns_for(snapshot.kind)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Biểu thống kê")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.cell(row=1, column=1, value=cell_safe(snapshot.organization.name.upper())).font = Font(
        bold=True
    )
    sheet.cell(row=2, column=1, value=cell_safe(_("BIỂU THỐNG KÊ"))).font = Font(bold=True, size=13)
    sheet.cell(row=3, column=1, value=cell_safe(snapshot.title))
    sheet.cell(
        row=4,
        column=1,
        value=_("Từ ngày %(start)s đến ngày %(end)s")
        % {"start": format_date(snapshot.period_from), "end": format_date(snapshot.period_to)},
    )
    header_row = 6
    labels = [_("STT"), _("Đơn vị"), *[c.label for c in columns]]
    if snapshot.request_id:
        labels.append(_("Đã báo cáo"))
    for index, label in enumerate(labels, start=1):
        item = sheet.cell(row=header_row, column=index, value=label)
        item.font = Font(bold=True)
        item.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        item.border = border
    rows = figures.get("rows", [])
    for number, row in enumerate(rows, start=1):
        values = [number, cell_safe(row["unit"]["name"]), *[cell(row, c) for c in columns]]
        if snapshot.request_id:
            values.append(_("Có") if row.get("reported") else _("Chưa"))
        for index, value in enumerate(values, start=1):
            sheet.cell(row=header_row + number, column=index, value=value).border = border
        if number % 200 == 0 or number == len(rows):
            progress(number, len(rows))
    total_row = header_row + len(rows) + 1
    total = figures.get("total", {})
    for index, value in enumerate(
        ["", _("Tổng cộng"), *[cell(total, c) for c in columns]], start=1
    ):
        item = sheet.cell(row=total_row, column=index, value=value)
        item.font = Font(bold=True)
        item.border = border
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 40
    for index in range(3, len(labels) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@exporter("pdf", "pdf", "application/pdf")
def build_pdf(snapshot: Snapshot, progress: Progress) -> bytes:
    columns, rows, total = _table_rows(snapshot)
    unit = snapshot.organization
    parent = Organization.objects.get_parent(unit) if unit.depth > 1 else None
    html = render_to_string(
        "reporting/report_pdf.html",
        {
            "snapshot": snapshot,
            "parent": parent,
            "date_line": layout.date_line(snapshot.place, snapshot.issued_on or snapshot.period_to),
            "columns": columns,
            "rows": rows,
            "total": total,
            "phrases": snapshot.figures.get("phrases", []),
            "recipients": [r.strip() for r in snapshot.recipients.splitlines() if r.strip()],
            "signed_for": layout.signed_for(unit),
        },
    )
    progress(len(rows), len(rows))
    return html_to_pdf(html)
