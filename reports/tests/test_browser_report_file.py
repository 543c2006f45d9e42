"""On a phone, a member reads a DOCX into the report: the page shows the file being read,
then offers its text, which joins what the member typed meanwhile."""

import io

import docx
import pytest

from conftest import login
from reports import tasks
from reports.models import Report, Upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_member_reads_a_docx_into_the_report_on_a_phone(world, campaign, page, settings):
    # The job waits in the queue until the test runs it, as a busy worker would.
    settings.TASKS = {
        "default": {
            **settings.TASKS["default"],
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        }
    }
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "an")
    page.goto(f"/reports/campaign/{campaign.pk}/write/")
    page.click("summary:has-text('Hoặc tải lên tệp DOCX/PDF')")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "bai-thu-hoach.docx",
                "mimeType": DOCX,
                "buffer": docx_bytes("Nhận thức của tôi về Nghị quyết 23-NQ/TU", "Đoạn hai"),
            }
        ],
    )
    page.click("button:has-text('Đọc nội dung tệp')")
    page.wait_for_selector("#upload-state:has-text('Đang đọc tệp…')")
    page.fill("#section_2", "Trách nhiệm của bản thân: gương mẫu")  # typed while it reads
    tasks.upload_read.call(Upload.objects.get().pk)
    page.wait_for_selector("#upload-state:has-text('Đã đọc xong tệp bai-thu-hoach.docx.')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("button:has-text('Đưa nội dung tệp vào bài')")
    page.wait_for_selector("text=Đã đọc nội dung tệp vào ô thứ nhất")
    assert page.input_value("#section_1") == "Nhận thức của tôi về Nghị quyết 23-NQ/TU\nĐoạn hai"
    assert page.input_value("#section_2") == "Trách nhiệm của bản thân: gương mẫu"
    assert Report.objects.get(member=world.an).draft[1] == "Trách nhiệm của bản thân: gương mẫu"
    assert page.locator("#upload-state").count() == 0
