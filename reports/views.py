import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import policy
from accounts.policy import Action
from campaigns.models import Campaign
from conferences.rollup import rollup_unit
from members.models import Member
from nghiquyet.forms import add_service_errors, posted
from nghiquyet.uploads import MB, UploadError, private_file
from organizations.models import Organization
from reports import copies, services, similarity, tasks, uploads
from reports.forms import ExportForm, ExtensionForm, ReviewForm, UploadForm
from reports.models import Confirmation, Decision, Export, Pair, Report, Source, State, Upload
from reports.rollup import report_rollup
from vn.formats import format_date

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
                receipt = services.report_submit(
                    request.user,
                    campaign,
                    member,
                    sections,
                    key=data.get("key", ""),
                    source=source,
                )
            except ValidationError as error:
                errors = (
                    error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
                )
            else:
                if receipt.repeated:
                    messages.info(request, _("Bài này đã được nhận trước đó; không nộp lặp."))
                else:
                    messages.success(
                        request,
                        _("Đã nộp bài (lần %(n)s) lúc %(at)s.")
                        % {
                            "n": receipt.version.number,
                            "at": timezone.localtime(receipt.version.submitted_at).strftime(
                                "%H:%M %d/%m/%Y"
                            ),
                        },
                    )
                return redirect(request.path)
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
            "reviews": report.reviews.exclude(decision=Decision.RATE) if report else [],
            "key": secrets.token_urlsafe(16),
            "documents": campaign.documents.all(),
            "upload_form": UploadForm(),
            "upload": Upload.objects.filter(campaign=campaign, member=member)
            .exclude(state=Upload.State.USED)
            .first(),
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


def _unit_for(request, campaign: Campaign) -> Organization:
    unit = rollup_unit(request.user, campaign, request.GET.get("unit"))
    if not policy.can(request.user, Action.REVIEW_REPORTS, unit):
        tops = policy.top_units_for(request.user, Action.REVIEW_REPORTS).filter(
            path__startswith=campaign.owner.path
        )
        unit = tops.select_related("level").first()
        if unit is None or request.GET.get("unit"):
            raise PermissionDenied
    return unit


@login_required
def unit_reports(request, campaign_pk):
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    unit = _unit_for(request, campaign)
    reports = (
        policy.reports_for(request.user, Action.REVIEW_REPORTS)
        .filter(campaign=campaign, organization__path__startswith=unit.path)
        .select_related("member", "organization")
        .order_by("organization__path", "member__sort_key")
    )
    state = request.GET.get("state", "")
    if state in State.values:
        reports = reports.filter(state=state)
    if request.GET.get("flagged"):
        reports = reports.filter(flagged=True)
    page = Paginator(reports, LIST_PAGE).get_page(request.GET.get("page"))
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
            "state": state,
            "states": State.choices,
            "flagged": bool(request.GET.get("flagged")),
            "blind": campaign.blind_review,
            "figures": report_rollup(campaign, unit),
            "children": [
                (child, child.pk in confirmed, services.can_confirm(request.user, child))
                for child in children
            ],
            "manages": policy.can(request.user, Action.MANAGE_REPORTS, unit),
            "extension_form": ExtensionForm(),
            "export_form": ExportForm(),
        },
    )


def _label(report: Report, blind: bool) -> str:
    if blind:
        return _("Bài số %(n)s") % {"n": report.pk}
    return report.member.full_name


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, report_pk):
    report = policy.get_report_for(request.user, report_pk, Action.REVIEW_REPORTS)
    campaign = report.campaign
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
            messages.success(request, _("Đã ghi nhận đánh giá."))
            return redirect("reports:detail", report_pk=report.pk)
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
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "campaign": campaign,
            "label": _label(report, campaign.blind_review),
            "blind": campaign.blind_review,
            "versions": versions,
            "latest": versions[-1] if versions else None,
            "sections": list(zip(campaign.prompts, versions[-1].sections, strict=False))
            if versions
            else [],
            "reviews": report.reviews.select_related("reviewer"),
            "similar": similar,
            "form": form,
            "may_review": services.review_problem(request.user, report) is None,
            "deadline": services.deadline_for(campaign, report.member, report),
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
    own_visible = (
        policy.reports_for(request.user, Action.REVIEW_REPORTS).filter(pk=other.pk).exists()
    )
    boilerplate = copies.boilerplate_of(report.campaign_id)
    text = report.versions.last().text
    other_text = other.versions.last().text
    blind = report.campaign.blind_review
    return render(
        request,
        "reports/compare.html",
        {
            "report": report,
            "other": other,
            "pair": pair,
            "label": _label(report, blind),
            "other_label": _label(other, blind or not own_visible),
            "other_unit": other.organization.name if own_visible and not blind else "",
            "left": similarity.passages(text, other_text, boilerplate),
            "right": similarity.passages(other_text, text, boilerplate),
        },
    )


@login_required
def copy_pairs(request, campaign_pk):
    """A subtree's look-alike reports: pairs by similarity, and groups around a centre."""
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    unit = _unit_for(request, campaign)
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
    blind = campaign.blind_review
    rows = [
        {
            "pair": pair,
            "a": _label(pair.a, blind or pair.a_id not in visible),
            "b": _label(pair.b, blind or pair.b_id not in visible),
            "mine": pair.a_id if pair.a_id in visible else pair.b_id,
            "theirs": pair.b_id if pair.a_id in visible else pair.a_id,
        }
        for pair in shown
    ]
    groups = copies.groups(flagged)
    names = {
        r.pk: _label(r, blind or r.pk not in visible)
        for r in Report.objects.filter(
            pk__in={pk for g in groups for pk in (g.centre, *g.members)}
        ).select_related("member")
    }
    return render(
        request,
        "reports/copies.html",
        {
            "campaign": campaign,
            "unit": unit,
            "rows": rows,
            "total": flagged.count(),
            "sort": order,
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


@login_required
@require_POST
def confirm(request, campaign_pk, unit_pk):
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    unit = policy.get_organization_for(request.user, unit_pk, Action.MANAGE_REPORTS)
    try:
        services.confirm(request.user, campaign, unit, request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã xác nhận kết quả của %(unit)s.") % {"unit": unit.name})
    parent = Organization.objects.get_parent(unit)
    return redirect(reverse("reports:unit", args=[campaign.pk]) + f"?unit={parent.pk}")


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
    export = Export.objects.create(
        campaign=campaign,
        organization=unit,
        kind=form.cleaned_data["kind"],
        created_by=request.user,
    )
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
    return FileResponse(path.open("rb"), as_attachment=True, filename=export.file_name)
