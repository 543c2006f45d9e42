"""Files that are not rosters, or not safe to open, are refused with a clear message."""

import random
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils.html import escape

from documents.tests.office_files import zip_bytes
from members import roster
from members.models import RosterImport
from members.tests.roster_files import HEADER, checked, csv_bytes, newcomer, upload, xlsx


def _refused(response) -> str:
    """The upload form came back with an error, and nothing was created or stored."""
    assert response.status_code == 200
    assert not RosterImport.objects.exists()
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / roster.FOLDER
    assert not folder.exists() or not any(folder.iterdir())
    return response.content.decode()


@pytest.fixture
def no_reader(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("no spreadsheet reader may open this file")

    monkeypatch.setattr("openpyxl.load_workbook", forbidden)
    monkeypatch.setattr("python_calamine.CalamineWorkbook.from_path", forbidden)


def test_a_pdf_renamed_to_xlsx_is_refused(world, client):
    client.force_login(world.clerk)
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    page = _refused(upload(client, world.ward, pdf, "danh-sach.xlsx"))
    assert "Tệp không phải XLSX hoặc CSV" in page


def test_random_bytes_are_refused(world, client):
    client.force_login(world.clerk)
    noise = random.Random(7).randbytes(4096)
    page = _refused(upload(client, world.ward, noise, "danh-sach.csv"))
    assert "Tệp không phải XLSX hoặc CSV" in page


def test_a_csv_in_a_legacy_encoding_is_refused(world, client):
    client.force_login(world.clerk)
    content = "Ngày sinh;Mã;Ghi chú\n".encode("cp1252")
    page = _refused(upload(client, world.ward, content, "danh-sach.csv"))
    assert "Tệp không phải XLSX hoặc CSV" in page


def test_an_old_xls_file_gets_advice_to_save_it_as_xlsx(world, client):
    client.force_login(world.clerk)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048)
    page = _refused(upload(client, world.ward, ole, "danh-sach.xls"))
    assert "lưu lại dưới dạng .xlsx" in page


def test_a_zip_that_is_not_a_workbook_is_refused(world, client):
    client.force_login(world.clerk)
    content = zip_bytes({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"})
    page = _refused(upload(client, world.ward, content, "danh-sach.xlsx"))
    assert "Tệp không phải XLSX hoặc CSV" in page


def test_a_corrupt_zip_is_refused(world, client):
    client.force_login(world.clerk)
    content = xlsx([newcomer("030405", "Hoàng Thị Thủy")])
    damaged = content[:200] + bytes(len(content) - 200)
    page = _refused(upload(client, world.ward, damaged, "danh-sach.xlsx"))
    assert "bị hỏng" in page


def test_a_zip_bomb_is_refused_before_a_reader_opens_it(world, client, no_reader):
    client.force_login(world.clerk)
    bomb = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": bytes(50 * 1024 * 1024),
        }
    )
    assert len(bomb) < 200_000

    page = _refused(upload(client, world.ward, bomb, "danh-sach.xlsx"))

    assert "Tệp nén bất thường (nén quá mức), có thể là tệp độc hại." in page


def test_a_zip_bomb_on_disk_is_refused_by_the_reader_too(tmp_path, no_reader):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(
        zip_bytes({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>", "x": bytes(5 << 20)})
    )
    with pytest.raises(roster.RosterError, match="nén quá mức"):
        roster.read_roster(path)


def test_an_oversize_file_is_refused_naming_size_and_limit(world, client, settings):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(world.clerk)
    content = csv_bytes([newcomer("030405", "Hoàng Thị Thủy")]) + b"\n" * 1_258_291

    page = _refused(upload(client, world.ward, content, "danh-sach.csv"))

    assert "Tệp quá lớn (1,2 MB); giới hạn là 1 MB." in page


def test_a_missing_column_fails_the_import_naming_it(world, client):
    client.force_login(world.clerk)
    header = [name for name in HEADER if name != "Ngày sinh"]
    row = ["030405", "Hoàng Thị Thủy", "Nữ", "Dự bị", "02/09/2024", "", "HNA-LH-KP2"]

    record = checked(client, world.ward, xlsx([row], header=header))

    assert record.state == RosterImport.State.FAILED
    assert record.error == 'Thiếu cột "Ngày sinh" ở dòng tiêu đề (dòng 1). Hãy dùng tệp mẫu.'
    assert escape(record.error) in client.get(f"/members/import/{record.pk}/").content.decode()


def test_a_file_with_only_the_header_fails_the_import(world, client):
    client.force_login(world.clerk)
    record = checked(client, world.ward, csv_bytes([]), "danh-sach.csv")
    assert record.state == RosterImport.State.FAILED
    assert "không có dòng dữ liệu" in record.error


def test_too_many_rows_fail_the_import(world, client, monkeypatch):
    monkeypatch.setattr(roster, "MAX_ROWS", 2)
    client.force_login(world.clerk)
    rows = [newcomer(f"03040{i}", "Hoàng Thị Thủy") for i in range(3)]

    record = checked(client, world.ward, csv_bytes(rows), "danh-sach.csv")

    assert record.state == RosterImport.State.FAILED
    assert record.error.startswith("Tệp có quá 2 dòng dữ liệu")


def test_a_file_removed_before_the_check_fails_the_import(world, client, monkeypatch):
    monkeypatch.setattr("members.imports.roster_check", SimpleNamespace(enqueue=lambda pk: None))
    client.force_login(world.clerk)
    record = checked(client, world.ward, csv_bytes([newcomer("030405", "Thủy")]), "ds.csv")
    roster.stored_file(record.stored_path).unlink()

    from members.tasks import roster_check

    roster_check.call(record.pk)

    record.refresh_from_db()
    assert record.state == RosterImport.State.FAILED
    assert "tải tệp lên lại" in record.error
