"""The figures of a report: one row per unit just below, the totals, and the sentences a
clerk writes them in ("Có 5/5 chi bộ đã tổ chức hội nghị học tập, quán triệt; 105/115
đảng viên phải học tập đã tham dự, đạt 91,30%."), collected from the roll-up counters and
stored in the report as plain JSON, so an issued report never changes.

Every count comes from the roll-ups (`campaign_rollup`, `report_rollup`, `task_rollup`),
every rate from `vn.formats.percent`, and every sentence from the clause functions
below, which the news draft shares: a figure can only be stated one way.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences.models import BridgePoint, Conference, Format
from conferences.rollup import campaign_rollup
from documents.citations import cite
from documents.models import Document, LinkKind, Obligation
from organizations.models import Organization, sums_by_child
from programmes.models import BUCKET_FIELDS, Bucket, Target
from programmes.rollup import target_lines, task_rollup
from reporting.models import Kind, Snapshot
from reports.rollup import report_rollup
from vn.formats import format_date, format_decimal, format_int, format_percent, format_ratio
from vn.formats import percent as percent_of
from vn.names import comrade

CONFERENCES_NAMED = 10  # a unit's own conferences listed one by one; more are counted


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
        Column("encouraged", _("Miễn sinh hoạt tự nguyện dự")),
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


def columns_for(kind: str, *, study: bool | None = None) -> list[Column]:
    """A campaign's columns (study results, plans, tasks) when the report covers a
    campaign, else the task columns of a review of a document."""
    if study is None:
        study = kind == Kind.CAMPAIGN
    return _campaign_columns() if study else _period_columns()


def columns_of(figures: dict) -> list[Column]:
    """The columns a report was collected with, in their order."""
    known = {c.key: c for c in _campaign_columns() + _period_columns()}
    keys = figures.get("columns") or [c.key for c in columns_for(figures.get("kind", ""))]
    return [known[key] for key in keys if key in known]


def _documents_of(snapshot: Snapshot) -> list[int]:
    """The documents the report is about: the campaign's and the one named, with the
    programmes and plans implementing them."""
    roots = set()
    if snapshot.campaign_id:
        roots |= set(snapshot.campaign.documents.values_list("pk", flat=True))
    if snapshot.document_id:
        roots.add(snapshot.document_id)
    implementing = Document.objects.filter(
        links_out__target_id__in=roots, links_out__kind=LinkKind.IMPLEMENTS
    ).values_list("pk", flat=True)
    return sorted(roots | set(implementing))


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
        "encouraged": attendance.counts["encouraged"],
        "guests": attendance.counts["guests"],
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


def _own_row(unit: Organization, rows: list[dict], total: dict) -> dict | None:
    """What the unit holds itself (members directly in it, tasks it leads), so that the
    rows add up to the total."""
    own = {
        key: value - sum(row.get(key, 0) for row in rows)
        for key, value in total.items()
        if isinstance(value, int)
    }
    if not any(own.values()):
        return None
    name = _("%(name)s (trực tiếp)") % {"name": unit.name}
    return {"unit": {**_unit_json(unit), "name": name}, "own": True, **own}


def _conference_list(campaign, unit: Organization) -> tuple[list[dict], int]:
    """The unit's own conferences of the campaign, with who chaired them."""
    own = Conference.objects.filter(campaign=campaign, organizer=unit)
    named = list(
        own.order_by("starts_at", "pk").annotate(points=Count("bridge_points"))[:CONFERENCES_NAMED]
    )
    halls = {
        conference_id: (chair, title)
        for conference_id, chair, title in BridgePoint.objects.filter(
            conference__in=named, is_main=True
        ).values_list("conference_id", "chair", "chair_title")
    }
    listed = []
    for conference in named:
        chair = _chair(conference.chair, conference.chair_title)
        if not chair:
            chair = _chair(*halls.get(conference.pk, ("", "")))
        listed.append(
            {
                "day": timezone.localtime(conference.starts_at).date().isoformat(),
                "title": conference.title,
                "format": conference.format,
                "points": conference.points,
                "chair": chair,
            }
        )
    return listed, own.count()


def collect(snapshot: Snapshot) -> dict:
    """The report's figures, as JSON. Units below that answered the same request with an
    issued report contribute their own frozen rows; the others are read live."""
    unit = snapshot.organization
    documents = _documents_of(snapshot)
    plans_total, plans_by_child = _plans(unit, documents)
    tasks_total, tasks_by_child = _tasks(unit, documents)
    study = snapshot.campaign_id is not None
    rows: list[dict] = []
    extra: dict = {"study": study, "committee": _committee_word(unit)}
    if study:
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
        listed, own_conferences = _conference_list(campaign, unit)
        extra |= {
            "conferences": attendance.conferences,
            "own_conferences": own_conferences,
            "conference_list": listed,
            "bridge_points": attendance.bridge_points,
            "children_done": attendance.children_done,
            "ratings": reports.total.ratings,
        }
    else:
        total = {}
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
    own = _own_row(unit, rows, total)
    if own is not None:
        rows.insert(0, own)
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
    cited = Document.objects.filter(pk__in=documents).order_by("issued_on", "pk")
    figures = {
        "unit": _unit_json(unit),
        "kind": snapshot.kind,
        "collected_at": timezone.now().isoformat(),
        "period": [snapshot.period_from.isoformat(), snapshot.period_to.isoformat()],
        "documents": [document.display_symbol for document in cited],
        "cited": [cite(document, subject=unit.name) for document in cited],
        "columns": [column.key for column in columns_for(snapshot.kind, study=study)],
        "total": total,
        "rows": rows,
        "targets": targets,
        **extra,
    }
    figures["phrases"] = phrases(figures)
    return figures


def _chair(name: str, title: str) -> str:
    """ "đồng chí Nguyễn Văn A, Bí thư Đảng ủy phường", the word for comrade in the page's
    language (the name and title are data)."""
    who = comrade(name, title).removeprefix("đồng chí ")
    return _("đồng chí %(who)s") % {"who": who} if who else ""


def _committee_word(unit: Organization) -> str:
    """How the unit's report names itself: "Đảng ủy", "Ban Thường vụ", "Chi bộ" (the body
    that signs for it, as `signed_for` puts it in capitals)."""
    if unit.level.holds_members:
        return _("Chi bộ")
    return {"TW": _("Ban bí thư"), "TU": _("Ban Thường vụ"), "HU": _("Ban Thường vụ")}.get(
        unit.level.code, _("Đảng ủy")
    )


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
        answer = None if row.get("own") else answers.get(row["unit"]["id"])
        row["reported"] = answer is not None
        if answer is None:
            continue
        for key, value in answer.items():
            if isinstance(value, int) and isinstance(row.get(key), int):
                adjusted[key] = adjusted.get(key, 0) - row[key] + value
                row[key] = value
    return adjusted


# --- Sentences ---------------------------------------------------------------------------


def rate(part, whole) -> str:
    return format_percent(part, whole)


def attendance_clause(attended: int, required: int) -> str:
    """ "105/115 đảng viên phải học tập đã tham dự, đạt 91,30%"."""
    return _("%(ratio)s đảng viên phải học tập đã tham dự, đạt %(rate)s") % {
        "ratio": format_ratio(attended, required),
        "rate": rate(attended, required),
    }


def cells_held_clause(held: int, cells: int) -> str:
    """ "Có 5/5 chi bộ đã tổ chức hội nghị học tập, quán triệt"."""
    return _("Có %(held)s chi bộ đã tổ chức hội nghị học tập, quán triệt") % {
        "held": format_ratio(held, cells)
    }


def encouraged_clause(encouraged: int) -> str:
    """Exempt members are not required; those who come anyway are counted apart."""
    return _("%(n)s đảng viên được miễn sinh hoạt tự nguyện tham dự") % {
        "n": format_int(encouraged)
    }


def _conference_sentence(conference: dict, committee: str) -> str:
    how = []
    if conference["format"] != Format.IN_PERSON:
        how.append(str(Format(conference["format"]).label).lower())
    if conference["points"] > 1:
        how.append(_("%(n)s điểm cầu") % {"n": format_int(conference["points"])})
    sentence = _("Ngày %(day)s, %(committee)s tổ chức %(title)s") % {
        "day": format_date(dt.date.fromisoformat(conference["day"])),
        "committee": committee,
        "title": conference["title"].rstrip(" ."),
    }
    if how:
        sentence += f" ({', '.join(how)})"
    if conference["chair"]:
        sentence += _(" do %(chair)s chủ trì") % {"chair": conference["chair"]}
    return sentence + "."


def _study_phrases(figures: dict) -> list[str]:
    t, rows = figures["total"], figures["rows"]
    out = []
    committee = figures.get("committee") or _("Đảng ủy")
    for conference in figures.get("conference_list", []):
        out.append(_capital(_conference_sentence(conference, committee)))
    others = figures.get("conferences", 0) - figures.get("own_conferences", 0)
    if others > 0:
        out.append(
            _("Các đơn vị trực thuộc đã tổ chức %(n)s hội nghị học tập, quán triệt.")
            % {"n": format_int(others)}
        )
    held = cells_held_clause(t["cells_held"], t["cells"])
    if t["required"]:
        held += "; " + attendance_clause(t["attended"], t["required"])
    out.append(held + ".")
    absent = t["absent_excused"] + t["absent_unexcused"]
    if absent or t["made_up"]:
        out.append(
            _(
                "Vắng mặt %(absent)s đồng chí (%(excused)s có lý do, %(unexcused)s không lý do); "
                "đã học bù %(made_up)s đồng chí."
            )
            % {
                "absent": format_int(absent),
                "excused": format_int(t["absent_excused"]),
                "unexcused": format_int(t["absent_unexcused"]),
                "made_up": format_int(t["made_up"]),
            }
        )
    if t.get("encouraged"):
        out.append(_("Ngoài ra, có %(clause)s.") % {"clause": encouraged_clause(t["encouraged"])})
    # Units below with cells to hold conferences (a closed one has none); when they are
    # the cells themselves, the sentence above has said it.
    below = [row for row in rows if not row.get("own") and row["cells"]]
    if below and len(below) != t["cells"]:
        out.append(
            _("Có %(done)s đơn vị trực thuộc đã tổ chức hội nghị ở tất cả các chi bộ.")
            % {"done": format_ratio(figures.get("children_done", 0), len(below))}
        )
    if t["required"]:
        out.append(
            _(
                "Có %(ratio)s đảng viên đã nộp bài thu hoạch, đạt %(rate)s (%(on_time)s bài "
                "đúng hạn, %(late)s bài nộp muộn); còn %(missing)s đảng viên chưa nộp."
            )
            % {
                "ratio": format_ratio(t["submitted"], t["required"]),
                "rate": rate(t["submitted"], t["required"]),
                "on_time": format_int(t["on_time"]),
                "late": format_int(t["late"]),
                "missing": format_int(t["missing"]),
            }
        )
    if t["rated"]:
        ratings = "; ".join(
            _("%(rating)s: %(n)s bài") % {"rating": rating, "n": format_int(n)}
            for rating, n in (figures.get("ratings") or {}).items()
        )
        out.append(
            _("Đã đánh giá %(rated)s bài thu hoạch, trong đó %(ratings)s.")
            % {"rated": format_int(t["rated"]), "ratings": ratings}
        )
    if t["flagged"]:
        out.append(
            _("Có %(n)s bài thu hoạch nghi sao chép, cần được xem xét, làm rõ.")
            % {"n": format_int(t["flagged"])}
        )
    elif t["submitted"]:
        out.append(_("Chưa phát hiện bài thu hoạch nào nghi sao chép."))
    return out


def _capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def phrases(figures: dict) -> list[str]:
    """The sentences a report upward is written in, as a clerk writes them."""
    t = figures["total"]
    study = figures.get("study", figures["kind"] == Kind.CAMPAIGN)
    out = _study_phrases(figures) if study else []
    if t.get("plans_required"):
        out.append(
            _("Có %(sent)s đơn vị đã ban hành kế hoạch thực hiện.")
            % {"sent": format_ratio(t["plans_sent"], t["plans_required"])}
        )
    if t.get("tasks"):
        out.append(
            _(
                "Có %(done)s nhiệm vụ đã hoàn thành, đạt %(rate)s (%(on_time)s đúng hạn, "
                "%(late)s quá hạn); %(open)s nhiệm vụ đang thực hiện trong hạn và "
                "%(overdue)s nhiệm vụ đã quá hạn nhưng chưa hoàn thành."
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
    """The value of `column` in `row`: a count, or a rate (percent, two decimals, None
    when nothing is due) computed from two counts by the one rate function."""
    if column.percent_of:
        part, whole = column.percent_of.split("/")
        return percent_of(row.get(part) or 0, row.get(whole) or 0)
    return row.get(column.key)


def shown(value) -> str:
    """A table cell as every page and file writes it: "1.234", "91,30", "—"."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return format_int(value)
    return format_decimal(value, 2)
