"""Journey 5, on the demo data at 1280 px: the city office registers its action
programme, imports the assignment appendix from XLSX, the ward reports progress on its
tasks, and the office downloads the urging letter about the overdue one and reads it."""

import datetime as dt
import io
from pathlib import Path

import docx
import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from organizations.models import Organization
from programmes.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LATE = "Số hóa hồ sơ đảng viên của các chi bộ khu dân cư"
DONE = "Mở chuyên mục chuyển đổi số trên trang tin của đảng bộ"
LATER = "Tập huấn kỹ năng số cho bí thư chi bộ"


def _appendix(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["PHỤ LỤC PHÂN CÔNG NHIỆM VỤ"])
    sheet.append([])
    sheet.append(["STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm",
                  "Thời gian hoàn thành"])  # fmt: skip
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _task_progress(page, task, percent, *, product=""):
    page.goto(f"/programmes/tasks/{task.pk}/")
    page.fill("input[name=p-percent]", str(percent))
    if product:
        page.check("input[name=p-completed]")
        page.fill("input[name=p-product]", product)
    page.get_by_role("button", name="Gửi báo cáo tiến độ").click()
    expect(page.get_by_text("Đã gửi báo cáo tiến độ.")).to_be_visible()


def test_a_programme_is_assigned_reported_on_and_urged(journey, tmp_path):
    today = timezone.localdate()
    late_by, due_later = today - dt.timedelta(days=10), today + dt.timedelta(days=30)
    other = Organization.objects.get_children(journey.root).exclude(pk=journey.ward.pk).first()
    page = journey.sign_in("vanphong")
    page.goto("/documents/new/")
    journey.choose("owner", journey.root)
    page.fill("input[name=symbol_raw]", "30-CTr/TU")
    expect(page.locator("#symbol-preview")).to_contain_text("Chương trình hành động")
    page.fill("input[name=issuer_name]", journey.root.name)
    page.fill("input[name=issued_on]", f"{today - dt.timedelta(days=60):%Y-%m-%d}")
    page.fill("input[name=term]", "20")
    page.fill("textarea[name=title]", "Chương trình hành động thực hiện Nghị quyết 23-NQ/TU")
    page.locator("button.primary").click()
    expect(page.locator("h1")).to_contain_text("30-CTr/TU")
    page.get_by_role("button", name="Nhập chỉ tiêu, nhiệm vụ").click()
    expect(page.locator("h1")).to_have_text("Chỉ tiêu và nhiệm vụ: 30-CTr/TU")

    page.click("summary:has-text('Nhập phụ lục phân công từ tệp XLSX')")
    rows = [
        [1, LATE, journey.ward.name, other.name, "Cơ sở dữ liệu", f"{late_by:%d/%m/%Y}"],
        [2, DONE, journey.ward.name, None, "Chuyên mục", f"{due_later:%d/%m/%Y}"],
        [3, LATER, other.name, journey.ward.name, "Lớp tập huấn", f"{due_later:%d/%m/%Y}"],
    ]
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "phu-luc.xlsx", "mimeType": "application/octet-stream",
                "buffer": _appendix(rows)}],
    )  # fmt: skip
    page.get_by_role("button", name="Nhập phụ lục").click()
    expect(page.get_by_text("Đã nhập 3 nhiệm vụ từ phụ lục.")).to_be_visible()
    table = journey.read("table.grid >> nth=1")
    for content, lead, deadline in [(LATE, journey.ward, late_by), (LATER, other, due_later)]:
        assert content in table and lead.name in table and f"{deadline:%d/%m/%Y}" in table
    expect(page.locator("tr", has_text=LATE)).to_contain_text("Quá hạn")
    late, done = Task.objects.get(content=LATE), Task.objects.get(content=DONE)

    # The ward reports progress on the two tasks it leads.
    page = journey.sign_in("bithu")
    _task_progress(page, late, 40)
    assert "40%" in page.inner_text("#progress")
    _task_progress(page, done, 100, product="Chuyên mục “Chuyển đổi số” trên trang tin")
    expect(page.locator("h1")).to_contain_text("Hoàn thành đúng hạn")
    assert f"hoàn thành ngày {today:%d/%m/%Y}" in journey.read("#progress")

    # The office sees the figures and drafts the urging letter.
    page = journey.sign_in("vanphong")
    page.goto(f"/programmes/dashboard/?unit={journey.root.pk}&document={late.document_id}")
    assert "3 nhiệm vụ: 1 đã hoàn thành, 1 quá hạn." in journey.read(".lead")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Dự thảo công văn đôn đốc (DOCX)").click()
    path = Path(tmp_path) / "cong-van.docx"
    caught.value.save_as(path)
    letter = docx.Document(io.BytesIO(path.read_bytes()))
    left, right = letter.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "THÀNH ỦY HÀ NỘI",
        "*",
        "Số       -CV/TU",
        "V/v đôn đốc thực hiện nhiệm vụ quá hạn",
    ]
    assert [p.text for p in right.paragraphs if p.text] == [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        f"Hà Nội, ngày {today:%d} tháng {today:%m} năm {today:%Y}",
    ]
    body = [p.text for p in letter.paragraphs]
    assert body[0] == f"Kính gửi: {journey.ward.name}"
    issued = today - dt.timedelta(days=60)
    assert (
        f"Thực hiện Chương trình hành động số 30-CTr/TU ngày {issued:%d/%m/%Y}, " in body[1]
        and f"đến ngày {today:%d/%m/%Y} còn 1 nhiệm vụ đã quá thời hạn" in body[1]
    )
    tasks = [[cell.text for cell in row.cells] for row in letter.tables[1].rows]
    assert tasks[1:] == [["1", LATE, "30-CTr/TU", journey.ward.name, f"{late_by:%d/%m/%Y}", "10"]]
    recipients, signature = letter.tables[2].rows[0].cells
    assert recipients.text == "Nơi nhận:\n- Như trên,\n- Lưu VP."
    assert signature.text.startswith("T/M BAN THƯỜNG VỤ\nBÍ THƯ\n")
