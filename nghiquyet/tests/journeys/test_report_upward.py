"""Journey 6, on the demo data at 1280 px: the ward drafts its periodic report on the
campaign, writes sections II and III, issues it after the confirmation in the page and
downloads it as DOCX, XLSX and PDF, each read back."""

import io
from pathlib import Path

import docx
import openpyxl
import pytest
from django.utils import timezone
from pypdf import PdfReader

from conferences.models import ATTENDED, Attendance
from members.models import Member, MemberStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LIMITATIONS = "Một số đảng viên cao tuổi chưa dự hội nghị trực tuyến; học bù còn chậm."
DIRECTIONS = "Tổ chức học bù trong tháng 12 và đôn đốc nộp bài thu hoạch đúng hạn."


def _download(page, fmt: str, tmp_path) -> bytes:
    report = page.url
    page.click(f"button[name=action][value={fmt}]")
    page.wait_for_selector("#file-state a.button")
    with page.expect_download() as caught:
        page.click("#file-state a.button")
    path = Path(tmp_path) / f"bao-cao.{fmt}"
    caught.value.save_as(path)
    page.goto(report)
    return path.read_bytes()


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.2f}".replace(".", ",") + "%"


def test_the_ward_drafts_issues_and_downloads_its_report_upward(journey, tmp_path):
    today = timezone.localdate()
    required = (
        Member.objects.active()
        .filter(organization__path__startswith=journey.ward.path)
        .exclude(status=MemberStatus.EXEMPT)
    )
    attended = Attendance.objects.filter(
        campaign=journey.campaign, status__in=ATTENDED, member__in=required
    ).count()
    page = journey.sign_in("bithu")
    page.goto("/reporting/")
    journey.choose("organization", journey.ward)
    page.select_option("select[name=kind]", "campaign")
    page.select_option("select[name=campaign]", str(journey.campaign.pk))
    page.fill("input[name=period_from]", f"{today.replace(day=1):%Y-%m-%d}")
    page.fill("input[name=period_to]", f"{today:%Y-%m-%d}")
    page.fill("input[name=title]", "Kết quả học tập, quán triệt Nghị quyết số 23-NQ/TU")
    page.fill("input[name=place]", "Trung Ngọc")
    page.click("form button.primary")
    page.wait_for_selector("#texts")
    phrase = (
        f"{attended}/{required.count()} đảng viên phải học tập đã tham dự, "
        f"đạt {_percent(attended, required.count())}"
    )
    assert phrase in journey.read("#phrases")

    page.fill("#texts input[name=symbol]", "15-BC/ĐU")
    page.fill("#texts input[name=signer]", "Phạm Văn Khang")
    page.fill("#texts textarea[name=limitations]", LIMITATIONS)
    page.fill("#texts textarea[name=directions]", DIRECTIONS)
    page.click("#texts button[value=save]")
    page.wait_for_selector("text=Đã lưu nội dung báo cáo.")
    journey.read()

    page.click("details.confirm summary")
    assert "ban hành" in journey.read("details.confirm").lower()
    page.click("button[name=action][value=issue]")
    page.wait_for_selector("text=Đã ban hành báo cáo")
    assert LIMITATIONS in page.inner_text("#limitations")
    assert DIRECTIONS in page.inner_text("#directions")
    journey.read()

    word = docx.Document(io.BytesIO(_download(page, "docx", tmp_path)))
    left, right = word.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == [
        "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI",
        "ĐẢNG ỦY PHƯỜNG TRUNG NGỌC",
        "*",
        "Số 15-BC/ĐU",
    ]
    assert [p.text for p in right.paragraphs if p.text] == [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        f"Trung Ngọc, ngày {today:%d} tháng {today:%m} năm {today:%Y}",
    ]
    body = [p.text for p in word.paragraphs]
    assert body[:2] == ["BÁO CÁO", "Kết quả học tập, quán triệt Nghị quyết số 23-NQ/TU"]
    assert f"{phrase}." in " ".join(body)
    assert "đồng chí Phạm Văn Khang, Bí thư Đảng ủy phường chủ trì" in " ".join(body)
    sections = body.index("II. HẠN CHẾ, NGUYÊN NHÂN")
    assert body[sections : sections + 4] == [
        "II. HẠN CHẾ, NGUYÊN NHÂN",
        LIMITATIONS,
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
        DIRECTIONS,
    ]
    recipients, signature = word.tables[1].rows[0].cells
    assert recipients.text == "Nơi nhận:\n- Thành ủy Hà Nội (để báo cáo),\n- Lưu VP."
    assert signature.text.startswith("T/M ĐẢNG ỦY\nBÍ THƯ\n")
    assert signature.text.endswith("Phạm Văn Khang")

    book = openpyxl.load_workbook(io.BytesIO(_download(page, "xlsx", tmp_path)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = rows.index(next(row for row in rows if row[0] == "STT"))
    total = next(row for row in rows if row[1] == "Tổng cộng")
    columns = dict(zip(rows[header], total, strict=True))
    assert (columns["Đảng viên phải học tập"], columns["Đã dự học tập"]) == (
        required.count(),
        attended,
    )
    assert columns["Tỷ lệ dự (%)"] == round(attended * 100 / required.count(), 2)
    texts = [row[0] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert LIMITATIONS in texts and DIRECTIONS in texts

    pdf = _download(page, "pdf", tmp_path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "ĐẢNG BỘ THÀNH PHỐ HÀ NỘI ĐẢNG ỦY PHƯỜNG TRUNG NGỌC * Số 15-BC/ĐU" in text
    assert f"Trung Ngọc, ngày {today:%d} tháng {today:%m} năm {today:%Y}" in text
    assert f"II. HẠN CHẾ, NGUYÊN NHÂN {LIMITATIONS}" in text
    assert f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI {DIRECTIONS}" in text
    assert phrase in text and "T/M ĐẢNG ỦY BÍ THƯ Phạm Văn Khang" in text
