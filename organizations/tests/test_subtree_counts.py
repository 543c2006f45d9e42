"""Each unit keeps its whole subtree's members, exempt members and open cells, moved by the
member and unit services, so a dashboard reads them off the unit and its children; a
recount from the units' own counts finds nothing to change."""

import datetime as dt

from members.services import member_leave, member_transfer, member_update
from organizations import services
from organizations.models import Organization


def _counts(unit):
    unit = Organization.objects.get(pk=unit.pk)
    return (unit.subtree_members, unit.subtree_exempt, unit.subtree_cells)


def test_a_transfer_moves_the_members_of_every_unit_above_both_cells(world):
    assert (_counts(world.city), _counts(world.ward), _counts(world.commune)) == (
        (3, 0, 3),
        (2, 0, 2),
        (1, 0, 1),
    )
    member_transfer(world.clerk, world.an, world.commune_cell, on=dt.date(2024, 1, 1))
    assert (_counts(world.city), _counts(world.ward), _counts(world.commune)) == (
        (3, 0, 3),
        (1, 0, 2),
        (2, 0, 1),
    )
    assert services.unit_subtrees_rebuild() == 0


def test_an_exemption_and_a_leaving_member_move_the_subtree_counts(world):
    member_update(world.clerk, world.binh, status="exempt")
    assert _counts(world.city)[:2] == (3, 1)
    member_leave(world.clerk, world.cuong, on=dt.date(2025, 1, 1), reason="Chuyển công tác")
    assert _counts(world.city)[:2] == (2, 1)
    assert services.unit_subtrees_rebuild() == 0


def test_a_new_cell_counts_and_a_closed_one_no_longer_does(world):
    cell = services.organization_create(
        world.clerk,
        parent=world.commune,
        name="Chi bộ thôn Mới",
        code="HNA-TT-M",
        level=world.commune_cell.level,
    )
    assert _counts(world.commune)[2] == 2 and _counts(world.city)[2] == 4
    services.organization_close(world.clerk, cell, closed_on=dt.date(2025, 7, 1))
    assert _counts(world.commune)[2] == 1 and _counts(world.city)[2] == 3
    assert services.unit_subtrees_rebuild() == 0


def test_a_moved_cell_takes_its_members_to_its_new_parent(world):
    services.organization_move(world.clerk, world.cell, world.commune)
    assert (_counts(world.ward), _counts(world.commune)) == ((0, 0, 1), (3, 0, 2))


def test_the_recount_repairs_spoiled_counts(world):
    Organization.objects.filter(pk=world.city.pk).update(subtree_members=99)
    Organization.objects.filter(pk=world.cell.pk).update(subtree_cells=0)
    assert services.unit_subtrees_rebuild() == 2
    assert _counts(world.city) == (3, 0, 3) and _counts(world.cell) == (2, 0, 1)
