"""A drain applies a batch with the writes of all its rows made together, and ends with
exactly what applying its rows one at a time ends with; its statements do not grow with
the batch."""

import datetime as dt
import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEntry
from conftest import add_member
from reports import inbox, services
from reports.models import (
    BandKey,
    Decision,
    Fingerprint,
    Pair,
    Report,
    ReportSubtree,
    ReportTally,
    SubmissionInbox,
    Version,
)
from reports.tests.builders import essay, submit
from reports.tests.test_submission_inbox import queue_busy

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'")


def near(sections: list[str]) -> list[str]:
    """A copy with its first words changed."""
    return [f"Tôi xin trình bày. {text}" for text in sections]


class Undone(Exception):
    pass


def handed_in_before(world, campaign):
    """An has a first version, Bình one (rated once her next submission is waiting),
    Dũng one that a report of the batch copies."""
    world.dung = add_member(world.cell2, "Hoàng Văn Dũng", "030101")
    world.em = [add_member(world.cell2, f"Vũ Thị Em {n}", f"03020{n}") for n in range(1, 5)]
    world.indexed = [essay(70, 300), essay(71, 200)]
    submit(world, campaign, world.an, [essay(1), essay(2)], key="a1")
    world.rated = submit(world, campaign, world.binh, [essay(11), essay(12)], key="b1").report
    submit(world, campaign, world.dung, world.indexed, key="d1")


def waiting_of_every_kind(world, campaign) -> None:
    """In the inbox: new reports, two more versions of An's report (and his first key
    again, and his latest text again under a new key), Bình's (refused: rated meanwhile),
    two reports copying each other, one copying Dũng's indexed report and one handed in
    two days after the deadline. Arrival times are fixed, so two runs compare."""
    queue_busy()
    e1, e2, e3, e4 = world.em
    twins = [essay(80, 300), essay(81, 200)]
    sent = [
        (world.clerk, world.cuong, [essay(21), essay(22)], "c1"),
        (world.member_user, world.an, [essay(3), essay(4)], "a2"),
        (world.member_user, world.an, [essay(1), essay(2)], "a1"),
        (world.secretary, world.binh, [essay(13), essay(14)], "b2"),
        (world.member_user, world.an, [essay(5), essay(6)], "a3"),
        (world.member_user, world.an, [essay(5), essay(6)], "a3-again"),
        (world.secretary, e1, twins, "e1"),
        (world.secretary, e2, near(twins), "e2"),
        (world.secretary, e3, near(world.indexed), "e3"),
        (world.secretary, e4, [essay(31), essay(32)], "e4-late"),
    ]
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(8)))
    for n, (actor, member, sections, key) in enumerate(sent):
        inbox.submission_receive(actor, campaign, member, sections, key=key)
        at = start + dt.timedelta(minutes=n)
        SubmissionInbox.objects.filter(key=key).update(received_at=at)
    due = campaign.conference_deadline + dt.timedelta(days=campaign.report_days)
    late = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=2), dt.time(9)))
    SubmissionInbox.objects.filter(key="e4-late").update(received_at=late)
    services.review(world.secretary, world.rated, Decision.RATE, rating="Đạt")


def state_of(campaign) -> dict:
    """Everything a drain writes, named by member and number rather than by id."""
    member_of = dict(Report.objects.values_list("pk", "member_id"))
    versions = {v.pk: (member_of[v.report_id], v.number) for v in Version.objects.all()}
    return {
        "reports": sorted(
            Report.objects.filter(campaign=campaign).values_list(
                "member_id",
                "organization_id",
                "required",
                "state",
                "versions_count",
                "submitted_at",
                "late",
                "rating",
                "flagged",
                "similarity",
                "draft",
            )
        ),
        "versions": sorted(
            (
                member_of[v.report_id],
                v.number,
                v.idempotency_key,
                v.sections,
                v.source,
                v.entered_by_id,
                v.on_behalf,
                v.submitted_at,
                v.due,
                v.late,
            )
            for v in Version.objects.all()
        ),
        "fingerprints": sorted(
            (member_of[f.report_id], f.version, bytes(f.shingles), bytes(f.sequence), f.size)
            for f in Fingerprint.objects.all()
        ),
        "marks": sorted(
            (member_of[report_id], key)
            for report_id, key in BandKey.objects.values_list("report_id", "key")
        ),
        "pairs": sorted(
            (tuple(sorted((member_of[p.a_id], member_of[p.b_id]))), p.jaccard, p.containment)
            for p in Pair.objects.all()
        ),
        "rows": sorted(
            (
                row.key,
                row.member_id,
                row.state,
                row.outcome,
                row.repeated,
                versions.get(row.version_id),
            )
            for row in SubmissionInbox.objects.all()
        ),
        "audit": sorted(
            (
                member_of[int(entry.object_id)],
                entry.actor_id,
                entry.organization_id,
                json.dumps(entry.changes, sort_keys=True),
            )
            for entry in AuditEntry.objects.filter(action="report.submit")
        ),
        "tallies": sorted(
            ReportTally.objects.filter(campaign=campaign).values_list(
                "organization_id", "submitted", "on_time", "late", "returned", "rated", "flagged"
            )
        ),
        "subtrees": sorted(
            ReportSubtree.objects.filter(campaign=campaign).values_list(
                "path", "submitted", "on_time", "late", "returned", "rated", "flagged"
            )
        ),
    }


def drained_by(world, campaign, limit: int) -> tuple[dict, list[int]]:
    """The state after the inbox is drained `limit` rows at a time, and the batch sizes;
    undone afterwards, so that the next run starts from the same point."""
    try:
        with transaction.atomic():
            waiting_of_every_kind(world, campaign)
            sizes = []
            while drained := inbox.submission_drain(limit):
                sizes.append(len(drained))
            found = state_of(campaign)
            raise Undone
    except Undone:
        return found, sizes


def test_a_batch_ends_with_exactly_what_its_rows_applied_one_at_a_time_end_with(world, campaign):
    handed_in_before(world, campaign)
    together, sizes = drained_by(world, campaign, 100)
    alone, one_by_one = drained_by(world, campaign, 1)
    assert sizes == [10] and one_by_one == [1] * 10
    assert together == alone

    rows = {
        key: (state, repeated, version) for key, _m, state, _o, repeated, version in alone["rows"]
    }
    an = world.an.pk
    assert rows["a2"] == ("done", False, (an, 2)) and rows["a3"] == ("done", False, (an, 3))
    assert rows["a1"] == ("done", True, (an, 1)) and rows["a3-again"] == ("done", True, (an, 3))
    assert rows["b2"][0] == "refused"
    late = [v for v in alone["versions"] if v[2] == "e4-late"]
    assert late and late[0][-1] is True
    paired = {members for members, _j, _c in alone["pairs"]}
    e1, e2, e3 = (rows[key][2][0] for key in ("e1", "e2", "e3"))
    assert tuple(sorted((e1, e2))) in paired and tuple(sorted((world.dung.pk, e3))) in paired
    assert services.report_tally_rebuild(campaign) == {"units": 0, "ratings": 0, "subtrees": 0}


@on_postgresql
def test_the_statements_of_a_batch_do_not_grow_with_its_size(world, campaign):
    members = [add_member(world.cell, f"Đảng viên {n}", f"0400{n:02d}") for n in range(51)]

    def statements(group: list, first: int) -> int:
        queue_busy()
        for n, member in enumerate(group, start=first):
            sections = [essay(1000 + 2 * n), essay(1001 + 2 * n)]
            inbox.submission_receive(world.secretary, campaign, member, sections, key=f"q{n}")
        with CaptureQueriesContext(connection) as captured:
            drained = inbox.submission_drain()
        assert len(drained) == len(group)
        assert {row.state for row in drained} == {"done"}
        return len(captured)

    statements(members[:1], 0)  # the campaign's boilerplate and first marks
    assert statements(members[1:11], 100) == statements(members[11:], 200)
