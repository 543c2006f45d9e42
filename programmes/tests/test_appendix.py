import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from nghiquyet.uploads import UploadError
from programmes import services
from programmes.appendix import appendix_apply, deadline_of, read_appendix
from programmes.models import Recurrence, Task, TaskTally
from programmes.tests.appendix_files import (
    HEADER,
    boards_add,
    programme_make,
    realistic,
    upload,
    workbook,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def programme(world):
    boards_add(world)
    return programme_make(world)


def _read(world, programme, content: bytes, user=None):
    return read_appendix(upload(content), programme, user or world.clerk)


def _table(rows: list[list], merges=()) -> bytes:
    return workbook([["PHỤ LỤC PHÂN CÔNG NHIỆM VỤ"], HEADER, *rows], ("A1:F1", *merges))


@pytest.mark.parametrize(
    ("written", "deadline", "recurrence"),
    [
        ("30/06/2025", D(2025, 6, 30), ""),
        ("Trước ngày 15/3/2025", D(2025, 3, 15), ""),
        ("Tháng 6/2025", D(2025, 6, 30), ""),
        ("tháng 02 năm 2024", D(2024, 2, 29), ""),
        ("Quý II/2025", D(2025, 6, 30), ""),
        ("Quý IV/2025", D(2025, 12, 31), ""),
        ("Quý 2 năm 2025", D(2025, 6, 30), ""),
        ("Quý I năm 2026", D(2026, 3, 31), ""),
        ("6 tháng đầu năm 2025", D(2025, 6, 30), ""),
        ("Năm 2025", D(2025, 12, 31), ""),
        ("Giai đoạn 2025 - 2030", D(2030, 12, 31), ""),
        (2026, D(2026, 12, 31), ""),
        (dt.datetime(2025, 9, 30), D(2025, 9, 30), ""),
        (45839, D(2025, 7, 1), ""),  # a date cell shown as a number
        ("Thường xuyên", None, Recurrence.CONTINUOUS),
        ("Hằng năm", None, Recurrence.YEARLY),
        ("Hàng năm", None, Recurrence.YEARLY),
        ("Hằng quý", None, Recurrence.QUARTERLY),
        (None, None, ""),
        ("  ", None, ""),
    ],
)
def test_every_way_of_writing_a_deadline_is_read(written, deadline, recurrence):
    assert deadline_of(written) == (deadline, recurrence)


@pytest.mark.parametrize("written", ["Sớm nhất có thể", "Hằng tháng", "31/02/2025", 7])
def test_a_deadline_that_means_nothing_is_refused_in_words(written):
    with pytest.raises(ValueError, match="thời hạn|không hợp lệ"):
        deadline_of(written)


def test_a_real_appendix_becomes_its_tasks_with_merged_leads_and_deadlines(world, programme):
    plan = _read(world, programme, realistic())
    assert plan.errors == []
    got = [
        (
            row.row,
            row.fields["position"],
            row.fields["lead"].name,
            [unit.name for unit in row.partners],
            row.fields["deadline"],
            row.fields["recurrence"],
        )
        for row in plan.rows
    ]
    board, lam_ha = "Ban Tuyên giáo và Dân vận Thành ủy", "Đảng bộ phường Lam Hạ"
    assert got == [
        (9, "1", board, ["Văn phòng Thành ủy", lam_ha], D(2025, 6, 30), ""),
        (10, "2", board, [], D(2025, 5, 31), ""),
        (11, "3", board, [], D(2025, 9, 30), ""),  # "Các sở, ban, ngành liên quan"
        (14, "4", lam_ha, ["Chi bộ khu phố 1", "Chi bộ khu phố 2"], D(2025, 6, 30), ""),
        (15, "5", "Đảng bộ xã Tiên Tân", [], D(2025, 12, 31), ""),
        (16, "6", "Văn phòng Thành ủy", [], None, Recurrence.CONTINUOUS),
        (17, "7", "Ban Tổ chức Thành ủy", [], None, Recurrence.YEARLY),
        (18, "8", "Đảng bộ xã Tiên Tân", [], None, Recurrence.QUARTERLY),
        (19, "9", "Chi bộ thôn Đồng Ao", [], D(2025, 10, 15), ""),
        (20, "10", "Ban Tổ chức Thành ủy", [], D(2025, 12, 31), ""),
        (21, "11", lam_ha, [], D(2025, 12, 31), ""),  # the deadline merged down
    ]
    assert plan.rows[0].fields["content"] == "Tuyên truyền, quán triệt Nghị quyết số 57-NQ/TW"
    assert plan.rows[0].fields["product"] == "Kế hoạch tuyên truyền"
    assert not Task.objects.exists()  # reading writes nothing


def test_applying_the_plan_creates_every_task_with_partners_tallies_and_an_audit_entry(
    world, programme
):
    plan = _read(world, programme, realistic())
    tasks = appendix_apply(world.clerk, programme, plan)
    assert len(tasks) == Task.objects.filter(programme=programme).count() == 11
    first = Task.objects.get(programme=programme, position="1")
    assert first.lead == world.propaganda_board and first.document == programme.document
    assert set(first.partners.all()) == {world.office, world.ward}
    continuous = Task.objects.get(programme=programme, position="6")
    assert continuous.recurrence == Recurrence.CONTINUOUS and continuous.deadline is not None
    assert (
        sum(
            sum(getattr(t, b) for b in ("done_on_time", "done_late", "open_in_time", "overdue"))
            for t in TaskTally.objects.filter(document=programme.document)
        )
        == 11
    )
    assert services.task_tally_rebuild() == 0
    entry = AuditEntry.objects.get(action="task.create")
    assert entry.changes == {"tasks": [None, 11]}


def test_the_same_appendix_twice_is_refused_row_by_row(world, programme):
    appendix_apply(world.clerk, programme, _read(world, programme, realistic()))
    again = _read(world, programme, realistic())
    assert again.errors[0] == (9, "nhiệm vụ này đã có trong chương trình.")
    assert len(again.errors) == 11


def test_a_plan_applied_twice_adds_the_tasks_once(world, programme):
    plan = _read(world, programme, realistic())
    appendix_apply(world.clerk, programme, plan)
    with pytest.raises(ValidationError) as refused:
        appendix_apply(world.clerk, programme, plan)
    assert refused.value.messages[0] == "Dòng 9: nhiệm vụ này đã có trong chương trình."
    assert Task.objects.filter(programme=programme).count() == 11


def test_an_unknown_or_ambiguous_unit_names_the_row_and_the_text_and_nothing_is_saved(
    world, programme
):
    content = _table(
        [
            [1, "Tăng cường hợp tác quốc tế", "Sở Ngoại vụ", None, None, "Năm 2025"],
            [2, "Rà soát danh sách", "Chi bộ khu phố", None, None, "Năm 2025"],
            [3, "Sắp xếp tổ chức", "Ban Tổ chức Thành ủy", "Văn phòng; Sở Tư pháp", None, None],
            [4, "Rà soát văn bản", "Ban Tổ chức, Văn phòng Thành ủy", None, None, None],
            [5, "Báo cáo chuyên đề", None, None, None, "Năm 2025"],
        ]
    )
    plan = _read(world, programme, content)
    assert [tuple(error) for error in plan.errors] == [
        (3, "không tìm thấy cơ quan chủ trì “Sở Ngoại vụ” trong cây tổ chức."),
        (
            4,
            "cơ quan chủ trì “Chi bộ khu phố” khớp với 2 đơn vị (“Chi bộ khu phố 1”; "
            "“Chi bộ khu phố 2”); hãy ghi đủ tên đơn vị.",
        ),
        (5, "không tìm thấy cơ quan phối hợp “Sở Tư pháp” trong cây tổ chức."),
        (
            6,
            "“Ban Tổ chức, Văn phòng Thành ủy”: mỗi nhiệm vụ ghi một cơ quan chủ trì; các cơ "
            "quan khác ghi ở cột “Cơ quan phối hợp”.",
        ),
        (7, "chưa ghi cơ quan chủ trì."),
    ]
    with pytest.raises(ValidationError) as refused:
        appendix_apply(world.clerk, programme, plan)
    assert refused.value.messages[0] == (
        "Dòng 3: không tìm thấy cơ quan chủ trì “Sở Ngoại vụ” trong cây tổ chức."
    )
    assert not Task.objects.exists() and not TaskTally.objects.exists()


def test_units_are_found_by_a_shorter_name_without_diacritics_or_case(world, programme):
    content = _table(
        [
            [1, "Tuyên truyền", "BAN TUYEN GIAO VA DAN VAN", "van phong thanh uy", None, None],
            [2, "Tổng hợp", "Văn phòng Thành ủy Hà Nam", "Ban Tổ chức", None, None],
        ]
    )
    plan = _read(world, programme, content)
    assert plan.errors == []
    assert [row.fields["lead"] for row in plan.rows] == [world.propaganda_board, world.office]
    assert [row.partners for row in plan.rows] == [[world.office], [world.organising_board]]


def test_a_closed_unit_gives_way_to_the_open_one_of_the_same_name(world, programme):
    from conftest import add_unit

    old = add_unit(world.city, "Văn phòng Thành ủy", "HNA-VP-CU", "CBCS")
    old.valid_to = D(2025, 7, 1)
    old.save(update_fields=["valid_to"])
    content = _table([[1, "Tổng hợp", "Văn phòng Thành ủy", None, None, None]])
    assert _read(world, programme, content).rows[0].fields["lead"] == world.office


def test_units_outside_the_users_view_are_unknown(world, programme):
    content = _table([[1, "Phối hợp tổ chức", "Chi bộ phố Vân Giang", None, None, None]])
    plan = _read(world, programme, content)
    assert plan.errors == [
        (3, "không tìm thấy cơ quan chủ trì “Chi bộ phố Vân Giang” trong cây tổ chức.")
    ]


def test_a_deadline_before_the_programme_and_an_unreadable_one_are_row_errors(world, programme):
    content = _table(
        [
            [1, "Xây dựng kế hoạch", "Văn phòng Thành ủy", None, None, "Tháng 12/2024"],
            [2, "Xây dựng quy chế", "Văn phòng Thành ủy", None, None, "Sớm nhất có thể"],
            [3, "Xây dựng quy chế", "Văn phòng Thành ủy", None, None, "Năm 2025"],
            [4, "", "Văn phòng Thành ủy", None, "Báo cáo", "Năm 2025"],
        ]
    )
    plan = _read(world, programme, content)
    assert [tuple(error) for error in plan.errors] == [
        (3, "Thời hạn 31/12/2024 trước ngày ban hành chương trình (10/01/2025)."),
        (
            4,
            "không đọc được thời hạn “Sớm nhất có thể”; hãy ghi ngày (dd/mm/yyyy), "
            "“Tháng 6/2025”, “Quý II/2025”, “Năm 2025”, “Thường xuyên”, “Hằng năm” hoặc "
            "“Hằng quý”.",
        ),
        (5, "trùng nội dung và cơ quan chủ trì với dòng 4."),
        (6, "Hãy ghi nội dung nhiệm vụ."),
    ]


def test_columns_in_another_order_under_a_two_row_header_are_read_by_their_names(world, programme):
    rows = [
        ["Phụ lục"],
        ["Thời hạn", "TT", "Cơ quan thực hiện", None, "Nhiệm vụ, giải pháp", "Ghi chú"],
        [None, None, "Chủ trì", "Phối hợp", None, None],
        ["Quý II/2025", "1", "Đảng bộ xã Tiên Tân", "Chi bộ thôn Đồng Ao", "Rà soát", "Gấp"],
    ]
    content = workbook(rows, ("A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3"))
    plan = _read(world, programme, content)
    assert plan.errors == []
    (row,) = plan.rows
    assert (row.row, row.fields["position"], row.fields["content"]) == (4, "1", "Rà soát")
    assert row.fields["lead"] == world.commune and row.partners == [world.commune_cell]
    assert row.fields["deadline"] == D(2025, 6, 30)


def test_the_appendix_may_follow_a_sheet_of_targets(world, programme):
    content = workbook(
        [HEADER, [1, "Tổng hợp", "Văn phòng Thành ủy", None, None, "Năm 2025"]],
        before=[["Chỉ tiêu", "Đơn vị tính", "Giá trị"], ["Tỷ lệ số hóa", "%", 80]],
    )
    assert [row.fields["lead"] for row in _read(world, programme, content).rows] == [world.office]


def test_a_file_without_the_task_columns_is_refused_saying_which_are_missing(world, programme):
    content = workbook([["Họ và tên", "Số thẻ đảng viên"], ["Nguyễn Văn An", "010203"]])
    with pytest.raises(UploadError) as refused:
        _read(world, programme, content)
    assert "thiếu cột “Nội dung nhiệm vụ”, “Cơ quan chủ trì”" in str(refused.value)


def test_a_header_without_tasks_under_it_is_refused(world, programme):
    with pytest.raises(UploadError, match="Không có nhiệm vụ nào"):
        _read(world, programme, _table([[None, "I. NHIỆM VỤ CHUNG"]]))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Tệp rỗng."),
        (b"%PDF-1.7 not a workbook", "Tệp không phải XLSX."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "Excel 97–2003"),
        (b"PK\x03\x04 torn", "bị hỏng"),
    ],
)
def test_files_that_are_not_workbooks_are_refused_in_words(world, programme, content, message):
    with pytest.raises(UploadError, match=message):
        _read(world, programme, content)


def test_a_docx_is_not_taken_for_an_appendix(world, programme):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(UploadError, match="không phải XLSX"):
        _read(world, programme, out.getvalue())


def test_a_workbook_that_inflates_out_of_proportion_is_refused(world, programme):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (30 * 1024 * 1024))
    with pytest.raises(UploadError, match="nén quá mức"):
        _read(world, programme, out.getvalue())


def test_a_damaged_workbook_is_refused_without_a_traceback(world, programme):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not-a-workbook")
    with pytest.raises(UploadError, match="bị hỏng"):
        _read(world, programme, out.getvalue())


def test_only_an_office_that_manages_the_programme_may_apply(world, programme):
    plan = _read(world, programme, realistic())
    with pytest.raises(ValidationError, match="không được sửa chương trình"):
        appendix_apply(world.secretary, programme, plan)
    assert not Task.objects.exists()


def test_the_appendix_keeps_its_own_numbering_and_section_headings(world, client, programme):
    plan = _read(world, programme, realistic())
    sections = {row.fields["position"]: row.fields["section"] for row in plan.rows}
    assert sections["1"] == sections["3"] == "I. NHIỆM VỤ CHUNG"
    assert sections["4"] == sections["11"] == "II. NHIỆM VỤ CỤ THỂ"

    appendix_apply(world.clerk, programme, plan)
    stored = list(
        Task.objects.filter(programme=programme).order_by("pk").values_list("position", "section")
    )
    assert [position for position, _section in stored] == [str(n) for n in range(1, 12)]
    assert stored[0][1] == "I. NHIỆM VỤ CHUNG" and stored[3][1] == "II. NHIỆM VỤ CỤ THỂ"

    client.force_login(world.clerk)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert page.count("I. NHIỆM VỤ CHUNG") == 1 and page.count("II. NHIỆM VỤ CỤ THỂ") == 1
    assert page.index("I. NHIỆM VỤ CHUNG") < page.index("II. NHIỆM VỤ CỤ THỂ")


def test_a_heading_written_across_with_letters_is_kept_as_written(world, programme):
    plan = _read(
        world,
        programme,
        _table(
            [
                ["A", "Về công tác tuyên truyền".upper()],
                ["1.1", "Tuyên truyền", "Văn phòng Thành ủy", None, None, "Năm 2025"],
                ["B)", "VỀ CHUYỂN ĐỔI SỐ"],
                ["a)", "Số hóa", "Văn phòng Thành ủy", None, None, "Năm 2026"],
            ]
        ),
    )
    assert plan.errors == []
    got = [(row.fields["position"], row.fields["section"]) for row in plan.rows]
    assert got == [("1.1", "A. VỀ CÔNG TÁC TUYÊN TRUYỀN"), ("a)", "B) VỀ CHUYỂN ĐỔI SỐ")]
