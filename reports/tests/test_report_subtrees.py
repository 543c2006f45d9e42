"""Each unit's whole-subtree report row moves with every submission and review, a recount
from the unit tallies finds nothing to change, and the roll-up reads the unit's row and
its children's only: its queries do not grow with the units or the reports below."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import add_member, add_unit
from organizations.services import organization_move
from reports import services
from reports.models import Decision, RatingSubtree, ReportSubtree
from reports.rollup import report_rollup
from reports.tests.builders import essay, submit

pytestmark = pytest.mark.django_db


def _row(campaign, unit):
    return ReportSubtree.objects.get(campaign=campaign, path=unit.path)


def _rated(campaign, unit, rating):
    return RatingSubtree.objects.get(campaign=campaign, path=unit.path, rating=rating).count


def test_a_submission_and_its_rating_move_the_rows_of_the_cell_and_every_unit_above(
    world, campaign
):
    handed_in = submit(world, campaign, world.an)
    services.review(world.admin, handed_in.report, Decision.RATE, rating="Đạt")
    for unit in (world.cell, world.ward, world.city):
        row = _row(campaign, unit)
        assert (row.submitted, row.rated) == (1, 1)
        assert _rated(campaign, unit, "Đạt") == 1
    assert not ReportSubtree.objects.filter(campaign=campaign, path=world.commune.path).exists()
    assert services.report_tally_rebuild(campaign) == {"units": 0, "ratings": 0, "subtrees": 0}


def test_a_recount_repairs_spoiled_subtree_rows_from_the_unit_tallies(world, campaign):
    handed_in = submit(world, campaign, world.an)
    services.review(world.admin, handed_in.report, Decision.RATE, rating="Không đạt")
    ReportSubtree.objects.filter(campaign=campaign, path=world.city.path).update(submitted=9)
    RatingSubtree.objects.filter(campaign=campaign, path=world.ward.path).delete()
    assert services.report_subtree_rebuild(campaign) == 2
    assert services.report_subtree_rebuild(campaign) == 0
    assert _row(campaign, world.city).submitted == 1
    assert _rated(campaign, world.ward, "Không đạt") == 1


def test_a_moved_cell_takes_its_reports_to_its_new_parent(world, campaign):
    submit(world, campaign, world.an)
    organization_move(world.clerk, world.cell, world.commune)
    assert services.report_subtree_rebuild(campaign) == 0
    ward, commune = report_rollup(campaign, world.city).children
    assert (ward.counts["submitted"], commune.counts["submitted"]) == (0, 1)


def _wards_with_reports(world, campaign, how_many, start):
    for n in range(start, start + how_many):
        ward = add_unit(world.city, f"Đảng bộ phường số {n}", f"HNA-P{n}", "ĐU", "ĐU")
        for c in range(2):
            cell = add_unit(ward, f"Chi bộ {c}", f"HNA-P{n}-{c}", "CB", "CB")
            member = add_member(cell, f"Đảng viên {n} {c}", f"07{n:02d}{c:02d}")
            sections = [essay(n * 10 + c * 2 + 900), essay(n * 10 + c * 2 + 901)]
            submit(world, campaign, member, sections, actor=world.admin)


def test_the_rollup_queries_do_not_grow_with_units_or_reports(world, campaign):
    _wards_with_reports(world, campaign, 1, 0)
    report_rollup(campaign, world.city)
    with CaptureQueriesContext(connection) as three_children:
        small = report_rollup(campaign, world.city)
    _wards_with_reports(world, campaign, 9, 1)
    with CaptureQueriesContext(connection) as twelve_children:
        large = report_rollup(campaign, world.city)
    assert (len(small.children), len(large.children)) == (3, 12)
    assert large.total.counts["submitted"] == 20
    assert sum(child.counts["submitted"] for child in large.children) == 20
    assert len(twelve_children) == len(three_children)
