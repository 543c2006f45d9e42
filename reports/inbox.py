"""Learning-report submissions, acknowledged after one durable write and applied in
batches.

On arrival (`submission_receive`) the submission is checked cheaply — the member may hand
in for this campaign, the sections are cleaned and within their limits, the deadline is
open, a key is present — and written to `SubmissionInbox` in one statement; the member
is answered with a receipt. A drain (`submission_drain`: the `drain_submissions` command,
or the request itself when the queue is quiet) takes a batch of waiting rows and applies
each as `report_submit` would, in arrival order (`services.versions_add`: the version
numbered, judged late on the day it arrived, the report's state), with the writes of the
whole batch made together: its versions, report rows, copy detection — each report
compared with the index and with the batch's reports before it —, audit entries,
counters and the rows' outcomes, a fixed number of statements however long the batch,
all in one transaction: a drain killed in the middle leaves its rows waiting.

Admission control (`nghiquyet.backlog`): a submission that would wait longer than
SUBMISSION_MAX_WAIT_SECONDS is answered "busy, hand it in again after n seconds" and
nothing is stored; the web form keeps the typed text.
"""

import datetime as dt
import json
import logging
import time
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign
from members.models import Member
from nghiquyet.backlog import Backlog, Full
from reports import copies, services
from reports.models import Report, Source, SubmissionInbox, Version

logger = logging.getLogger(__name__)

BATCH = 100
# A submission drains itself in the request only when the queue is this quiet.
INLINE_WAITING = 10
INLINE_ARRIVALS_PER_SECOND = 5
BACKLOG = Backlog(
    "submission",
    inline_waiting=INLINE_WAITING,
    inline_arrivals_per_second=INLINE_ARRIVALS_PER_SECOND,
)

Inbox = SubmissionInbox.State


class SubmissionBusy(Exception):
    """Too many submissions wait already; nothing was stored. `retry_after` in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(
            _(
                "Hệ thống đang nhận rất nhiều bài thu hoạch nên chưa nhận bài này. Nội dung "
                "vẫn còn nguyên trên trang: xin đồng chí bấm nộp lại sau %(seconds)s giây."
            )
            % {"seconds": retry_after}
        )
        self.retry_after = retry_after


# The submission's front door (reports/front.py) prepares the same statement.
INSERT = f"""INSERT INTO {SubmissionInbox._meta.db_table} (campaign_id, member_id, actor_id,
        sections, source, file_name, "key", received_at, state, outcome, repeated)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, '', %s)
    ON CONFLICT (campaign_id, member_id, "key") DO NOTHING
    RETURNING id"""


def insert_params(row: SubmissionInbox, at=lambda value: value) -> list:
    """The INSERT's parameters; `at` adapts a datetime for the connection."""
    return [
        row.campaign_id,
        row.member_id,
        row.actor_id,
        json.dumps(row.sections, ensure_ascii=False),
        row.source,
        row.file_name,
        row.key,
        at(row.received_at),
        Inbox.WAITING,
        False,
    ]


def _insert(row: SubmissionInbox) -> int | None:
    """Write the row in one statement; its id, or None when the key has a row already."""
    with connection.cursor() as cursor:
        cursor.execute(INSERT, insert_params(row, connection.ops.adapt_datetimefield_value))
        found = cursor.fetchone()
    return found[0] if found else None


def submission_receive(
    actor,
    campaign: Campaign,
    member: Member,
    raw: list[str],
    *,
    key: str,
    source: str = Source.TYPED,
    file_name: str = "",
) -> SubmissionInbox:
    """Accept a submission: its receipt, waiting or already decided. A retry with the
    same key returns the first receipt.

    Raises SubmitRefused or ValidationError (by section) for what is wrong with it now,
    and SubmissionBusy when the queue is too long; in these cases nothing is stored."""
    key = services.submission_check(actor, campaign, member, key)
    existing = SubmissionInbox.objects.filter(campaign=campaign, member=member, key=key)
    if (found := existing.first()) is not None:
        return found
    sections = services.clean_sections(campaign, raw)
    services.submission_open(campaign, member)
    try:
        waiting = BACKLOG.admit(settings.SUBMISSION_MAX_WAIT_SECONDS)
    except Full as full:
        raise SubmissionBusy(full.retry_after) from None
    row = SubmissionInbox(
        campaign=campaign,
        member=member,
        actor=actor,
        sections=sections,
        source=source,
        file_name=file_name[:255],
        key=key,
        received_at=timezone.now(),
    )
    row.pk = _insert(row)
    if row.pk is None:  # the same submission arrived twice at once
        return existing.get()
    if BACKLOG.arrived(waiting):
        # A lone member is answered at once, by the drain the workers run (a few rows,
        # and only while no worker indexes the campaign). The row is stored whatever
        # happens here: a failed drain leaves it to the workers.
        try:
            drained = submission_drain(INLINE_WAITING, unless_busy=campaign.pk)
        except DatabaseError:
            logger.exception("submission drained in the request failed; left to the workers")
            drained = []
        for done in drained:
            if done.pk == row.pk:
                return done
    return row


# --- Draining -----------------------------------------------------------------------------


def submission_drain(
    limit: int = BATCH, *, unless_busy: int | None = None
) -> list[SubmissionInbox]:
    """Apply a batch of waiting submissions; returns the rows, now done or refused.

    PostgreSQL hands concurrent drains disjoint batches (SKIP LOCKED); SQLite runs one
    writing transaction at a time, so there a plain ordered select is enough. With
    `unless_busy` (a campaign: the request draining itself), nothing when another drain
    is indexing that campaign: the request would only wait for it, and it takes the rows.
    """
    started = time.monotonic()
    with transaction.atomic():
        if unless_busy is not None and not copies.marks_lock_campaign(unless_busy, wait=False):
            return []
        rows = list(
            SubmissionInbox.objects.filter(state=Inbox.WAITING)
            .order_by("pk")
            .select_for_update(skip_locked=True)[:limit]
        )
        if rows:
            with translation.override(settings.LANGUAGE_CODE):
                _apply(rows)
    BACKLOG.measure(
        len(rows),
        limit,
        time.monotonic() - started,
        lambda: SubmissionInbox.objects.filter(state=Inbox.WAITING).count(),
    )
    return rows


def _reports_locked(rows, campaigns, members) -> dict[tuple[int, int], Report]:
    """The batch's report rows, made where missing, locked in id order (as a single
    submission locks its one)."""
    wanted = {
        (row.campaign_id, row.member_id)
        for row in rows
        if row.campaign_id in campaigns and row.member_id in members
    }
    if not wanted:
        return {}
    found = Report.objects.filter(
        campaign_id__in={c for c, _m in wanted}, member_id__in={m for _c, m in wanted}
    )
    have = set(found.values_list("campaign_id", "member_id"))
    Report.objects.bulk_create(
        [
            Report(
                campaign_id=campaign_id,
                member_id=member_id,
                organization_id=members[member_id].organization_id,
                required=campaigns[campaign_id].requires(members[member_id].status),
            )
            for campaign_id, member_id in sorted(wanted - have)
        ],
        ignore_conflicts=True,  # a single submission may have made one meanwhile
    )
    return {
        (report.campaign_id, report.member_id): report
        for report in found.select_related("organization")
        .select_for_update(of=("self",))
        .order_by("pk")
        if (report.campaign_id, report.member_id) in wanted
    }


def _apply(rows: list[SubmissionInbox]) -> None:
    now = timezone.now()
    campaigns = Campaign.objects.select_related("owner").in_bulk({r.campaign_id for r in rows})
    # One indexer per campaign at a time, taken before any report row (as the batch's
    # reports are compared with each other, the next batch must see all of them).
    for campaign_id in sorted(campaigns):
        copies.marks_lock_campaign(campaign_id)
    members = Member.objects.select_related("organization", "user").in_bulk(
        {row.member_id for row in rows}
    )
    actors = User.objects.in_bulk({row.actor_id for row in rows})
    reports = _reports_locked(rows, campaigns, members)
    handed, applied = [], []
    for row in rows:
        row.processed_at = now
        report = reports.get((row.campaign_id, row.member_id))
        actor = actors.get(row.actor_id)
        if report is None or actor is None:
            row.state = Inbox.REFUSED
            row.outcome = _("Đợt học tập hoặc hồ sơ đảng viên không còn; bài không được ghi.")
            continue
        handed.append(
            services.Handed(
                actor,
                campaigns[row.campaign_id],
                members[row.member_id],
                report,
                row.sections,
                key=row.key,
                source=row.source,
                file_name=row.file_name,
                at=row.received_at,
            )
        )
        applied.append(row)
    changes = services._Changes()
    outcomes = services.versions_add(handed, changes, marks_locked=True)
    for row, outcome in zip(applied, outcomes, strict=True):
        if isinstance(outcome, ValidationError):
            row.state, row.outcome = Inbox.REFUSED, " ".join(outcome.messages)[:500]
        else:
            row.state, row.version, row.repeated = Inbox.DONE, outcome.version, outcome.repeated
    changes.apply()
    _rows_close(rows, now)


def _rows_close(rows: list[SubmissionInbox], now: dt.datetime) -> None:
    """Write the rows' outcomes: one UPDATE for the new versions (each found by its key)
    and one per other row (repeats and refusals, a few)."""
    new = {row.pk for row in rows if row.state == Inbox.DONE and not row.repeated}
    if new:
        version = Version.objects.filter(
            report__campaign_id=OuterRef("campaign_id"),
            report__member_id=OuterRef("member_id"),
            idempotency_key=OuterRef("key"),
        )
        SubmissionInbox.objects.filter(pk__in=new).update(
            state=Inbox.DONE, processed_at=now, version_id=Subquery(version.values("pk")[:1])
        )
    others: dict[tuple, list[int]] = defaultdict(list)
    for row in rows:
        if row.pk not in new:
            others[(row.state, row.outcome, row.version_id, row.repeated)].append(row.pk)
    for (state, outcome, version_id, repeated), pks in others.items():
        SubmissionInbox.objects.filter(pk__in=pks).update(
            state=state,
            outcome=outcome,
            version_id=version_id,
            repeated=repeated,
            processed_at=now,
        )
