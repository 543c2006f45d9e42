"""A conference relays only a conference above it that studies the same: of its own
campaign or of a campaign on the same documents, held by a unit above the organiser."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaigns
from conferences import services
from conferences.models import Format
from conferences.tests.builders import conference_for
from documents import services as documents
from documents.models import Kind


def _campaign(world, title, resolution):
    return campaigns.campaign_create(
        world.propaganda,
        owner=world.city,
        documents=[resolution],
        title=title,
        conference_deadline=timezone.localdate() + dt.timedelta(days=30),
    )


@pytest.fixture
def others(world, campaign):
    """Conferences the ward may and may not relay, by title."""
    own = campaign.documents.get()
    other_doc = documents.document_register(
        world.clerk,
        owner=world.city,
        symbol_raw="24-NQ/TU",
        kind=Kind.RESOLUTION,
        issuer_name="Thành ủy Hà Nam",
        issued_on=dt.date(2025, 10, 1),
        term=20,
        title="Về y tế cơ sở",
    )
    unrelated = _campaign(world, "Học tập Nghị quyết 24-NQ/TU", other_doc)
    same_document = _campaign(world, "Sơ kết Nghị quyết 23-NQ/TU", own)
    made = {}
    for title, camp, organizer, form in [
        ("Thành ủy, cùng đợt", campaign, world.city, Format.ONLINE),
        ("Thành ủy, đợt khác cùng văn bản", same_document, world.city, Format.ONLINE),
        ("Thành ủy, đợt văn bản khác", unrelated, world.city, Format.ONLINE),
        ("Thành ủy, trực tiếp", campaign, world.city, Format.IN_PERSON),
        ("Xã Tiên Tân, cùng đợt", campaign, world.commune, Format.ONLINE),
    ]:
        made[title] = conference_for(world, camp, organizer=organizer, title=title, format=form)
    return made


def _offered(page: str) -> set[str]:
    select = re.search(r'<select name="relayed_from".*?</select>', page, re.S).group(0)
    return {
        label.split(" — ")[0] for label in re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)", select)
    }


def test_the_relay_list_offers_only_higher_conferences_on_the_same_documents(
    world, client, campaign, others
):
    client.force_login(world.secretary)
    page = client.get(reverse("conferences:create", kwargs={"campaign_pk": campaign.pk}))
    assert _offered(page.content.decode()) == {
        "Thành ủy, cùng đợt",
        "Thành ủy, đợt khác cùng văn bản",
    }


def test_the_edit_page_offers_the_same_and_never_the_conference_itself(
    world, client, campaign, others
):
    mine = conference_for(world, campaign, title="Phường Lam Hạ")
    client.force_login(world.secretary)
    page = client.get(reverse("conferences:edit", kwargs={"conference_pk": mine.pk}))
    assert _offered(page.content.decode()) == {
        "Thành ủy, cùng đợt",
        "Thành ủy, đợt khác cùng văn bản",
    }


def test_relaying_a_conference_on_other_documents_is_refused(world, campaign, others):
    with pytest.raises(ValidationError, match="cùng văn bản"):
        conference_for(
            world, campaign, title="Phường", relayed_from=others["Thành ủy, đợt văn bản khác"]
        )
    relay = conference_for(
        world, campaign, title="Phường", relayed_from=others["Thành ủy, đợt khác cùng văn bản"]
    )
    assert relay.relayed_from.title == "Thành ủy, đợt khác cùng văn bản"
    with pytest.raises(ValidationError, match="cùng văn bản"):
        services.conference_update(
            world.secretary, relay, relayed_from=others["Thành ủy, đợt văn bản khác"]
        )
