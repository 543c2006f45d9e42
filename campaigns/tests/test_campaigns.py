import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEntry
from campaigns import services
from campaigns.models import DEFAULT_PROMPTS, Campaign
from documents import services as documents
from documents.models import Kind


@pytest.fixture
def resolution(world):
    return documents.document_register(
        world.clerk,
        owner=world.city,
        symbol_raw="23-NQ/TU",
        kind=Kind.RESOLUTION,
        issuer_name="Thành ủy Hà Nam",
        issued_on=dt.date(2025, 9, 1),
        term=20,
        title="Về chuyển đổi số",
    )


def _form(resolution, **changes):
    deadline = timezone.localdate() + dt.timedelta(days=30)
    return {
        "title": "Học tập Nghị quyết 23-NQ/TU",
        "documents": [resolution.pk],
        "conference_deadline": deadline.strftime("%d/%m/%Y"),
        "report_days": "7",
        "makeup_days": "7",
        "prompts_text": "\n".join(DEFAULT_PROMPTS),
        "scale_text": "Đạt, Không đạt",
        **changes,
    }


def test_a_propaganda_officer_creates_a_campaign_with_the_default_rules(world, client, resolution):
    client.force_login(world.propaganda)
    response = client.post("/campaigns/new/", _form(resolution, owner=world.city.pk))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert campaign.prompts == DEFAULT_PROMPTS and campaign.rating_scale == ["Đạt", "Không đạt"]
    assert list(campaign.documents.all()) == [resolution]
    assert not campaign.exempt_required
    assert AuditEntry.objects.about(campaign).get().actor == world.propaganda


def test_every_unit_below_sees_the_campaign_and_others_do_not(world, client, resolution):
    campaign = services.campaign_create(
        world.propaganda,
        owner=world.city,
        documents=[resolution],
        title="Học tập Nghị quyết 23-NQ/TU",
        conference_deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    client.force_login(world.ward_clerk)
    assert "Học tập Nghị quyết 23-NQ/TU" in client.get("/campaigns/").content.decode()
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 200
    client.force_login(world.outsider)
    assert "23-NQ/TU" not in client.get("/campaigns/").content.decode()
    assert client.get(f"/campaigns/{campaign.pk}/").status_code == 404


def test_a_member_sees_and_downloads_the_documents_their_campaign_asks_them_to_study(
    world, client, resolution
):
    from documents.models import Attachment

    client.force_login(world.member_user)
    assert client.get(f"/documents/{resolution.pk}/").status_code == 404  # not yet studied
    services.campaign_create(
        world.propaganda,
        owner=world.city,
        documents=[resolution],
        title="Học tập Nghị quyết 23-NQ/TU",
        conference_deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    attachment = Attachment.objects.create(
        document=resolution, original_name="nq.pdf", content_type="application/pdf", size=1,
        stored_path="documents/none.pdf", sha256="0" * 64,
    )  # fmt: skip
    campaign_page = client.get("/campaigns/").content.decode()
    assert "Học tập Nghị quyết 23-NQ/TU" in campaign_page
    assert client.get(f"/documents/{resolution.pk}/").status_code == 200
    # The file is gone from disk in this test, so the download is a 404, not a 403.
    assert client.get(f"/documents/attachments/{attachment.pk}/").status_code == 404
    assert client.get("/documents/").content.decode().count("23-NQ/TU") >= 1


def test_bad_rules_are_refused_in_vietnamese(world, client, resolution):
    client.force_login(world.propaganda)
    body = client.post(
        "/campaigns/new/",
        _form(
            resolution,
            owner=world.city.pk,
            conference_deadline="01/01/2020",
            report_days="0",
            scale_text="Đạt",
            prompts_text="   ",
        ),
    ).content.decode()
    assert "không được ở quá khứ" in body
    assert "từ 1 đến 60" in body
    assert "ít nhất hai mức" in body
    assert "ít nhất một nội dung" in body
    assert not Campaign.objects.exists()


def test_only_propaganda_officers_create_campaigns_and_only_in_their_subtree(
    world, client, resolution
):
    client.force_login(world.clerk)
    assert client.get("/campaigns/new/").status_code == 403
    client.force_login(world.propaganda)
    response = client.post("/campaigns/new/", _form(resolution, owner=world.other.pk))
    assert response.status_code == 200 and not Campaign.objects.exists()


def test_a_campaign_needs_a_document_and_a_future_deadline(world, resolution):
    with pytest.raises(ValidationError):
        services.campaign_create(
            world.propaganda, owner=world.city, documents=[], title="X",
            conference_deadline=timezone.localdate() + dt.timedelta(days=1),
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.campaign_create(
            world.propaganda, owner=world.city, documents=[resolution], title="X",
            conference_deadline=timezone.localdate() - dt.timedelta(days=1),
        )  # fmt: skip
