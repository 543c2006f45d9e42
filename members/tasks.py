"""Background jobs of the roster import: the dry run and the all-or-nothing apply.

Progress goes through the cache, never the database: the web server and the worker are
different processes, and the web process cannot see rows inside the worker's long
apply transaction. The final state is a RosterImport row.
"""

import logging
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from accounts import policy
from accounts.policy import Action
from audit.models import AuditEntry
from audit.services import AUDIT_COLUMNS, audit_entry, audit_record, audit_rows
from members.models import Member, MemberStatus, RosterImport, Transfer
from members.roster import (
    BATCH,
    CREATE,
    PROGRESS_EVERY,
    REJECT,
    TRANSFER_NOTE,
    UNCHANGED,
    UPDATE,
    CheckResult,
    PlannedWrite,
    RosterError,
    check_rows,
    read_roster,
    rows_load,
    rows_save,
    stored_file,
)
from members.services import EDITABLE
from nghiquyet import generations
from nghiquyet.bulkload import bulk_insert, insert_rows
from organizations.services import member_count_add

logger = logging.getLogger(__name__)
EXEMPT = MemberStatus.EXEMPT

State = RosterImport.State
KEEP_ROWS = 2_000  # outcomes kept besides the rejects, which are all kept
PROGRESS_TIMEOUT = 24 * 60 * 60


def progress_key(import_pk: int) -> str:
    return f"roster-import:{import_pk}:progress"


def progress_of(import_pk: int) -> dict | None:
    """{"done": n, "total": m, "phase": "read" | "check" | "write"} while a job runs."""
    try:
        return cache.get(progress_key(import_pk))
    except Exception:  # progress is a nicety; a cache outage must not break the page
        logger.warning("roster import %s: progress unreadable", import_pk, exc_info=True)
        return None


class _Reporter:
    """Writes progress to the cache once every PROGRESS_EVERY rows of a phase."""

    def __init__(self, import_pk: int):
        self.key = progress_key(import_pk)
        self.phase: str | None = None
        self.done = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase == self.phase and done < total and done - self.done < PROGRESS_EVERY:
            return
        self.phase, self.done = phase, done
        try:
            cache.set(self.key, {"done": done, "total": total, "phase": phase}, PROGRESS_TIMEOUT)
        except Exception:
            logger.warning("roster import: progress not reported", exc_info=True)

    def clear(self) -> None:
        try:
            cache.delete(self.key)
        except Exception:
            logger.warning("roster import: progress not cleared", exc_info=True)


class _Rejected(Exception):
    def __init__(self, result: CheckResult):
        super().__init__()
        self.result = result


def _load(import_pk: int, state: str) -> RosterImport | None:
    # A job delivered twice, or for an import that moved on, does nothing.
    return (
        RosterImport.objects.select_related("organization__level", "created_by")
        .filter(pk=import_pk, state=state)
        .first()
    )


def _ready(roster: RosterImport, actor) -> Path:
    """The stored file, once the import may still run on behalf of `actor`."""
    if actor is None or not policy.can(actor, Action.MANAGE_MEMBERS, roster.organization):
        raise RosterError(_("Người nhập không còn quyền quản lý đảng viên của đơn vị này."))
    if not roster.organization.is_open:
        raise RosterError(
            _("Đơn vị “%(name)s” đã đóng, không nhập danh sách được.")
            % {"name": roster.organization.name}
        )
    return stored_file(roster.stored_path)


def _kept_rows(result: CheckResult) -> list[dict]:
    rejects = [o.as_json() for o in result.outcomes if o.action == REJECT]
    others = islice((o for o in result.outcomes if o.action != REJECT), KEEP_ROWS)
    return rejects + [o.as_json() for o in others]


def _finish(
    import_pk: int, state: str, *, result: CheckResult | None = None, error: str = ""
) -> None:
    fields = {"state": state, "error": error, "finished_at": timezone.now()}
    if result is not None:
        fields.update(
            total_rows=result.total,
            created_count=result.counts[CREATE],
            updated_count=result.counts[UPDATE],
            unchanged_count=result.counts[UNCHANGED],
            rejected_count=result.counts[REJECT],
            rows=_kept_rows(result),
        )
    RosterImport.objects.filter(pk=import_pk).update(**fields)


@task()
def roster_check(import_pk: int) -> None:
    """The dry run: read and check the file, store the counts and row outcomes."""
    roster = _load(import_pk, State.CHECKING)
    if roster is None:
        return
    report = _Reporter(import_pk)
    try:
        actor = roster.created_by
        path = _ready(roster, actor)
        rows = read_roster(path, report)
        rows_save(path, rows)
        result = check_rows(rows, roster.organization, actor, report)
    except RosterError as error:
        _finish(import_pk, State.FAILED, error=str(error))
    except Exception:
        logger.exception("roster import %s: check failed", import_pk)
        _finish(
            import_pk,
            State.FAILED,
            error=_(
                "Lỗi ngoài dự kiến khi kiểm tra tệp. Hãy thử lại; nếu vẫn lỗi, "
                "báo cho quản trị hệ thống."
            ),
        )
    else:
        _finish(import_pk, State.CHECKED, result=result)
    finally:
        report.clear()


@task()
def roster_apply(import_pk: int, actor_pk: int | None = None) -> None:
    """Re-read and re-check the file, then write it all in one transaction, or nothing.

    The data may have changed since the dry run; if any row is now rejected, nothing is
    written and the import goes back to CHECKED with the new outcomes.
    """
    roster = _load(import_pk, State.APPLYING)
    if roster is None:
        return
    actor = roster.created_by
    if actor_pk is not None:
        actor = get_user_model().objects.filter(pk=actor_pk, is_active=True).first()
    report = _Reporter(import_pk)
    try:
        # Read outside the transaction: on SQLite it holds the write lock throughout.
        path = _ready(roster, actor)
        rows = rows_load(path) or read_roster(path, report)
        with transaction.atomic():
            result = check_rows(rows, roster.organization, actor, report)
            if result.rejected:
                raise _Rejected(result)
            _write(result, roster, actor, report)
            _finish(import_pk, State.APPLIED, result=result)
    except _Rejected as rejected:
        _finish(import_pk, State.CHECKED, result=rejected.result)
    except RosterError as error:
        _finish(import_pk, State.FAILED, error=str(error))
    except IntegrityError:
        logger.warning("roster import %s: conflicting write", import_pk, exc_info=True)
        _finish(
            import_pk,
            State.FAILED,
            error=_(
                "Dữ liệu vừa bị thay đổi trong lúc nhập (ví dụ một số thẻ vừa được thêm); "
                "chưa có gì được ghi. Hãy tải tệp lên để kiểm tra lại."
            ),
        )
    except Exception:
        logger.exception("roster import %s: apply failed", import_pk)
        _finish(
            import_pk,
            State.FAILED,
            error=_(
                "Lỗi ngoài dự kiến khi nhập; chưa có gì được ghi. Hãy thử lại; nếu vẫn lỗi, "
                "báo cho quản trị hệ thống."
            ),
        )
    finally:
        report.clear()


def _batches(plans: list[PlannedWrite]) -> Iterator[list[PlannedWrite]]:
    for start in range(0, len(plans), BATCH):
        yield plans[start : start + BATCH]


MEMBER_COLUMNS = (
    *EDITABLE,
    "organization_id",
    "sort_key",
    "search_text",
    "left_on",
    "left_reason",
    "user_id",
)


def _member_row(plan: PlannedWrite) -> tuple:
    """A new member's row of MEMBER_COLUMNS, from the plan alone."""
    values = plan.values
    return (
        *(values[key] for key in EDITABLE),
        plan.unit.pk,
        plan.sort_key,
        plan.search_text,
        None,
        "",
        None,
    )


def _write(result: CheckResult, roster: RosterImport, actor, report: _Reporter) -> None:
    """All the writes of a checked import; the caller holds the transaction."""
    today = timezone.localdate()
    total, done = len(result.writes), 0
    deltas: Counter[int] = Counter()
    exempt: Counter[int] = Counter()
    creates = [plan for plan in result.writes if plan.member_id is None]
    updates = [plan for plan in result.writes if plan.member_id is not None]
    transferred = 0

    for batch in _batches(creates):
        ids = insert_rows(Member, MEMBER_COLUMNS, [_member_row(plan) for plan in batch])
        about = [
            (pk, plan.values["full_name"], plan.unit.pk, plan.audit_changes())
            for pk, plan in zip(ids, batch, strict=True)
        ]
        insert_rows(
            AuditEntry, AUDIT_COLUMNS, audit_rows(actor, "member.import_create", Member, about)
        )
        deltas.update(plan.unit.pk for plan in batch)
        exempt.update(plan.unit.pk for plan in batch if plan.values["status"] == EXEMPT)
        done += len(batch)
        report("write", done, total)

    for batch in _batches(updates):
        members = [plan.member() for plan in batch]
        fields = sorted({name for plan in batch for name in plan.fields})
        Member.objects.bulk_update(members, fields, batch_size=BATCH)
        generations.bump(generations.ROSTER)  # members moved or left
        # Same record as members.services.member_transfer, dated today.
        moves = [plan for plan in batch if plan.from_unit_id is not None]
        bulk_insert(
            [
                Transfer(
                    member_id=plan.member_id,
                    from_organization_id=plan.from_unit_id,
                    to_organization=plan.unit,
                    transferred_on=today,
                    note=TRANSFER_NOTE,
                    recorded_by=actor,
                )
                for plan in moves
            ]
        )
        for plan in moves:
            deltas[plan.from_unit_id] -= 1
            deltas[plan.unit.pk] += 1
        for plan in batch:
            was = plan.changes.get("status", [plan.values["status"]])[0] == EXEMPT
            exempt[plan.from_unit_id or plan.unit.pk] -= was
            exempt[plan.unit.pk] += plan.values["status"] == EXEMPT
        transferred += len(moves)
        bulk_insert(
            [
                audit_entry(actor, "member.import_update", member, plan.changes)
                for member, plan in zip(members, batch, strict=True)
            ]
        )
        done += len(batch)
        report("write", done, total)

    member_count_add(dict(deltas), dict(exempt))
    if result.writes:
        audit_record(
            actor,
            "roster.import",
            roster.organization,
            {
                "file": [None, roster.original_name],
                "created": [None, len(creates)],
                "updated": [None, len(updates)],
                "transferred": [None, transferred],
            },
        )
