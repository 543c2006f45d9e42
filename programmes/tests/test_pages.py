import datetime as dt

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from programmes import services
from programmes.models import Bucket, Inspection, Task

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _task(world, programme, lead=None, days=10):
    return services.task_add(
        world.clerk,
        programme,
        content="Xây dựng kế hoạch chuyển đổi số",
        lead=lead or world.ward,
        deadline=TODAY() + dt.timedelta(days=days),
        product="Kế hoạch",
    )


def test_office_enters_targets_and_tasks_from_the_page(world, programme, client):
    client.force_login(world.clerk)
    url = reverse("programmes:detail", args=[programme.pk])
    bad = client.post(
        url,
        {
            "form": "target",
            "t-name": "GRDP",
            "t-unit_of_measure": "%",
            "t-low": "7,8",
            "t-high": "7,3",
            "t-year": "2030",
            "t-direction": "up",
            "t-aggregate": "sum",
        },
    )
    assert "từ thấp đến cao" in bad.content.decode()
    client.post(
        url,
        {
            "form": "target",
            "t-name": "GRDP",
            "t-unit_of_measure": "%",
            "t-low": "7,3",
            "t-high": "7,8",
            "t-year": "2030",
            "t-direction": "up",
            "t-aggregate": "sum",
        },
    )
    early = client.post(
        url,
        {"form": "task", "k-content": "Sớm", "k-lead": world.ward.pk, "k-deadline": "01/01/2020"},
    )
    assert "trước ngày ban hành chương trình" in early.content.decode()
    client.post(
        url,
        {
            "form": "task",
            "k-content": "Tổ chức quán triệt",
            "k-lead": world.ward.pk,
            "k-partners": [world.commune.pk],
            "k-deadline": "31/12/2099",
            "k-product": "Báo cáo",
        },
    )
    page = client.get(url).content.decode()
    assert "7,3–7,8" in page and "Tổ chức quán triệt" in page and "Đang thực hiện trong hạn" in page
    assert Task.objects.get().partners.get() == world.commune


def test_lead_unit_reports_progress_with_evidence_and_others_cannot(world, programme, client):
    task = _task(world, programme)
    url = reverse("programmes:task", args=[task.pk])
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.secretary)
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile(
        "bao-cao.pdf",
        b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        "application/pdf",
    )
    answer = client.post(
        url, {"form": "progress", "p-percent": "60", "p-note": "Đã xong dự thảo", "p-evidence": pdf}
    )
    assert answer.status_code == 302
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", "application/pdf")
    refused = client.post(url, {"form": "progress", "p-percent": "70", "p-evidence": fake})
    assert "Chỉ nhận tệp PDF hoặc DOCX" in refused.content.decode()
    task.refresh_from_db()
    assert task.percent == 60 and task.reports.get().evidence.count() == 1
    client.force_login(world.clerk)  # the city office sees the task but does not lead it
    assert client.post(url, {"form": "progress", "p-percent": "90"}).status_code == 403


def test_dashboard_shows_buckets_overdue_units_and_the_urging_letter(world, programme, client):
    late = _task(world, programme, world.commune, days=2)
    _task(world, programme, world.ward, days=30)
    services.buckets_refresh(TODAY() + dt.timedelta(days=5))
    late.refresh_from_db()
    assert late.bucket == Bucket.OVERDUE
    client.force_login(world.clerk)
    url = (
        reverse("programmes:dashboard") + f"?unit={world.city.pk}&document={programme.document_id}"
    )
    page = client.get(url).content.decode()
    assert "2 nhiệm vụ: 0 đã hoàn thành, 1 quá hạn." in page
    assert "<svg" in page and "Đảng bộ xã Tiên Tân" in page
    assert not __import__("re").search(r'(x|width)="[0-9]+,', page)  # SVG needs dot decimals
    behind = client.get(url + "&bucket=overdue").content.decode()
    assert f"/programmes/tasks/{late.pk}/" in behind
    letter = client.get(
        reverse("programmes:letter") + f"?unit={world.city.pk}&document={programme.document_id}"
    )
    document = docx.Document(__import__("io").BytesIO(letter.content))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Đảng bộ xã Tiên Tân" in text
    pdf = client.get(
        reverse("programmes:letter-pdf") + f"?unit={world.city.pk}&document={programme.document_id}"
    )
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_api_reads_and_updates_progress(world, programme, client):
    task = _task(world, programme)
    _t, raw = ApiToken.issue(world.secretary, "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    got = client.get(f"/api/v1/tasks/{task.pk}", **auth).json()
    assert got["bucket"] == "open_in_time"
    done = client.post(
        f"/api/v1/tasks/{task.pk}/progress",
        {"percent": 100, "completed": True, "product": "Kế hoạch 12-KH/ĐU"},
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 201 and done.json()["bucket"] == "done_on_time"
    bad = client.post(
        f"/api/v1/tasks/{task.pk}/progress",
        {"percent": 150},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422
    _t, other = ApiToken.issue(world.clerk, "t")
    refused = client.post(
        f"/api/v1/tasks/{task.pk}/progress",
        {"percent": 10},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other}",
    )
    assert refused.status_code == 403
    listed = client.get(
        f"/api/v1/programmes/{programme.pk}/tasks?bucket=done_on_time", **auth
    ).json()
    assert [t["id"] for t in listed] == [task.pk]


def test_inspection_from_plan_to_follow_up(world, programme, client):
    client.force_login(world.inspector)
    url = reverse("programmes:inspections")
    answer = client.post(
        url,
        {
            "organization": world.city.pk,
            "kind": "inspection",
            "units": [world.ward.pk],
            "subject": "Kiểm tra thực hiện 30-CTr/TU",
            "document": programme.document_id,
            "period_from": "01/12/2026",
            "period_to": "20/12/2026",
        },
    )
    inspection = Inspection.objects.get()
    assert answer.url == reverse("programmes:inspection", args=[inspection.pk])
    detail = reverse("programmes:inspection", args=[inspection.pk])
    client.post(
        detail,
        {
            "form": "record",
            "v-visited_on": "05/12/2026",
            "v-findings": "Chưa ban hành kế hoạch",
            "v-conclusions": "Ban hành trong 15 ngày",
        },
    )
    client.post(
        detail,
        {
            "form": "followup",
            "k-content": "Ban hành kế hoạch thực hiện",
            "k-lead": world.ward.pk,
            "k-deadline": "20/12/2026",
        },
    )
    page = client.get(detail).content.decode()
    assert "Ban hành trong 15 ngày" in page and "Ban hành kế hoạch thực hiện" in page
    assert Task.objects.get(inspection=inspection).bucket == Bucket.OPEN_IN_TIME


def test_the_unit_page_reminds_of_overdue_and_coming_tasks(world, programme, client):
    soon = _task(world, programme, days=5)
    _task(world, programme, days=60)
    late = _task(world, programme, days=1)
    services.buckets_refresh(TODAY() + dt.timedelta(days=3))
    client.force_login(world.secretary)
    page = client.get(reverse("organizations:detail", args=[world.ward.pk])).content.decode()
    assert "Nhắc việc" in page
    assert f"/programmes/tasks/{soon.pk}/" in page and f"/programmes/tasks/{late.pk}/" in page
    assert page.count("/programmes/tasks/") == 2  # the task due in two months is not listed
