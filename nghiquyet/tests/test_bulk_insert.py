"""Rows written by bulk_insert are stored whole, with their keys, on every engine."""

import datetime as dt

from audit.models import AuditEntry
from audit.services import audit_entry
from members.models import Member
from members.services import member_derive
from nghiquyet.bulkload import bulk_insert


def test_new_members_and_their_audit_entries_are_stored_with_their_keys(world):
    members = [
        member_derive(
            Member(
                full_name=f"Lê Thị Mai {n}",
                gender="F",
                date_of_birth=dt.date(1990, 1, 2),
                card_number=f"77{n:04d}",
                status="official",
                admitted_on=dt.date(2015, 3, 4),
                official_on=dt.date(2016, 3, 4),
                organization=world.cell,
            )
        )
        for n in range(5)
    ]

    bulk_insert(members)
    entries = [
        audit_entry(world.clerk, "member.import_create", m, {"x": [None, "ạ"]}) for m in members
    ]
    bulk_insert(entries)

    assert all(member.pk for member in members)
    stored = {m.pk: m for m in Member.objects.filter(card_number__startswith="77")}
    assert set(stored) == {member.pk for member in members}
    assert stored[members[3].pk].full_name == "Lê Thị Mai 3"
    assert stored[members[3].pk].official_on == dt.date(2016, 3, 4)
    logged = AuditEntry.objects.filter(action="member.import_create").order_by("pk")
    assert [e.object_id for e in logged] == [str(m.pk) for m in members]
    assert all(e.at is not None and e.changes == {"x": [None, "ạ"]} for e in logged)
    assert logged[0].organization_id == world.cell.pk and logged[0].actor_id == world.clerk.pk


def test_keys_taken_for_copied_rows_are_not_handed_out_again(world):
    first = Member.objects.order_by("pk").last()
    copy = Member(
        full_name="Phan Văn Hùng",
        gender="M",
        date_of_birth=dt.date(1980, 1, 1),
        card_number="880001",
        status="official",
        admitted_on=dt.date(2005, 1, 1),
        official_on=dt.date(2006, 1, 1),
        organization=world.cell,
    )
    bulk_insert([member_derive(copy)])
    later = Member.objects.create(
        full_name="Phan Văn Dũng",
        gender="M",
        date_of_birth=dt.date(1980, 1, 1),
        card_number="880002",
        status="official",
        admitted_on=dt.date(2005, 1, 1),
        official_on=dt.date(2006, 1, 1),
        organization=world.cell,
    )
    assert first.pk < copy.pk < later.pk
