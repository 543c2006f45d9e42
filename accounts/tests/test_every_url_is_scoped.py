"""Every URL pattern, asked by someone from another subtree, answers 403 or 404.

The test walks the URL configuration, so a page added later is covered without
anyone remembering to write a test for it. A new URL keyword must be added to
OBJECTS below (the test fails until it is), or the pattern to UNSCOPED with a reason.
"""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import ApiToken, RoleGrant
from audit.models import AuditEntry
from campaigns.models import Campaign
from conferences.models import Attendance, BridgePoint, CheckinInbox, Conference, Makeup
from documents.models import Attachment, Document, DocumentLink, Obligation
from members.models import Member, RosterImport
from news.models import Article, Photo, Reading, Site
from notices.models import Notice
from organizations.models import Organization
from programmes.models import Inspection, Programme, Target, Task
from reporting.models import File as ReportFile
from reporting.models import Request as ReportRequest
from reporting.models import Snapshot
from reports.models import (
    Confirmation,
    Export,
    Extension,
    Reminder,
    Report,
    Review,
    Upload,
    Version,
)

# Patterns that show nothing tied to a unit, and why.
UNSCOPED = {
    "home": "redirects to the user's own scope",
    "organizations:tree": "lists only the user's own top units",
    "members:me": "the user's own record",
    "accounts:mine": "the user's own campaigns and notices",
    "organizations:choose": "answers from organizations_for(user, action) only",
    "accounts:today": "what is due in the user's own scope (policy querysets)",
    "accounts:matrix": "the policy's own tables, for holders of manage_units",
    "members:import-template": "an empty template file",
    "accounts:login": "public",
    "accounts:logout": "public",
    "accounts:tokens": "the user's own tokens",
    "set_language": "public",
    "api:openapi-json": "the schema, no data",
    "api:openapi-view": "the schema, no data",
    "api:member_list": "filtered by policy.members_for (tested below)",
    "api:api-root": "an index of the API, no data",
    "documents:list": "filtered by policy.documents_for",
    "campaigns:list": "filtered by policy.campaigns_for",
    "campaigns:create": "offers only units and documents the user may use",
    "documents:register": "offers only units the user may manage",
    "documents:ask": "offers only units where the user may open campaigns",
    "documents:symbol-preview": "parses the typed text, reads no data",
    "api:document_list": "filtered by policy.documents_for",
    "api:document_search": "filtered by policy.documents_for",
    "news:list": "filtered by policy.articles_for",
    "portal:search": "published items only, for anyone",
    "news:stats": "sites of policy.organizations_for(MANAGE_NEWS) "
    "(news/tests/test_portal_editors.py)",
    "portal:sitemap": "addresses of published items and public sites",
    "portal:robots": "public",
    "programmes:dashboard": "its ?unit= and ?document= go through policy.get_*_for "
    "(programmes/tests/test_pages.py)",
    "programmes:letter": "as the dashboard, and asks MANAGE_PROGRAMMES on the unit",
    "programmes:letter-pdf": "the same view as programmes:letter",
    "programmes:inspections": "filtered by policy.inspections_for",
    "reporting:list": "filtered by policy.snapshots_for and report_requests_for",
    "reporting:requests": "offers only units the user may report for",
    "news:read": "the user's own readings (policy.readings_for)",
    "audit:list": "filtered by policy.audit_entries_for; its ?unit= goes through "
    "policy.get_organization_for (audit/tests/test_audit_page.py)",
    "api:document_create": "GET lists through policy.documents_for; POST asks the policy "
    "for the owner unit (documents/tests/test_document_api.py)",
}


# Public pages that take an object keyword, and what keeps them safe.
PUBLIC = {
    "portal:site": "a unit's public site: published items only (news/tests/test_portal.py)",
    "portal:category": "as portal:site, one category",
    "portal:rss": "as portal:site, as a feed",
    "portal:atom": "as portal:site, as a feed",
    "portal:article": "a published item, for anyone (news/tests/test_portal.py)",
    "portal:print": "the print view of a published item",
    "news:unit": "a unit's published news, like its website; drafts never listed "
    "(news/tests/test_news.py)",
}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                continue  # Django admin: staff only, tested below
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern), entry


def _objects_of(world, side):
    """URL keyword → an object of the given side ('hanam' or 'ninhbinh')."""
    if side == "ninhbinh":
        unit, member = world.other_cell, world.stranger
        grant = RoleGrant.objects.get(user=world.outsider)
        owner = world.outsider
    else:
        unit, member = world.cell, world.an
        grant = RoleGrant.objects.get(user=world.clerk)
        owner = world.clerk
    roster = RosterImport.objects.create(
        organization=unit, original_name="ds.xlsx", stored_path="/nonexistent", created_by=owner
    )
    document = Document.objects.create(
        kind="ke_hoach",
        issuer_name=unit.name,
        issued_on=dt.date(2025, 1, 2),
        title="Kế hoạch",
        owner=unit,
    )
    higher = Document.objects.create(
        kind="nghi_quyet",
        issuer_name=unit.name,
        issued_on=dt.date(2024, 1, 2),
        title="NQ",
        owner=unit,
    )
    link = DocumentLink.objects.create(source=document, target=higher, kind="implements")
    obligation = Obligation.objects.create(document=higher, unit=unit, due_on=dt.date(2025, 3, 1))
    campaign = Campaign.objects.create(
        title="Học tập", owner=unit, conference_deadline=dt.date(2026, 12, 31)
    )
    conference = Conference.objects.create(
        campaign=campaign,
        organizer=unit,
        title="Hội nghị",
        starts_at=dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC),
        venue="Hội trường",
    )
    point = BridgePoint.objects.create(conference=conference, name="Điểm cầu", host=unit)
    point.units.set([unit])
    now = dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC)
    receipt = CheckinInbox.objects.create(
        user=owner,
        conference=conference,
        bridge_point=point,
        token_digest="0" * 64,
        token_issued_at=now,
        arrived_at=now,
        key=CheckinInbox.key_for(owner.pk, conference.pk),
    )
    makeup = Makeup.objects.create(
        campaign=campaign, organization=unit, held_on=dt.date(2026, 1, 9), venue="Phòng họp"
    )
    attachment = Attachment.objects.create(
        document=document,
        original_name="a.pdf",
        content_type="application/pdf",
        size=1,
        stored_path="documents/none.pdf",
        sha256="0" * 64,
    )
    report = Report.objects.create(
        campaign=campaign, member=member, organization=unit, versions_count=1, state="submitted"
    )
    Version.objects.create(
        report=report,
        number=1,
        sections=["Một", "Hai"],
        submitted_at=dt.datetime(2026, 1, 6, 8, tzinfo=dt.UTC),
        due=dt.date(2026, 1, 12),
        idempotency_key="k",
    )
    export = Export.objects.create(
        campaign=campaign, organization=unit, kind="docx", created_by=owner
    )
    upload = Upload.objects.create(
        campaign=campaign,
        member=member,
        original_name="bai.docx",
        content_type="application/pdf",
        size=1,
        state="read",
        text="Nội dung",
    )
    article = Article.objects.create(
        organization=unit, conference=conference, title="Tin", body="Nội dung", created_by=owner
    )
    photo = Photo.objects.create(
        article=article, stored_path="news/none.png", content_type="image/png", caption="Ảnh"
    )
    reading = Reading.objects.create(text="Bài", found={}, created_by=owner)
    notice = Notice.objects.create(member=member, title="Nhắc nộp bài")
    plan = Document.objects.create(
        kind="chuong_trinh",
        issuer_name=unit.name,
        issued_on=dt.date(2025, 2, 2),
        title="Chương trình hành động",
        owner=unit,
    )
    programme = Programme.objects.create(document=plan, organization=unit)
    target = Target.objects.create(
        programme=programme, name="Chỉ tiêu", unit_of_measure="%", low=80, year=2030
    )
    task = Task.objects.create(
        programme=programme, document=plan, content="Nhiệm vụ", lead=unit, bucket="open_in_time"
    )
    inspection = Inspection.objects.create(
        organization=unit,
        subject="Kiểm tra",
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 2, 1),
    )
    snapshot = Snapshot.objects.create(
        organization=unit,
        kind="campaign",
        campaign=campaign,
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 6, 30),
        title="Báo cáo",
        place="Hà Nội",
    )
    report_file = ReportFile.objects.create(snapshot=snapshot, format="docx", created_by=owner)
    asked = ReportRequest.objects.create(
        organization=unit,
        kind="campaign",
        campaign=campaign,
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 6, 30),
        due_on=dt.date(2026, 7, 5),
    )
    return {
        "snapshot_pk": snapshot.pk,
        "file_pk": report_file.pk,
        "request_pk": asked.pk,
        "programme_pk": programme.pk,
        "programme_id": programme.pk,
        "target_pk": target.pk,
        "task_pk": task.pk,
        "task_id": task.pk,
        "inspection_pk": inspection.pk,
        "article_pk": article.pk,
        "slug": article.slug,
        "site_slug": Site.objects.get_or_create(
            organization=unit, defaults={"slug": f"trang-tin-{unit.pk}"}
        )[0].slug,
        "category_slug": "van-ban-moi",
        "photo_pk": photo.pk,
        "reading_pk": reading.pk,
        "notice_pk": notice.pk,
        "report_pk": report.pk,
        "report_id": report.pk,
        "other_pk": report.pk,
        "export_pk": export.pk,
        "upload_pk": upload.pk,
        "unit_pk": unit.pk,
        "unit_id": unit.pk,
        "member_pk": member.pk,
        "member_id": member.pk,
        "grant_pk": grant.pk,
        "import_pk": roster.pk,
        "document_pk": document.pk,
        "document_id": document.pk,
        "link_pk": link.pk,
        "obligation_pk": obligation.pk,
        "attachment_pk": attachment.pk,
        "campaign_pk": campaign.pk,
        "campaign_id": campaign.pk,
        "conference_pk": conference.pk,
        "conference_id": conference.pk,
        "bridge_pk": point.pk,
        "bridge_point_id": point.pk,
        "makeup_pk": makeup.pk,
        "receipt_pk": receipt.pk,
        "receipt_id": receipt.pk,
    }


API_BODY = {
    "target_id": 1,
    "kind": "implements",
    "token": "x",
    "card_number": "010203",
    "status": "present",
    "sections": ["Một", "Hai"],
    "percent": 50,
}


def _url(route: str, values: dict) -> str:
    import re

    def fill(match):
        return str(values[match.group(2)])

    path = re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)
    return "/" + path.lstrip("^").rstrip("$")


def _state():
    return (
        Organization.objects.count(),
        sorted(Organization.objects.values_list("name", "path", "valid_to", "member_count")),
        sorted(Member.objects.values_list("full_name", "organization_id", "left_on")),
        sorted(Document.objects.values_list("pk", "title", "symbol")),
        DocumentLink.objects.count(),
        sorted(Obligation.objects.values_list("pk", "state")),
        Attachment.objects.count(),
        Campaign.objects.count(),
        Attendance.objects.count(),
        sorted(BridgePoint.objects.values_list("pk", "guests", "present")),
        sorted(Conference.objects.values_list("pk", "closed_at")),
        RoleGrant.objects.filter(revoked_at__isnull=True).count(),
        AuditEntry.objects.count(),
        sorted(Report.objects.values_list("pk", "state", "rating", "versions_count")),
        Version.objects.count(),
        Review.objects.count(),
        Extension.objects.count(),
        Confirmation.objects.count(),
        Export.objects.count(),
        sorted(Upload.objects.values_list("pk", "state")),
        sorted(Article.objects.values_list("pk", "state", "title", "views")),
        Photo.objects.count(),
        sorted(Reading.objects.values_list("pk", "conference_id")),
        Programme.objects.count(),
        sorted(Task.objects.values_list("pk", "percent", "bucket", "exception", "deadline")),
        sorted(Target.objects.values_list("pk", "name")),
        sorted(Inspection.objects.values_list("pk", "findings")),
        sorted(Snapshot.objects.values_list("pk", "state", "title")),
        ReportFile.objects.count(),
        ReportRequest.objects.count(),
        sorted(Notice.objects.values_list("pk", "read_at")),
        Reminder.objects.count(),
    )


@pytest.mark.parametrize(
    ("viewer", "target"), [("clerk", "ninhbinh"), ("outsider", "hanam"), ("secretary", "ninhbinh")]
)
def test_no_page_or_api_call_reaches_another_subtree(world, client, viewer, target):
    user = getattr(world, viewer)
    values = _objects_of(world, target)
    _token, raw = ApiToken.issue(user, "test")
    client.force_login(user)
    before = _state()
    checked = 0
    for name, route, _entry in _patterns():
        keywords = set(__import__("re").findall(r"<(?:\w+:)?(\w+)>", route))
        if not keywords:
            assert name in UNSCOPED, f"{route} ({name}) has no object keyword: scope it or list it"
            continue
        if name in PUBLIC:
            continue
        unknown = keywords - values.keys()
        assert not unknown, f"{route}: add {unknown} to the test's objects"
        url = _url(route, values)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if url.startswith("/api/") else {}
        for method in ("get", "post"):
            extra = {}
            if method == "post" and url.startswith("/api/"):
                # A well-formed body, so the answer comes from the policy, not validation.
                extra = {"data": API_BODY, "content_type": "application/json"}
            response = getattr(client, method)(url, **headers, **extra)
            assert response.status_code in (403, 404, 405), f"{method.upper()} {url}"
            checked += 1
    assert checked >= 20
    assert _state() == before


def test_unscoped_pages_show_nothing_from_another_subtree(world, client):
    client.force_login(world.clerk)
    for path in ("/", "/units/", "/accounts/tokens/", "/members/me/"):
        response = client.get(path, follow=True)
        body = response.content.decode()
        assert "Ninh Bình" not in body and "Phạm Văn Xa" not in body, path


def test_the_member_list_api_returns_only_the_callers_subtree(world, client):
    _token, raw = ApiToken.issue(world.outsider, "test")
    response = client.get("/api/v1/members/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert [m["full_name"] for m in response.json()["items"]] == ["Phạm Văn Xa"]
    response = client.get(
        f"/api/v1/members/?unit={world.cell.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 404


def test_django_admin_is_only_for_superusers(world, client):
    client.force_login(world.clerk)
    response = client.get("/admin/organizations/organization/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(world.admin)
    assert client.get("/admin/organizations/organization/").status_code == 200


def test_every_view_requires_login(world, client):
    values = _objects_of(world, "hanam")
    for name, route, _entry in _patterns():
        if name in UNSCOPED or name in PUBLIC:
            continue
        url = _url(route, values)
        response = client.get(url)
        assert response.status_code in (302, 401, 404, 405), url
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], url
