from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import policy
from accounts.policy import Action
from audit.services import audit_record
from conferences import checkin as tokens
from conferences import inbox, services
from conferences.forms import (
    BridgePointForm,
    ConferenceForm,
    GuestsForm,
    MakeupChoiceForm,
    MakeupForm,
    MarkForm,
)
from conferences.models import Attendance, BridgePoint, CheckinInbox, Conference, Status
from conferences.rollup import campaign_rollup as rollup_of
from conferences.rollup import rollup_unit
from nghiquyet.caching import figures_cached
from nghiquyet.forms import add_service_errors, confirmed_in_page
from nghiquyet.uploads import UploadError
from organizations.listing import shown_rows
from organizations.models import Organization
from reporting.figures import attendance_clause
from reports.rollup import report_rollup
from vn.formats import format_int

ROSTER_PAGE = 200
POINTS_SHOWN = 300
SCREEN_COUNTS_SECONDS = 5


def _organizers(user, campaign):
    return (
        policy.organizations_for(user, Action.MANAGE_CONFERENCES)
        .open_now()
        .filter(path__startswith=campaign.owner.path)
        .order_by("path")
    )


@login_required
@require_http_methods(["GET", "POST"])
def conference_create(request, campaign_pk):
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    organizers = _organizers(request.user, campaign)
    if not organizers.exists():
        raise PermissionDenied
    relays = (
        policy.conferences_for(request.user, Action.VIEW)
        .relayable(campaign, organizers)
        .select_related("organizer")
    )
    form = ConferenceForm(request.POST or None, organizers=organizers, relays=relays)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        topics = fields.pop("topics_text")
        try:
            conference = services.conference_create(request.user, campaign, topics=topics, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lên lịch hội nghị."))
            return redirect("conferences:detail", conference_pk=conference.pk)
    return render(request, "conferences/form.html", {"form": form, "campaign": campaign})


@login_required
def conference_detail(request, conference_pk):
    conference = policy.get_conference_for(request.user, conference_pk, Action.VIEW)
    user = request.user
    runs = policy.can(user, Action.MANAGE_CONFERENCES, conference.organizer)
    # A national conference has thousands of points: show the first ones, count them all.
    points = list(conference.bridge_points.select_related("host")[:POINTS_SHOWN])
    for point in points:
        point.runnable = runs or policy.can(user, Action.MANAGE_CONFERENCES, point.host)
    mark = Attendance.objects.filter(campaign_id=conference.campaign_id, member__user=user).first()
    return render(
        request,
        "conferences/detail.html",
        {
            "conference": conference,
            "topics": conference.topics.all(),
            "points": points,
            "point_total": conference.bridge_points.count(),
            "relays": conference.relays.select_related("organizer"),
            "runs": runs,
            "writes_news": policy.can(user, Action.MANAGE_NEWS, conference.organizer),
            "my_mark": mark,
            "headcount": conference.bridge_points.headcount(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def conference_edit(request, conference_pk):
    conference = policy.get_conference_for(request.user, conference_pk, Action.MANAGE_CONFERENCES)
    organizer = Organization.objects.filter(pk=conference.organizer_id)
    relays = (
        policy.conferences_for(request.user, Action.VIEW)
        .relayable(conference.campaign, organizer)
        .select_related("organizer")
    )
    form = ConferenceForm(request.POST or None, instance=conference, relays=relays)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.EDITABLE}
        conference.refresh_from_db()  # the form wrote into the instance; compare to stored
        try:
            services.conference_update(
                request.user, conference, topics=form.cleaned_data["topics_text"], **fields
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu hội nghị."))
            return redirect("conferences:detail", conference_pk=conference.pk)
    return render(
        request,
        "conferences/form.html",
        {"form": form, "campaign": conference.campaign, "conference": conference},
    )


@login_required
@require_POST
def conference_close(request, conference_pk):
    conference = policy.get_conference_for(request.user, conference_pk, Action.MANAGE_CONFERENCES)
    if not confirmed_in_page(request):
        return redirect("conferences:detail", conference_pk=conference.pk)
    try:
        added = services.conference_close(request.user, conference)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã kết thúc điểm danh; %(n)s đảng viên chưa điểm danh được ghi vắng không lý do.")
            % {"n": added},
        )
    return redirect("conferences:detail", conference_pk=conference.pk)


@login_required
@require_http_methods(["GET", "POST"])
def bridge_point_add(request, conference_pk):
    conference = policy.get_conference_for(request.user, conference_pk, Action.MANAGE_CONFERENCES)
    units = (
        Organization.objects.filter(path__startswith=conference.organizer.path)
        .open_now()
        .order_by("path")
    )
    form = BridgePointForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.bridge_point_add(request.user, conference, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã thêm điểm cầu."))
            return redirect("conferences:detail", conference_pk=conference.pk)
    return render(request, "conferences/bridge_form.html", {"form": form, "conference": conference})


def _point_for(request, bridge_pk):
    """The bridge point and whether the user runs it (may mark), or 404."""
    point = policy.get_bridge_point_for(request.user, bridge_pk, Action.VIEW)
    runs = policy.bridge_points_for(request.user, Action.MANAGE_CONFERENCES).filter(pk=point.pk)
    return point, runs.exists()


def _run_point(request, bridge_pk):
    point, runs = _point_for(request, bridge_pk)
    if not runs:
        raise PermissionDenied
    return point


def _ticks(user, runs: bool) -> bool:
    """Whether the user may tick some rows of a point they do not run: a cell's secretary
    ticks their own cell's members on the ward's roster."""
    return runs or policy.has_any_scope(user, Action.MARK_ATTENDANCE)


def _roster_rows(request, point, runs: bool, params=None):
    """The roster's rows under the page's filters (`params`, the query by default)."""
    params = request.GET if params is None else params
    members = services.roster(point).select_related("organization")
    if not runs:
        ticks = _ticks(request.user, runs)
        action = Action.MARK_ATTENDANCE if ticks else Action.VIEW
        visible = policy.members_for(request.user, action).values("pk")
        members = members.filter(pk__in=visible)
    query = params.get("q", "").strip()
    if query:
        members = members.search(query)
    marks = Attendance.objects.filter(campaign_id=point.conference.campaign_id)
    show = params.get("show", "")
    if show == "unmarked":
        members = members.exclude(pk__in=marks.values("member_id"))
    elif show == "absent":
        members = members.filter(
            pk__in=marks.filter(status__in=[Status.ABSENT_EXCUSED, Status.ABSENT_UNEXCUSED]).values(
                "member_id"
            )
        )
    members = list(members.order_by("sort_key")[: ROSTER_PAGE + 1])
    more = len(members) > ROSTER_PAGE
    members = members[:ROSTER_PAGE]
    by_member = {
        mark.member_id: mark
        for mark in marks.filter(member__in=members).select_related("bridge_point", "conference")
    }
    for member in members:
        member.mark = by_member.get(member.pk)
        member.tickable = runs or policy.can(
            request.user, Action.MARK_ATTENDANCE, member.organization
        )
    return members, more


@login_required
def bridge_point_roster(request, bridge_pk):
    point, runs = _point_for(request, bridge_pk)
    members, more = _roster_rows(request, point, runs)
    context = {
        "point": point,
        "conference": point.conference,
        "members": members,
        "more": more,
        "runs": runs,
        "ticks": _ticks(request.user, runs),
        "statuses": Status.choices,
        "guests_form": GuestsForm(initial={"guests": point.guests}),
        "expected": services.roster_size(point),
    }
    if request.headers.get("HX-Request") and request.GET.get("rows"):
        return render(request, "conferences/_roster_rows.html", context)
    return render(request, "conferences/roster.html", context)


@login_required
@require_POST
def bridge_point_mark(request, bridge_pk):
    point, runs = _point_for(request, bridge_pk)
    if not _ticks(request.user, runs):
        raise PermissionDenied
    form = MarkForm(request.POST)
    error = None
    member = None
    if form.is_valid():
        member = (
            services.roster(point)
            .select_related("organization")
            .filter(pk=form.cleaned_data["member"])
            .first()
        )
        if member is not None and not (
            runs or policy.can(request.user, Action.MARK_ATTENDANCE, member.organization)
        ):
            raise PermissionDenied
        if member is None:
            error = str(services.NOT_ON_ROSTER)
        else:
            try:
                services.attendance_mark(
                    request.user,
                    point,
                    member,
                    form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as refused:
                error = " ".join(refused.messages)
    else:
        error = _("Dữ liệu điểm danh không hợp lệ.")
    if member is None:
        return HttpResponse(error, status=400)
    member.mark = Attendance.objects.filter(
        campaign_id=point.conference.campaign_id, member=member
    ).first()
    member.tickable = True
    point.refresh_from_db()
    response = render(
        request,
        "conferences/_roster_row.html",
        {
            "m": member,
            "point": point,
            "runs": runs,
            "statuses": Status.choices,
            "error": error,
        },
    )
    response["HX-Trigger"] = "headcount"
    return response


@login_required
@require_POST
def bridge_point_mark_all(request, bridge_pk):
    """Everyone not yet marked is present; the host then corrects the exceptions."""
    point = _run_point(request, bridge_pk)
    error = None
    try:
        added = services.attendance_mark_all_present(request.user, point)
    except ValidationError as refused:
        error = " ".join(refused.messages)
    else:
        done = _(
            "Đã ghi có mặt %(n)s đảng viên chưa điểm danh. Hãy bấm “Vắng có lý do”, "
            "“Vắng không lý do” hoặc “Về sớm” cho từng người không có mặt."
        ) % {"n": format_int(added)}
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect("conferences:roster", bridge_pk=point.pk)
    # From the page (htmx): the rows under the page's filters, the outcome beside the
    # button, and the live count told to refresh.
    members, more = _roster_rows(request, point, True, params=request.POST)
    response = render(
        request,
        "conferences/_mark_all_done.html",
        {
            "point": point,
            "members": members,
            "more": more,
            "runs": True,
            "statuses": Status.choices,
            "outcome": error or done,
            "failed": bool(error),
        },
    )
    response["HX-Trigger"] = "headcount"
    return response


@login_required
def bridge_point_counts(request, bridge_pk):
    point, _runs = _point_for(request, bridge_pk)
    if request.GET.get("for") == "screen":
        response = render(
            request,
            "conferences/_screen_counts.html",
            {"point": point, "expected": services.roster_size(point)},
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "conferences/_counts.html", {"point": point})


@login_required
@require_POST
def bridge_point_guests(request, bridge_pk):
    point = _run_point(request, bridge_pk)
    form = GuestsForm(request.POST)
    if form.is_valid():
        try:
            services.guests_set(request.user, point, form.cleaned_data["guests"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã lưu số khách mời."))
    else:
        messages.error(request, _("Số khách mời phải là số nguyên từ 0 đến 100.000."))
    return redirect("conferences:roster", bridge_pk=point.pk)


@login_required
def bridge_point_screen(request, bridge_pk):
    point = _run_point(request, bridge_pk)
    return render(
        request,
        "conferences/screen.html",
        {
            "point": point,
            "conference": point.conference,
            "every": tokens.ROTATE_SECONDS,
            "max_age": tokens.MAX_AGE_SECONDS,
            "counts_every": SCREEN_COUNTS_SECONDS,
            "expected": services.roster_size(point),
            **_qr_context(request, point),
        },
    )


def _qr_context(request, point) -> dict:
    token = tokens.token_make(point)
    url = request.build_absolute_uri(
        reverse("conferences:checkin", kwargs={"conference_pk": point.conference_id})
        + f"?t={token}"
    )
    return {"svg": tokens.qr_svg(url), "url": url, "closed": point.conference.is_closed}


@login_required
def bridge_point_qr(request, bridge_pk):
    point = _run_point(request, bridge_pk)
    point.refresh_from_db()
    response = render(request, "conferences/_qr.html", _qr_context(request, point))
    response["Cache-Control"] = "no-store"
    return response


def _visible_conference(user, pk) -> Conference:
    try:
        return policy.conferences_for(user, Action.VIEW).select_related("campaign").get(pk=pk)
    except (ValueError, TypeError, Conference.DoesNotExist):
        raise Http404 from None


RECEIPT_REFRESH_SECONDS = 2


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request, conference_pk):
    """Where a member's phone lands after scanning the QR code at a bridge point."""
    token = request.POST.get("t") or request.GET.get("t", "")
    context = {"token": token}
    if request.method == "POST":
        try:
            # One insert into the inbox; the drain applies the rules (conferences/inbox.py).
            receipt = inbox.checkin_receive(request.user, conference_pk, token)
        except tokens.CheckinError as error:
            context["error"] = str(error)
        except inbox.CheckinBusy as busy:
            context.update(busy=str(busy), retry_after=busy.retry_after)
            response = render(request, "conferences/checkin.html", context, status=503)
            response["Retry-After"] = str(busy.retry_after)
            return response
        else:
            return _receipt_page(request, receipt)
        conference = _visible_conference(request.user, conference_pk)
    else:
        conference = _visible_conference(request.user, conference_pk)
        try:
            tokens.token_read(token, conference.pk)
        except tokens.CheckinError as error:
            context["error"] = str(error)
    context["conference"] = conference
    return render(request, "conferences/checkin.html", context)


@login_required
def checkin_receipt(request, receipt_pk):
    """A member's check-in as the drain left it; the page reloads itself while it waits."""
    receipt = CheckinInbox.objects.filter(pk=receipt_pk, user=request.user).first()
    if receipt is None:
        raise Http404
    return _receipt_page(request, receipt)


def _receipt_page(request, receipt: CheckinInbox):
    if receipt.state == CheckinInbox.State.WAITING:
        context = {
            "receipt": receipt,
            "refresh": RECEIPT_REFRESH_SECONDS,
            "receipt_url": reverse("conferences:checkin-receipt", args=[receipt.pk]),
        }
        return render(request, "conferences/checkin.html", context, status=202)
    # Outcomes say nothing about a conference the member may not see.
    context = {"conference": _visible_conference(request.user, receipt.conference_id)}
    if receipt.state == CheckinInbox.State.DONE:
        mark = Attendance.objects.select_related("bridge_point")
        context["mark"] = mark.filter(pk=receipt.attendance_id).first()
    else:
        context["error"] = receipt.outcome
    return render(request, "conferences/checkin.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def bridge_point_upload(request, bridge_pk):
    point = _run_point(request, bridge_pk)
    outcome = None
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Hãy chọn tệp điểm danh (.xlsx).")
        else:
            from conferences.uploads import attendance_import

            try:
                outcome = attendance_import(request.user, point, upload)
            except UploadError as problem:
                error = str(problem)
        if outcome and not outcome.problems:
            messages.success(
                request,
                _("Đã ghi %(created)s lượt điểm danh; %(same)s dòng không đổi.")
                % {"created": outcome.created, "same": outcome.unchanged},
            )
            return redirect("conferences:roster", bridge_pk=point.pk)
    return render(
        request,
        "conferences/upload.html",
        {"point": point, "conference": point.conference, "outcome": outcome, "error": error},
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def bridge_point_xlsx(request, bridge_pk):
    point = _run_point(request, bridge_pk)
    from conferences.exports import roster_xlsx

    audit_record(request.user, "download.roster_xlsx", point)
    return _download(
        roster_xlsx(point),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"diem-danh-{point.pk}.xlsx",
    )


@login_required
def bridge_point_pdf(request, bridge_pk):
    point = _run_point(request, bridge_pk)
    # Imported here: WeasyPrint is slow to load and only this view needs it.
    from conferences.exports import attendance_pdf

    audit_record(request.user, "download.attendance_pdf", point)
    return _download(attendance_pdf(point), "application/pdf", f"diem-danh-{point.pk}.pdf")


# --- Campaign-wide pages ------------------------------------------------------------------


@login_required
def campaign_rollup(request, campaign_pk):
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    unit = rollup_unit(request.user, campaign, request.GET.get("unit"))
    key = (campaign.pk, unit.pk)
    rollup = figures_cached("rollup", *key, partial(rollup_of, campaign, unit))
    reports = figures_cached("reports", *key, partial(report_rollup, campaign, unit))
    show_closed = request.GET.get("closed") == "1"
    rollup.children, closed_hidden = shown_rows(rollup.children, show_closed=show_closed)
    reports.children, _hidden = shown_rows(reports.children, show_closed=show_closed)
    points = BridgePoint.objects.filter(
        conference__campaign=campaign, host__path__startswith=unit.path
    ).select_related("host", "conference")
    trail = [
        u
        for u in unit.ancestors_and_self()
        if u.path.startswith(campaign.owner.path) and policy.can(request.user, Action.VIEW, u)
    ]
    return render(
        request,
        "conferences/rollup.html",
        {
            "campaign": campaign,
            "unit": unit,
            "rollup": rollup,
            "attendance": attendance_clause(rollup.total.attended, rollup.total.required),
            "trail": trail,
            "points": points.order_by("host__path", "name")[:POINTS_SHOWN],
            "reports": reports,
            "show_closed": show_closed,
            "closed_hidden": closed_hidden,
            "reviews": policy.can(request.user, Action.REVIEW_REPORTS, unit),
            "may_follow_up": policy.can(request.user, Action.FOLLOW_UP_REPORTS, unit),
        },
    )


@login_required
def absentees(request, campaign_pk):
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    unit = rollup_unit(request.user, campaign, request.GET.get("unit"))
    marks = (
        services.absentees(campaign, unit)
        .filter(member__in=policy.members_for(request.user, Action.VIEW))
        .select_related("member", "organization", "conference", "makeup")
        .order_by("organization__path", "member__sort_key")
    )
    marks = list(marks[:2000])
    may_schedule = policy.can(request.user, Action.MANAGE_CONFERENCES, unit)
    pending = [mark for mark in marks if mark.makeup_id is None]
    form = MakeupForm(request.POST or None)
    choice = MakeupChoiceForm(request.POST or None, absentees=pending)
    if request.method == "POST":
        if not may_schedule:
            raise PermissionDenied
        if choice.is_valid() & form.is_valid():  # both, so every error shows at once
            chosen = [mark for mark in pending if mark.pk in set(choice.cleaned_data["marks"])]
            fields = {k: form.cleaned_data[k] for k in ("held_on", "venue", "reporter")}
            try:
                makeup = services.makeup_create(
                    request.user, campaign, unit, marks=chosen, **fields
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lên lịch học bù."))
                return redirect("conferences:makeup", makeup_pk=makeup.pk)
    makeups = policy.makeups_for(request.user, Action.VIEW).filter(
        campaign=campaign, organization__path__startswith=unit.path
    )
    return render(
        request,
        "conferences/absentees.html",
        {
            "campaign": campaign,
            "unit": unit,
            "marks": marks,
            "form": form,
            "choice": choice,
            "ticked": choice.ticked(),
            "may_schedule": may_schedule,
            "makeups": makeups.select_related("organization")[:200],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def makeup_detail(request, makeup_pk):
    makeup = policy.get_makeup_for(request.user, makeup_pk, Action.VIEW)
    may_confirm = policy.can(request.user, Action.MANAGE_CONFERENCES, makeup.organization)
    marks = makeup.attendances.select_related("member", "organization").order_by(
        "organization__path", "member__sort_key"
    )
    if request.method == "POST":
        if not may_confirm:
            raise PermissionDenied
        try:
            chosen = [int(pk) for pk in request.POST.getlist("attended")]
        except ValueError:
            chosen = None
            messages.error(request, _("Danh sách người dự không hợp lệ."))
        if chosen is not None:
            try:
                made_up = services.makeup_confirm(request.user, makeup, chosen)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Đã xác nhận %(n)s đảng viên học bù.") % {"n": made_up})
                return redirect("conferences:makeup", makeup_pk=makeup.pk)
    made_up = Attendance.objects.filter(makeup=makeup, made_up=True).select_related("member")
    return render(
        request,
        "conferences/makeup.html",
        {
            "makeup": makeup,
            "marks": marks,
            "made_up": made_up if makeup.done else [],
            "may_confirm": may_confirm and not makeup.done,
        },
    )
