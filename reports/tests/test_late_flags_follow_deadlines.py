"""A report is late when its latest version came in after the deadline that applies to
it now: moving the campaign's deadline or granting an extension re-judges the reports
already in, the unit counters follow, and a rebuild from the reports finds them right."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from campaigns.services import campaign_update
from reports import services
from reports.models import Report, ReportTally, Version
from reports.tests.builders import submit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _counts(campaign, unit) -> tuple[int, int]:
    row = ReportTally.objects.get(campaign=campaign, organization=unit)
    return row.on_time, row.late


@pytest.fixture
def overdue(world, campaign):
    """Reports due thirteen days ago, all three in late."""
    campaign.conference_deadline = TODAY() - dt.timedelta(days=20)
    campaign.report_days = 7
    campaign.save()
    for member, actor in ((world.an, None), (world.binh, world.secretary)):
        submit(world, campaign, member, actor=actor)
    submit(world, campaign, world.cuong, actor=world.admin)
    assert Report.objects.filter(late=True).count() == 3
    return campaign


def _late(member) -> tuple[bool, bool]:
    report = Report.objects.get(member=member)
    latest = Version.objects.get(report=report, number=report.versions_count)
    return report.late, latest.late


def test_an_extension_for_a_unit_makes_its_late_reports_on_time(world, overdue):
    services.extension_grant(
        world.secretary,
        overdue,
        due=TODAY() + dt.timedelta(days=3),
        reason="Mùa lũ",
        unit=world.cell,
    )
    assert _late(world.an) == (False, False) and _late(world.binh) == (False, False)
    assert _late(world.cuong) == (True, True)  # another commune, no extension
    assert _counts(overdue, world.cell) == (2, 0)
    assert _counts(overdue, world.commune_cell) == (0, 1)
    assert services.report_tally_rebuild(overdue) == {"units": 0, "ratings": 0, "subtrees": 0}
    granted = AuditEntry.objects.get(action="report.extend")
    assert granted.changes["reports_rejudged"] == [None, 2]


def test_an_extension_for_one_member_touches_only_their_report(world, overdue):
    services.extension_grant(
        world.secretary, overdue, due=TODAY(), reason="Ốm nằm viện", member=world.an
    )
    assert _late(world.an) == (False, False) and _late(world.binh) == (True, True)
    assert _counts(overdue, world.cell) == (1, 1)
    assert services.report_tally_rebuild(overdue) == {"units": 0, "ratings": 0, "subtrees": 0}


def test_moving_the_campaigns_report_window_later_re_judges_the_reports(world, overdue):
    campaign_update(
        world.propaganda, overdue, documents=list(overdue.documents.all()), report_days=30
    )
    assert Report.objects.filter(late=True).count() == 0
    assert _counts(overdue, world.cell) == (2, 0) and _counts(overdue, world.commune_cell) == (1, 0)
    assert services.report_tally_rebuild(overdue) == {"units": 0, "ratings": 0, "subtrees": 0}


def test_moving_the_conference_deadline_later_re_judges_the_reports(world, overdue):
    later = TODAY() + dt.timedelta(days=2)
    documents = list(overdue.documents.all())
    campaign_update(world.propaganda, overdue, documents=documents, conference_deadline=later)
    assert Report.objects.filter(late=True).count() == 0
    assert services.report_tally_rebuild(overdue) == {"units": 0, "ratings": 0, "subtrees": 0}


def test_a_shorter_deadline_makes_reports_late_again_and_the_counters_follow(world, campaign):
    for member, actor in ((world.an, None), (world.binh, world.secretary)):
        submit(world, campaign, member, actor=actor)
    assert _counts(campaign, world.cell) == (2, 0)
    campaign.conference_deadline = TODAY() - dt.timedelta(days=20)
    campaign.report_days = 7
    campaign.save()
    assert services.report_lateness_refresh(campaign) == 2
    assert _late(world.an) == (True, True)
    assert _counts(campaign, world.cell) == (0, 2)
    assert services.report_tally_rebuild(campaign) == {"units": 0, "ratings": 0, "subtrees": 0}
    assert services.report_lateness_refresh(campaign) == 0  # nothing left to move
