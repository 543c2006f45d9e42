"""Each unit's whole-subtree attendance row moves with every mark, a recount from the unit
tallies finds nothing to change, and the roll-up reads the unit's row and its children's
only: its queries do not grow with the units or the members below."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conferences import services
from conferences.models import Status, SubtreeTally, Tally
from conferences.rollup import campaign_rollup
from conferences.tests.builders import conference_for
from conftest import add_member, add_unit
from organizations.services import organization_move


def _row(campaign, unit):
    return SubtreeTally.objects.get(campaign=campaign, path=unit.path)


def test_a_mark_moves_the_subtree_rows_of_the_cell_and_of_every_unit_above(world, campaign, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    services.attendance_mark(world.secretary, hall, world.binh, Status.ABSENT_EXCUSED, reason="Ốm")
    for unit in (world.cell, world.ward, world.city):
        row = _row(campaign, unit)
        assert (row.present, row.absent_excused, row.cells_held) == (1, 1, 1)
    assert not SubtreeTally.objects.filter(campaign=campaign, path=world.commune.path).exists()


def test_a_changed_mark_moves_the_rows_and_a_cell_is_held_while_it_has_marks(world, campaign, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    services.attendance_mark(world.secretary, hall, world.an, Status.ABSENT_UNEXCUSED)
    row = _row(campaign, world.city)
    assert (row.present, row.absent_unexcused, row.cells_held) == (0, 1, 1)
    assert services.subtree_tally_rebuild([campaign.pk]) == 0


def test_a_recount_from_the_unit_tallies_finds_nothing_and_repairs_a_spoiled_row(
    world, campaign, hall
):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    services.guests_set(world.secretary, hall, 3)
    assert services.subtree_tally_rebuild([campaign.pk]) == 0

    SubtreeTally.objects.filter(campaign=campaign, path=world.ward.path).update(present=7)
    SubtreeTally.objects.filter(campaign=campaign, path=world.cell.path).delete()
    assert services.subtree_tally_rebuild([campaign.pk]) == 2
    assert services.subtree_tally_rebuild([campaign.pk]) == 0
    assert (_row(campaign, world.ward).present, _row(campaign, world.cell).present) == (1, 1)
    assert _row(campaign, world.city).guests == 3


def test_the_full_rebuild_counts_the_subtree_rows_too(world, campaign, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    SubtreeTally.objects.filter(campaign=campaign, path=world.city.path).update(present=0)
    assert services.tally_rebuild([campaign.pk]) == 1
    assert _row(campaign, world.city).present == 1


def test_a_moved_cell_takes_its_figures_to_its_new_parent(world, campaign, hall):
    services.attendance_mark(world.secretary, hall, world.an, Status.PRESENT)
    organization_move(world.clerk, world.cell, world.commune)
    world.cell.refresh_from_db()
    assert services.subtree_tally_rebuild([campaign.pk]) == 0
    assert _row(campaign, world.commune).present == 1
    assert _row(campaign, world.ward).present == 0
    ward, commune = campaign_rollup(campaign, world.city).children
    assert (ward.attended, ward.cells_held, commune.attended, commune.cells_held) == (0, 0, 1, 1)


def _wards_with_marks(world, campaign, how_many, start):
    hall = conference_for(world, campaign, organizer=world.city).bridge_points.get(is_main=True)
    for n in range(start, start + how_many):
        ward = add_unit(world.city, f"Đảng bộ phường số {n}", f"HNA-P{n}", "ĐU", "ĐU")
        for c in range(2):
            cell = add_unit(ward, f"Chi bộ {c}", f"HNA-P{n}-{c}", "CB", "CB")
            member = add_member(cell, f"Đảng viên {n} {c}", f"07{n:02d}{c:02d}")
            services.attendance_mark(world.clerk, hall, member, Status.PRESENT)


def test_the_rollup_queries_do_not_grow_with_units_or_members(world, campaign):
    _wards_with_marks(world, campaign, 1, 0)
    campaign_rollup(campaign, world.city)  # loads the unit's level once
    with CaptureQueriesContext(connection) as three_children:
        small = campaign_rollup(campaign, world.city)
    _wards_with_marks(world, campaign, 9, 1)
    with CaptureQueriesContext(connection) as twelve_children:
        large = campaign_rollup(campaign, world.city)
    assert (len(small.children), len(large.children)) == (3, 12)
    assert large.total.attended == 20 == sum(child.attended for child in large.children)
    assert large.total.cells_held == 20
    assert len(twelve_children) == len(three_children)
    assert Tally.objects.filter(campaign=campaign).count() == 20
