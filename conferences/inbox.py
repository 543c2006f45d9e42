"""QR check-ins, acknowledged after one durable write and applied in batches.

On arrival (`checkin_receive`) the token is verified without the database, its age judged
then and only then, and the check-in written to `CheckinInbox` in one statement; the
member is answered with a receipt. A drain (`checkin_drain`: the `drain_checkins`
command, or the request itself when the queue is quiet) takes a batch of waiting rows,
applies the same rules and messages as a check-in always had, writes the marks in one
multi-row insert, sums the counters per batch and marks the rows done or refused, all in
one transaction: a drain killed in the middle leaves its rows waiting for the next one.

Admission control (`nghiquyet.backlog`): a check-in that would wait longer than
CHECKIN_MAX_WAIT_SECONDS is answered "busy, retry after n seconds" and nothing is stored.
"""

import datetime as dt
import logging
import time
from collections import Counter, defaultdict

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import policy
from audit.models import AuditEntry
from audit.services import audit_entry
from conferences.checkin import token_read
from conferences.models import (
    Attendance,
    BridgePoint,
    Channel,
    CheckinInbox,
    Conference,
    Status,
)
from conferences.services import (
    _counters_add,
    _mark_fields,
    _point_fields,
    _qr_refusal,
    bridge_point_of,
    report_due_after,
)
from members.models import Member
from nghiquyet import generations
from nghiquyet.backlog import Backlog, Full

logger = logging.getLogger(__name__)

BATCH = 500
# A check-in drains itself in the request only when the queue is this quiet.
INLINE_WAITING = 20
INLINE_ARRIVALS_PER_SECOND = 5
BACKLOG = Backlog(
    "checkin", inline_waiting=INLINE_WAITING, inline_arrivals_per_second=INLINE_ARRIVALS_PER_SECOND
)
WAITING_KEY, RATE_KEY, BUSY_KEY = BACKLOG.waiting_key, BACKLOG.rate_key, BACKLOG.busy_key

Inbox = CheckinInbox.State


class CheckinBusy(Exception):
    """Too many check-ins wait already; nothing was stored. `retry_after` in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(
            _(
                "Hệ thống đang nhận rất nhiều lượt điểm danh. "
                "Xin đồng chí quét lại mã sau %(seconds)s giây."
            )
            % {"seconds": retry_after}
        )
        self.retry_after = retry_after


def _admission() -> int:
    """How many waiting rows there are, or CheckinBusy when one more would wait too long."""
    try:
        return BACKLOG.admit(settings.CHECKIN_MAX_WAIT_SECONDS)
    except Full as full:
        raise CheckinBusy(full.retry_after) from None


# One row per member and conference. DO NOTHING, not DO UPDATE: a retry or a double tap
# meeting a row a drain holds would wait for the drain's whole batch, keeping a web thread
# with it; DO NOTHING only reads the row. The check-in's front door (conferences/front.py)
# prepares the same statement.
INSERT = f"""INSERT INTO {CheckinInbox._meta.db_table} (user_id, conference_id, bridge_point_id,
        token_digest, token_issued_at, arrived_at, "key", state, outcome, conflict)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '', %s)
    ON CONFLICT ("key") DO NOTHING
    RETURNING id"""
# A refused row is taken up again by the next scan: the member may have gone to the right
# bridge point since. A drain never holds a refused row, so this waits for nobody.
REOPEN = f"""UPDATE {CheckinInbox._meta.db_table} SET
        bridge_point_id = %s, token_digest = %s, token_issued_at = %s, arrived_at = %s,
        state = %s, outcome = '', conflict = %s, attendance_id = NULL, processed_at = NULL
    WHERE "key" = %s AND state = %s
    RETURNING id"""


def insert_params(user_id: int, ticket, key: str, now: dt.datetime, at=lambda value: value):
    """The INSERT's parameters; `at` adapts a datetime for the connection."""
    return [
        user_id,
        ticket.conference_id,
        ticket.bridge_point_id,
        ticket.digest,
        at(ticket.issued_at),
        at(now),
        key,
        Inbox.WAITING,
        False,
    ]


def _insert(user_id: int, ticket, key: str, now: dt.datetime) -> int | None:
    """Write the check-in; the id of the row, or None when the key already has a row that
    is waiting or done (a retry or a double tap)."""
    at = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(INSERT, insert_params(user_id, ticket, key, now, at))
        row = cursor.fetchone()
        if row is None:
            cursor.execute(
                REOPEN,
                [
                    ticket.bridge_point_id,
                    ticket.digest,
                    at(ticket.issued_at),
                    at(now),
                    Inbox.WAITING,
                    False,
                    key,
                    Inbox.REFUSED,
                ],
            )
            row = cursor.fetchone()
    return row[0] if row else None


def checkin_receive(user, conference_id: int, token: str) -> CheckinInbox:
    """Accept a member's QR check-in: the receipt, waiting or already decided.

    Raises CheckinError for a bad, expired or foreign token and CheckinBusy when the
    queue is too long; in both cases nothing is stored.
    """
    ticket = token_read(token, conference_id)
    key = CheckinInbox.key_for(user.pk, conference_id)
    try:
        waiting = _admission()
    except CheckinBusy:
        # A retry of a check-in already accepted still gets its receipt.
        existing = CheckinInbox.objects.filter(key=key).exclude(state=Inbox.REFUSED).first()
        if existing is None:
            raise
        return existing
    now = timezone.now()
    pk = _insert(user.pk, ticket, key, now)
    if pk is None:
        return CheckinInbox.objects.get(key=key)
    receipt = CheckinInbox(
        pk=pk,
        user_id=user.pk,
        conference_id=ticket.conference_id,
        bridge_point_id=ticket.bridge_point_id,
        token_digest=ticket.digest,
        token_issued_at=ticket.issued_at,
        arrived_at=now,
        key=key,
    )
    if BACKLOG.arrived(waiting):
        # A lone member is answered at once, by the drain the workers run. The row is
        # stored whatever happens here: a failed drain leaves it to the workers.
        try:
            drained = checkin_drain()
        except DatabaseError:
            logger.exception("check-in drained in the request failed; left to the workers")
            drained = []
        for row in drained:
            if row.pk == pk:
                return row
    return receipt


# --- Draining -----------------------------------------------------------------------------


def checkin_drain(limit: int = BATCH) -> list[CheckinInbox]:
    """Apply a batch of waiting check-ins; returns the rows, now done or refused.

    PostgreSQL hands concurrent drains disjoint batches (SKIP LOCKED); SQLite runs one
    writing transaction at a time, so there a plain ordered select is enough.
    """
    started = time.monotonic()
    with transaction.atomic():
        rows = list(
            CheckinInbox.objects.filter(state=Inbox.WAITING)
            .order_by("pk")
            .select_for_update(skip_locked=True)[:limit]
        )
        if rows:
            with translation.override(settings.LANGUAGE_CODE):
                _apply(rows)
    _measure(len(rows), limit, time.monotonic() - started)
    return rows


def _apply(rows: list[CheckinInbox]) -> None:
    now = timezone.now()
    # Members are locked, in key order, as a single check-in or a host's mark locks them:
    # marks of one member queue there, and every check below sees them as they are.
    members = {
        member.user_id: member
        for member in Member.objects.active()
        .filter(user_id__in={row.user_id for row in rows})
        .select_related("organization", "user")
        .select_for_update(of=("self",))
        .order_by("pk")
    }
    conferences = Conference.objects.select_related("campaign", "organizer").in_bulk(
        {row.conference_id for row in rows}
    )
    points = {
        point.pk: point for point in BridgePoint.objects.filter(conference_id__in=conferences)
    }
    assignments: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for conference_id, path, point_id in BridgePoint.units.through.objects.filter(
        bridgepoint__conference_id__in=conferences
    ).values_list("bridgepoint__conference_id", "organization__path", "bridgepoint_id"):
        assignments[conference_id].append((path, point_id))
    for found in assignments.values():
        found.sort(key=lambda row: -len(row[0]))  # deepest units first
    marks = {
        (mark.campaign_id, mark.member_id): mark
        for mark in Attendance.objects.filter(
            campaign_id__in={c.campaign_id for c in conferences.values()},
            member_id__in=[member.pk for member in members.values()],
        ).select_related("bridge_point")
    }

    new: list[tuple[CheckinInbox, Attendance]] = []
    for row in rows:
        row.processed_at = now
        problem, conflict = _problem(row, members, conferences, points, assignments, marks)
        if problem:
            row.state, row.outcome, row.conflict = Inbox.REFUSED, problem[:500], conflict
            continue
        member, conference = members[row.user_id], conferences[row.conference_id]
        point = points[row.bridge_point_id]
        mark = Attendance(
            campaign_id=conference.campaign_id,
            conference=conference,
            bridge_point=point,
            member=member,
            organization_id=member.organization_id,
            required=conference.campaign.requires(member.status),
            online=point.online,
            status=Status.PRESENT,
            channel=Channel.QR,
            token_digest=row.token_digest,
            report_due=report_due_after(conference),
            marked_by_id=row.user_id,
            marked_at=now,
        )
        marks[(conference.campaign_id, member.pk)] = mark  # a later row of the batch sees it
        new.append((row, mark))

    Attendance.objects.bulk_create([mark for _row, mark in new])
    # The marks carry report deadlines: what the submission's front door judged moves.
    if new:
        generations.bump(*{generations.of_campaign(mark.campaign_id) for _row, mark in new})
    tallies: dict[int, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    headcounts: dict[int, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for row, mark in new:
        row.state, row.outcome, row.conflict, row.attendance = Inbox.DONE, "", False, mark
        tallies[mark.campaign_id][mark.organization_id] += _mark_fields(mark)
        headcounts[mark.campaign_id][mark.bridge_point_id] += _point_fields(mark.status)
    # Counter rows in key order, tallies before headcounts, as every batch takes them:
    # two drains touching the same rows wait for each other instead of deadlocking.
    for campaign_id in sorted(tallies):
        units, points_ = tallies[campaign_id], headcounts[campaign_id]
        _counters_add(
            campaign_id,
            {pk: units[pk] for pk in sorted(units)},
            {pk: points_[pk] for pk in sorted(points_)},
        )
    AuditEntry.objects.bulk_create(
        [
            audit_entry(
                mark.member.user,
                "attendance.mark",
                mark,
                {
                    "member": [None, mark.member.full_name],
                    "status": [None, mark.status],
                    "channel": [None, mark.channel],
                },
            )
            for _row, mark in new
        ]
    )
    _rows_close(rows, now)


def _rows_close(rows: list[CheckinInbox], now: dt.datetime) -> None:
    """Write the rows' outcomes: one UPDATE for those done (each finds its mark by index)
    and one per distinct refusal. Django's bulk_update, a CASE per row and field, was two
    thirds of a batch's time."""
    done = [row.pk for row in rows if row.state == Inbox.DONE]
    if done:
        mark = Attendance.objects.filter(
            conference_id=OuterRef("conference_id"),
            marked_by_id=OuterRef("user_id"),
            token_digest=OuterRef("token_digest"),
        )
        CheckinInbox.objects.filter(pk__in=done).update(
            state=Inbox.DONE,
            outcome="",
            conflict=False,
            processed_at=now,
            attendance_id=Subquery(mark.values("pk")[:1]),
        )
    refusals: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for row in rows:
        if row.state == Inbox.REFUSED:
            refusals[(row.outcome, row.conflict)].append(row.pk)
    for (outcome, conflict), pks in refusals.items():
        CheckinInbox.objects.filter(pk__in=pks).update(
            state=Inbox.REFUSED,
            outcome=outcome,
            conflict=conflict,
            attendance_id=None,
            processed_at=now,
        )


def _problem(row, members, conferences, points, assignments, marks) -> tuple[str | None, bool]:
    """Why `row` cannot become a mark (and whether because of what is recorded): the
    rules and words of a check-in, in their order."""
    member = members.get(row.user_id)
    if member is None:
        return _("Tài khoản này chưa gắn với hồ sơ đảng viên đang sinh hoạt."), False
    conference = conferences.get(row.conference_id)
    point_id = (
        bridge_point_of(conference, member.organization.path, assignments[conference.pk])
        if conference is not None
        else None
    )
    if point_id is None or not policy.can_check_in(member, conference):
        return _("Đồng chí %(name)s không thuộc danh sách dự hội nghị này.") % {
            "name": member.full_name
        }, False
    if conference.is_closed:
        return _("Hội nghị đã kết thúc điểm danh."), False
    if point_id != row.bridge_point_id:
        return _("Đồng chí %(name)s dự tại điểm cầu “%(point)s”, không phải điểm cầu này.") % {
            "name": member.full_name,
            "point": points[point_id].name,
        }, False
    mark = marks.get((conference.campaign_id, member.pk))
    if mark is not None:
        return _qr_refusal(mark, row.token_digest), True
    return None, False


def _measure(drained: int, limit: int, seconds: float) -> None:
    BACKLOG.measure(
        drained,
        limit,
        seconds,
        lambda: CheckinInbox.objects.filter(state=Inbox.WAITING).count(),
    )
