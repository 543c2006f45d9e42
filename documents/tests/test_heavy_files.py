"""A heavy file never stalls the service: the upload only stores it; a job on the `files`
queue reads it in a child process with a page cap and limits on CPU, memory and time;
a file that breaks a limit is marked with the reason, and the worker carries on."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from documents import extraction, tasks
from documents.models import Attachment
from documents.tests.office_files import docx_bytes, long_pdf

PAGE = "Trang cua chuong trinh"
TOO_SLOW = "Không đọc được trong thời gian cho phép: tệp quá nặng hoặc quá phức tạp."
LIMITS = {"pages": 300, "memory_mb": 512, "cpu_seconds": 30, "wall_seconds": 120}


@pytest.fixture(scope="module")
def heavy():
    """30,000 pages in under 3 MB: reading it all took minutes of the only worker."""
    content = long_pdf(30_000, PAGE)
    assert len(content) < 3 * 1024 * 1024
    return content


@pytest.fixture
def document(world):
    from programmes.tests.builders import document_for

    return document_for(world)


def attach(client, world, document, content: bytes, name="chuong-trinh.pdf"):
    client.force_login(world.clerk)
    return client.post(
        reverse("documents:attach", args=[document.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_the_upload_stores_the_file_and_queues_the_reading_without_reading_it(
    world, client, settings, document, heavy, monkeypatch
):
    settings.TASKS = {
        "default": {
            **settings.TASKS["default"],
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        }
    }

    def no_reading_in_the_request(*args, **kwargs):
        raise AssertionError("a file must never be read inside the request")

    monkeypatch.setattr(tasks, "extract_text", no_reading_in_the_request)
    monkeypatch.setattr(extraction.subprocess, "run", no_reading_in_the_request)
    page = attach(client, world, document, heavy).content.decode()
    assert "Đã tải lên; nội dung đang được trích xuất để tìm kiếm." in page
    attachment = Attachment.objects.get()
    assert (attachment.state, attachment.text) == (Attachment.State.PENDING, "")
    assert "Đang trích xuất" in page
    from django_tasks import default_task_backend

    [queued] = default_task_backend.results
    assert (queued.task.name, queued.task.queue_name) == ("attachment_extract", "files")
    assert queued.args == [attachment.pk]


def test_the_job_reads_only_the_first_pages_and_says_so(world, client, settings, document, heavy):
    settings.FILE_READING = LIMITS
    page = attach(client, world, document, heavy).content.decode()
    attachment = Attachment.objects.get()
    assert attachment.state == Attachment.State.PARTIAL
    assert attachment.error == "Tệp quá dài: chỉ đọc 300 trang đầu trong 30.000 trang."
    assert attachment.text.count(PAGE) == 300
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "Đã trích xuất một phần: Tệp quá dài: chỉ đọc 300 trang đầu trong 30.000 trang." in page
    document.refresh_from_db()
    assert PAGE in document.search_text


def test_a_short_file_is_read_whole_with_no_note(world, client, settings, document):
    settings.FILE_READING = LIMITS
    attach(client, world, document, long_pdf(3, PAGE))
    attachment = Attachment.objects.get()
    assert (attachment.state, attachment.error) == (Attachment.State.DONE, "")
    assert attachment.text.count(PAGE) == 3


def test_a_file_that_uses_up_its_cpu_seconds_is_stopped_and_the_worker_carries_on(
    world, client, settings, document, heavy
):
    # Every page allowed, one CPU second: reading 30,000 pages needs many more.
    settings.FILE_READING = {**LIMITS, "pages": 30_000, "cpu_seconds": 1}
    attach(client, world, document, heavy)
    stopped = Attachment.objects.get()
    assert (stopped.state, stopped.error, stopped.text) == (Attachment.State.FAILED, TOO_SLOW, "")
    attach(client, world, document, docx_bytes("Kế hoạch số 12"), "ke-hoach.docx")
    after = Attachment.objects.exclude(pk=stopped.pk).get()
    assert (after.state, after.text) == (Attachment.State.DONE, "Kế hoạch số 12")


def test_a_file_that_outlasts_its_wall_clock_time_is_stopped(
    world, client, settings, document, heavy
):
    settings.FILE_READING = {**LIMITS, "pages": 30_000, "wall_seconds": 1}
    attach(client, world, document, heavy)
    attachment = Attachment.objects.get()
    assert (attachment.state, attachment.error) == (Attachment.State.FAILED, TOO_SLOW)


def test_a_file_that_needs_more_memory_than_allowed_is_stopped(
    world, client, settings, document, heavy
):
    # Reading the page tree of 30,000 pages takes about 110 MB; 64 MB are allowed here.
    settings.FILE_READING = {**LIMITS, "memory_mb": 64}
    attach(client, world, document, heavy)
    attachment = Attachment.objects.get()
    assert attachment.state == Attachment.State.FAILED
    assert attachment.error == "Tệp cần quá nhiều bộ nhớ để đọc; không đọc được nội dung."


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between jobs
def test_a_slow_file_never_holds_up_the_other_queues(world, client, settings, document, heavy):
    """With the database backend, as in production: the default worker runs its jobs
    while the file waits for the worker of the `files` queue."""
    from django_tasks_db.models import DBTaskResult

    from programmes.tasks import task_tallies_rebuild

    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    }
    settings.FILE_READING = LIMITS
    attach(client, world, document, heavy)
    task_tallies_rebuild.enqueue()
    worker = ["--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0"]
    call_command("db_worker", "--queue-name", "default", *worker)
    by_queue = dict(DBTaskResult.objects.values_list("queue_name", "status"))
    assert by_queue == {"default": "SUCCESSFUL", "files": "READY"}
    assert Attachment.objects.get().state == Attachment.State.PENDING
    call_command("db_worker", "--queue-name", "files", *worker)
    assert DBTaskResult.objects.get(queue_name="files").status == "SUCCESSFUL"
    assert Attachment.objects.get().state == Attachment.State.PARTIAL


def test_the_page_asks_again_while_a_file_is_being_read_and_stops_once_read(
    world, client, settings, document
):
    settings.TASKS = {
        "default": {
            **settings.TASKS["default"],
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        }
    }
    attach(client, world, document, long_pdf(3, PAGE))
    states = reverse("documents:attachment-states", args=[document.pk])
    page = client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert f'hx-get="{states}"' in page and "Đang trích xuất…" in page
    tasks.attachment_extract.call(Attachment.objects.get().pk)
    fragment = client.get(states).content.decode()
    assert "hx-get" not in fragment and "Đã trích xuất" in fragment
    client.force_login(world.outsider)
    assert client.get(states).status_code == 404
