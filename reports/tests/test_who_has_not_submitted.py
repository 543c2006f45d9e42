"""Who has not submitted: each level lists its members still due, overdue, returned for
rewriting and, apart, the exempt members who are encouraged; with filters, counts from
the same counters as the roll-up, "Nhập hộ" on each row, and pages read in the database."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conferences import services as conferences
from conferences.models import Attendance, Status
from conftest import add_member
from members.models import MemberStatus
from reports import services
from reports.models import Decision, Report
from reports.pending import REQUIRED, Pending, pending_members
from reports.rollup import report_rollup
from reports.tests.builders import crowd, submit

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def ward_reports(world, campaign, conference):
    """An present at the ward's conference and now three days late; Bình returned for
    rewriting; Lão exempt; the rest of the crowd of cell 2 still within their deadline,
    one of them extended by the cell, two of them submitted."""
    hall = conference.bridge_points.get(is_main=True)
    conferences.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    Attendance.objects.filter(member=world.an).update(report_due=TODAY() - dt.timedelta(days=3))
    report = submit(world, campaign, world.binh, actor=world.secretary).report
    services.review(
        world.secretary,
        report,
        Decision.RETURN,
        comment="Viết cụ thể hơn",
        new_due=TODAY() + dt.timedelta(days=4),
    )
    world.lao = add_member(world.cell2, "Vũ Văn Lão", "010300", MemberStatus.EXEMPT)
    world.crowd = crowd(world.cell2, 6)
    for member in world.crowd[:2]:
        submit(world, campaign, member, actor=world.secretary)
    services.extension_grant(
        world.secretary,
        campaign,
        due=TODAY() + dt.timedelta(days=60),
        reason="Mưa lũ",
        member=world.crowd[2],
    )
    services.extension_grant(
        world.secretary,
        campaign,
        due=TODAY() + dt.timedelta(days=45),
        reason="Chi bộ đi tham quan",
        unit=world.cell2,
    )


def _url(campaign, unit=None, **params):
    query = "&".join(f"{k}={v}" for k, v in {"unit": unit.pk if unit else "", **params}.items())
    return reverse("reports:pending", args=[campaign.pk]) + "?" + query


def _names(page) -> list[str]:
    return [m.full_name for m in page.context["page"]]


def test_the_ward_lists_the_due_the_late_and_the_returned_in_vietnamese_order(
    world, campaign, ward_reports, client
):
    client.force_login(world.secretary)
    page = client.get(_url(campaign, world.ward))
    assert page.status_code == 200
    rows = {m.full_name: m.pending for m in page.context["page"]}
    assert rows["Nguyễn Văn An"] == Pending.OVERDUE
    assert rows["Trần Thị Bình"] == Pending.RETURNED
    assert "Vũ Văn Lão" not in rows  # exempt members are listed apart
    assert len(rows) == 2 + 4
    keys = [m.sort_key for m in page.context["page"]]
    assert keys == sorted(keys)
    exempt = client.get(_url(campaign, world.ward, state="exempt"))
    assert _names(exempt) == ["Vũ Văn Lão"]
    late = client.get(_url(campaign, world.ward, state="overdue"))
    assert _names(late) == ["Nguyễn Văn An"]


def test_the_counts_are_the_roll_ups(world, campaign, ward_reports, client):
    client.force_login(world.secretary)
    page = client.get(_url(campaign, world.ward))
    counts = page.context["counts"]
    figures = report_rollup(campaign, world.ward).total
    assert counts["required"] == figures.missing + figures.counts["returned"] == 6
    assert counts["returned"] == figures.counts["returned"] == 1
    assert counts["exempt"] == 1
    listed = pending_members(campaign, world.ward)
    assert listed.filter(pending__in=REQUIRED).count() == counts["required"]
    assert listed.filter(pending=Pending.EXEMPT).count() == counts["exempt"]


def test_every_listed_deadline_is_the_one_the_member_sees(world, campaign, ward_reports):
    listed = (
        pending_members(campaign, world.city).exclude(pending="").select_related("organization")
    )
    assert listed.count() == 8  # An, Bình, Cường, Lão and four of the crowd of cell 2
    for member in listed:
        report = Report.objects.filter(campaign=campaign, member=member).first()
        assert member.due == services.deadline_for(campaign, member, report).due, member


def test_filters_by_cell_and_by_name_without_diacritics(world, campaign, ward_reports, client):
    client.force_login(world.secretary)
    cell = client.get(_url(campaign, world.ward, cell=world.cell.pk))
    assert sorted(_names(cell)) == ["Nguyễn Văn An", "Trần Thị Bình"]
    found = client.get(_url(campaign, world.ward, q="tran thi binh"))
    assert _names(found) == ["Trần Thị Bình"]
    nobody = client.get(_url(campaign, world.ward, q="không có ai"))
    assert "Không có đảng viên nào" in nobody.content.decode()
    outside = client.get(_url(campaign, world.ward, cell=world.commune_cell.pk))
    assert outside.status_code == 404


def test_each_row_offers_entering_on_behalf_to_those_who_may(world, campaign, ward_reports, client):
    enter = reverse("reports:enter", args=[campaign.pk, world.an.pk])
    client.force_login(world.secretary)
    assert enter in client.get(_url(campaign, world.ward)).content.decode()
    client.force_login(world.propaganda)  # follows up, but types in nobody's report
    html = client.get(_url(campaign, world.ward)).content.decode()
    assert "Nguyễn Văn An" in html and enter not in html


def test_a_blind_campaign_lists_names_but_nothing_that_leads_to_a_report(
    world, campaign, ward_reports, client
):
    campaign.blind_review = True
    campaign.save(update_fields=["blind_review"])
    client.force_login(world.secretary)
    html = client.get(_url(campaign, world.ward)).content.decode()
    assert "Trần Thị Bình" in html
    assert not re.search(r'href="/reports/\d+/', html)
    assert "Bài số" not in html and "Đạt" not in html


def test_strangers_and_plain_members_see_nothing(world, campaign, ward_reports, client):
    client.force_login(world.outsider)
    assert client.get(_url(campaign)).status_code in (403, 404)
    client.force_login(world.member_user)
    assert client.get(_url(campaign)).status_code in (403, 404)
    client.force_login(world.secretary)
    assert client.get(_url(campaign, world.commune)).status_code == 404


def test_the_page_costs_the_same_queries_for_few_or_many_and_pages_in_the_database(
    world, campaign, client
):
    client.force_login(world.secretary)
    client.get(_url(campaign, world.ward))  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        client.get(_url(campaign, world.ward))
    crowd(world.cell2, 70)
    with CaptureQueriesContext(connection) as many:
        page = client.get(_url(campaign, world.ward))
    assert len(page.context["page"]) == 50 and page.context["page"].paginator.count == 72
    assert len(many.captured_queries) == len(few.captured_queries)
    listing = [q["sql"] for q in many.captured_queries if "LIMIT" in q["sql"].upper()]
    assert any("sort_key" in sql for sql in listing)


def test_the_list_is_reachable_from_the_campaign_the_roll_up_and_the_reports_list(
    world, campaign, client
):
    client.force_login(world.secretary)
    pending = reverse("reports:pending", args=[campaign.pk])
    for page in (
        reverse("campaigns:detail", args=[campaign.pk]),
        reverse("conferences:rollup", args=[campaign.pk]) + f"?unit={world.ward.pk}",
        reverse("reports:unit", args=[campaign.pk]) + f"?unit={world.ward.pk}",
    ):
        assert pending in client.get(page).content.decode(), page


def test_after_confirmation_the_cells_members_are_shown_closed(
    world, campaign, ward_reports, client
):
    services.confirm(world.secretary, campaign, world.cell, close_pending=True)
    client.force_login(world.secretary)
    page = client.get(_url(campaign, world.ward, cell=world.cell.pk))
    html = page.content.decode()
    assert all(m.closed_on == TODAY() for m in page.context["page"])
    assert reverse("reports:enter", args=[campaign.pk, world.an.pk]) not in html
    assert "Đã khóa" in html
