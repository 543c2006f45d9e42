"""Roster files for the import tests, built the way users build them, and the upload."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from members.models import RosterImport

HEADER = [
    "Số thẻ đảng viên",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Trạng thái",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Mã chi bộ",
]

# The fixture's members exactly as stored, so that these rows change nothing.
AN = [
    "010203",
    "Nguyễn Văn An",
    "Nam",
    "17/05/1985",
    "Chính thức",
    "02/03/2010",
    "02/03/2011",
    "HNA-LH-KP1",
]  # noqa: E501
BINH = [
    "010204",
    "Trần Thị Bình",
    "Nữ",
    "17/05/1985",
    "Chính thức",
    "02/03/2010",
    "02/03/2011",
    "HNA-LH-KP1",
]  # noqa: E501


def newcomer(card: str, name: str, unit: str = "HNA-LH-KP2") -> list:
    return [card, name, "Nữ", "03/02/1990", "Dự bị", "02/09/2024", "", unit]


def changed(row: list, **values) -> list:
    """`row` with some cells replaced, by position in HEADER: changed(AN, full_name=...)."""
    keys = ["card", "full_name", "gender", "born", "status", "admitted", "official", "unit"]
    out = list(row)
    for key, value in values.items():
        out[keys.index(key)] = value
    return out


def xlsx(rows: list[list], header: list | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER if header is None else header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], delimiter: str = ",", bom: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def upload(client, unit, content: bytes, name: str = "danh-sach.xlsx"):
    url = reverse("members:import", kwargs={"unit_pk": unit.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def checked(client, unit, content: bytes, name: str = "danh-sach.xlsx") -> RosterImport:
    """Upload a file and return its import, checked (the test tasks run immediately)."""
    response = upload(client, unit, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    return RosterImport.objects.latest("pk")


def apply(client, record: RosterImport):
    response = client.post(reverse("members:import-apply", kwargs={"import_pk": record.pk}))
    record.refresh_from_db()
    return response


def status_url(record: RosterImport) -> str:
    return reverse("members:import-status", kwargs={"import_pk": record.pk})
