"""Writes for programmes, targets, tasks, contributions, progress, decisions and
inspections. Every change of a task's bucket moves `TaskTally` in the same transaction;
`task_tally_rebuild` recounts from the tasks and a test proves it finds nothing to fix.
"""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from accounts.policy import Action
from audit.services import audit_record
from documents.models import Document, Kind
from organizations.models import Organization
from organizations.subtree import subtree_add, subtree_counted, subtree_store
from programmes.models import (
    BUCKET_FIELDS,
    Actual,
    Bucket,
    Contribution,
    Decision,
    Inspection,
    Programme,
    Progress,
    Recurrence,
    Target,
    Task,
    TaskSubtree,
    TaskTally,
)
from programmes.status import bucket_of, period_of
from vn.formats import format_date

PROGRAMME_KINDS = (Kind.PROGRAMME, Kind.PLAN, Kind.PROJECT)
PERCENT_UNITS = ("%", "phần trăm")
BATCH = 2000


# --- Counters -----------------------------------------------------------------------------


class Moves:
    """Tally changes collected during a write, applied once in (document, unit) order."""

    def __init__(self):
        self.rows: dict[tuple[int, int], Counter] = defaultdict(Counter)

    def move(self, task: Task, old: str | None, new: str | None) -> None:
        if old == new:
            return
        key = (task.document_id, task.lead_id)
        if old:
            self.rows[key][old] -= 1
        if new:
            self.rows[key][new] += 1

    def apply(self) -> None:
        for (document_id, unit_id), fields in sorted(self.rows.items()):
            changes = {name: F(name) + n for name, n in fields.items() if n}
            if not changes:
                continue
            rows = TaskTally.objects.filter(document_id=document_id, organization_id=unit_id)
            if not rows.update(**changes):
                TaskTally.objects.bulk_create(
                    [TaskTally(document_id=document_id, organization_id=unit_id)],
                    ignore_conflicts=True,
                )
                rows.update(**changes)
        self._subtrees_move()

    def _subtrees_move(self) -> None:
        """The same changes, added to the subtree rows of each lead unit and its ancestors."""
        moved = {key: fields for key, fields in self.rows.items() if any(fields.values())}
        if not moved:
            return
        units = {unit_id for _document, unit_id in moved}
        paths = dict(Organization.objects.filter(pk__in=units).values_list("pk", "path"))
        by_document: dict[int, dict[str, Counter]] = defaultdict(dict)
        for (document_id, unit_id), fields in moved.items():
            changes = by_document[document_id].setdefault(paths[unit_id], Counter())
            changes.update({name: n for name, n in fields.items() if n})
        for document_id, changes in sorted(by_document.items()):
            subtree_add(TaskSubtree, {"document_id": document_id}, changes)


def _rebucket(task: Task, today: dt.date, moves: Moves) -> bool:
    new = bucket_of(task.deadline, task.completed_on, task.exception, today)
    if new == task.bucket:
        return False
    moves.move(task, task.bucket, new)
    task.bucket = new
    return True


def task_tally_rebuild(today: dt.date | None = None) -> int:
    """Re-derive every bucket and recount the tallies; returns rows corrected."""
    today = today or timezone.localdate()
    fixed = 0
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    with transaction.atomic():
        tasks = Task.objects.only(
            "pk", "document_id", "lead_id", "deadline", "completed_on", "exception", "bucket"
        )
        stale = []
        for task in tasks.iterator(chunk_size=BATCH):
            bucket = bucket_of(task.deadline, task.completed_on, task.exception, today)
            if bucket != task.bucket:
                task.bucket = bucket
                stale.append(task)
            counts[(task.document_id, task.lead_id)][bucket] += 1
        Task.objects.bulk_update(stale, ["bucket"], batch_size=BATCH)
        fixed += len(stale)
        current = {(r.document_id, r.organization_id): r for r in TaskTally.objects.all()}
        changed, added = [], []
        for key in set(counts) | set(current):
            want = {name: counts[key][name] for name in BUCKET_FIELDS}
            row = current.get(key)
            if row is None:
                if any(want.values()):
                    added.append(TaskTally(document_id=key[0], organization_id=key[1], **want))
            elif any(getattr(row, name) != value for name, value in want.items()):
                for name, value in want.items():
                    setattr(row, name, value)
                changed.append(row)
        # In bulk: one statement per batch, not one per unit (38.000 rows in a province).
        TaskTally.objects.bulk_create(added, batch_size=BATCH)
        TaskTally.objects.bulk_update(changed, list(BUCKET_FIELDS), batch_size=BATCH)
        fixed += len(added) + len(changed)
        fixed += task_subtree_rebuild()
    return fixed


def task_subtree_rebuild(document_ids=None) -> int:
    """Recount the subtree rows from the task tallies (of `document_ids`, else of every
    document); returns rows changed."""
    tallies, stored = TaskTally.objects.all(), TaskSubtree.objects.order_by("pk")
    if document_ids is not None:
        tallies = tallies.filter(document_id__in=document_ids)
        stored = stored.filter(document_id__in=document_ids)
    sums = {name: Sum(name) for name in BUCKET_FIELDS}
    wanted = subtree_counted(tallies, "organization", ["document_id"], **sums)
    return subtree_store(stored, ["document_id"], BUCKET_FIELDS, wanted)


def task_subtrees_recount(unit: Organization) -> int:
    """After a move or a closing: recount the documents with task tallies under `unit`."""
    touched = TaskTally.objects.filter(organization__path__startswith=unit.path)
    return task_subtree_rebuild(set(touched.values_list("document_id", flat=True)))


# --- Programmes, targets, tasks -------------------------------------------------------


def programme_create(actor, document: Document, **settings) -> Programme:
    if not policy.can(actor, Action.MANAGE_PROGRAMMES, document.owner):
        raise ValidationError(_("Bạn không được nhập nội dung chương trình của đơn vị này."))
    if document.kind not in PROGRAMME_KINDS:
        raise ValidationError(
            _("Chỉ chương trình hành động, kế hoạch hoặc đề án mới có chỉ tiêu và nhiệm vụ.")
        )
    if Programme.objects.filter(document=document).exists():
        raise ValidationError(_("Văn bản này đã có nội dung chương trình."))
    with transaction.atomic():
        programme = Programme.objects.create(
            document=document, organization=document.owner, created_by=actor, **settings
        )
        audit_record(actor, "programme.create", programme, {"document": [None, str(document)]})
    return programme


def _check_manage(actor, programme: Programme) -> None:
    if not policy.can(actor, Action.MANAGE_PROGRAMMES, programme.organization):
        raise ValidationError(_("Bạn không được sửa chương trình của đơn vị này."))


def target_problems(programme: Programme, fields: dict) -> dict[str, str]:
    problems = {}
    low, high = fields.get("low"), fields.get("high")
    unit = (fields.get("unit_of_measure") or "").strip()
    if not unit:
        problems["unit_of_measure"] = _("Hãy ghi đơn vị tính.")
    if low is not None and high is not None and high < low:
        problems["high"] = _("Khoảng mục tiêu phải ghi từ thấp đến cao (ví dụ 7,3–7,8).")
    if unit.lower() in PERCENT_UNITS:
        for name in ("low", "high", "baseline"):
            value = fields.get(name)
            if value is not None and not (Decimal(0) <= value <= Decimal(100)):
                problems[name] = _("Tỷ lệ phần trăm phải từ 0 đến 100.")
    year = fields.get("year")
    if year is not None and year < programme.starts_on.year:
        problems["year"] = _("Năm đạt chỉ tiêu không được trước năm ban hành chương trình.")
    return problems


def target_add(actor, programme: Programme, **fields) -> Target:
    _check_manage(actor, programme)
    if problems := target_problems(programme, fields):
        raise ValidationError(problems)
    with transaction.atomic():
        target = Target.objects.create(
            programme=programme, position=programme.targets.count(), **fields
        )
        audit_record(actor, "target.create", target, {"name": [None, target.name]})
    return target


def task_problems(programme: Programme | None, fields: dict) -> dict[str, str]:
    problems = {}
    if not (fields.get("content") or "").strip():
        problems["content"] = _("Hãy ghi nội dung nhiệm vụ.")
    lead = fields.get("lead")
    if lead is None:
        problems["lead"] = _("Hãy chọn cơ quan chủ trì.")
    elif not lead.is_open:
        problems["lead"] = _("Đơn vị “%(name)s” đã đóng.") % {"name": lead.name}
    deadline = fields.get("deadline")
    if programme is not None and deadline is not None and deadline < programme.starts_on:
        problems["deadline"] = _(
            "Thời hạn %(date)s trước ngày ban hành chương trình (%(start)s)."
        ) % {
            "date": format_date(deadline),
            "start": format_date(programme.starts_on),
        }
    recurrence = fields.get("recurrence") or ""
    if not recurrence and deadline is None and not problems.get("deadline"):
        pass  # a task without a deadline is allowed: it is never overdue
    return problems


def _new_task(programme, inspection, document, fields, partners, today) -> Task:
    recurrence = fields.get("recurrence") or Recurrence.NONE
    if recurrence:
        fields["deadline"] = period_of(recurrence, today)[1]
    task = Task(programme=programme, inspection=inspection, document=document, **fields)
    task.bucket = bucket_of(task.deadline, None, "", today)
    return task


def task_add(actor, programme: Programme, *, partners=(), **fields) -> Task:
    _check_manage(actor, programme)
    if problems := task_problems(programme, fields):
        raise ValidationError(problems)
    return tasks_create(actor, programme, [(fields, list(partners))])[0]


def tasks_create(actor, programme: Programme, rows, inspection: Inspection | None = None):
    """Create checked tasks in bulk (the XLSX appendix, or one from a form)."""
    today = timezone.localdate()
    document = programme.document if programme is not None else inspection.document
    with transaction.atomic():
        tasks = [_new_task(programme, inspection, document, dict(f), p, today) for f, p in rows]
        Task.objects.bulk_create(tasks, batch_size=BATCH)
        through = Task.partners.through
        through.objects.bulk_create(
            [
                through(task_id=task.pk, organization_id=unit.pk)
                for task, (_fields, partners) in zip(tasks, rows, strict=True)
                for unit in partners
            ],
            batch_size=BATCH,
        )
        moves = Moves()
        for task in tasks:
            moves.move(task, None, task.bucket)
        moves.apply()
        audit_record(
            actor,
            "task.create",
            programme or inspection,
            {"tasks": [None, len(tasks)]},
        )
    return tasks


# --- Contributions and roll-up ---------------------------------------------------------


def _reaches(start_ids: set[int], goal: int, field: str, higher: str) -> bool:
    """Whether following `higher` links from `start_ids` arrives at `goal`."""
    seen, frontier = set(), set(start_ids)
    while frontier:
        if goal in frontier:
            return True
        seen |= frontier
        frontier = (
            set(
                Contribution.objects.filter(**{f"{field}__in": frontier}).values_list(
                    higher, flat=True
                )
            )
            - seen
        )
    return False


def contribution_link(actor, *, lower, higher, weight: Decimal = Decimal(1)) -> Contribution:
    """Link a lower unit's task (or target) to the higher one it serves."""
    is_task = isinstance(lower, Task)
    if is_task != isinstance(higher, Task):
        raise ValidationError(_("Chỉ liên kết nhiệm vụ với nhiệm vụ, chỉ tiêu với chỉ tiêu."))
    lower_unit = lower.lead if is_task else lower.programme.organization
    if not policy.can(actor, Action.MANAGE_PROGRAMMES, lower_unit):
        raise ValidationError(_("Bạn không được liên kết nhiệm vụ của đơn vị này."))
    if weight is None or weight <= 0:
        raise ValidationError({"weight": _("Trọng số phải lớn hơn 0.")})
    if lower.pk == higher.pk:
        raise ValidationError(_("Một nhiệm vụ không thể đóng góp cho chính nó."))
    units_differ = not is_task and (
        lower.unit_of_measure.strip().lower() != higher.unit_of_measure.strip().lower()
    )
    if units_differ:
        raise ValidationError(
            _("Không cộng dồn được chỉ tiêu khác đơn vị tính (%(a)s và %(b)s).")
            % {"a": lower.unit_of_measure, "b": higher.unit_of_measure}
        )
    field, up = ("task", "higher_task") if is_task else ("target", "higher_target")
    if _reaches({higher.pk}, lower.pk, field + "_id", up + "_id"):
        raise ValidationError(_("Liên kết này tạo thành vòng lặp đóng góp."))
    if Contribution.objects.filter(**{field: lower, up: higher}).exists():
        raise ValidationError(_("Liên kết này đã có."))
    with transaction.atomic():
        link = Contribution.objects.create(**{field: lower, up: higher, "weight": weight})
        audit_record(actor, "contribution.create", link, {up: [None, higher.pk]})
    return link


ROLLUP_RULE = gettext_lazy(
    "Tiến độ của một nhiệm vụ có nhiệm vụ cấp dưới đóng góp là bình quân gia quyền tiến độ "
    "của các nhiệm vụ đó (trọng số ghi trên từng liên kết); nhiệm vụ đã hoàn thành tính "
    "100%; nhiệm vụ chưa có nhiệm vụ đóng góp lấy tiến độ do đơn vị chủ trì báo cáo."
)


def rolled_progress(tasks: list[Task]) -> dict[int, float]:
    """Each task's progress in percent, rolled up through contributions (weighted)."""
    result: dict[int, float] = {}
    links = defaultdict(list)
    frontier = {t.pk for t in tasks}
    known: dict[int, tuple[int, bool]] = {
        t.pk: (t.percent, t.completed_on is not None) for t in tasks
    }
    seen = set()
    while frontier:
        seen |= frontier
        rows = Contribution.objects.filter(higher_task_id__in=frontier).values_list(
            "higher_task_id", "task_id", "weight", "task__percent", "task__completed_on"
        )
        frontier = set()
        for higher, lower, weight, percent, completed in rows:
            links[higher].append((lower, float(weight)))
            known[lower] = (percent, completed is not None)
            if lower not in seen:
                frontier.add(lower)

    def value(pk: int, path: frozenset) -> float:
        if pk in result:
            return result[pk]
        percent, done = known.get(pk, (0, False))
        if done:
            out = 100.0
        elif links.get(pk) and pk not in path:
            total = sum(w for _, w in links[pk])
            out = sum(value(low, path | {pk}) * w for low, w in links[pk]) / total
        else:
            out = float(percent)
        result[pk] = out
        return out

    return {t.pk: value(t.pk, frozenset()) for t in tasks}


def rolled_actual(target: Target, period: str) -> Decimal | None:
    """A target's value for a period: its own actual, else the sum or weighted mean of
    the targets that serve it (same unit of measure, checked when linked)."""
    own = target.actuals.filter(period=period).values_list("value", flat=True).first()
    if own is not None:
        return own
    parts = []
    for link in Contribution.objects.filter(higher_target=target).select_related("target"):
        value = rolled_actual(link.target, period)
        if value is not None:
            parts.append((value, link.weight))
    if not parts:
        return None
    if target.aggregate == "mean":
        return sum(v * w for v, w in parts) / sum(w for _, w in parts)
    return sum(v for v, _ in parts)


# --- Progress, actuals, decisions -----------------------------------------------------


def task_owner(task: Task) -> Organization:
    """The unit that assigned the task: the programme's, or the inspecting unit."""
    return task.programme.organization if task.programme_id else task.inspection.organization


def may_report(actor, task: Task) -> bool:
    return policy.can_report_for(actor, task.lead, task_owner(task))


def progress_report(
    actor,
    task: Task,
    *,
    percent: int,
    milestone: str = "",
    note: str = "",
    completed: bool = False,
    product: str = "",
    reported_on: dt.date | None = None,
    completed_on: dt.date | None = None,
) -> Progress:
    """The lead unit reports; only the lead unit. Completing needs the product and records
    the day the task was actually completed (given by the reporter, the report's day when
    not given), which is what the status buckets judge against the deadline."""
    today = timezone.localdate()
    reported_on = reported_on or today
    completed_on = (completed_on or reported_on) if completed else None
    if not may_report(actor, task):
        raise ValidationError(_("Chỉ cơ quan chủ trì báo cáo tiến độ nhiệm vụ này."))
    problems = {}
    if percent is None or not 0 <= percent <= 100:
        problems["percent"] = _("Tiến độ phải từ 0 đến 100%.")
    if completed and not (product or "").strip():
        problems["product"] = _("Báo cáo hoàn thành cần ghi sản phẩm đã hoàn thành.")
    if reported_on > today:
        problems["reported_on"] = _("Ngày báo cáo không được sau hôm nay.")
    if completed_on is not None and completed_on > today:
        problems["completed_on"] = _("Ngày hoàn thành không được sau hôm nay.")
    if task.bucket == Bucket.DROPPED:
        problems["percent"] = _("Nhiệm vụ đã dừng thực hiện theo quyết định.")
    if problems:
        raise ValidationError(problems)
    percent = 100 if completed else percent
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        period = period_of(task.recurrence, reported_on)
        entry = Progress.objects.create(
            task=task,
            period=period[0] if period else "",
            percent=percent,
            milestone=milestone.strip()[:300],
            note=note.strip(),
            completed=completed,
            product=product.strip()[:500],
            reported_on=reported_on,
            reported_by=actor,
        )
        old = {"percent": task.percent, "completed_on": task.completed_on}
        task.percent = percent
        if completed:
            task.completed_on = completed_on
            task.completed_product = entry.product
        moves = Moves()
        _rebucket(task, today, moves)
        task.save(update_fields=["percent", "completed_on", "completed_product", "bucket"])
        moves.apply()
        audit_record(
            actor,
            "task.progress",
            task,
            {
                "percent": [old["percent"], task.percent],
                **(
                    {"completed_on": [_iso(old["completed_on"]), completed_on.isoformat()]}
                    if completed_on is not None and old["completed_on"] != completed_on
                    else {}
                ),
            },
        )
    return entry


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def actual_set(actor, target: Target, period: str, value: Decimal, note: str = "") -> Actual:
    if not policy.can(actor, Action.REPORT_PROGRESS, target.programme.organization):
        raise ValidationError(_("Bạn không được báo cáo chỉ tiêu của đơn vị này."))
    period = (period or "").strip()
    if not period or len(period) > 10:
        raise ValidationError({"period": _("Hãy ghi kỳ báo cáo, ví dụ 2025 hoặc 2025-Q2.")})
    if target.unit_of_measure.strip().lower() in PERCENT_UNITS and not 0 <= value <= 100:
        raise ValidationError({"value": _("Tỷ lệ phần trăm phải từ 0 đến 100.")})
    with transaction.atomic():
        old = target.actuals.filter(period=period).values_list("value", flat=True).first()
        actual, _created = Actual.objects.update_or_create(
            target=target,
            period=period,
            defaults={"value": value, "note": note[:300], "reported_by": actor},
        )
        audit_record(
            actor,
            "target.actual",
            target,
            {period: [str(old) if old is not None else None, str(value)]},
        )
    return actual


def decision_record(
    actor,
    task: Task,
    *,
    kind: str,
    reference: str,
    decided_on: dt.date,
    new_deadline: dt.date | None = None,
) -> Decision:
    """Adjust, drop, postpone or resume a task by a recorded decision."""
    if not policy.can(actor, Action.MANAGE_PROGRAMMES, task_owner(task)):
        raise ValidationError(_("Chỉ đơn vị giao nhiệm vụ mới quyết định điều chỉnh."))
    if not (reference or "").strip():
        raise ValidationError({"reference": _("Hãy ghi căn cứ: số, ký hiệu văn bản quyết định.")})
    if kind not in Decision.Kind.values:
        raise ValidationError({"kind": _("Loại quyết định không hợp lệ.")})
    if new_deadline is not None and task.programme_id and new_deadline < task.programme.starts_on:
        raise ValidationError({"new_deadline": _("Thời hạn mới trước ngày ban hành chương trình.")})
    today = timezone.localdate()
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        decision = Decision.objects.create(
            task=task,
            kind=kind,
            reference=reference.strip(),
            decided_on=decided_on,
            new_deadline=new_deadline,
            recorded_by=actor,
        )
        old = {"exception": task.exception, "deadline": task.deadline}
        task.exception = kind
        if new_deadline is not None:
            task.deadline = new_deadline
        moves = Moves()
        _rebucket(task, today, moves)
        task.save(update_fields=["exception", "deadline", "bucket"])
        moves.apply()
        audit_record(
            actor,
            "task.decision",
            task,
            {
                "exception": [old["exception"], kind],
                "deadline": [
                    old["deadline"].isoformat() if old["deadline"] else None,
                    task.deadline.isoformat() if task.deadline else None,
                ],
                "reference": [None, decision.reference],
            },
        )
    return decision


# --- The daily job ----------------------------------------------------------------------


def buckets_refresh(today: dt.date | None = None) -> int:
    """Move tasks whose deadline has passed into Quá hạn, and start the new period of
    recurring tasks. Only tasks that can have changed are read (indexed by bucket and
    deadline); running it twice changes nothing the second time."""
    today = today or timezone.localdate()
    changed = 0
    passed = Task.objects.filter(bucket=Bucket.OPEN_IN_TIME, deadline__lt=today)
    recurring = Task.objects.exclude(recurrence="").filter(deadline__lt=today)
    for queryset in (recurring, passed):
        while True:
            with transaction.atomic():
                batch = list(queryset.select_for_update().order_by("pk")[:BATCH])
                if not batch:
                    break
                moves = Moves()
                for task in batch:
                    if task.recurrence:
                        # A new period: judged afresh against the period's last day.
                        task.deadline = period_of(task.recurrence, today)[1]
                        task.completed_on = None
                        task.percent = 0
                        task.escalated = False
                    _rebucket(task, today, moves)
                Task.objects.bulk_update(
                    batch, ["deadline", "completed_on", "percent", "escalated", "bucket"]
                )
                moves.apply()
                changed += len(batch)
    return changed


# --- Inspections ------------------------------------------------------------------------


def inspection_create(actor, *, organization: Organization, units, **fields) -> Inspection:
    if not policy.can(actor, Action.PLAN_INSPECTIONS, organization):
        raise ValidationError(_("Bạn không được lập kế hoạch kiểm tra của đơn vị này."))
    problems = {}
    if (
        fields.get("period_to")
        and fields.get("period_from")
        and fields["period_to"] < fields["period_from"]
    ):
        problems["period_to"] = _("Ngày kết thúc phải sau ngày bắt đầu.")
    outside = [u.name for u in units if not u.path.startswith(organization.path)]
    if outside:
        problems["units"] = _("Chỉ kiểm tra đơn vị cấp dưới: %(names)s.") % {
            "names": ", ".join(outside)
        }
    if not units:
        problems["units"] = _("Hãy chọn đơn vị được kiểm tra.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            organization=organization, created_by=actor, **fields
        )
        inspection.units.set(units)
        audit_record(
            actor, "inspection.create", inspection, {"subject": [None, inspection.subject]}
        )
    return inspection


def inspection_record(
    actor, inspection: Inspection, *, visited_on, findings: str, conclusions: str
):
    if not policy.can(actor, Action.INSPECT, inspection.organization):
        raise ValidationError(_("Bạn không được ghi kết quả kiểm tra này."))
    if visited_on is None:
        raise ValidationError({"visited_on": _("Hãy ghi ngày làm việc.")})
    if visited_on < inspection.period_from:
        raise ValidationError({"visited_on": _("Ngày làm việc trước kỳ kiểm tra.")})
    old = {"findings": inspection.findings, "conclusions": inspection.conclusions}
    inspection.visited_on, inspection.findings, inspection.conclusions = (
        visited_on,
        findings.strip(),
        conclusions.strip(),
    )
    with transaction.atomic():
        inspection.save(update_fields=["visited_on", "findings", "conclusions"])
        audit_record(
            actor,
            "inspection.record",
            inspection,
            {k: [v, getattr(inspection, k)] for k, v in old.items() if v != getattr(inspection, k)},
        )
    return inspection


def followup_add(actor, inspection: Inspection, *, partners=(), **fields) -> Task:
    """A follow-up task from an inspection's conclusions, tracked like any other."""
    if not policy.can(actor, Action.INSPECT, inspection.organization):
        raise ValidationError(_("Bạn không được giao nhiệm vụ sau kiểm tra này."))
    if inspection.document_id is None:
        raise ValidationError(
            _("Hãy chọn văn bản được kiểm tra việc thực hiện trước khi giao nhiệm vụ sau kiểm tra.")
        )
    problems = task_problems(None, fields)
    lead = fields.get("lead")
    if lead is not None and not inspection.units.filter(pk=lead.pk).exists():
        problems["lead"] = _("Nhiệm vụ sau kiểm tra giao cho đơn vị được kiểm tra.")
    if problems:
        raise ValidationError(problems)
    return tasks_create(actor, None, [(fields, list(partners))], inspection=inspection)[0]
