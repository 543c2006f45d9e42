"""The attendance list of one bridge point, as a workbook to fill in and as a PDF to sign.

The workbook is also the upload format (`conferences.uploads`): the host downloads it,
fills the status column and uploads it back, so its headers are the file format and stay
the same in every language of the interface.
"""

import io
from dataclasses import dataclass

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conferences import services
from conferences.models import ABSENT, Attendance, BridgePoint, Status
from documents import layout
from members.models import Member
from nghiquyet.pdf import html_to_pdf
from nghiquyet.spreadsheets import cell_safe
from vn.names import without_comrade

NUMBER, NAME, CARD, CELL, STATUS, REASON = (
    "STT",
    "Họ và tên",
    "Số thẻ đảng viên",
    "Chi bộ",
    "Tình trạng",
    "Lý do",
)
HEADERS = (NUMBER, NAME, CARD, CELL, STATUS, REASON)
WIDTHS = (6, 30, 18, 30, 20, 40)


@dataclass(frozen=True)
class SheetRow:
    number: int
    member: Member
    mark: Attendance | None
    point_id: int

    @property
    def elsewhere(self) -> bool:
        """Marked at another bridge point or conference of the campaign."""
        return self.mark is not None and self.mark.bridge_point_id != self.point_id


def _point(point: BridgePoint) -> BridgePoint:
    # Fresh headcounts, and the conference fetched once for everything below.
    return BridgePoint.objects.select_related("conference", "conference__campaign", "host").get(
        pk=point.pk
    )


def _rows(point: BridgePoint) -> list[SheetRow]:
    """The expected members in Vietnamese name order, each with their mark in the campaign
    (which may have been made at another conference of it)."""
    members = services.roster(point).select_related("organization").order_by("sort_key", "pk")
    marks = {
        mark.member_id: mark
        for mark in Attendance.objects.filter(
            campaign_id=point.conference.campaign_id,
            member__in=services.roster(point).values("pk"),
        ).select_related("bridge_point", "conference")
    }
    return [
        SheetRow(number, member, marks.get(member.pk), point.pk)
        for number, member in enumerate(members.iterator(chunk_size=2000), start=1)
    ]


def _title_lines(point: BridgePoint) -> list[str]:
    conference = point.conference
    return [
        conference.title,
        _("Điểm cầu: %(name)s") % {"name": point.name},
        _("Đơn vị chủ trì: %(name)s") % {"name": point.host.name},
        _("Thời gian: %(time)s") % {"time": conference.when},
        _("Địa điểm: %(address)s") % {"address": point.address or conference.venue},
    ]


def roster_xlsx(point: BridgePoint) -> bytes:
    """The bridge point's attendance list as XLSX, with a drop-down of statuses."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    point = _point(point)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Điểm danh")
    titles = _title_lines(point)
    for line in titles:
        sheet.append([cell_safe(line)])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    sheet.append([])
    header_row = len(titles) + 2
    sheet.append(list(HEADERS))
    for index, width in enumerate(WIDTHS, start=1):
        sheet.cell(row=header_row, column=index).font = Font(bold=True)
        sheet.cell(row=header_row, column=index).alignment = Alignment(horizontal="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
    card_letter = get_column_letter(HEADERS.index(CARD) + 1)
    # Text, so that a card number typed in later keeps its leading zeros too.
    sheet.column_dimensions[card_letter].number_format = "@"

    rows = _rows(point)
    card_column = HEADERS.index(CARD) + 1
    for row in rows:
        mark = row.mark
        sheet.append(
            [
                row.number,
                cell_safe(row.member.full_name),
                cell_safe(row.member.card_number),
                cell_safe(row.member.organization.name),
                cell_safe(mark.get_status_display()) if mark else None,
                cell_safe(mark.reason) if mark and mark.reason else None,
            ]
        )
        sheet.cell(row=sheet.max_row, column=card_column).number_format = "@"

    if rows:
        letter = get_column_letter(HEADERS.index(STATUS) + 1)
        labels = ",".join(str(label) for label in Status.labels)
        validation = DataValidation(
            type="list",
            formula1=f'"{labels}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Tình trạng không hợp lệ"),
            error=_("Hãy chọn một tình trạng trong danh sách."),
        )
        validation.add(f"{letter}{header_row + 1}:{letter}{header_row + len(rows)}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = f"A{header_row + 1}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- PDF --------------------------------------------------------------------------------


def _absent_split(point: BridgePoint) -> dict[str, int]:
    counts = dict(
        Attendance.objects.filter(bridge_point=point, status__in=ABSENT)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {status: counts.get(status, 0) for status in ABSENT}


@translation.override("vi")  # a signed sheet, as every Party document
def attendance_pdf(point: BridgePoint) -> bytes:
    """The bridge point's attendance sheet, A4 portrait, for the chair to sign."""
    point = _point(point)
    conference = point.conference
    split = _absent_split(point)
    held_on = timezone.localtime(conference.starts_at).date()
    html = render_to_string(
        "conferences/sheet_pdf.html",
        {
            "point": point,
            "conference": conference,
            "rows": _rows(point),
            "address": point.address or conference.venue,
            "absent_excused": split[Status.ABSENT_EXCUSED],
            "absent_unexcused": split[Status.ABSENT_UNEXCUSED],
            "masthead": layout.masthead_for(
                point.host, layout.place_of(point.host), held_on, symbol=None
            ),
            "head_mm": layout.HEAD_MM,
            "text_mm": layout.TEXT_MM,
            "margins": layout.MARGINS_MM,
            "chair": without_comrade(point.chair),
        },
    )
    return html_to_pdf(html)
