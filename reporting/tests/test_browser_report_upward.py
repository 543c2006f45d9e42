"""A ward's committee drafts its report upward, writes sections II and III, issues it and
downloads it as DOCX, XLSX and PDF, each carrying the masthead, the figures and the
sections it wrote."""

import io
from pathlib import Path

import docx
import openpyxl
import pytest
from django.utils import timezone
from pypdf import PdfReader

from conferences import services as conferences
from conferences.models import Status
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LIMITATIONS = "Chi bộ khu phố 2 chưa tổ chức hội nghị đúng kế hoạch."
DIRECTIONS = "Tổ chức học bù cho đảng viên vắng mặt trong tháng tới."


def _download(page, fmt: str, tmp_path) -> bytes:
    """From the report's page: build the file, wait for it, download it, come back."""
    report = page.url
    page.click(f"button[name=action][value={fmt}]")
    page.wait_for_selector("#file-state a.button")
    with page.expect_download() as caught:
        page.click("#file-state a.button")
    path = Path(tmp_path) / f"bao-cao.{fmt}"
    caught.value.save_as(path)
    page.goto(report)
    return path.read_bytes()


def test_a_ward_drafts_writes_issues_and_downloads_its_report(
    world, campaign, conference, page, tmp_path
):
    hall = conference.bridge_points.get(is_main=True)
    conferences.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    conferences.attendance_mark(
        world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "bithu")
    page.goto("/reporting/")
    page.check(f"input[name=organization][value='{world.ward.pk}']")
    page.select_option("select[name=kind]", "campaign")
    page.select_option("select[name=campaign]", str(campaign.pk))
    today = timezone.localdate()
    page.fill("input[name=period_from]", f"{today.replace(day=1):%Y-%m-%d}")
    page.fill("input[name=period_to]", f"{today:%Y-%m-%d}")
    page.fill("input[name=title]", "Kết quả học tập, quán triệt Nghị quyết số 23-NQ/TU")
    page.fill("input[name=place]", "Lam Hạ")
    page.click("form button.primary")
    page.wait_for_selector("#texts")
    assert "1/2 đảng viên phải học tập đã tham dự, đạt 50,00%" in page.inner_text("#phrases")

    page.fill("#texts input[name=symbol]", "52-BC/ĐU")
    page.fill("#texts input[name=signer]", "Nguyễn Văn Hùng")
    page.fill("#texts textarea[name=limitations]", LIMITATIONS)
    page.fill("#texts textarea[name=directions]", DIRECTIONS)
    page.click("#texts button[value=save]")
    page.wait_for_selector("text=Đã lưu nội dung báo cáo.")
    page.screenshot(path=str(Path(tmp_path) / "draft.png"), full_page=True)

    page.click("details.confirm summary")  # issuing asks in the page first
    page.click("button[name=action][value=issue]")
    page.wait_for_selector("text=Đã ban hành báo cáo")
    assert LIMITATIONS in page.inner_text("#limitations")
    assert DIRECTIONS in page.inner_text("#directions")

    word = docx.Document(io.BytesIO(_download(page, "docx", tmp_path)))
    left, right = word.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text][:4] == [
        "ĐẢNG BỘ THÀNH PHỐ HÀ NAM",
        "ĐẢNG ỦY PHƯỜNG LAM HẠ",
        "*",
        "Số 52-BC/ĐU",
    ]
    assert f"Lam Hạ, ngày {today:%d} tháng {today:%m} năm {today:%Y}" in right.text
    body = [p.text for p in word.paragraphs]
    assert LIMITATIONS in body and DIRECTIONS in body

    sheet = openpyxl.load_workbook(io.BytesIO(_download(page, "xlsx", tmp_path)))
    totals = [row for row in sheet.worksheets[0].iter_rows(values_only=True) if "Tổng cộng" in row]
    assert totals and totals[0][4] == 1  # attended
    assert LIMITATIONS in [row[0] for row in sheet.worksheets[1].iter_rows(values_only=True)]

    pdf = _download(page, "pdf", tmp_path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "ĐẢNG ỦY PHƯỜNG LAM HẠ" in text and "Số 52-BC/ĐU" in text
    assert f"II. HẠN CHẾ, NGUYÊN NHÂN {LIMITATIONS}" in text
    assert "T/M ĐẢNG ỦY" in text and "Nguyễn Văn Hùng" in text
