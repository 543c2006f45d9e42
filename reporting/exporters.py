"""The exporter registry: one exporter per (report kind, format). Each turns a report's
stored figures and texts into bytes, calling `progress(done, total)` as it writes; the
job in `reporting.tasks` runs it and stores the file with an expiry.

- DOCX and PDF: one Party document (`report_document`, guidance 36-HD/VPTW) rendered by
  `documents.layout` twice, so the two carry the same words: the masthead, section I in
  the figures' sentences, sections II and III as the unit wrote them, the signature and
  the recipients, then the statistics table on landscape pages.
- XLSX: the statistics table (biểu thống kê), one row per unit below and the totals, with
  formula injection neutralised; sections II and III on a second sheet.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from documents import layout
from nghiquyet.spreadsheets import cell_safe
from reporting.figures import cell, columns_of, shown
from reporting.models import Kind, Snapshot
from vn.formats import format_date

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


def recipients_of(snapshot: Snapshot) -> tuple[str, ...]:
    """As typed, one a line; by default the committee above, to report to, and the
    office's archive."""
    typed = tuple(line.strip() for line in snapshot.recipients.splitlines() if line.strip())
    if typed:
        return typed
    parent = layout.parent_of(snapshot.organization)
    above = (
        (_("- %(body)s (để báo cáo),") % {"body": layout.committee_name(parent)},)
        if parent is not None
        else ()
    )
    return (*above, _("- Lưu VP."))


def _statistics(snapshot: Snapshot) -> layout.Table:
    figures = snapshot.figures
    columns = columns_of(figures)
    rows = [
        [str(n), row["unit"]["name"], *(shown(cell(row, c)) for c in columns)]
        for n, row in enumerate(figures.get("rows", []), 1)
    ]
    total = figures.get("total", {})
    rows.append(["", _("Tổng cộng"), *(shown(cell(total, c)) for c in columns)])
    number, name = 8, 40
    each = (layout.WIDE_MM - number - name) / max(len(columns), 1)
    return layout.Table(
        headings=(_("STT"), _("Đơn vị"), *(c.label for c in columns)),
        rows=rows,
        aligns=("center", "left", *("right",) * len(columns)),
        widths_mm=(number, name, *(each,) * len(columns)),
        size=8,
        bold_last=True,
    )


@translation.override("vi")
def report_document(snapshot: Snapshot) -> layout.PartyDocument:
    """The report as the unit signs it."""
    unit = snapshot.organization
    day = snapshot.issued_on or timezone.localdate()
    number = layout.number_line(snapshot.symbol, "BC", unit)
    P = layout.Paragraph
    body = [
        P(_("BÁO CÁO"), "title"),
        P(snapshot.title, "subject"),
        P(
            _("(Từ ngày %(start)s đến ngày %(end)s)")
            % {"start": format_date(snapshot.period_from), "end": format_date(snapshot.period_to)},
            "period",
        ),
        P("-----", "rule"),
    ]
    cited = snapshot.figures.get("cited") or []
    if cited:
        body.append(
            P(
                _("Thực hiện %(documents)s, %(committee)s báo cáo kết quả như sau:")
                % {
                    "documents": "; ".join(cited),
                    "committee": snapshot.figures.get("committee") or _("Đảng ủy"),
                }
            )
        )
    body.append(P(_("I. KẾT QUẢ THỰC HIỆN"), "heading"))
    body += [P(sentence) for sentence in snapshot.figures.get("phrases", [])]
    if not snapshot.figures.get("phrases"):
        body.append(P(_("Kỳ này chưa có số liệu.")))
    body.append(P(_("II. HẠN CHẾ, NGUYÊN NHÂN"), "heading"))
    body += layout.paragraphs(snapshot.limitations)
    body.append(P(_("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"), "heading"))
    body += layout.paragraphs(snapshot.directions)
    appendix = []
    if snapshot.figures.get("rows"):
        report = (
            _("Báo cáo số %(symbol)s") % {"symbol": snapshot.symbol}
            if snapshot.symbol
            else _("Báo cáo")
        )
        attached = _("(Kèm theo %(report)s ngày %(day)s của %(unit)s)") % {
            "report": report,
            "day": format_date(day),
            "unit": layout.committee_name(unit),
        }
        appendix = [
            P(_("BIỂU THỐNG KÊ KẾT QUẢ THEO ĐƠN VỊ TRỰC THUỘC"), "title"),
            P(attached, "period"),
            _statistics(snapshot),
        ]
    return layout.PartyDocument(
        title=snapshot.title,
        masthead=layout.masthead_for(unit, snapshot.place, day, number),
        body=body,
        signature=layout.Signature(
            recipients=recipients_of(snapshot),
            roles=layout.signature_roles(unit, deputy=snapshot.signs_as == Snapshot.SignsAs.DEPUTY),
            signer=snapshot.signer,
        ),
        appendix=appendix,
    )


@exporter("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
def build_docx(snapshot: Snapshot, progress: Progress) -> bytes:
    rows = len(snapshot.figures.get("rows", []))
    data = layout.to_docx(report_document(snapshot))
    progress(rows, rows)
    return data


@exporter("pdf", "pdf", "application/pdf")
def build_pdf(snapshot: Snapshot, progress: Progress) -> bytes:
    rows = len(snapshot.figures.get("rows", []))
    data = layout.to_pdf(report_document(snapshot))
    progress(rows, rows)
    return data


@exporter("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
@translation.override("vi")
def build_xlsx(snapshot: Snapshot, progress: Progress) -> bytes:
    figures = snapshot.figures
    columns = columns_of(figures)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Biểu thống kê")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    unit = snapshot.organization
    sheet.cell(row=1, column=1, value=cell_safe(layout.committee_name(unit).upper())).font = Font(
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
        values = [number, cell_safe(row["unit"]["name"]), *[_value(row, c) for c in columns]]
        if snapshot.request_id:
            values.append(_("Có") if row.get("reported") else _("Chưa"))
        for index, value in enumerate(values, start=1):
            item = sheet.cell(row=header_row + number, column=index, value=value)
            item.border = border
            if index > 2 and columns[index - 3].percent_of:
                item.number_format = "0.00"
        if number % 200 == 0 or number == len(rows):
            progress(number, len(rows))
    total_row = header_row + len(rows) + 1
    total = figures.get("total", {})
    for index, value in enumerate(
        ["", _("Tổng cộng"), *[_value(total, c) for c in columns]], start=1
    ):
        item = sheet.cell(row=total_row, column=index, value=value)
        item.font = Font(bold=True)
        item.border = border
        if index > 2 and columns[index - 3].percent_of:
            item.number_format = "0.00"
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 40
    for index in range(3, len(labels) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    _texts_sheet(book, snapshot)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(row: dict, column):
    """A number for the spreadsheet to sum; "—" where a rate has nothing to divide."""
    value = cell(row, column)
    if value is None:
        return "—"
    return float(value) if column.percent_of else value


def _texts_sheet(book, snapshot: Snapshot) -> None:
    """Sections I to III in words, for whoever reads only the workbook."""
    sheet = book.create_sheet(_("Nội dung báo cáo"))
    sheet.column_dimensions["A"].width = 120
    lines = [
        (_("I. KẾT QUẢ THỰC HIỆN"), True),
        *((sentence, False) for sentence in snapshot.figures.get("phrases", [])),
        (_("II. HẠN CHẾ, NGUYÊN NHÂN"), True),
        *((p.text, False) for p in layout.paragraphs(snapshot.limitations)),
        (_("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"), True),
        *((p.text, False) for p in layout.paragraphs(snapshot.directions)),
    ]
    for number, (text, bold) in enumerate(lines, start=1):
        item = sheet.cell(row=number, column=1, value=cell_safe(text))
        item.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            item.font = Font(bold=True)
