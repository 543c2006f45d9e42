import io
import zipfile

import pytest

from audit.models import AuditEntry
from conferences import services, uploads
from conferences.models import Attendance, Channel, Status, Tally
from conferences.tests.attendance_files import filled, handmade, upload
from conferences.uploads import attendance_import
from conftest import add_member
from nghiquyet.uploads import UploadError


def _import(world, point, content: bytes, name: str = "diem-danh.xlsx"):
    return attendance_import(world.secretary, point, upload(content, name))


def _nothing_written(point) -> bool:
    point.refresh_from_db()
    return (
        not Attendance.objects.filter(channel=Channel.XLSX).exists()
        and (point.present, point.left_early) == (0, 0)
        and not AuditEntry.objects.filter(action="attendance.mark", changes__channel__1="xlsx")
    )


def test_a_downloaded_list_filled_in_and_uploaded_becomes_marks_and_counts(world, campaign, hall):
    content = filled(hall, {"010203": "Có mặt", "010204": ("Vắng có lý do", "Ốm nằm viện")})
    outcome = _import(world, hall, content)
    assert (outcome.created, outcome.unchanged, outcome.problems) == (2, 0, [])
    an, binh = Attendance.objects.get(member=world.an), Attendance.objects.get(member=world.binh)
    assert an.status == Status.PRESENT and an.channel == Channel.XLSX
    assert an.marked_by == world.secretary
    assert (binh.status, binh.reason) == (Status.ABSENT_EXCUSED, "Ốm nằm viện")
    hall.refresh_from_db()
    assert (hall.present, hall.left_early, hall.absent) == (1, 0, 1)
    tally = Tally.objects.get(campaign=campaign, organization=world.cell)
    assert (tally.present, tally.absent_excused, tally.absent_unexcused) == (1, 1, 0)
    assert AuditEntry.objects.filter(action="attendance.mark").count() == 2
    assert services.tally_rebuild([campaign.pk]) == 0


def test_uploading_the_same_list_again_changes_nothing(world, hall):
    content = filled(hall, {"010203": "Về sớm", "010204": "Vắng không lý do"})
    _import(world, hall, content)
    again = _import(world, hall, filled(hall, {}))  # the new export shows the marks
    assert (again.created, again.unchanged, again.problems) == (0, 2, [])
    hall.refresh_from_db()
    assert (hall.present, hall.left_early, hall.absent) == (0, 1, 1)


def test_a_reason_typed_on_the_roster_page_survives_the_round_trip_unchanged(world, hall):
    reason = "Đi học lớp bồi dưỡng  khoá 2"  # as typed: double space, old tone placement
    services.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason=reason
    )
    outcome = _import(world, hall, filled(hall, {"010203": "Có mặt"}))
    assert (outcome.created, outcome.unchanged, outcome.problems) == (1, 1, [])
    assert Attendance.objects.get(member=world.binh).reason == reason


def test_rows_left_blank_are_skipped(world, hall):
    outcome = _import(world, hall, filled(hall, {"010203": "Có mặt"}))
    assert (outcome.created, outcome.problems) == (1, [])
    assert not Attendance.objects.filter(member=world.binh).exists()


def test_an_unknown_card_rejects_the_whole_file_and_names_its_row(world, hall):
    content = handmade([["010203", "Có mặt"], ["999999", "Có mặt"]])
    outcome = _import(world, hall, content)
    assert outcome.created == 0
    assert outcome.problems == [
        "Dòng 3 (số thẻ 999999): không tìm thấy đảng viên này trong danh sách của điểm cầu."
    ]
    assert _nothing_written(hall)


def test_a_card_typed_as_a_number_off_the_roster_gets_the_same_answer_and_the_zero_hint(
    world, hall
):
    outcome = _import(world, hall, handmade([[10203, "Có mặt"], [990001, "Có mặt"]]))
    assert outcome.problems == [
        "Dòng 3 (số thẻ 990001): không tìm thấy đảng viên này trong danh sách của điểm cầu "
        "(ô đang ở dạng số nên có thể đã mất số 0 ở đầu; hãy định dạng cột số thẻ là Văn bản)."
    ]
    assert _nothing_written(hall)


def test_members_not_expected_at_the_bridge_point_are_refused_without_saying_who_they_are(
    world, hall, cell2_point
):
    hoa = add_member(world.cell2, "Đỗ Thị Hoa", "010299")
    content = handmade(
        [
            [hoa.card_number, "Có mặt"],
            [world.cuong.card_number, "Có mặt"],
            [world.stranger.card_number, "Có mặt"],
        ]
    )
    outcome = _import(world, hall, content)
    neutral = "không tìm thấy đảng viên này trong danh sách của điểm cầu."
    assert outcome.problems == [
        f"Dòng 2 (số thẻ 010299): {neutral}",
        f"Dòng 3 (số thẻ 020301): {neutral}",
        f"Dòng 4 (số thẻ 990001): {neutral}",
    ]
    assert _nothing_written(hall)


def test_a_member_who_has_left_the_party_is_refused_like_any_card_off_the_roster(world, hall):
    from members.models import Member

    Member.objects.filter(pk=world.binh.pk).update(left_on="2025-01-01")
    outcome = _import(world, hall, handmade([["010204", "Có mặt"]]))
    assert outcome.problems == [
        "Dòng 2 (số thẻ 010204): không tìm thấy đảng viên này trong danh sách của điểm cầu."
    ]


def test_a_member_marked_differently_is_reported_as_a_conflict_and_kept(world, hall):
    services.attendance_mark(world.member_user, hall, world.an, Status.PRESENT, channel=Channel.QR)
    content = filled(hall, {"010203": "Vắng không lý do", "010204": "Có mặt"})
    outcome = _import(world, hall, content)
    assert outcome.created == 0
    (problem,) = outcome.problems
    assert problem.startswith(
        "Dòng 8 (số thẻ 010203): đồng chí Nguyễn Văn An đã được điểm danh “Có mặt” lúc "
    )
    assert "(Quét mã QR); tệp ghi “Vắng không lý do”. Không ghi đè" in problem
    assert Attendance.objects.get(member=world.an).status == Status.PRESENT
    assert not Attendance.objects.filter(member=world.binh).exists()  # all or nothing


def test_a_different_reason_is_a_conflict_too(world, hall):
    services.attendance_mark(world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm")
    outcome = _import(world, hall, handmade([["010204", "Vắng có lý do", "Đi công tác"]]))
    (problem,) = outcome.problems
    assert "“Vắng có lý do”, lý do “Ốm”" in problem
    assert Attendance.objects.get(member=world.binh).reason == "Ốm"


def test_a_member_marked_at_another_conference_of_the_campaign_is_named_with_it(
    world, campaign, hall
):
    other = services.conference_create(
        world.propaganda,
        campaign,
        organizer=world.cell,
        title="Hội nghị chi bộ khu phố 1",
        starts_at=hall.conference.starts_at,
        format="online",
        venue="Nhà văn hóa",
    )
    services.attendance_mark(world.secretary, other.bridge_points.get(), world.an, Status.PRESENT)
    outcome = _import(world, hall, handmade([["010203", "Về sớm"]]))
    (problem,) = outcome.problems
    assert "tại hội nghị “Hội nghị chi bộ khu phố 1”" in problem


def test_the_same_card_twice_rejects_the_file(world, hall):
    content = handmade([["010203", "Có mặt"], ["010204", "Có mặt"], ["010203", "Về sớm"]])
    outcome = _import(world, hall, content)
    assert outcome.problems == ["Dòng 4 (số thẻ 010203): số thẻ trùng với dòng 2."]
    assert _nothing_written(hall)


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("có mặt", Status.PRESENT),
        ("CO MAT", Status.PRESENT),
        ("x", Status.PRESENT),
        ("Có", Status.PRESENT),
        ("về sớm", Status.LEFT_EARLY),
        ("Vắng  không lý do.", Status.ABSENT_UNEXCUSED),
        ("vang khong ly do", Status.ABSENT_UNEXCUSED),
    ],
)
def test_statuses_are_read_however_they_are_typed(world, hall, written, status):
    outcome = _import(world, hall, handmade([["010203", written]]))
    assert outcome.problems == [] and outcome.created == 1
    assert Attendance.objects.get(member=world.an).status == status


def test_absent_alone_is_refused_with_the_two_choices(world, hall):
    outcome = _import(world, hall, handmade([["010203", "Vắng"]]))
    assert outcome.problems == [
        "Dòng 2 (số thẻ 010203): “Vắng” chưa đủ: ghi “Vắng có lý do” hoặc “Vắng không lý do”."
    ]


def test_an_unknown_status_is_refused_with_the_four_choices(world, hall):
    outcome = _import(world, hall, handmade([["010203", "Đến muộn"]]))
    assert outcome.problems == [
        "Dòng 2 (số thẻ 010203): tình trạng “Đến muộn” không hợp lệ; ghi một trong: "
        "“Có mặt”, “Về sớm”, “Vắng có lý do”, “Vắng không lý do”."
    ]


def test_absent_with_reason_needs_the_reason(world, hall):
    outcome = _import(world, hall, handmade([["010204", "Vắng có lý do", "  "]]))
    assert outcome.problems == [
        "Dòng 2 (số thẻ 010204): vắng có lý do thì cần ghi lý do ở cột “Lý do”."
    ]


def test_a_row_with_a_status_but_no_card_is_refused(world, hall):
    outcome = _import(world, hall, handmade([["010203", "Có mặt"], [None, "Có mặt"]]))
    assert outcome.problems == ["Dòng 3: thiếu số thẻ đảng viên."]


def test_a_card_typed_as_a_number_finds_its_member_despite_the_lost_zero(world, hall):
    outcome = _import(world, hall, handmade([[10203, "Có mặt"], [10204.0, "Về sớm"]]))
    assert (outcome.created, outcome.problems) == (2, [])
    assert Attendance.objects.get(member=world.an).status == Status.PRESENT


def test_the_header_is_found_below_title_rows_in_any_case_and_order(world, hall):
    content = handmade(
        [["Ốm", "vắng có lý do", "010204"]], header=["LY DO", "tình trạng", "số thẻ"], above=9
    )
    outcome = _import(world, hall, content)
    assert (outcome.created, outcome.problems) == (1, [])
    assert Attendance.objects.get(member=world.binh).reason == "Ốm"


def test_a_closed_conference_takes_no_more_presence(world, hall):
    services.conference_close(world.secretary, hall.conference)  # both marked absent
    outcome = _import(world, hall, handmade([["010203", "Có mặt"]]))
    assert outcome.problems[0].startswith("Dòng 2 (số thẻ 010203): ")
    assert Attendance.objects.get(member=world.an).status == Status.ABSENT_UNEXCUSED
    unchanged = _import(world, hall, filled(hall, {}))
    assert (unchanged.created, unchanged.unchanged, unchanged.problems) == (0, 2, [])


def test_presence_after_closing_is_refused_for_a_member_not_yet_marked(world, hall):
    services.conference_close(world.secretary, hall.conference)
    late = add_member(world.cell, "Vũ Văn Muộn", "010555")  # joined the cell after closing
    outcome = _import(world, hall, handmade([[late.card_number, "Về sớm"]]))
    assert outcome.problems == [
        "Dòng 2 (số thẻ 010555): hội nghị đã kết thúc điểm danh; không ghi nhận “Về sớm” được nữa."
    ]
    absent = _import(world, hall, handmade([[late.card_number, "Vắng có lý do", "Ốm"]]))
    assert (absent.created, absent.problems) == (1, [])


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", "Đây là tệp PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel 97–2003"),
        ("Số thẻ đảng viên,Tình trạng\n010203,Có mặt\n".encode(), "Tệp không phải XLSX"),
        (bytes(range(256)) * 8, "Tệp không phải XLSX"),
        (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), "không phải XLSX"),
        (b"PK\x03\x04 this is not really a zip", "Tệp bị hỏng"),
        (
            _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<not a workbook"}),
            "Tệp XLSX bị hỏng",
        ),
    ],
    ids=["pdf", "xls", "csv", "random", "docx", "broken-zip", "broken-workbook"],
)
def test_anything_but_an_xlsx_list_is_refused_whatever_its_name(world, hall, content, message):
    with pytest.raises(UploadError, match=message):
        _import(world, hall, content, name="diem-danh.xlsx")
    assert _nothing_written(hall)


def test_an_empty_file_is_refused(world, hall):
    with pytest.raises(UploadError, match="Tệp rỗng"):
        _import(world, hall, b"")


def test_a_zip_bomb_is_refused_before_it_is_opened(world, hall):
    content = _zip(
        {
            "[Content_Types].xml": b"<x/>",
            "xl/workbook.xml": b"<x/>",
            "xl/worksheets/sheet1.xml": b"\0" * (5 * 1024 * 1024),
        }
    )
    with pytest.raises(UploadError, match="nén quá mức"):
        _import(world, hall, content)


def test_a_workbook_without_the_header_is_refused(world, hall):
    content = handmade([["010203", "Có mặt"]], header=["Mã", "Điểm danh"])
    with pytest.raises(UploadError, match="Không tìm thấy dòng tiêu đề"):
        _import(world, hall, content)


def test_a_header_further_down_than_fifteen_rows_is_not_looked_for(world, hall):
    with pytest.raises(UploadError, match="trong 15 dòng đầu"):
        _import(world, hall, handmade([["010203", "Có mặt"]], above=15))


def test_a_list_with_no_status_filled_in_is_refused(world, hall):
    with pytest.raises(UploadError, match="chưa có dòng nào ghi tình trạng"):
        _import(world, hall, filled(hall, {}))


def test_a_file_with_more_rows_than_the_cap_is_refused(world, hall, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ROWS", 2)
    content = handmade([["010203", "Có mặt"], ["010204", "Có mặt"], ["999", "Có mặt"]])
    with pytest.raises(UploadError, match="hơn 2 dòng"):
        _import(world, hall, content)


def test_a_long_list_of_problems_is_cut_short_and_counted(world, hall, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PROBLEMS", 2)
    content = handmade([[f"88{n:04d}", "Có mặt"] for n in range(5)])
    outcome = _import(world, hall, content)
    assert len(outcome.problems) == 3
    assert outcome.problems[-1] == "… và 3 lỗi khác."
