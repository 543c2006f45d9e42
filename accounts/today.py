"""An officer's "Việc cần làm": what is due in their scope this week, each with a link to
the list behind it. Every read goes through the policy; each section is a few bounded
queries, so the page costs the same for a cell and for a city."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from organizations.models import Organization, under_any
from vn.formats import format_date

SHOWN = 5  # rows listed per section; the count and the link give the rest
WEEK = dt.timedelta(days=7)


@dataclass
class Line:
    text: str
    url: str
    when: str = ""  # dd/mm/yyyy, or a date and time
    late: bool = False


@dataclass
class Section:
    key: str
    title: str
    count: int
    url: str = ""  # the list behind the section
    lines: list[Line] = field(default_factory=list)


def _day(value) -> str:
    return format_date(value)


def conferences_to_hold(user, now) -> Section | None:
    if not policy.has_any_scope(user, Action.MANAGE_CONFERENCES):
        return None
    paths = policy.scope_paths(user, Action.MANAGE_CONFERENCES)
    coming = policy.conferences_for(user, Action.MANAGE_CONFERENCES).filter(
        starts_at__gte=now, starts_at__lt=now + WEEK, closed_at=None
    )
    if paths is not policy.EVERYWHERE:
        coming = coming.filter(under_any(paths, "organizer__path"))
    rows = list(coming.select_related("organizer").order_by("starts_at")[:SHOWN])
    return Section(
        "conferences",
        _("Hội nghị tổ chức trong tuần"),
        coming.count(),
        reverse("campaigns:list"),
        [Line(f"{c.title} — {c.organizer.name}", _conference_url(c), c.when) for c in rows],
    )


def _conference_url(conference) -> str:
    return reverse("conferences:detail", kwargs={"conference_pk": conference.pk})


def rosters_open(user, now) -> Section | None:
    """Conferences already begun whose roll-call is still open, where the user ticks."""
    if not policy.has_any_scope(user, Action.MARK_ATTENDANCE):
        return None
    open_ = policy.conferences_for(user, Action.VIEW).filter(
        starts_at__lt=now, starts_at__gte=now - 4 * WEEK, closed_at=None
    )
    rows = list(open_.select_related("organizer").order_by("starts_at")[:SHOWN])
    return Section(
        "rosters",
        _("Danh sách điểm danh chưa kết thúc"),
        open_.count(),
        reverse("campaigns:list"),
        [
            Line(f"{c.title} — {c.organizer.name}", _conference_url(c), c.when, late=True)
            for c in rows
        ],
    )


def reports_to_review(user) -> Section | None:
    if not policy.has_any_scope(user, Action.REVIEW_REPORTS):
        return None
    from reports.models import State

    submitted = policy.reports_to_review(user).filter(state=State.SUBMITTED)
    waiting = (
        submitted.values("campaign", "campaign__title")
        .annotate(n=Count("pk"))
        .order_by("campaign__title")
    )
    rows = list(waiting[:SHOWN])
    # Each line opens the first waiting report, whose page leads on to the next one;
    # the heading, for a single campaign, opens the whole list.
    lines = [
        Line(
            _("%(title)s: %(n)s bài") % {"title": row["campaign__title"], "n": row["n"]},
            reverse("reports:review-next", kwargs={"campaign_pk": row["campaign"]}),
        )
        for row in rows
    ]
    listed = ""
    if len(rows) == 1:
        listed = reverse("reports:unit", kwargs={"campaign_pk": rows[0]["campaign"]})
        listed += f"?state={State.SUBMITTED}"
    return Section("reviews", _("Bài thu hoạch chờ chấm"), submitted.count(), listed, lines)


def units_not_reporting(user, today) -> Section | None:
    """Requests the user's units made whose deadline is near or past: units just below
    that have not yet sent their report."""
    if not policy.has_any_scope(user, Action.MANAGE_REPORTING):
        return None
    paths = policy.scope_paths(user, Action.MANAGE_REPORTING)
    asked = policy.report_requests_for(user, Action.MANAGE_REPORTING).filter(
        due_on__gte=today - 4 * WEEK, due_on__lte=today + WEEK
    )
    if paths is not policy.EVERYWHERE:
        asked = asked.filter(organization__path__in=paths)
    lines, missing = [], 0
    from reporting.services import request_status

    for request in asked.select_related("organization").order_by("due_on")[:SHOWN]:
        waiting = [row for row in request_status(request) if not row["issued"]]
        if not waiting:
            continue
        missing += len(waiting)
        lines.append(
            Line(
                _("%(n)s đơn vị chưa gửi: %(subject)s")
                % {"n": len(waiting), "subject": str(request)},
                reverse("reporting:request", kwargs={"request_pk": request.pk}),
                _day(request.due_on),
                late=request.due_on < today,
            )
        )
    return Section("units", _("Đơn vị chưa báo cáo"), missing, reverse("reporting:requests"), lines)


def overdue_tasks(user) -> Section | None:
    if not policy.has_any_scope(user, Action.VIEW):
        return None
    from programmes.models import Bucket

    late = policy.tasks_for(user, Action.VIEW).filter(bucket=Bucket.OVERDUE)
    rows = list(late.select_related("lead").order_by("deadline", "pk")[:SHOWN])
    return Section(
        "tasks",
        _("Nhiệm vụ quá hạn"),
        late.count(),
        reverse("programmes:dashboard") + f"?bucket={Bucket.OVERDUE}",
        [
            Line(
                f"{t.content[:120]} — {t.lead.name}",
                reverse("programmes:task", kwargs={"task_pk": t.pk}),
                _day(t.deadline) if t.deadline else "",
                late=True,
            )
            for t in rows
        ],
    )


def requests_from_above(user, today) -> Section | None:
    """What the level above asked the user's units for, with its deadline."""
    paths = policy.scope_paths(user, Action.VIEW)
    if not paths:  # nobody is above a superuser's whole tree, nor above no scope
        return None
    above = {a for path in paths for a in Organization.paths_above(path)[:-1]}
    asked = policy.report_requests_for(user, Action.VIEW).filter(
        organization__path__in=above, due_on__gte=today - WEEK
    )
    rows = list(asked.select_related("organization").order_by("due_on")[:SHOWN])
    return Section(
        "asked",
        _("Yêu cầu của cấp trên"),
        asked.count(),
        reverse("reporting:list"),
        [
            Line(
                f"{r} — {r.organization.name}",
                reverse("reporting:request", kwargs={"request_pk": r.pk}),
                _day(r.due_on),
                late=r.due_on < today,
            )
            for r in rows
        ],
    )


def documents_to_register(user) -> Section | None:
    """Documents the units of the user's scope asked the office to register, not yet
    registered; their own requests aside."""
    if not policy.has_any_scope(user, Action.MANAGE_DOCUMENTS):
        return None
    from documents.models import RegistrationRequest
    from documents.services import registration_link

    paths = policy.scope_paths(user, Action.MANAGE_DOCUMENTS)
    waiting = RegistrationRequest.objects.filter(answered_at=None).exclude(asked_by=user)
    if paths is not policy.EVERYWHERE:
        waiting = waiting.filter(under_any(paths, "organization__path"))
    rows = list(waiting.select_related("organization").order_by("asked_at", "pk")[:SHOWN])
    return Section(
        "registrations",
        _("Văn bản đề nghị đăng ký"),
        waiting.count(),
        "",
        [
            Line(
                f"{asked.text} — {asked.organization.name}",
                registration_link(asked),
                _day(timezone.localtime(asked.asked_at).date()),
            )
            for asked in rows
        ],
    )


def todo_for(user) -> list[Section]:
    now = timezone.now()
    today = timezone.localdate()
    sections = [
        conferences_to_hold(user, now),
        rosters_open(user, now),
        reports_to_review(user),
        units_not_reporting(user, today),
        overdue_tasks(user),
        requests_from_above(user, today),
        documents_to_register(user),
    ]
    return [section for section in sections if section is not None]
