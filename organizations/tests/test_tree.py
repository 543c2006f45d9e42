import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members.models import MemberStatus
from members.services import member_create, member_leave, member_transfer, member_update
from organizations import services
from organizations.models import Organization, OrganizationRename


def test_a_units_total_counts_every_member_below_it(world):
    assert Organization.objects.member_total(world.city) == 3
    assert Organization.objects.member_total(world.ward) == 2
    assert Organization.objects.member_total(world.other) == 1


def test_children_totals_come_from_one_grouped_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        totals = Organization.objects.member_totals_by_child(world.city)
    assert totals == {world.ward.path: 2, world.commune.path: 1}


def test_renaming_keeps_the_old_name_for_older_records(world):
    services.organization_update(
        world.clerk, world.ward, renamed_on=dt.date(2025, 7, 1), name="Đảng bộ phường Hà Nam"
    )
    world.ward.refresh_from_db()
    assert world.ward.name == "Đảng bộ phường Hà Nam"
    assert world.ward.name_on(dt.date(2024, 5, 1)) == "Đảng bộ phường Lam Hạ"
    assert world.ward.name_on(dt.date(2025, 7, 1)) == "Đảng bộ phường Hà Nam"
    assert OrganizationRename.objects.filter(organization=world.ward).count() == 1


def test_moving_a_unit_carries_its_subtree_and_members(world):
    services.organization_move(world.clerk, world.cell2, world.commune)
    world.commune.refresh_from_db()
    assert Organization.objects.get_parent(world.cell2).pk == world.commune.pk
    member_transfer(world.clerk, world.an, world.cell2, on=dt.date(2024, 1, 1))
    assert Organization.objects.member_total(world.commune) == 2


def test_a_unit_cannot_move_under_itself(world):
    with pytest.raises(ValidationError):
        services.organization_move(world.clerk, world.ward, world.cell)


def test_closing_a_unit_with_members_is_refused(world):
    with pytest.raises(ValidationError, match="chuyển sinh hoạt"):
        services.organization_close(world.clerk, world.ward, closed_on=dt.date(2025, 7, 1))


def test_a_closed_unit_keeps_its_history_and_leaves_the_current_tree(world):
    member_transfer(world.clerk, world.cuong, world.cell2, on=dt.date(2024, 3, 1))
    services.organization_close(
        world.clerk, world.commune, closed_on=dt.date(2025, 7, 1), note="Sáp nhập"
    )
    world.commune.refresh_from_db()
    assert not world.commune.is_open
    assert Organization.objects.filter(pk=world.commune.pk).exists()
    assert world.commune not in Organization.objects.open_now()
    assert world.commune in Organization.objects.open_on(dt.date(2024, 3, 1))
    assert world.commune not in Organization.objects.open_on(dt.date(2025, 8, 1))
    # The 2024 transfer still names the abolished unit.
    transfer = world.cuong.transfers.get()
    assert (
        transfer.from_organization.name == "Đảng bộ xã Tiên Tân"
        or transfer.from_organization.pk == world.commune_cell.pk
    )
    assert Organization.objects.get(pk=world.commune_cell.pk).valid_to == dt.date(2025, 7, 1)


def test_the_counter_rebuild_reproduces_the_maintained_counters(world):
    member_transfer(world.clerk, world.an, world.commune_cell, on=dt.date(2024, 1, 1))
    before = dict(Organization.objects.values_list("pk", "member_count"))
    assert services.member_counts_rebuild() == 0
    Organization.objects.update(member_count=0)
    services.member_counts_rebuild()
    assert dict(Organization.objects.values_list("pk", "member_count")) == before


def test_exempt_members_are_counted_apart_through_every_change(world):
    elder = member_create(
        world.clerk,
        full_name="Vũ Văn Lão",
        gender="M",
        date_of_birth=dt.date(1940, 1, 1),
        card_number="010300",
        status=MemberStatus.EXEMPT,
        admitted_on=dt.date(1965, 1, 1),
        official_on=dt.date(1966, 1, 1),
        organization=world.cell,
    )
    member_update(world.clerk, world.an, status=MemberStatus.EXEMPT)
    member_transfer(world.clerk, elder, world.cell2, on=dt.date(2024, 1, 1))
    member_update(world.clerk, world.an, status=MemberStatus.OFFICIAL)
    member_update(world.clerk, world.binh, status=MemberStatus.EXEMPT)
    member_leave(world.clerk, world.binh, on=dt.date(2025, 1, 1), reason="deceased")

    exempt = dict(Organization.objects.values_list("code", "exempt_count"))
    assert (exempt["HNA-LH-KP1"], exempt["HNA-LH-KP2"]) == (0, 1)
    assert services.member_counts_rebuild() == 0
