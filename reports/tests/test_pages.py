import io
import zipfile

import docx
import pytest
from django.urls import reverse

from accounts.models import ApiToken
from reports.models import Export, Pair, Report, Version
from reports.tests.builders import essay, submit

pytestmark = pytest.mark.django_db


def test_member_writes_saves_a_draft_and_submits_once(world, campaign, client):
    client.force_login(world.member_user)
    url = reverse("reports:write", args=[campaign.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Hạn nộp" in page.content.decode() and campaign.prompts[0] in page.content.decode()
    key = page.context["key"]
    saved = client.post(
        reverse("reports:draft", args=[campaign.pk]), {"section_1": "Đang viết", "section_2": ""}
    )
    assert saved.status_code == 200 and "Đã lưu nháp" in saved.content.decode()
    assert Report.objects.get(member=world.an).draft == ["Đang viết", ""]
    body = {"key": key, "section_1": essay(1), "section_2": "<b>Trách nhiệm</b> của tôi"}
    assert client.post(url, body).status_code == 302
    assert client.post(url, body).status_code == 302  # the same submit, retried
    assert Version.objects.count() == 1
    page = client.get(url).content.decode()
    assert "Đã nộp lần 1" in page and "&lt;b&gt;" not in page and "<b>Trách nhiệm</b>" not in page


def test_empty_section_keeps_what_was_typed(world, campaign, client):
    client.force_login(world.member_user)
    url = reverse("reports:write", args=[campaign.pk])
    page = client.post(url, {"key": "x1", "section_1": "Nhận thức của tôi", "section_2": "  "})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nội dung 2 đang để trống" in html and "Nhận thức của tôi" in html


def test_five_megabytes_of_text_gets_a_clear_answer(world, campaign, client):
    client.force_login(world.member_user)
    url = reverse("reports:write", args=[campaign.pk])
    page = client.post(url, {"key": "x2", "section_1": "a" * 5_300_000, "section_2": "b"})
    assert page.status_code == 200
    assert "quá lớn" in page.content.decode()
    assert not Version.objects.exists()


def test_secretary_enters_on_behalf_from_paper(world, campaign, client):
    client.force_login(world.secretary)
    url = reverse("reports:enter", args=[campaign.pk, world.binh.pk])
    page = client.get(url)
    assert "nhập bài thay" in page.content.decode()
    client.post(url, {"key": "p1", "section_1": essay(3), "section_2": essay(4), "paper": "1"})
    version = Version.objects.get()
    assert version.on_behalf and version.source == "paper" and version.entered_by == world.secretary
    client.force_login(world.member_user)
    assert (
        client.get(reverse("reports:enter", args=[campaign.pk, world.binh.pk])).status_code == 404
    )


def test_reviewer_compares_two_reports_with_shared_passages_marked(world, campaign, client):
    text = [essay(100, 400), essay(101, 300)]
    mine = submit(world, campaign, world.an, text).report
    other = submit(world, campaign, world.cuong, [text[0], text[1][:-60]], actor=world.admin).report
    client.force_login(world.secretary)
    detail = client.get(reverse("reports:detail", args=[mine.pk])).content.decode()
    assert "Bài giống nhất" in detail and f"Bài số {other.pk}" in detail
    compare = client.get(reverse("reports:compare", args=[mine.pk, other.pk])).content.decode()
    assert "<mark>" in compare
    assert "(đơn vị khác)" not in compare and "Lê Quốc Cường" not in compare  # outside the ward
    copies = client.get(reverse("reports:copies", args=[campaign.pk]) + f"?unit={world.ward.pk}")
    assert copies.status_code == 200 and "Nguyễn Văn An" in copies.content.decode()


def test_blind_review_hides_names(world, campaign, client):
    campaign.blind_review = True
    campaign.save()
    report = submit(world, campaign, world.an).report
    client.force_login(world.secretary)
    detail = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    listing = client.get(reverse("reports:unit", args=[campaign.pk]) + f"?unit={world.ward.pk}")
    assert "Nguyễn Văn An" not in detail and "Nguyễn Văn An" not in listing.content.decode()
    assert f"Bài số {report.pk}" in detail


def test_review_form_returns_for_rewrite_and_the_member_sees_the_comment(world, campaign, client):
    report = submit(world, campaign, world.an).report
    client.force_login(world.secretary)
    url = reverse("reports:detail", args=[report.pk])
    bad = client.post(url, {"decision": "return", "comment": "", "new_due": ""})
    assert "cần ghi nhận xét" in bad.content.decode()
    client.post(
        url, {"decision": "return", "comment": "Viết sâu hơn phần 2", "new_due": "31/12/2099"}
    )
    client.force_login(world.member_user)
    page = client.get(reverse("reports:write", args=[campaign.pk])).content.decode()
    assert "Viết sâu hơn phần 2" in page and "31/12/2099" in page


def test_rollup_page_shows_report_figures(world, campaign, client):
    submit(world, campaign, world.an)
    client.force_login(world.propaganda)
    page = client.get(reverse("conferences:rollup", args=[campaign.pk])).content.decode()
    assert "1/3 đảng viên đã nộp bài thu hoạch, đạt 33,33%" in page


def test_export_job_builds_a_docx_with_every_report(world, campaign, client):
    submit(world, campaign, world.an, [essay(1), "Trách nhiệm =SUM(A1)"])
    submit(world, campaign, world.binh, actor=world.secretary)
    client.force_login(world.secretary)
    answer = client.post(
        reverse("reports:export-start", args=[campaign.pk]), {"unit": world.ward.pk, "kind": "docx"}
    )
    export = Export.objects.get()
    assert answer.url == reverse("reports:export", args=[export.pk])
    assert export.state == "done" and export.done == export.total == 2
    download = client.get(reverse("reports:export-download", args=[export.pk]))
    assert "attachment" in download["Content-Disposition"]
    document = docx.Document(io.BytesIO(b"".join(download.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Nguyễn Văn An" in text and "Trần Thị Bình" in text and "=SUM(A1)" in text
    client.post(
        reverse("reports:export-start", args=[campaign.pk]), {"unit": world.ward.pk, "kind": "zip"}
    )
    zipped = Export.objects.filter(kind="zip").get()
    data = b"".join(
        client.get(reverse("reports:export-download", args=[zipped.pk])).streaming_content
    )
    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 2
    client.force_login(world.outsider)
    assert client.get(reverse("reports:export-download", args=[export.pk])).status_code == 404


def test_api_submit_is_idempotent_and_refuses_late_resubmission(world, campaign, client):
    _token, raw = ApiToken.issue(world.member_user, "phone")
    url = f"/api/v1/campaigns/{campaign.pk}/reports"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_IDEMPOTENCY_KEY": "same"}
    body = {"sections": [essay(1), essay(2)]}
    first = client.post(url, body, content_type="application/json", **headers)
    again = client.post(url, body, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json()["id"] == first.json()["id"] and first.json()["state"] == "done"
    assert Version.objects.count() == 1
    empty = client.post(
        url,
        {"sections": ["", "x"]},
        content_type="application/json",
        **headers | {"HTTP_IDEMPOTENCY_KEY": "2"},
    )
    assert empty.status_code == 422 and "để trống" in empty.json()["detail"]
    other = client.post(
        url,
        body | {"member_id": world.binh.pk},
        content_type="application/json",
        **headers | {"HTTP_IDEMPOTENCY_KEY": "3"},
    )
    assert other.status_code == 404
    report = client.get(
        f"/api/v1/reports/{first.json()['report_id']}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert report.status_code == 200 and report.json()["state"] == "submitted"
    assert not Pair.objects.exists()


def test_expired_exports_are_deleted_with_their_files(world, campaign, client, settings):
    import datetime as dt

    from django.utils import timezone

    from nghiquyet.uploads import private_file
    from reports.tasks import exports_purge

    submit(world, campaign, world.an)
    client.force_login(world.secretary)
    client.post(
        reverse("reports:export-start", args=[campaign.pk]), {"unit": world.ward.pk, "kind": "docx"}
    )
    export = Export.objects.get()
    path = private_file(export.stored_path, "exports")
    assert path.is_file()
    assert exports_purge(timezone.now() + dt.timedelta(days=6)) == 0
    assert exports_purge(timezone.now() + dt.timedelta(days=8)) == 1
    assert not path.exists() and not Export.objects.exists()
