import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import policy
from accounts.policy import Action
from audit.services import audit_record
from campaigns.models import Campaign
from members.models import Member
from nghiquyet.forms import add_service_errors, confirmed_in_page, posted
from nghiquyet.uploads import MB, UploadError, private_file
from organizations.models import Organization
from reports import copies, inbox, reminders, services, similarity, tasks, uploads
from reports.anonymity import Anonymity
from reports.forms import AllowedTextForm, ExportForm, ExtensionForm, ReviewForm, UploadForm
from reports.models import (
    AllowedText,
    Confirmation,
    Decision,
    Export,
    Pair,
    Reminder,
    Report,
    Source,
    State,
    SubmissionInbox,
    Upload,
)
from reports.pending import REQUIRED, Pending, pending_members
from reports.rollup import report_rollup
from vn.formats import format_date, format_datetime, format_int

LIST_PAGE = 100
PAIRS_SHOWN = 200


def _sections_from(request, campaign: Campaign) -> list[str]:
    return [request.POST.get(f"section_{i}", "") for i in range(1, len(campaign.prompts) + 1)]


def _own_member(user, campaign: Campaign) -> Member:
    """The user's own active membership in a cell the campaign covers."""
    member = (
        Member.objects.active()
        .filter(user=user, organization__path__startswith=campaign.owner.path)
        .select_related("organization")
        .first()
    )
    if member is None:
        raise Http404
    return member


@login_required
@require_http_methods(["GET", "POST"])
def write(request, campaign_pk):
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    return _writer(request, campaign, _own_member(request.user, campaign))


@login_required
@require_http_methods(["GET", "POST"])
def enter(request, campaign_pk, member_pk):
    """A cell secretary types in the report of a member without a smartphone."""
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    member = policy.get_member_for(request.user, member_pk, Action.ENTER_REPORTS)
    if not member.organization.path.startswith(campaign.owner.path):
        raise Http404
    return _writer(request, campaign, member)


def _writer(request, campaign: Campaign, member: Member):
    report = Report.objects.filter(campaign=campaign, member=member).first()
    on_behalf = member.user_id != request.user.pk
    errors: dict = {}
    sections = list(report.draft) if report and report.draft else []
    if request.method == "POST":
        data = posted(request)
        if data is None:
            errors[None] = [
                _(
                    "Bài gửi lên quá lớn (trên %(n)s MB); hệ thống không nhận. Nội dung vẫn "
                    "còn trên máy của bạn: hãy rút gọn rồi nộp lại."
                )
                % {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // MB}
            ]
        else:
            sections = _sections_from(request, campaign)
            source = Source.PAPER if on_behalf and data.get("paper") else Source.TYPED
            try:
                receipt = inbox.submission_receive(
                    request.user,
                    campaign,
                    member,
                    sections,
                    key=data.get("key", ""),
                    source=source,
                )
            except inbox.SubmissionBusy as busy:
                errors = {None: [str(busy)]}
            except ValidationError as error:
                errors = (
                    error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                )
            else:
                if receipt.state == SubmissionInbox.State.REFUSED:
                    errors = {None: [receipt.outcome]}
                else:
                    _receipt_message(request, receipt)
                    # A member who wrote on their own page goes back to it.
                    return redirect("accounts:mine" if data.get("back") == "mine" else request.path)
    report = Report.objects.filter(campaign=campaign, member=member).first()
    deadline = services.deadline_for(campaign, member, report)
    today = timezone.localdate()
    versions = list(report.versions.all()) if report else []
    if not sections:
        sections = list(versions[-1].sections) if versions else []
    prompts = campaign.prompts or [""]
    sections = (sections + [""] * len(prompts))[: len(prompts)]
    return render(
        request,
        "reports/write.html",
        {
            "campaign": campaign,
            "member": member,
            "report": report,
            "on_behalf": on_behalf,
            "fields": [
                (i, prompt, text, errors.get(f"section_{i}", []))
                for i, (prompt, text) in enumerate(zip(prompts, sections, strict=True), start=1)
            ],
            "errors": errors.get(None, []) + errors.get("__all__", []),
            "deadline": deadline,
            "days_left": (deadline.due - today).days,
            "days_over": (today - deadline.due).days,
            "open": deadline.is_open(today) and (report is None or report.state != State.RATED),
            "versions": versions,
            "waiting": SubmissionInbox.objects.filter(
                campaign=campaign, member=member, state=SubmissionInbox.State.WAITING
            ).order_by("pk"),
            "reviews": report.reviews.exclude(decision=Decision.RATE) if report else [],
            "key": secrets.token_urlsafe(16),
            "documents": campaign.documents.all(),
            "upload_form": UploadForm(),
            "upload": Upload.objects.filter(campaign=campaign, member=member)
            .exclude(state=Upload.State.USED)
            .first(),
        },
    )


def _receipt_message(request, receipt: SubmissionInbox) -> None:
    """What the writer is told once the submission is stored: the version when the drain
    has made it already, else the receipt to look up."""
    version = receipt.version if receipt.state == SubmissionInbox.State.DONE else None
    if version is None:
        messages.success(
            request,
            _(
                "Đã nhận bài lúc %(at)s, biên nhận số %(n)s. Hệ thống đang ghi nhận và đối "
                "chiếu trùng lặp; kết quả xem tại trang biên nhận."
            )
            % {"at": format_datetime(receipt.received_at), "n": receipt.pk},
        )
    elif receipt.repeated and version.idempotency_key != receipt.key:
        messages.info(
            request,
            _("Bài không thay đổi so với lần nộp trước; hệ thống giữ lần nộp %(n)s lúc %(at)s.")
            % {"n": version.number, "at": format_datetime(version.submitted_at)},
        )
    elif receipt.repeated:
        messages.info(request, _("Bài này đã được nhận trước đó; không nộp lặp."))
    else:
        messages.success(
            request,
            _("Đã nộp bài (lần %(n)s) lúc %(at)s.")
            % {"n": version.number, "at": format_datetime(version.submitted_at)},
        )


@login_required
def receipt(request, receipt_pk):
    """How a submission came out: waiting, stored (with its lateness and the copy check)
    or refused with the reason."""
    row = policy.get_submission_for(request.user, receipt_pk)
    version = row.version if row.state == SubmissionInbox.State.DONE else None
    report = version.report if version is not None else None
    return render(
        request,
        "reports/receipt.html",
        {
            "receipt": row,
            "version": version,
            "report": report,
            "writer_url": _writer_url(request.user, row.campaign, row.member)
            if services.may_enter_for(request.user, row.member)
            else None,
        },
    )


def _member_for(request, campaign: Campaign, member_pk) -> Member:
    if member_pk is None:
        return _own_member(request.user, campaign)
    member = policy.get_member_for(request.user, member_pk, Action.ENTER_REPORTS)
    if not member.organization.path.startswith(campaign.owner.path):
        raise Http404
    return member


@login_required
@require_POST
def draft(request, campaign_pk, member_pk=None):
    """Autosave of what is typed: answers a small status line for htmx."""
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    member = _member_for(request, campaign, member_pk)
    if posted(request) is None:
        return HttpResponse(_("Bài quá dài, chưa lưu nháp được."), status=413)
    try:
        report = services.draft_save(
            request.user, campaign, member, _sections_from(request, campaign)
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=422)
    at = timezone.localtime(report.draft_saved_at).strftime("%H:%M:%S")
    return HttpResponse(_("Đã lưu nháp lúc %(at)s.") % {"at": at})


def _writer_url(user, campaign: Campaign, member: Member) -> str:
    if member.user_id == user.pk:
        return reverse("reports:write", args=[campaign.pk])
    return reverse("reports:enter", args=[campaign.pk, member.pk])


@login_required
@require_POST
def upload(request, campaign_pk, member_pk=None):
    """A DOCX/PDF of the report: checked and stored here, read by a job; the writing
    page shows the reading and then offers the text for the draft."""
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    member = _member_for(request, campaign, member_pk)
    back = (
        reverse("reports:enter", args=[campaign.pk, member.pk])
        if member_pk is not None
        else reverse("reports:write", args=[campaign.pk])
    )
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một tệp DOCX hoặc PDF."))
        return redirect(back)
    try:
        row = uploads.upload_add(request.user, campaign, member, form.cleaned_data["file"])
    except UploadError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        tasks.upload_read.enqueue(row.pk)
        messages.info(
            request,
            _("Đã nhận tệp %(name)s; hệ thống đang đọc nội dung, kết quả hiện ngay bên dưới.")
            % {"name": row.original_name},
        )
    return redirect(back)


@login_required
def upload_state(request, upload_pk):
    """How the reading of an uploaded report goes: polled by the writing page."""
    row = policy.get_upload_for(request.user, upload_pk)
    return render(request, "reports/_upload.html", {"upload": row})


@login_required
@require_POST
def upload_use(request, upload_pk):
    """The file's text into the draft, merged with what the page holds (sent along by the
    writing form, so words typed since the last autosave are kept too)."""
    row = policy.get_upload_for(request.user, upload_pk)
    prompts = row.campaign.prompts or [""]
    typed = (
        [request.POST.get(f"section_{i}", "") for i in range(1, len(prompts) + 1)]
        if "section_1" in request.POST
        else None
    )
    try:
        _report, kept = uploads.upload_use(request.user, row, typed)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Đã thêm nội dung tệp vào cuối ô thứ nhất; phần bạn đã gõ vẫn giữ nguyên. "
                "Hãy kiểm tra, chuyển phần trả lời từng nội dung vào đúng ô rồi nộp bài."
            )
            if kept
            else _(
                "Đã đọc nội dung tệp vào ô thứ nhất. Hãy kiểm tra, chuyển phần trả lời "
                "từng nội dung vào đúng ô rồi nộp bài."
            ),
        )
    return redirect(_writer_url(request.user, row.campaign, row.member))


# --- Reviewing ----------------------------------------------------------------------------


def _unit_for(request, campaign: Campaign, anonymity: Anonymity) -> Organization:
    """The unit asked for (`?unit=`), where the user must review; else where their
    review of the campaign starts."""
    wanted = request.GET.get("unit")
    if wanted in (None, ""):
        if not anonymity.list_units:
            raise PermissionDenied
        return anonymity.list_units[0]
    unit = policy.get_organization_for(request.user, wanted, Action.REVIEW_REPORTS)
    if not unit.path.startswith(campaign.owner.path):
        raise Http404
    return unit


def _list_url(campaign: Campaign, unit: Organization, name: str = "reports:unit") -> str:
    return reverse(name, args=[campaign.pk]) + f"?unit={unit.pk}"


def _review_queue(request, campaign: Campaign, anonymity: Anonymity, unit: Organization):
    """The reports a reviewer works through under `unit`, narrowed by the list's filters
    (`state`, `flagged`): the same on the list and when moving report to report."""
    reports = policy.reports_to_review(request.user).filter(
        campaign=campaign, organization__path__startswith=unit.path
    )
    if not anonymity.may_narrow_to(unit):
        return reports.none()
    state = request.GET.get("state", "")
    if state in State.values:
        reports = reports.filter(state=state)
    if request.GET.get("flagged"):
        reports = reports.filter(flagged=True)
    return reports


def _queue_query(request, unit: Organization) -> str:
    """The list a report was opened from, carried to the report so that "next" and
    "previous" walk that list."""
    keep = {"unit": unit.pk}
    if request.GET.get("state") in State.values:
        keep["state"] = request.GET["state"]
    if request.GET.get("flagged"):
        keep["flagged"] = "1"
    return urlencode(keep)


def _queue_around(request, campaign: Campaign, anonymity: Anonymity, report: Report) -> dict:
    """Where `report` stands in the list it was opened from (or the widest list holding
    it): the reports before and after it, its place and the list's length."""
    unit = None
    if request.GET.get("unit"):
        try:
            unit = _unit_for(request, campaign, anonymity)
        except (PermissionDenied, Http404):
            unit = None
    if unit is None:
        unit = anonymity.list_unit_of(report)
    if unit is None:
        return {}
    queue = _review_queue(request, campaign, anonymity, unit).select_related(
        "member", "organization"
    )
    previous, following, place = anonymity.neighbours(queue, report)
    if not place:
        return {}
    query = _queue_query(request, unit)

    def link(other):
        if other is None:
            return None
        url = reverse("reports:detail", kwargs={"report_pk": other.pk}) + "?" + query
        return {"url": url, "label": anonymity.label(other)}

    return {
        "previous": link(previous),
        "next": link(following),
        "place": place,
        "total": queue.count(),
        "list_url": reverse("reports:unit", args=[campaign.pk]) + "?" + query,
    }


@login_required
def review_next(request, campaign_pk):
    """The first report waiting for a rating in the reviewer's list of the campaign: the
    to-do page links here, so rating starts at once and "next" walks the waiting ones."""
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    anonymity = Anonymity(request.user, campaign)
    unit = _unit_for(request, campaign, anonymity)
    waiting = policy.reports_to_review(request.user).filter(
        campaign=campaign, organization__path__startswith=unit.path, state=State.SUBMITTED
    )
    first = anonymity.order(waiting).first() if anonymity.may_narrow_to(unit) else None
    query = urlencode({"unit": unit.pk, "state": State.SUBMITTED})
    if first is None:
        messages.info(request, _("Không còn bài thu hoạch nào chờ chấm."))
        return redirect(reverse("reports:unit", args=[campaign.pk]) + "?" + query)
    return redirect(reverse("reports:detail", kwargs={"report_pk": first.pk}) + "?" + query)


@login_required
def unit_reports(request, campaign_pk):
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    anonymity = Anonymity(request.user, campaign)
    unit = _unit_for(request, campaign, anonymity)
    listed = anonymity.may_narrow_to(unit)
    widest = next(u for u in anonymity.list_units if unit.path.startswith(u.path))
    here = Q(campaign=campaign, organization__path__startswith=unit.path)
    reports = anonymity.order(
        _review_queue(request, campaign, anonymity, unit).select_related("member", "organization")
    )
    set_aside = policy.reports_left_to_others(request.user).filter(here).count() if listed else 0
    state = request.GET.get("state", "")
    page = Paginator(reports, LIST_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "report": report,
            "label": anonymity.label(report),
            "unit": "" if anonymity.hides(report) else report.organization.name,
        }
        for report in page
    ]
    children = list(Organization.objects.get_children(unit).select_related("level"))
    confirmed = set(
        Confirmation.objects.filter(campaign=campaign, organization__in=children).values_list(
            "organization_id", flat=True
        )
    )
    return render(
        request,
        "reports/unit.html",
        {
            "campaign": campaign,
            "unit": unit,
            "parent": Organization.objects.get_parent(unit)
            if policy.can(
                request.user, Action.REVIEW_REPORTS, Organization.objects.get_parent(unit) or unit
            )
            and unit.depth > 1
            else None,
            "page": page,
            "rows": rows,
            "listed": listed,
            "set_aside": set_aside,
            "widest": widest,
            "state": state,
            "queue_query": _queue_query(request, unit),
            "states": State.choices,
            "flagged": bool(request.GET.get("flagged")),
            "blind": campaign.blind_review,
            "figures": report_rollup(campaign, unit),
            "children": [
                (child, child.pk in confirmed, services.can_confirm(request.user, child))
                for child in children
            ],
            "manages": policy.can(request.user, Action.MANAGE_REPORTS, unit),
            "may_follow_up": policy.can(request.user, Action.FOLLOW_UP_REPORTS, unit),
            "extension_form": ExtensionForm(),
            "export_form": ExportForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, report_pk):
    report = policy.get_report_for(request.user, report_pk, Action.REVIEW_REPORTS)
    campaign = report.campaign
    anonymity = Anonymity(request.user, campaign)
    # Read before the review: a rated report leaves a list of waiting ones.
    queue = _queue_around(request, campaign, anonymity, report)
    form = ReviewForm(request.POST or None, scale=campaign.rating_scale)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.review(
                request.user,
                report,
                data["decision"],
                rating=data.get("rating") or "",
                comment=data.get("comment") or "",
                new_due=data.get("new_due"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if data["decision"] == Decision.RATE and request.GET.get("unit") and queue.get("next"):
                # Rating done, a reviewer working through a list goes on with it.
                messages.success(
                    request,
                    _("Đã ghi xếp loại %(rating)s cho %(label)s. Đây là bài tiếp theo.")
                    % {"rating": data["rating"], "label": anonymity.label(report)},
                )
                return redirect(queue["next"]["url"])
            messages.success(request, _("Đã ghi nhận đánh giá."))
            return redirect(request.get_full_path())
    closest = copies.similar_to(report)
    visible = set(
        policy.reports_for(request.user, Action.REVIEW_REPORTS)
        .filter(pk__in=[other for _pair, other in closest])
        .values_list("pk", flat=True)
    )
    similar = [
        {
            "pair": pair,
            "other": other_pk,
            "visible": other_pk in visible,
            "flagged": similarity.Overlap(pair.jaccard, pair.containment, 0).flagged,
        }
        for pair, other_pk in closest
    ]
    versions = list(report.versions.select_related("entered_by"))
    hidden = anonymity.hides(report)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "campaign": campaign,
            "label": anonymity.label(report),
            "hidden": hidden,
            "back": anonymity.list_unit_of(report) if hidden else report.organization,
            "versions": versions,
            "latest": versions[-1] if versions else None,
            "sections": list(zip(campaign.prompts, versions[-1].sections, strict=False))
            if versions
            else [],
            "reviews": report.reviews.select_related("reviewer"),
            "similar": similar,
            "form": form,
            "review_problem": services.review_problem(request.user, report),
            "deadline": services.deadline_for(campaign, report.member, report),
            "queue": queue,
        },
    )


@login_required
def compare(request, report_pk, other_pk):
    """Two reports side by side, their shared passages marked (boilerplate aside). The
    other report may lie outside the reviewer's subtree: its text is shown, never its
    author's name or unit."""
    report = policy.get_report_for(request.user, report_pk, Action.REVIEW_REPORTS)
    pair = (
        Pair.objects.filter(Q(a=report, b_id=other_pk) | Q(b=report, a_id=other_pk))
        .select_related("a", "b")
        .first()
    )
    if pair is None:
        raise Http404
    other = Report.objects.select_related("member", "organization").get(pk=other_pk)
    boilerplate = copies.boilerplate_of(report.campaign_id)
    latest = report.versions.last()
    other_latest = other.versions.last()
    aligned = similarity.alignment(latest.text, other_latest.text, boilerplate)
    anonymity = Anonymity(request.user, report.campaign)
    return render(
        request,
        "reports/compare.html",
        {
            "report": report,
            "other": other,
            "pair": pair,
            "label": anonymity.label(report),
            "other_label": anonymity.label(other),
            "other_unit": "" if anonymity.hides(other) else other.organization.name,
            "left": aligned.left,
            "right": aligned.right,
            "rows": aligned.rows,
            "left_share": aligned.left_share,
            "right_share": aligned.right_share,
            "submitted": timezone.localdate(latest.submitted_at),
            "other_submitted": timezone.localdate(other_latest.submitted_at),
            "found": timezone.localdate(pair.found_at),
        },
    )


def _allowed_texts_post(request, campaign: Campaign, form: AllowedTextForm) -> bool:
    """Add or remove a circulated text; True when done (the caller redirects)."""
    try:
        if "remove" in request.POST:
            pk = request.POST["remove"]
            services.allowed_text_remove(
                request.user, campaign, int(pk) if pk.isdigit() and len(pk) < 18 else 0
            )
            messages.success(request, _("Đã bỏ văn bản khỏi danh sách được phép dùng chung."))
        elif form.is_valid():
            services.allowed_text_add(request.user, campaign, form.cleaned_data["text"])
            messages.success(
                request,
                _(
                    "Đã ghi văn bản được phép dùng chung; các cặp bài đang được tính lại,"
                    " kết quả hiện sau ít phút."
                ),
            )
        else:
            return False
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    tasks.copies_rebuild.enqueue(campaign.pk)
    return True


@login_required
@require_http_methods(["GET", "POST"])
def copy_pairs(request, campaign_pk):
    """A subtree's look-alike reports: pairs by similarity, and groups around a centre;
    the campaign's officer also keeps here the circulated texts allowed to everyone."""
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    anonymity = Anonymity(request.user, campaign)
    unit = _unit_for(request, campaign, anonymity)
    may_allow = policy.can(request.user, Action.MANAGE_CAMPAIGNS, campaign.owner)
    form = AllowedTextForm(request.POST if request.method == "POST" else None)
    if not anonymity.may_narrow_to(unit):
        widest = next(u for u in anonymity.list_units if unit.path.startswith(u.path))
        return redirect(_list_url(campaign, widest, "reports:copies"))
    if request.method == "POST":
        if not may_allow:
            raise PermissionDenied
        if _allowed_texts_post(request, campaign, form):
            return redirect(_list_url(campaign, unit, "reports:copies"))
    in_unit = Q(a__organization__path__startswith=unit.path) | Q(
        b__organization__path__startswith=unit.path
    )
    pairs = policy.pairs_for(request.user, Action.REVIEW_REPORTS).filter(in_unit, campaign=campaign)
    flagged = pairs.filter(
        Q(jaccard__gte=similarity.FLAG_JACCARD) | Q(containment__gte=similarity.FLAG_CONTAINMENT)
    )
    order = request.GET.get("sort", "-jaccard")
    if order not in ("-jaccard", "jaccard", "-containment", "containment", "-found_at"):
        order = "-jaccard"
    shown = list(
        flagged.select_related(
            "a__member", "b__member", "a__organization", "b__organization"
        ).order_by(order, "pk")[:PAIRS_SHOWN]
    )
    visible = set(
        policy.reports_for(request.user, Action.REVIEW_REPORTS)
        .filter(pk__in={pk for p in shown for pk in (p.a_id, p.b_id)})
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "pair": pair,
            "a": anonymity.label(pair.a),
            "b": anonymity.label(pair.b),
            "mine": pair.a_id if pair.a_id in visible else pair.b_id,
            "theirs": pair.b_id if pair.a_id in visible else pair.a_id,
        }
        for pair in shown
    ]
    groups = copies.groups(flagged)
    names = {
        r.pk: anonymity.label(r)
        for r in Report.objects.filter(
            pk__in={pk for g in groups for pk in (g.centre, *g.members)}
        ).select_related("member", "organization")
    }
    return render(
        request,
        "reports/copies.html",
        {
            "campaign": campaign,
            "unit": unit,
            "may_allow": may_allow,
            "allowed_form": form,
            "allowed": AllowedText.objects.filter(campaign=campaign).select_related("added_by")
            if may_allow
            else [],
            "rows": rows,
            "total": flagged.count(),
            "sort": order,
            # Pairs are dropped when a rebuild starts and found again range by range.
            "rebuilding": copies.rebuild_progress(campaign),
            "groups": [
                {
                    "group": g,
                    "centre": names.get(g.centre),
                    "members": [names.get(m) for m in g.members],
                }
                for g in groups
            ],
        },
    )


@login_required
@require_POST
def extend(request, campaign_pk):
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    unit = policy.get_organization_for(
        request.user, request.POST.get("unit"), Action.MANAGE_REPORTS
    )
    form = ExtensionForm(request.POST)
    back = reverse("reports:unit", args=[campaign.pk]) + f"?unit={unit.pk}"
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(back)
    data = form.cleaned_data
    member = None
    if data["card_number"].strip():
        member = (
            policy.members_for(request.user, Action.MANAGE_REPORTS)
            .filter(
                card_number=data["card_number"].strip(), organization__path__startswith=unit.path
            )
            .select_related("organization")
            .first()
        )
        if member is None:
            messages.error(request, _("Không tìm thấy đảng viên có số thẻ này trong đơn vị."))
            return redirect(back)
    try:
        services.extension_grant(
            request.user,
            campaign,
            due=data["due"],
            reason=data["reason"],
            unit=None if member else unit,
            member=member,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Đã gia hạn nộp bài đến ngày %(date)s.") % {"date": format_date(data["due"])}
        )
    return redirect(back)


CONFIRM_LISTED = 200  # pending members listed on the confirmation page; the rest counted


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request, campaign_pk, unit_pk):
    """The level above confirms a unit's results, having seen who is still due or
    returned for rewriting: those members will no longer be able to submit."""
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    unit = policy.get_organization_for(request.user, unit_pk, Action.MANAGE_REPORTS)
    if not unit.path.startswith(campaign.owner.path):
        raise Http404
    parent = Organization.objects.get_parent(unit)
    if parent is None:
        raise Http404  # a root has no level above to confirm it
    back = reverse("reports:unit", args=[campaign.pk]) + f"?unit={parent.pk}"
    if request.method == "POST":
        if not confirmed_in_page(request):
            return redirect(request.path)
        try:
            services.confirm(
                request.user,
                campaign,
                unit,
                request.POST.get("note", ""),
                close_pending=bool(request.POST.get("close_pending")),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        messages.success(request, _("Đã xác nhận kết quả của %(unit)s.") % {"unit": unit.name})
        return redirect(back)
    pending = (
        pending_members(campaign, unit)
        .filter(pending__in=REQUIRED)
        .select_related("organization")
        .order_by("sort_key", "pk")
    )
    listed = list(pending[:CONFIRM_LISTED])
    for member in listed:
        member.pending_label = Pending(member.pending).label
    return render(
        request,
        "reports/confirm.html",
        {
            "campaign": campaign,
            "unit": unit,
            "parent": parent,
            "back": back,
            "confirmation": Confirmation.objects.filter(campaign=campaign, organization=unit)
            .select_related("confirmed_by")
            .first(),
            "may_confirm": services.can_confirm(request.user, unit),
            "figures": report_rollup(campaign, unit).total,
            "waiting": services.awaiting_review(campaign, unit),
            "pending": listed,
            "pending_count": len(listed) if len(listed) < CONFIRM_LISTED else pending.count(),
        },
    )


# --- Who has not submitted -----------------------------------------------------------------

PENDING_PAGE = 50
CELLS_LISTED = 300  # a cell filter longer than this is replaced by the units below


def _follow_up_unit(request, campaign: Campaign) -> Organization:
    """The unit asked for (?unit=), else the widest the user follows up in the campaign."""
    wanted = request.GET.get("unit") or request.POST.get("unit")
    if wanted:
        unit = policy.get_organization_for(request.user, wanted, Action.FOLLOW_UP_REPORTS)
        if not unit.path.startswith(campaign.owner.path):
            raise Http404
        return unit
    if policy.can(request.user, Action.FOLLOW_UP_REPORTS, campaign.owner):
        return campaign.owner
    tops = policy.top_units_for(request.user, Action.FOLLOW_UP_REPORTS)
    unit = tops.filter(path__startswith=campaign.owner.path).select_related("level").first()
    if unit is None:
        raise Http404
    return unit


def _pending_filters(request, unit: Organization) -> dict:
    """State, cell (a unit inside `unit`, else 404) and name query from the request."""
    data = request.GET if request.method == "GET" else request.POST
    state = data.get("state", "")
    cell = None
    if data.get("cell"):
        cell = policy.get_organization_for(request.user, data["cell"], Action.FOLLOW_UP_REPORTS)
        if not cell.path.startswith(unit.path):
            raise Http404
    return {
        "state": state if state in Pending.values else "",
        "cell": cell,
        "q": data.get("q", "").strip()[:100],
    }


def _pending_url(campaign: Campaign, unit: Organization, filters: dict, **more) -> str:
    params = {
        "unit": unit.pk,
        "state": filters["state"],
        "cell": filters["cell"].pk if filters["cell"] else "",
        "q": filters["q"],
        **more,
    }
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return reverse("reports:pending", args=[campaign.pk]) + "?" + query


@login_required
def pending_list(request, campaign_pk):
    """Members who still owe a report (or are encouraged to write one), per unit and
    campaign, to chase up, enter on behalf of, or remind. In a blind campaign names may
    be listed but nothing here leads to a report: no number, no link, no rating."""
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    unit = _follow_up_unit(request, campaign)
    filters = _pending_filters(request, unit)
    members = pending_members(campaign, filters["cell"] or unit)
    if filters["state"]:
        members = members.filter(pending=filters["state"])
    else:
        members = members.filter(pending__in=REQUIRED)
    if filters["q"]:
        members = members.search(filters["q"])
    last_reminder = Reminder.objects.filter(campaign=campaign, member=OuterRef("pk"))
    members = (
        members.select_related("organization")
        .annotate(reminded_on=Subquery(last_reminder.order_by("-day").values("day")[:1]))
        .in_vietnamese_order()
    )
    page = Paginator(members, PENDING_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for member in page:
        member.pending_label = Pending(member.pending).label
        member.days_over = (today - member.due).days
        member.may_enter = member.closed_on is None and policy.can(
            request.user, Action.ENTER_REPORTS, member.organization
        )
    rollup = report_rollup(campaign, unit)
    figures = rollup.total
    exempt = 0
    if not campaign.exempt_required:
        exempt = (
            Organization.objects.filter(path__startswith=unit.path).aggregate(
                n=Sum("exempt_count")
            )["n"]
            or 0
        )
    cells = list(
        Organization.objects.filter(path__startswith=unit.path, level__holds_members=True)
        .open_now()
        .order_by("path")[: CELLS_LISTED + 1]
    )
    return render(
        request,
        "reports/pending.html",
        {
            "campaign": campaign,
            "unit": unit,
            "page": page,
            "filters": filters,
            "states": Pending.choices,
            "counts": {
                "required": figures.missing + figures.counts["returned"],
                "missing": figures.missing,
                "returned": figures.counts["returned"],
                "exempt": max(exempt - figures.counts["encouraged"], 0),
            },
            "children": rollup.children,
            "cells": cells if len(cells) <= CELLS_LISTED else None,
            "page_url": _pending_url(campaign, unit, filters),
            "any_open": any(member.closed_on is None for member in page),
        },
    )


@login_required
@require_POST
def remind(request, campaign_pk):
    """Remind the chosen members, or everyone the list shows (as a job: a province's
    list may be long). Nobody is reminded twice on the same day."""
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    unit = _follow_up_unit(request, campaign)
    filters = _pending_filters(request, unit)
    target = filters["cell"] or unit
    back = _pending_url(campaign, unit, filters)
    site = request.build_absolute_uri("/")
    if request.POST.get("scope") == "all":
        tasks.reminders_send_all.enqueue(
            request.user.pk, campaign.pk, target.pk, filters["state"], filters["q"], site
        )
        messages.success(
            request,
            _(
                "Đang gửi lời nhắc cho các đồng chí trong danh sách; ai đã được nhắc hôm nay "
                "sẽ không bị nhắc lại."
            ),
        )
        return redirect(back)
    chosen = [int(pk) for pk in request.POST.getlist("member") if pk.isdigit()]
    if not chosen:
        messages.error(request, _("Hãy chọn ít nhất một đồng chí để nhắc."))
        return redirect(back)
    try:
        sent = reminders.reminders_send(
            request.user, campaign, target, chosen, state=filters["state"], site=site
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    except OSError:
        messages.error(request, _("Không gửi được thư điện tử; chưa nhắc ai. Hãy thử lại sau."))
        return redirect(back)
    parts = []
    if sent.reminded:
        parts.append(_("Đã nhắc %(n)s đồng chí.") % {"n": format_int(sent.reminded)})
    if sent.emailed:
        parts.append(_("Đã gửi %(n)s thư điện tử.") % {"n": format_int(sent.emailed)})
    if sent.already:
        parts.append(
            _("%(n)s đồng chí đã được nhắc hôm nay nên không nhắc lại.")
            % {"n": format_int(sent.already)}
        )
    if not parts:
        parts.append(_("Không có ai cần nhắc trong những đồng chí đã chọn."))
    (messages.success if sent.reminded else messages.info)(request, " ".join(parts))
    return redirect(back)


# --- Exports ------------------------------------------------------------------------------


@login_required
@require_POST
def export_start(request, campaign_pk):
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    unit = policy.get_organization_for(
        request.user, request.POST.get("unit"), Action.REVIEW_REPORTS
    )
    form = ExportForm(request.POST)
    if not form.is_valid():
        raise Http404
    if not Anonymity(request.user, campaign).may_narrow_to(unit):
        messages.error(
            request,
            _(
                "Đợt học tập chấm ẩn danh: chỉ xuất chung bài của cả đơn vị nơi đồng chí "
                "chấm bài, không xuất riêng một đơn vị để khỏi lộ người viết."
            ),
        )
        return redirect(_list_url(campaign, unit))
    export = Export.objects.create(
        campaign=campaign,
        organization=unit,
        kind=form.cleaned_data["kind"],
        created_by=request.user,
    )
    audit_record(request.user, "export.reports", export, {"kind": [None, export.kind]})
    tasks.reports_export.enqueue(export.pk)
    return redirect("reports:export", export_pk=export.pk)


@login_required
def export_detail(request, export_pk):
    export = policy.get_export_for(request.user, export_pk)
    template = (
        "reports/_export.html" if request.headers.get("HX-Request") else "reports/export.html"
    )
    return render(request, template, {"export": export})


@login_required
def export_download(request, export_pk):
    export = policy.get_export_for(request.user, export_pk)
    path = (
        private_file(export.stored_path, "exports") if export.state == Export.State.DONE else None
    )
    if path is None:
        raise Http404
    audit_record(request.user, "download.reports", export, {"file": [None, export.file_name]})
    return FileResponse(path.open("rb"), as_attachment=True, filename=export.file_name)
