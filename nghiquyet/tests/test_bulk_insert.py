"""Rows written by bulk_insert and insert_rows are stored whole, with their keys, and rows
changed by bulk_set keep each its own values, on every engine."""

import datetime as dt

from django.utils import timezone

from audit.models import AuditEntry
from audit.services import AUDIT_COLUMNS, audit_entry, audit_rows
from conftest import add_member
from members.models import Member
from members.services import EDITABLE, member_derive
from nghiquyet.bulkload import bulk_insert, bulk_set, insert_rows
from reports.models import Report, State


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


def test_plain_rows_and_their_audit_rows_are_stored_as_instances_would_be(world):
    columns = (*EDITABLE, "organization_id", "sort_key", "search_text", "left_reason")
    made = [
        member_derive(
            Member(
                full_name=f"Lê Thị Mai {n}",
                gender="F",
                date_of_birth=dt.date(1990, 1, 2),
                card_number=f"66{n:04d}",
                status="official",
                admitted_on=dt.date(2015, 3, 4),
                official_on=None,
                organization=world.cell,
            )
        )
        for n in range(3)
    ]

    ids = insert_rows(Member, columns, [tuple(getattr(m, c) for c in columns) for m in made])
    about = [
        (pk, m.full_name, world.cell.pk, {"x": [None, "ạ"]})
        for pk, m in zip(ids, made, strict=True)
    ]
    entry_ids = insert_rows(
        AuditEntry, AUDIT_COLUMNS, audit_rows(world.clerk, "m.x", Member, about)
    )

    stored = Member.objects.in_bulk(ids)
    assert [stored[pk].card_number for pk in ids] == ["660000", "660001", "660002"]
    assert stored[ids[1]].search_text == made[1].search_text and stored[ids[1]].left_on is None
    expected = audit_entry(world.clerk, "m.x", stored[ids[2]], {"x": [None, "ạ"]})
    entry = AuditEntry.objects.get(pk=entry_ids[2])
    fields = [f.attname for f in AuditEntry._meta.concrete_fields if f.attname not in ("id", "at")]
    assert [getattr(entry, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert entry.at is not None


def test_bulk_set_writes_each_row_its_own_values_and_nothing_else(world, campaign):
    members = [add_member(world.cell, f"Đỗ Văn Sáu {n}", f"88{n:04d}") for n in range(3)]
    reports = Report.objects.bulk_create(
        Report(campaign=campaign, member=m, organization=world.cell) for m in members
    )
    at = timezone.now()
    for n, report in enumerate(reports):
        report.versions_count, report.submitted_at, report.late = n + 1, at, n == 1
        report.state, report.draft, report.similarity = State.SUBMITTED, [f"nháp {n}"], n / 4
        report.rating = "bỏ qua"  # not among the fields written
    reports[2].submitted_at = None

    bulk_set(reports, ["versions_count", "submitted_at", "late", "state", "draft", "similarity"])

    stored = {r.pk: r for r in Report.objects.filter(pk__in=[r.pk for r in reports])}
    for n, report in enumerate(reports):
        row = stored[report.pk]
        assert (row.versions_count, row.late, row.state) == (n + 1, n == 1, State.SUBMITTED)
        assert row.draft == [f"nháp {n}"] and row.similarity == n / 4 and row.rating == ""
    assert stored[reports[0].pk].submitted_at == at and stored[reports[2].pk].submitted_at is None
