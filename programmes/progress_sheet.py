"""Progress of many tasks at once, as an XLSX: the lead unit downloads its open tasks,
fills in percent, note and completion, and uploads the sheet. Checked row by row; any
error and nothing is saved."""

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from accounts import policy
from accounts.policy import Action
from nghiquyet.spreadsheets import cell_plain, cell_safe
from nghiquyet.uploads import UploadError
from organizations.models import Organization
from programmes import services
from programmes.appendix import sniff_workbook
from programmes.models import Bucket, Task
from vn.formats import format_date, parse_date

HEADINGS = (
    "Mã nhiệm vụ",
    "Văn bản",
    "Nội dung nhiệm vụ",
    "Thời hạn",
    "Tiến độ (%)",
    "Mốc đã đạt",
    "Ghi chú",
    "Hoàn thành (Có/Không)",
    "Sản phẩm đã hoàn thành",
    "Ngày hoàn thành (dd/mm/yyyy)",
)
YES = {"có", "co", "x", "yes", "1", "đã hoàn thành"}
MAX_ROWS = 5_000
OPEN = (Bucket.OPEN_IN_TIME, Bucket.OVERDUE, Bucket.NOT_STARTED, Bucket.ADJUSTED)


def reportable(user, unit: Organization):
    """Open tasks led by `unit` whose progress `user` may report."""
    tasks = (
        policy.tasks_for(user, Action.REPORT_PROGRESS)
        .filter(lead=unit, bucket__in=OPEN)
        .select_related("document", "lead", "programme__organization", "inspection__organization")
        .order_by("deadline", "pk")
    )
    return [task for task in tasks[:MAX_ROWS] if services.may_report(user, task)]


def progress_template(user, unit: Organization) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Tiến độ")
    sheet.append([cell_safe(_("Cập nhật tiến độ nhiệm vụ: %(unit)s") % {"unit": unit.name})])
    sheet.append([])
    sheet.append(list(HEADINGS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for task in reportable(user, unit):
        sheet.append(
            [
                task.pk,
                cell_safe(task.document.display_symbol),
                cell_safe(task.content),
                format_date(task.deadline) if task.deadline else "",
                task.percent,
                "",
                "",
                "",
                "",
                "",
            ]
        )
    choice = DataValidation(type="list", formula1='"Có,Không"', allow_blank=True)
    sheet.add_data_validation(choice)
    choice.add(f"H4:H{max(sheet.max_row, 4)}")
    widths = (12, 14, 60, 12, 12, 24, 30, 20, 30, 16)
    for column, width in zip("ABCDEFGHIJ", widths, strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class Update:
    row: int
    task: Task
    fields: dict


@dataclass
class Sheet:
    updates: list[Update] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _percent(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", ".").rstrip("%").strip())
    except ValueError:
        return -1
    return int(number) if number.is_integer() else -1


def read_progress(user, unit: Organization, file) -> Sheet:
    """The rows that say something (a percent changed, a note, a completion), checked."""
    sniff_workbook(file)
    try:
        sheet = load_workbook(file, read_only=True, data_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    except Exception:  # openpyxl raises many kinds for damaged files
        raise UploadError(_("Tệp XLSX bị hỏng, không đọc được.")) from None
    header = next(
        (i for i, row in enumerate(rows[:15]) if row and cell_plain(row[0]) == HEADINGS[0]), None
    )
    if header is None:
        raise UploadError(_("Không thấy cột “Mã nhiệm vụ”: hãy dùng tệp mẫu tải từ hệ thống."))
    tasks = {task.pk: task for task in reportable(user, unit)}
    result = Sheet()
    for number, row in enumerate(rows[header + 1 :], start=header + 2):
        row = list(row) + [None] * len(HEADINGS)
        if all(value in (None, "") for value in row[: len(HEADINGS)]):
            continue
        try:
            task = tasks.get(int(row[0]))
        except (TypeError, ValueError):
            task = None
        if task is None:
            result.errors.append(
                (
                    number,
                    _("mã nhiệm vụ “%(id)s” không phải nhiệm vụ đơn vị chủ trì đang thực hiện.")
                    % {"id": row[0]},
                )
            )
            continue
        percent = _percent(row[4])
        milestone, note = str(cell_plain(row[5]) or ""), str(cell_plain(row[6]) or "")
        completed = str(cell_plain(row[7]) or "").strip().lower() in YES
        product = str(cell_plain(row[8]) or "")
        if percent == -1 or (percent is not None and not 0 <= percent <= 100):
            result.errors.append((number, _("tiến độ phải là số nguyên từ 0 đến 100.")))
            continue
        if completed and not product.strip():
            result.errors.append((number, _("báo cáo hoàn thành cần ghi sản phẩm đã hoàn thành.")))
            continue
        completed_on = None
        if completed and row[9] not in (None, ""):
            try:
                completed_on = parse_date(row[9])
            except ValueError as problem:
                result.errors.append((number, str(problem)))
                continue
            if completed_on > timezone.localdate():
                result.errors.append((number, _("ngày hoàn thành không được sau hôm nay.")))
                continue
        if not completed and not milestone and not note and percent in (None, task.percent):
            continue  # nothing new on this row
        result.updates.append(
            Update(
                number,
                task,
                {
                    "percent": 100 if completed else (task.percent if percent is None else percent),
                    "milestone": milestone,
                    "note": note,
                    "completed": completed,
                    "product": product,
                    "completed_on": completed_on,
                },
            )
        )
    return result


def progress_apply(user, sheet: Sheet) -> int:
    """All rows or none: one failing report rolls every other back."""
    if sheet.errors:
        raise ValidationError(_("Tệp còn lỗi; chưa cập nhật nhiệm vụ nào."))
    with transaction.atomic():
        for update in sheet.updates:
            try:
                services.progress_report(user, update.task, **update.fields)
            except ValidationError as error:
                raise ValidationError(
                    _("Dòng %(row)s: %(message)s")
                    % {"row": update.row, "message": " ".join(error.messages)}
                ) from None
    return len(sheet.updates)
