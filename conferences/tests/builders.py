"""Builders for the conference tests: a campaign of the city, a conference of the ward."""

import datetime as dt

from django.utils import timezone

from campaigns import services as campaigns
from conferences import services
from conferences.models import Format
from documents import services as documents
from documents.models import Document, Kind


def campaign_for(world):
    resolution = Document.objects.filter(symbol_raw="23-NQ/TU").first()
    if resolution is None:
        resolution = documents.document_register(
            world.clerk,
            owner=world.city,
            symbol_raw="23-NQ/TU",
            kind=Kind.RESOLUTION,
            issuer_name="Thành ủy Hà Nam",
            issued_on=dt.date(2025, 9, 1),
            term=20,
            title="Về chuyển đổi số",
        )
    return campaigns.campaign_create(
        world.propaganda,
        owner=world.city,
        documents=[resolution],
        title="Học tập Nghị quyết 23-NQ/TU",
        conference_deadline=timezone.localdate() + dt.timedelta(days=30),
    )


def conference_for(world, campaign, **overrides):
    """An online conference of the ward that began an hour ago, unless told otherwise."""
    fields = {
        "organizer": world.ward,
        "title": "Hội nghị học tập Nghị quyết 23-NQ/TU",
        "starts_at": timezone.now() - dt.timedelta(hours=1),
        "format": Format.ONLINE,
        "venue": "Hội trường UBND phường Lam Hạ",
        **overrides,
    }
    return services.conference_create(world.propaganda, campaign, **fields)
