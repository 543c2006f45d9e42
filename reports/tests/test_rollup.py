import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken
from conftest import add_member
from members.models import MemberStatus
from reports import services
from reports.models import Decision
from reports.rollup import report_rollup
from reports.tests.builders import essay, submit

pytestmark = pytest.mark.django_db


def test_figures_for_the_city_and_each_unit_below(world, campaign):
    exempt = add_member(world.cell2, "Đỗ Văn Cả", "010299", MemberStatus.EXEMPT)
    submit(world, campaign, world.an)
    late_campaign_day = timezone.localdate() - dt.timedelta(days=40)
    campaign.conference_deadline = late_campaign_day
    campaign.save()
    submit(world, campaign, world.cuong, actor=world.admin)
    services.review(
        world.admin,
        submit(world, campaign, world.binh, actor=world.secretary).report,
        Decision.RATE,
        rating="Không đạt",
    )
    submit(world, campaign, exempt, actor=world.secretary)
    rollup = report_rollup(campaign, world.city)
    total = rollup.total
    assert total.required == 3  # the exempt member is encouraged, not required
    assert total.counts["submitted"] == 3 and total.counts["encouraged"] == 1
    assert (total.counts["on_time"], total.counts["late"]) == (1, 2)
    assert total.missing == 0 and total.ratings == {"Đạt": 0, "Không đạt": 1}
    by_unit = {f.unit.code: f for f in rollup.children}
    assert by_unit["HNA-LH"].counts["submitted"] == 2 and by_unit["HNA-LH"].required == 2
    assert by_unit["HNA-TT"].counts["late"] == 1
    assert by_unit["HNA-LH"].ratings["Không đạt"] == 1


def test_the_number_of_queries_does_not_grow_with_reports(world, campaign):
    submit(world, campaign, world.an)
    with CaptureQueriesContext(connection) as before:
        report_rollup(campaign, world.city)
    for n in range(12):
        member = add_member(world.cell2, f"Thành viên {n}", f"0800{n:02d}")
        submit(
            world, campaign, member, [essay(n * 3 + 500), essay(n * 3 + 501)], actor=world.secretary
        )
    with CaptureQueriesContext(connection) as after:
        report_rollup(campaign, world.city)
    assert len(after) == len(before) <= 8


def test_the_rollup_api_carries_the_report_figures(world, client, campaign):
    submit(world, campaign, world.an)
    _token, raw = ApiToken.issue(world.propaganda, "t")
    body = client.get(
        f"/api/v1/campaigns/{campaign.pk}/rollup", HTTP_AUTHORIZATION=f"Bearer {raw}"
    ).json()
    assert body["reports"]["total"]["submitted"] == 1
    assert body["reports"]["total"]["missing"] == 2
    assert {c["unit"]["code"] for c in body["reports"]["children"]} == {"HNA-LH", "HNA-TT"}
