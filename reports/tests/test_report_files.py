"""A learning report uploaded as DOCX or PDF: the request only checks and stores it, a
job on the `files` queue reads it while the page shows "đang đọc tệp…", and the member
then takes the text into the draft without losing a word already typed."""

import io
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.tests.office_files import long_pdf
from reports import tasks
from reports.models import Report, Upload
from reports.uploads import FOLDER

pytestmark = pytest.mark.django_db
DUMMY = "django_tasks.backends.dummy.DummyBackend"
TEXT = "Bài thu hoạch của tôi về Nghị quyết 23-NQ/TU"


def docx_file(*paragraphs: str, name="bai.docx") -> SimpleUploadedFile:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def stored(settings) -> list[Path]:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / FOLDER
    return list(folder.iterdir()) if folder.exists() else []


def send(client, campaign, file):
    return client.post(reverse("reports:upload", args=[campaign.pk]), {"file": file}, follow=True)


def test_the_upload_only_stores_the_file_and_the_page_shows_it_being_read(
    world, campaign, client, settings, monkeypatch
):
    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": DUMMY}}

    def no_reading_in_the_request(*args, **kwargs):
        raise AssertionError("a file must never be read inside the request")

    monkeypatch.setattr("reports.uploads.extract_text", no_reading_in_the_request)
    monkeypatch.setattr("subprocess.run", no_reading_in_the_request)
    client.force_login(world.member_user)
    page = send(client, campaign, docx_file(TEXT)).content.decode()
    row = Upload.objects.get()
    assert (row.state, row.text, row.member, row.uploaded_by) == (
        Upload.State.PENDING,
        "",
        world.an,
        world.member_user,
    )
    assert len(stored(settings)) == 1 and row.stored_path.startswith(f"{FOLDER}/")
    assert not Report.objects.exists()  # the draft is untouched
    assert "Đã nhận tệp bai.docx; hệ thống đang đọc nội dung" in page
    assert "Đang đọc tệp…" in page
    assert f'hx-get="{reverse("reports:upload-state", args=[row.pk])}"' in page
    from django_tasks import default_task_backend

    [queued] = default_task_backend.results
    assert (queued.task.name, queued.task.queue_name, queued.args) == (
        "upload_read",
        "files",
        [row.pk],
    )


def test_once_read_the_file_is_gone_and_the_text_is_offered_for_the_draft(
    world, campaign, client, settings
):
    client.force_login(world.member_user)
    send(client, campaign, docx_file(TEXT, "Đoạn thứ hai"))
    row = Upload.objects.get()
    assert (row.state, row.text, row.stored_path) == (
        Upload.State.READ,
        f"{TEXT}\nĐoạn thứ hai",
        "",
    )
    assert stored(settings) == []
    fragment = client.get(reverse("reports:upload-state", args=[row.pk])).content.decode()
    assert "hx-get" not in fragment and "Đã đọc xong tệp bai.docx." in fragment
    use = reverse("reports:upload-use", args=[row.pk])
    assert f'form="report-form" formaction="{use}"' in fragment
    page = client.get(reverse("reports:write", args=[campaign.pk])).content.decode()
    assert "Đưa nội dung tệp vào bài" in page


def test_the_text_fills_an_empty_first_box(world, campaign, client):
    client.force_login(world.member_user)
    send(client, campaign, docx_file(TEXT))
    row = Upload.objects.get()
    answer = client.post(
        reverse("reports:upload-use", args=[row.pk]),
        {"key": "k", "section_1": "", "section_2": ""},
        follow=True,
    )
    assert "Đã đọc nội dung tệp vào ô thứ nhất." in answer.content.decode()
    assert Report.objects.get(member=world.an).draft == [TEXT, ""]
    row.refresh_from_db()
    assert (row.state, row.text) == (Upload.State.USED, "")
    assert "Đưa nội dung tệp vào bài" not in answer.content.decode()


def test_what_the_member_typed_meanwhile_is_never_overwritten(world, campaign, client):
    client.force_login(world.member_user)
    client.post(
        reverse("reports:draft", args=[campaign.pk]), {"section_1": "Đã lưu", "section_2": ""}
    )
    send(client, campaign, docx_file(TEXT))
    row = Upload.objects.get()
    # Typed on the page after the last autosave, and sent along by the button.
    answer = client.post(
        reverse("reports:upload-use", args=[row.pk]),
        {"key": "k", "section_1": "Đã lưu, rồi gõ thêm", "section_2": "Trách nhiệm"},
        follow=True,
    )
    assert "phần bạn đã gõ vẫn giữ nguyên" in answer.content.decode()
    assert Report.objects.get(member=world.an).draft == [
        f"Đã lưu, rồi gõ thêm\n\n{TEXT}",
        "Trách nhiệm",
    ]


def test_without_the_page_the_saved_draft_is_kept_too(world, campaign, client):
    client.force_login(world.member_user)
    client.post(
        reverse("reports:draft", args=[campaign.pk]), {"section_1": "Đã lưu", "section_2": "Hai"}
    )
    send(client, campaign, docx_file(TEXT))
    client.post(reverse("reports:upload-use", args=[Upload.objects.get().pk]))
    assert Report.objects.get(member=world.an).draft == [f"Đã lưu\n\n{TEXT}", "Hai"]


def test_the_text_is_taken_only_once(world, campaign, client):
    client.force_login(world.member_user)
    send(client, campaign, docx_file(TEXT))
    use = reverse("reports:upload-use", args=[Upload.objects.get().pk])
    client.post(use, {"section_1": "", "section_2": ""})
    again = client.post(use, {"section_1": TEXT, "section_2": ""}, follow=True)
    assert "chưa đọc xong hoặc đã được đưa vào bài" in again.content.decode()
    assert Report.objects.get(member=world.an).draft == [TEXT, ""]


@pytest.mark.parametrize(
    "file",
    [SimpleUploadedFile("ban-quet.pdf", long_pdf(2, "")), docx_file(name="ban-quet.pdf")],
    ids=["pdf-of-images", "empty-docx"],
)
def test_a_file_without_text_gets_the_clear_message(world, campaign, client, settings, file):
    client.force_login(world.member_user)
    send(client, campaign, file)
    row = Upload.objects.get()
    assert row.state == Upload.State.FAILED
    page = client.get(reverse("reports:write", args=[campaign.pk])).content.decode()
    assert "ban-quet.pdf: Không đọc được chữ trong tệp (có thể chỉ có hình ảnh" in page
    assert stored(settings) == []


def test_a_very_long_pdf_is_read_up_to_the_page_cap_and_says_so(world, campaign, client, settings):
    settings.FILE_READING = {**settings.FILE_READING, "pages": 300}
    client.force_login(world.member_user)
    send(client, campaign, SimpleUploadedFile("dai.pdf", long_pdf(30_000, "Trang bai viet")))
    row = Upload.objects.get()
    assert row.state == Upload.State.READ and row.text.count("Trang bai viet") == 300
    fragment = client.get(reverse("reports:upload-state", args=[row.pk])).content.decode()
    assert "Tệp quá dài: chỉ đọc 300 trang đầu trong 30.000 trang." in fragment


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a document", "Chỉ nhận tệp PDF hoặc DOCX"),
        (b"", "Hãy chọn một tệp DOCX hoặc PDF."),
        (b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "Tệp quá lớn; bài thu hoạch tải lên tối đa"),
    ],
    ids=["fake", "empty", "too-big"],
)
def test_a_file_that_is_not_a_report_is_refused_in_the_request(
    world, campaign, client, settings, content, message
):
    client.force_login(world.member_user)
    page = send(client, campaign, SimpleUploadedFile("bai.docx", content)).content.decode()
    assert message in page
    assert not Upload.objects.exists() and stored(settings) == []


def test_a_newer_file_replaces_the_one_not_yet_taken(world, campaign, client, settings):
    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": DUMMY}}
    client.force_login(world.member_user)
    send(client, campaign, docx_file("Bản cũ", name="cu.docx"))
    send(client, campaign, docx_file("Bản mới", name="moi.docx"))
    assert list(Upload.objects.values_list("original_name", flat=True)) == ["moi.docx"]
    assert len(stored(settings)) == 1


def test_a_secretary_reads_a_file_in_for_a_member_on_paper(world, campaign, client):
    client.force_login(world.secretary)
    client.post(
        reverse("reports:upload-for", args=[campaign.pk, world.binh.pk]),
        {"file": docx_file(TEXT)},
    )
    row = Upload.objects.get()
    assert (row.member, row.uploaded_by, row.state) == (world.binh, world.secretary, "read")
    answer = client.post(reverse("reports:upload-use", args=[row.pk]))
    assert answer.url == reverse("reports:enter", args=[campaign.pk, world.binh.pk])
    assert Report.objects.get(member=world.binh).draft == [TEXT, ""]


def test_nobody_else_sees_or_takes_a_members_file(world, campaign, client):
    client.force_login(world.member_user)
    send(client, campaign, docx_file(TEXT))
    row = Upload.objects.get()
    for stranger in (world.outsider, world.propaganda):
        client.force_login(stranger)
        assert client.get(reverse("reports:upload-state", args=[row.pk])).status_code == 404
        assert client.post(reverse("reports:upload-use", args=[row.pk])).status_code == 404
    assert not Report.objects.exists()


def test_the_reading_job_skips_a_file_already_read(world, campaign, client):
    client.force_login(world.member_user)
    send(client, campaign, docx_file(TEXT))
    row = Upload.objects.get()
    tasks.upload_read.call(row.pk)  # a retried job finds nothing to do
    row.refresh_from_db()
    assert (row.state, row.text) == (Upload.State.READ, TEXT)
