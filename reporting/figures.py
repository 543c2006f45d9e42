"""The figures of a report: one row per unit just below, the totals, and the standard
phrasing ("35.599/35.900 đảng viên, đạt 99,16%"), collected from the roll-up counters and
stored in the report as plain JSON, so an issued report never changes."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.rollup import campaign_rollup
from documents.models import Document, LinkKind, Obligation
from organizations.models import Organization, sums_by_child
from programmes.models import BUCKET_FIELDS, Bucket, Target
from programmes.rollup import target_lines, task_rollup
from reporting.models import Kind, Snapshot
from reports.rollup import report_rollup
from vn.formats import format_decimal, format_int, format_percent, format_ratio


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    percent_of: str = ""  # a rate: this column over `percent_of`, not summed


def _campaign_columns() -> list[Column]:
    return [
        Column("members", _("Tổng số đảng viên")),
        Column("required", _("Đảng viên phải học tập")),
        Column("attended", _("Đã dự học tập")),
        Column("attended_rate", _("Tỷ lệ dự (%)"), percent_of="attended/required"),
        Column("absent_excused", _("Vắng có lý do")),
        Column("absent_unexcused", _("Vắng không lý do")),
        Column("made_up", _("Đã học bù")),
        Column("cells", _("Tổng số chi bộ")),
        Column("cells_held", _("Chi bộ đã tổ chức")),
        Column("submitted", _("Đã nộp bài thu hoạch")),
        Column("on_time", _("Nộp đúng hạn")),
        Column("late", _("Nộp muộn")),
        Column("missing", _("Chưa nộp")),
        Column("rated", _("Đã đánh giá")),
        Column("flagged", _("Nghi sao chép")),
        Column("plans_required", _("Đơn vị phải ban hành kế hoạch")),
        Column("plans_sent", _("Đã ban hành kế hoạch")),
        Column("tasks", _("Tổng số nhiệm vụ")),
        Column("tasks_done", _("Nhiệm vụ đã hoàn thành")),
        Column("tasks_overdue", _("Nhiệm vụ quá hạn")),
    ]


def _period_columns() -> list[Column]:
    return [
        Column("tasks", _("Tổng số nhiệm vụ")),
        Column(Bucket.DONE_ON_TIME, _("Hoàn thành đúng hạn")),
        Column(Bucket.DONE_LATE, _("Hoàn thành quá hạn")),
        Column(Bucket.OPEN_IN_TIME, _("Đang thực hiện trong hạn")),
        Column(Bucket.OVERDUE, _("Quá hạn")),
        Column(Bucket.NOT_STARTED, _("Chưa triển khai")),
        Column(Bucket.ADJUSTED, _("Điều chỉnh")),
        Column(Bucket.DROPPED, _("Dừng thực hiện")),
        Column("done_rate", _("Tỷ lệ hoàn thành (%)"), percent_of="tasks_done/tasks"),
        Column("plans_required", _("Đơn vị phải ban hành kế hoạch")),
        Column("plans_sent", _("Đã ban hành kế hoạch")),
    ]


def columns_for(kind: str) -> list[Column]:
    return _campaign_columns() if kind == Kind.CAMPAIGN else _period_columns()


def _documents_of(snapshot: Snapshot) -> list[int]:
    """The documents the report is about: the campaign's, or the one named, with the
    programmes and plans implementing them."""
    if snapshot.campaign_id:
        roots = list(snapshot.campaign.documents.values_list("pk", flat=True))
    else:
        roots = [snapshot.document_id] if snapshot.document_id else []
    implementing = Document.objects.filter(
        links_out__target_id__in=roots, links_out__kind=LinkKind.IMPLEMENTS
    ).values_list("pk", flat=True)
    return sorted(set(roots) | set(implementing))


def _plans(unit: Organization, documents: list[int]) -> tuple[dict, dict]:
    """Obligations to issue a plan, for the subtree and by child."""
    rows = Obligation.objects.filter(document_id__in=documents)
    sums = {
        "plans_required": Count("pk"),
        "plans_sent": Count("pk", filter=Q(state=Obligation.State.SENT)),
    }
    by_child = sums_by_child(rows, unit, "unit__path", **sums)
    total = rows.filter(unit__path__startswith=unit.path).aggregate(**sums)
    return total, by_child


def _tasks(unit: Organization, documents: list[int]) -> tuple[dict, dict[int, dict]]:
    total = dict.fromkeys(BUCKET_FIELDS, 0)
    children: dict[int, dict] = {}
    for document_id in documents:
        figures = task_rollup(unit, document_id, worst=False)
        for name in BUCKET_FIELDS:
            total[name] += figures.total.counts[name]
        for child in figures.children:
            row = children.setdefault(child.unit.pk, dict.fromkeys(BUCKET_FIELDS, 0))
            for name in BUCKET_FIELDS:
                row[name] += child.counts[name]
    return total, children


def _task_columns(counts: dict) -> dict:
    done = counts.get(Bucket.DONE_ON_TIME, 0) + counts.get(Bucket.DONE_LATE, 0)
    return {
        **{name: counts.get(name, 0) for name in BUCKET_FIELDS},
        "tasks": sum(counts.get(name, 0) for name in BUCKET_FIELDS),
        "tasks_done": done,
        "tasks_overdue": counts.get(Bucket.OVERDUE, 0),
    }


def _campaign_row(attendance, reports) -> dict:
    return {
        "members": attendance.members,
        "required": attendance.required,
        "attended": attendance.attended,
        "absent_excused": attendance.counts["absent_excused"],
        "absent_unexcused": attendance.counts["absent_unexcused"],
        "made_up": attendance.counts["made_up"],
        "cells": attendance.cells,
        "cells_held": attendance.cells_held,
        "submitted": reports.counts["submitted"],
        "on_time": reports.counts["on_time"],
        "late": reports.counts["late"],
        "missing": reports.missing,
        "rated": reports.counts["rated"],
        "flagged": reports.counts["flagged"],
    }


def _unit_json(unit: Organization) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def collect(snapshot: Snapshot) -> dict:
    """The report's figures, as JSON. Units below that answered the same request with an
    issued report contribute their own frozen rows; the others are read live."""
    unit = snapshot.organization
    documents = _documents_of(snapshot)
    plans_total, plans_by_child = _plans(unit, documents)
    tasks_total, tasks_by_child = _tasks(unit, documents)
    rows: list[dict] = []
    if snapshot.kind == Kind.CAMPAIGN:
        campaign = snapshot.campaign
        attendance = campaign_rollup(campaign, unit)
        reports = report_rollup(campaign, unit)
        total = _campaign_row(attendance.total, reports.total)
        children = list(zip(attendance.children, reports.children, strict=True))
        for child_attendance, child_reports in children:
            child = child_attendance.unit
            rows.append(
                {"unit": _unit_json(child), **_campaign_row(child_attendance, child_reports)}
            )
        extra = {
            "conferences": attendance.conferences,
            "bridge_points": attendance.bridge_points,
            "children_done": attendance.children_done,
            "ratings": reports.total.ratings,
        }
    else:
        total, extra = {}, {}
        for child in Organization.objects.get_children(unit):
            rows.append({"unit": _unit_json(child)})
    paths = dict(Organization.objects.get_children(unit).values_list("pk", "path"))
    for row in rows:
        plans = plans_by_child.get(paths.get(row["unit"]["id"]), {})
        row["plans_required"] = plans.get("plans_required", 0)
        row["plans_sent"] = plans.get("plans_sent", 0)
        row.update(_task_columns(tasks_by_child.get(row["unit"]["id"], {})))
        row["reported"] = None
    total.update(
        plans_required=plans_total["plans_required"] or 0, plans_sent=plans_total["plans_sent"] or 0
    )
    total.update(_task_columns(tasks_total))
    if snapshot.request_id:
        total = _with_answers(snapshot, rows, total)
    targets = []
    if snapshot.document_id:
        chosen = Target.objects.filter(programme__document_id__in=documents).select_related(
            "programme", "programme__document"
        )
        for line in target_lines(chosen[:100]):
            targets.append(
                {
                    "name": line.target.name,
                    "unit": line.target.unit_of_measure,
                    "actual": str(line.actual) if line.actual is not None else None,
                    "goal": str(line.target.low)
                    + (f"–{line.target.high}" if line.target.high is not None else ""),
                    "progress": line.progress,
                    "expected": line.expected,
                }
            )
    figures = {
        "unit": _unit_json(unit),
        "kind": snapshot.kind,
        "collected_at": timezone.now().isoformat(),
        "period": [snapshot.period_from.isoformat(), snapshot.period_to.isoformat()],
        "documents": list(
            Document.objects.filter(pk__in=documents).values_list("symbol", flat=True)
        ),
        "columns": [column.key for column in columns_for(snapshot.kind)],
        "total": total,
        "rows": rows,
        "targets": targets,
        **extra,
    }
    figures["phrases"] = phrases(figures)
    return figures


def _with_answers(snapshot: Snapshot, rows: list[dict], total: dict) -> dict:
    """Replace the rows of units that answered the request by their issued figures."""
    answers = {
        answer.organization_id: answer.figures.get("total", {})
        for answer in Snapshot.objects.filter(
            request_id=snapshot.request_id, state=Snapshot.State.ISSUED
        ).exclude(pk=snapshot.pk)
    }
    adjusted = dict(total)
    for row in rows:
        answer = answers.get(row["unit"]["id"])
        row["reported"] = answer is not None
        if answer is None:
            continue
        for key, value in answer.items():
            if isinstance(value, int) and isinstance(row.get(key), int):
                adjusted[key] = adjusted.get(key, 0) - row[key] + value
                row[key] = value
    return adjusted


def rate(part, whole) -> str:
    return format_percent(part, whole) if whole else "—"


def phrases(figures: dict) -> list[str]:
    """The sentences a report upward is written in."""
    t = figures["total"]
    rows = figures["rows"]
    out = []
    if figures["kind"] == Kind.CAMPAIGN:
        out.append(
            _("%(held)s chi bộ đã tổ chức hội nghị học tập, quán triệt.")
            % {"held": format_ratio(t["cells_held"], t["cells"])}
        )
        out.append(
            _("%(ratio)s đảng viên phải học tập đã tham dự, đạt %(rate)s.")
            % {
                "ratio": format_ratio(t["attended"], t["required"]),
                "rate": rate(t["attended"], t["required"]),
            }
        )
        if rows:
            out.append(
                _("%(done)s đơn vị trực thuộc đã hoàn thành.")
                % {"done": format_ratio(figures.get("children_done", 0), len(rows))}
            )
        out.append(
            _(
                "%(ratio)s đảng viên đã nộp bài thu hoạch, đạt %(rate)s; %(late)s bài nộp muộn, "
                "%(missing)s đảng viên chưa nộp; %(flagged)s bài nghi sao chép."
            )
            % {
                "ratio": format_ratio(t["submitted"], t["required"]),
                "rate": rate(t["submitted"], t["required"]),
                "late": format_int(t["late"]),
                "missing": format_int(t["missing"]),
                "flagged": format_int(t["flagged"]),
            }
        )
    if t.get("plans_required"):
        out.append(
            _("%(sent)s đơn vị đã ban hành kế hoạch thực hiện.")
            % {"sent": format_ratio(t["plans_sent"], t["plans_required"])}
        )
    if t.get("tasks"):
        out.append(
            _(
                "%(done)s nhiệm vụ đã hoàn thành, đạt %(rate)s (%(on_time)s đúng hạn, "
                "%(late)s quá hạn); %(open)s nhiệm vụ đang thực hiện trong hạn; %(overdue)s "
                "nhiệm vụ quá hạn."
            )
            % {
                "done": format_ratio(t["tasks_done"], t["tasks"]),
                "rate": rate(t["tasks_done"], t["tasks"]),
                "on_time": format_int(t[Bucket.DONE_ON_TIME]),
                "late": format_int(t[Bucket.DONE_LATE]),
                "open": format_int(t[Bucket.OPEN_IN_TIME]),
                "overdue": format_int(t[Bucket.OVERDUE]),
            }
        )
    for target in figures.get("targets", []):
        if target["actual"] is not None:
            out.append(
                _("Chỉ tiêu “%(name)s”: thực hiện %(actual)s %(unit)s, mục tiêu %(goal)s.")
                % {
                    "name": target["name"],
                    "actual": format_decimal(float(target["actual"]), 2),
                    "unit": target["unit"],
                    "goal": target["goal"],
                }
            )
    return out


def compare(current: dict, previous: dict) -> list[tuple[str, int, int, int]]:
    """(column, previous, current, change) for every summed column both reports have."""
    out = []
    for key in current.get("columns", []):
        now, then = current["total"].get(key), previous.get("total", {}).get(key)
        if isinstance(now, int) and isinstance(then, int):
            out.append((key, then, now, now - then))
    return out


def cell(row: dict, column: Column):
    """The value of `column` in `row`: a count, or a rate computed from two counts."""
    if column.percent_of:
        part, whole = column.percent_of.split("/")
        whole_value = row.get(whole) or 0
        return round(100 * (row.get(part) or 0) / whole_value, 2) if whole_value else None
    return row.get(column.key)
