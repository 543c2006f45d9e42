"""Attendance files for the upload tests, filled in the way hosts fill them, and the upload."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from conferences.exports import CARD, HEADERS, REASON, STATUS, roster_xlsx


def filled(point, statuses: dict[str, str | tuple[str, str]]) -> bytes:
    """The bridge point's exported list with the status (and reason) cells of some cards
    filled in: filled(hall, {"010203": "Có mặt", "010204": ("Vắng có lý do", "Ốm")})."""
    workbook = load_workbook(io.BytesIO(roster_xlsx(point)))
    sheet = workbook.active
    header = next(
        row for row in sheet.iter_rows(min_row=1, max_row=15) if row[0].value == HEADERS[0]
    )
    column = {cell.value: cell.column for cell in header}
    for row in range(header[0].row + 1, sheet.max_row + 1):
        card = sheet.cell(row=row, column=column[CARD]).value
        if card in statuses:
            status = statuses[card]
            status, reason = status if isinstance(status, tuple) else (status, None)
            sheet.cell(row=row, column=column[STATUS]).value = status
            sheet.cell(row=row, column=column[REASON]).value = reason
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def handmade(rows: list[list], header: list | None = None, above: int = 0) -> bytes:
    """A workbook typed from scratch: `above` blank rows, the header, then `rows`."""
    workbook = Workbook()
    sheet = workbook.active
    for _ in range(above):
        sheet.append([])
    sheet.append([CARD, STATUS, REASON] if header is None else header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "diem-danh.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
