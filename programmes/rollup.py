"""Task figures for a subtree and each unit just below it, from the per-(document, unit)
tallies: a constant number of queries whatever the number of tasks or units."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from documents.models import Obligation
from organizations.models import Organization
from programmes.models import BUCKET_FIELDS, Bucket, Target, Task, TaskSubtree, TaskTally
from programmes.services import rolled_actual
from programmes.status import expected_share

# Colours of the buckets in charts: green done, amber late, blue open, red overdue.
COLOURS = {
    Bucket.DONE_ON_TIME: "#2e7d32",
    Bucket.DONE_LATE: "#9e9d24",
    Bucket.OPEN_IN_TIME: "#1565c0",
    Bucket.OVERDUE: "#c62828",
    Bucket.NOT_STARTED: "#757575",
    Bucket.ADJUSTED: "#6a1b9a",
    Bucket.DROPPED: "#bdbdbd",
}


@dataclass
class TaskFigures:
    unit: Organization
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKET_FIELDS, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts[Bucket.DONE_ON_TIME] + self.counts[Bucket.DONE_LATE]

    @property
    def overdue(self) -> int:
        return self.counts[Bucket.OVERDUE]

    def segments(self) -> list[dict]:
        """Bucket shares for a stacked bar: label, colour, count, start and width in %."""
        out, at = [], 0.0
        for bucket in Bucket:
            n = self.counts[bucket.value]
            if not n:
                continue
            width = 100.0 * n / self.total
            out.append(
                {
                    "bucket": bucket.value,
                    "label": bucket.label,
                    "colour": COLOURS[bucket],
                    "count": n,
                    "x": round(at, 3),
                    "width": round(width, 3),
                }
            )
            at += width
        return out

    def cells(self) -> list[tuple[Bucket, str, int]]:
        """(bucket, colour, count) in bucket order, for tables and legends."""
        return [(bucket, COLOURS[bucket], self.counts[bucket.value]) for bucket in Bucket]

    def as_json(self) -> dict:
        return {
            "unit": {"id": self.unit.pk, "code": self.unit.code, "name": self.unit.name},
            "total": self.total,
            **self.counts,
        }


@dataclass
class TaskRollup:
    total: TaskFigures
    children: list[TaskFigures]
    most_overdue: list[tuple[Organization, int]]


def _tallies(document_id: int | None):
    rows = TaskTally.objects.all()
    return rows.filter(document_id=document_id) if document_id else rows


def task_rollup(
    unit: Organization, document_id: int | None = None, *, worst: bool = True
) -> TaskRollup:
    """`worst`: also find the ten units with the most overdue tasks (one more grouped
    query over the subtree)."""
    tallies = _tallies(document_id)
    kids = list(Organization.objects.get_children(unit).select_related("level"))
    # The subtree rows of the unit and of each child (per document, summed when the
    # figures cover every document): a handful of rows whatever the size of the tree.
    subtrees = TaskSubtree.objects.filter(path__in=[unit.path, *(child.path for child in kids)])
    if document_id:
        subtrees = subtrees.filter(document_id=document_id)
    sums = subtrees.values("path").annotate(**{n: Sum(n) for n in BUCKET_FIELDS}).order_by()
    by_path = {row.pop("path"): row for row in sums}
    total = TaskFigures(unit)
    total.counts = {name: by_path.get(unit.path, {}).get(name) or 0 for name in BUCKET_FIELDS}
    children = []
    for child in kids:
        figures = TaskFigures(child)
        row = by_path.get(child.path, {})
        figures.counts = {name: row.get(name) or 0 for name in BUCKET_FIELDS}
        children.append(figures)
    if not worst:
        return TaskRollup(total=total, children=children, most_overdue=[])
    worst_rows = (
        tallies.filter(organization__path__startswith=unit.path)
        .values("organization")
        .annotate(n=Sum("overdue"))
        .filter(n__gt=0)
        .order_by("-n", "organization")[:10]
    )
    worst_rows = list(worst_rows)
    units = Organization.objects.in_bulk([row["organization"] for row in worst_rows])
    most = [(units[row["organization"]], row["n"]) for row in worst_rows]
    return TaskRollup(total=total, children=children, most_overdue=most)


DUE_SOON = dt.timedelta(days=14)


def due_soon(unit: Organization, today: dt.date | None = None, limit: int = 20):
    """The unit's own open tasks that are overdue or due within two weeks: the reminders
    shown on the unit's page, whatever the programme's email settings."""
    today = today or timezone.localdate()
    return (
        Task.objects.filter(
            lead=unit,
            bucket__in=(Bucket.OPEN_IN_TIME, Bucket.OVERDUE),
            deadline__lte=today + DUE_SOON,
        )
        .select_related("document")
        .order_by("deadline", "pk")[:limit]
    )


def escalated(unit: Organization, document_id: int | None = None, limit: int = 50):
    """Overdue tasks of the units below, raised to this level by the daily job."""
    tasks = Task.objects.filter(
        escalated=True,
        bucket=Bucket.OVERDUE,
        lead__path__startswith=unit.path,
    ).exclude(lead=unit)
    if document_id:
        tasks = tasks.filter(document_id=document_id)
    return tasks.select_related("lead", "document").order_by("deadline", "pk")[:limit]


@dataclass
class TargetLine:
    target: Target
    actual: Decimal | None
    progress: float | None  # share of the way from baseline to target, direction-aware
    expected: float  # share expected by today at an even pace

    @property
    def behind(self) -> bool:
        return self.progress is not None and self.progress + 0.05 < self.expected

    @property
    def progress_pct(self) -> float:
        return min(100.0, 100.0 * (self.progress or 0.0))

    @property
    def expected_pct(self) -> float:
        return 100.0 * self.expected


def _progress(target: Target, actual: Decimal | None) -> float | None:
    """Reaching the near end of a range counts as reaching the target: its low end when
    higher is better, its high end when lower is better."""
    if actual is None:
        return None
    up = target.direction == "up"
    goal = target.low if up or target.high is None else target.high
    base = target.baseline
    if base is None:
        if not up:
            return 1.0 if actual <= goal else 0.0
        return float(actual / goal) if goal else None
    span = (goal - base) if up else (base - goal)
    if span <= 0:
        return 1.0 if (actual >= goal if up else actual <= goal) else 0.0
    moved = (actual - base) if up else (base - actual)
    return max(0.0, float(moved / span))


def _periods(target: Target, seen: frozenset = frozenset()) -> set[str]:
    """Periods with a value for the target itself or any target serving it."""
    found = set(target.actuals.values_list("period", flat=True))
    for lower in Target.objects.filter(serves__higher_target=target).exclude(pk__in=seen):
        found |= _periods(lower, seen | {target.pk})
    return found


def target_lines(targets, today: dt.date | None = None) -> list[TargetLine]:
    """Each target's latest value (its own, or rolled up) against the calendar."""
    today = today or timezone.localdate()
    lines = []
    for target in targets:
        periods = _periods(target)
        period = max(periods) if periods else str(today.year)
        actual = rolled_actual(target, period)
        lines.append(
            TargetLine(
                target=target,
                actual=actual,
                progress=_progress(target, actual),
                expected=expected_share(target.programme.starts_on, target.year, today),
            )
        )
    return lines


def obligations(unit: Organization, document_id: int) -> dict:
    """Who below has, and has not, issued its implementing plan for the document."""
    rows = Obligation.objects.filter(document_id=document_id, unit__path__startswith=unit.path)
    counts = {state: 0 for state in Obligation.State.values}
    for state, n in rows.values_list("state").annotate(n=Count("pk")).order_by():
        counts[state] = n
    missing = (
        rows.exclude(state=Obligation.State.SENT)
        .select_related("unit")
        .order_by("due_on", "unit__path")[:50]
    )
    return {"counts": counts, "missing": list(missing), "total": sum(counts.values())}
