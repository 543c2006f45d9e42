"""Journey 3, on the demo data on a 375 px phone: the demo member reads the campaign's
document on their page, writes the learning report, submits it and sees the receipt."""

import io
from pathlib import Path

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conferences.demo import RESOLUTION_TEXT
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
UNDERSTANDING = (
    "Nghị quyết 23-NQ/TU xác định chuyển đổi số là nhiệm vụ chính trị trọng tâm; tôi hiểu "
    "rằng mỗi đảng viên phải gương mẫu sử dụng các nền tảng số."
)
DUTY = "Tôi sẽ hướng dẫn các hộ ở tổ dân phố số 3 làm thủ tục hành chính trực tuyến."


def test_a_member_reads_the_document_writes_submits_and_sees_the_receipt(journey, tmp_path):
    assert not Report.objects.filter(member=journey.member).exists()
    page = journey.sign_in("dangvien", width=375, height=740)
    card = page.locator("section.asked", has_text=journey.campaign.title)
    expect(card).to_contain_text("Chưa nộp · còn")
    card.get_by_text("Đọc toàn văn trên trang").click()
    reading = card.locator(".reading")
    expect(reading).to_contain_text(RESOLUTION_TEXT[2])
    expect(reading).to_contain_text(RESOLUTION_TEXT[-1])
    with page.expect_download() as caught:
        card.get_by_role("link", name="23-NQ-TU.docx").click()
    path = Path(tmp_path) / "nghi-quyet.docx"
    caught.value.save_as(path)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs]
    assert paragraphs == RESOLUTION_TEXT
    journey.read()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    fields = card.locator("textarea")
    expect(fields).to_have_count(2)
    fields.nth(0).fill(UNDERSTANDING)
    fields.nth(1).fill(DUTY)
    card.get_by_role("button", name="Nộp bài").click()
    receipt = page.locator(".receipt")
    expect(receipt).to_contain_text("Đã nộp lần 1 lúc")
    report = Report.objects.get(member=journey.member)
    version = report.versions.get()
    at = timezone.localtime(version.submitted_at)
    assert f"Đã nộp lần 1 lúc {at:%d/%m/%Y %H:%M}." in receipt.inner_text()
    assert f"Mã biên nhận: {report.pk}-1" in receipt.inner_text()
    assert version.sections == [UNDERSTANDING, DUTY]
    expect(page.locator("section.asked", has_text=journey.campaign.title)).to_contain_text(
        "Đã nộp, chờ đánh giá"
    )
    journey.read()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_role("link", name="Xem bài đã nộp").click()
    expect(page.locator("#receipt")).to_contain_text(f"Mã biên nhận: {report.pk}-1")
    assert UNDERSTANDING in journey.read() and DUTY in journey.read()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
