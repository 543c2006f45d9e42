"""Every export and download of personal data, every reading of a pasted article and every
refresh of a report's figures is in the audit trail, with who, what, which unit and the
address it went to."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Scope
from audit.models import AuditEntry
from documents.models import Attachment, Document
from nghiquyet.uploads import store_private
from reports.models import Export
from reports.tests.builders import submit

IP = "10.8.8.8"


def recorded(action) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def test_exporting_and_downloading_learning_reports_is_recorded(world, campaign, client):
    submit(world, campaign, world.an)
    client.force_login(world.secretary)
    client.post(
        reverse("reports:export-start", args=[campaign.pk]),
        {"unit": world.ward.pk, "kind": "docx"},
        REMOTE_ADDR=IP,
    )
    export = Export.objects.get()
    started = recorded("export.reports")
    assert (started.actor, started.organization, started.ip) == (world.secretary, world.ward, IP)
    assert started.object_id == str(export.pk) and started.changes["kind"] == [None, "docx"]
    client.get(reverse("reports:export-download", args=[export.pk]), REMOTE_ADDR=IP)
    downloaded = recorded("download.reports")
    assert (downloaded.actor, downloaded.organization) == (world.secretary, world.ward)


def test_a_refused_download_records_nothing(world, campaign, client):
    submit(world, campaign, world.an)
    client.force_login(world.secretary)
    client.post(
        reverse("reports:export-start", args=[campaign.pk]), {"unit": world.ward.pk, "kind": "docx"}
    )
    client.force_login(world.outsider)
    export = Export.objects.get()
    assert client.get(reverse("reports:export-download", args=[export.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="download.reports").exists()


def test_roster_xlsx_and_attendance_sheet_pdf_are_recorded(world, client, conference):
    hall = conference.bridge_points.get(is_main=True)
    client.force_login(world.secretary)
    assert client.get(reverse("conferences:xlsx", args=[hall.pk])).status_code == 200
    assert client.get(reverse("conferences:pdf", args=[hall.pk])).status_code == 200
    for action in ("download.roster_xlsx", "download.attendance_pdf"):
        entry = recorded(action)
        assert entry.object_id == str(hall.pk) and entry.organization == world.ward


def test_downloading_an_attachment_is_recorded(world, client, settings):
    document = Document.objects.create(
        kind="ke_hoach",
        issuer_name="Thành ủy Hà Nam",
        issued_on=dt.date(2025, 1, 2),
        title="Kế hoạch",
        owner=world.city,
    )
    attachment = Attachment.objects.create(
        document=document,
        original_name="danh-sach.pdf",
        content_type="application/pdf",
        size=4,
        stored_path=store_private([b"%PDF"], "documents", "pdf"),
        sha256="0" * 64,
    )
    client.force_login(world.ward_clerk)
    assert client.get(f"/documents/attachments/{attachment.pk}/").status_code == 200
    entry = recorded("download.attachment")
    assert entry.object_repr == "danh-sach.pdf" and entry.organization == world.city
    assert entry.actor == world.ward_clerk


def test_report_files_are_recorded_when_made_and_when_downloaded(world, campaign, client):
    from reporting import services
    from reporting.models import File, Kind

    snapshot = services.snapshot_draft(
        world.propaganda,
        world.city,
        kind=Kind.CAMPAIGN,
        campaign=campaign,
        period_from=timezone.localdate() - dt.timedelta(days=30),
        period_to=timezone.localdate(),
        title="Kết quả học tập",
        place="Hà Nam",
    )
    client.force_login(world.propaganda)
    client.post(reverse("reporting:detail", args=[snapshot.pk]), {"action": "xlsx"})
    item = File.objects.get()
    assert recorded("export.report_file").object_id == str(item.pk)
    client.get(reverse("reporting:file-download", args=[item.pk]))
    entry = recorded("download.report_file")
    assert entry.organization == world.city and entry.actor == world.propaganda


def test_refreshing_a_reports_figures_is_recorded(world, campaign, client):
    from reporting import services
    from reporting.models import Kind

    snapshot = services.snapshot_draft(
        world.propaganda,
        world.city,
        kind=Kind.CAMPAIGN,
        campaign=campaign,
        period_from=timezone.localdate() - dt.timedelta(days=30),
        period_to=timezone.localdate(),
        title="Kết quả học tập",
        place="Hà Nam",
    )
    client.force_login(world.propaganda)
    client.post(reverse("reporting:detail", args=[snapshot.pk]), {"action": "refresh"})
    entry = recorded("reporting.refresh")
    assert entry.object_id == str(snapshot.pk) and entry.organization == world.city


def test_reading_a_pasted_article_is_recorded(world, client):
    client.force_login(world.propaganda)
    client.post(
        reverse("news:read"),
        {"text": "Sáng 5/3, Đảng ủy phường Lam Hạ tổ chức hội nghị học tập Nghị quyết."},
    )
    entry = recorded("news.read")
    assert entry.actor == world.propaganda and entry.organization == world.city


def test_member_lists_on_pages_and_through_the_api_are_recorded(world, client):
    client.force_login(world.clerk)
    client.get(f"/members/unit/{world.ward.pk}/", {"q": "an"}, REMOTE_ADDR=IP)
    page = recorded("member.list")
    assert page.organization == world.ward and page.ip == IP
    assert page.changes["q"] == [None, "an"]
    _t, raw = ApiToken.issue(world.clerk, "bảng tính", scope=Scope.READ)
    client.get("/api/v1/members/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    api = AuditEntry.objects.filter(action="member.list").exclude(pk=page.pk).get()
    assert api.organization == world.city and api.changes["via"] == [None, "api"]


def test_the_urging_letter_and_the_progress_sheet_are_recorded(world, client):
    client.force_login(world.clerk)
    letter = client.get(reverse("programmes:letter"), {"unit": world.city.pk})
    assert letter.status_code == 200
    assert recorded("download.urging_letter").organization == world.city
    sheet = client.get(reverse("programmes:progress-sheet", args=[world.ward.pk]))
    assert sheet.status_code == 200
    assert recorded("download.progress_sheet").organization == world.ward
