import datetime as dt
import io

import docx
import pytest
from docx.shared import Pt

from conftest import add_unit
from programmes import services
from programmes.letters import place_of, urging_letter
from programmes.models import Task
from programmes.tests.appendix_files import programme_make

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)
# Every vowel with every tone, the đ, in both cases.
EVERY_DIACRITIC = (
    "àáảãạ ăằắẳẵặ âầấẩẫậ èéẻẽẹ êềếểễệ ìíỉĩị òóỏõọ ôồốổỗộ ơờớởỡợ ùúủũụ ưừứửữự ỳýỷỹỵ đ "
    "ÀÁẢÃẠ ĂẰẮẲẴẶ ÂẦẤẨẪẬ ÈÉẺẼẸ ÊỀẾỂỄỆ ÌÍỈĨỊ ÒÓỎÕỌ ÔỒỐỔỖỘ ƠỜỚỞỠỢ ÙÚỦŨỤ ƯỪỨỬỮỰ ỲÝỶỸỴ Đ"
)


@pytest.fixture
def overdue(world):
    programme = programme_make(world)
    hamlet = add_unit(world.commune, f"Chi bộ {EVERY_DIACRITIC}", "HNA-TT-DV", "CB", "CB")
    made = [
        services.task_add(world.clerk, programme, content=content, lead=lead, deadline=deadline).pk
        for content, lead, deadline in (
            ("Số hóa hồ sơ đảng viên", world.commune, dt.date(2026, 11, 3)),
            (f"Nhiệm vụ {EVERY_DIACRITIC}", hamlet, dt.date(2026, 10, 24)),
            ("Xây dựng đề án chuyển đổi số", world.ward, dt.date(2026, 11, 20)),
        )
    ]
    tasks = Task.objects.filter(pk__in=made).select_related("lead", "document")
    return list(tasks.order_by("-pk")), hamlet


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


def _texts(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


def test_the_header_follows_the_party_layout(world, overdue):
    tasks, _hamlet = overdue
    letter = _open(urging_letter(world.city, tasks, TODAY))
    left, right = letter.tables[0].rows[0].cells
    assert _texts(left) == [
        "THÀNH ỦY HÀ NAM",
        "*",
        "Số       -CV/TU",
        "V/v đôn đốc thực hiện nhiệm vụ quá hạn",
    ]
    assert left.paragraphs[0].runs[0].bold
    assert _texts(right) == ["ĐẢNG CỘNG SẢN VIỆT NAM", "Hà Nam, ngày 23 tháng 11 năm 2026"]
    party = right.paragraphs[0].runs[0]
    assert party.bold and party.underline
    assert right.paragraphs[2].runs[0].italic


def test_a_lower_unit_names_the_body_above_it_and_its_own_place(world, overdue):
    tasks, _hamlet = overdue
    letter = _open(urging_letter(world.ward, tasks[:1], dt.date(2026, 3, 5)))
    left, right = letter.tables[0].rows[0].cells
    assert _texts(left)[:2] == ["ĐẢNG BỘ THÀNH PHỐ HÀ NAM", "ĐẢNG ỦY PHƯỜNG LAM HẠ"]
    assert not left.paragraphs[0].runs[0].bold and left.paragraphs[1].runs[0].bold
    assert "Số       -CV/ĐU" in _texts(left)
    assert "Lam Hạ, ngày 05 tháng 03 năm 2026" in _texts(right)
    assert place_of(world.commune) == "Tiên Tân"


def test_the_overdue_tasks_are_listed_by_lead_unit_with_deadlines_and_days_late(world, overdue):
    tasks, hamlet = overdue
    letter = _open(urging_letter(world.city, tasks, TODAY))
    table = letter.tables[1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == [
        "STT",
        "Nội dung nhiệm vụ",
        "Văn bản",
        "Đơn vị chủ trì",
        "Thời hạn",
        "Số ngày quá hạn",
    ]
    assert rows[1:] == [
        [
            "1",
            "Xây dựng đề án chuyển đổi số",
            "32-CTr/TU",
            "Đảng bộ phường Lam Hạ",
            "20/11/2026",
            "3",
        ],
        ["2", "Số hóa hồ sơ đảng viên", "32-CTr/TU", "Đảng bộ xã Tiên Tân", "03/11/2026", "20"],
        ["3", f"Nhiệm vụ {EVERY_DIACRITIC}", "32-CTr/TU", hamlet.name, "24/10/2026", "30"],
    ]
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)


def test_the_addressees_the_request_and_the_signature_block(world, overdue):
    tasks, hamlet = overdue
    letter = _open(urging_letter(world.city, tasks, TODAY))
    text = [p.text for p in letter.paragraphs if p.text]
    assert text[:4] == [
        "Kính gửi:",
        "- Đảng bộ phường Lam Hạ,",
        "- Đảng bộ xã Tiên Tân,",
        f"- {hamlet.name}.",
    ]
    assert text[4] == (
        "Thực hiện Chương trình hành động số 32-CTr/TU ngày 10/01/2025, các cơ quan, đơn vị "
        "đã được phân công chủ trì thực hiện các nhiệm vụ. Qua theo dõi, đến ngày 23/11/2026 "
        "còn 3 nhiệm vụ đã quá thời hạn nhưng chưa hoàn thành, cụ thể như sau:"
    )
    assert text[5].startswith("Thành ủy Hà Nam đề nghị các cơ quan, đơn vị khẩn trương")
    assert "gửi về Văn phòng trước ngày 30/11/2026 để tổng hợp." in text[5]
    left, right = letter.tables[2].rows[0].cells
    assert _texts(left) == ["Nơi nhận:", "- Như trên,", "- Lưu VP."]
    assert _texts(right) == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "(Ký, ghi rõ họ tên)"]


def test_one_lead_unit_is_addressed_on_one_line(world, overdue):
    tasks, _hamlet = overdue
    ward = [task for task in tasks if task.lead == world.ward]
    letter = _open(urging_letter(world.ward, ward, TODAY, report_by=dt.date(2026, 12, 1)))
    text = [p.text for p in letter.paragraphs if p.text]
    assert text[0] == "Kính gửi: Đảng bộ phường Lam Hạ"
    assert "trước ngày 01/12/2026" in text[2]
    right = letter.tables[2].rows[0].cells[1]
    assert _texts(right)[0] == "T/M ĐẢNG ỦY"


def test_every_vietnamese_diacritic_survives_in_the_body_and_the_upper_case_header(world):
    unit = add_unit(world.city, f"Đảng bộ {EVERY_DIACRITIC}", "HNA-DV", "ĐU", "ĐU")
    letter = _open(urging_letter(unit, [], TODAY))
    left = letter.tables[0].rows[0].cells[0]
    assert "".join(_texts(left)[1:-3]).replace(" ", "") == (
        f"ĐẢNG ỦY {EVERY_DIACRITIC.upper()}".replace(" ", "")
    )
    assert f"Đảng ủy {EVERY_DIACRITIC} đề nghị các cơ quan" in "\n".join(
        p.text for p in letter.paragraphs
    )


def test_the_letter_is_set_in_times_new_roman_between_11_and_15_points(world, overdue):
    tasks, _hamlet = overdue
    letter = _open(urging_letter(world.city, tasks, TODAY))
    normal = letter.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    runs = [run for p in letter.paragraphs for run in p.runs] + [
        run
        for table in letter.tables
        for row in table.rows
        for cell in row.cells
        for p in cell.paragraphs
        for run in p.runs
    ]
    sizes = {None} | {Pt(11 + step / 2) for step in range(9)}  # 11, 11.5 … 15
    assert {run.font.size for run in runs} <= sizes
    assert {run.font.name for run in runs} == {None}  # all from the Normal style


def test_a_province_letter_lists_every_one_of_two_thousand_tasks(world):
    programme = programme_make(world)
    tasks = [
        Task(
            pk=number,
            content=f"Nhiệm vụ số {number} <khẩn> & gấp",
            lead=(world.ward, world.commune)[number % 2],
            document=programme.document,
            deadline=dt.date(2026, 1, 1) + dt.timedelta(days=number % 300),
        )
        for number in range(1, 2001)
    ]
    rows = _open(urging_letter(world.city, tasks, TODAY)).tables[1].rows
    assert len(rows) == 2001
    assert [cell.text for cell in rows[1].cells] == [
        "1",
        "Nhiệm vụ số 300 <khẩn> & gấp",
        "32-CTr/TU",
        "Đảng bộ phường Lam Hạ",
        "01/01/2026",
        "326",
    ]
