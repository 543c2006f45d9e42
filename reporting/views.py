import hashlib
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import policy
from accounts.policy import Action
from audit.services import audit_record
from conferences.rollup import rollup_unit
from documents import layout
from nghiquyet.caching import figures_cached
from nghiquyet.forms import DATE_WIDGET, add_service_errors, confirmed_in_page
from nghiquyet.uploads import private_file
from organizations.choosers import use_chooser
from organizations.listing import shown_rows
from organizations.models import Organization
from programmes.models import Bucket
from programmes.rollup import COLOURS
from reporting import charts, services, tasks
from reporting.exporters import EXPORTERS, exporter_for
from reporting.figures import cell, collect, columns_of, compare, shown
from reporting.models import File, Kind, Request, Snapshot
from vn.formats import format_percent, format_ratio


def _table(rows: list[dict], columns) -> list[tuple[dict, list[str]]]:
    """Rows with their cells formatted here, as every file writes them ("91,30", "—"): a
    province has hundreds of rows of twenty columns, too many for template filters."""
    return [(row, [shown(cell(row, column)) for column in columns]) for row in rows]


def _digest(ids: set[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:24]


def _campaign_charts(campaign, unit, figures, reviewable: set[int]) -> list[charts.Chart]:
    """The dashboard's charts; a bar leads to the reports of its unit only where the user
    may review them (`reviewable`, unit ids)."""
    rows = figures["rows"]

    def link(name, row, **extra):
        query = "&".join(f"{k}={v}" for k, v in {"unit": row["unit"]["id"], **extra}.items())
        return reverse(name, args=[campaign.pk]) + "?" + query

    held = charts.stacked(
        _("Chi bộ đã tổ chức hội nghị"),
        [
            (
                r["unit"]["name"],
                link("reporting:dashboard", r),
                charts.share(r["cells_held"], r["cells"]),
                format_ratio(r["cells_held"], r["cells"]),
            )
            for r in rows
        ],
    )
    attendance = charts.stacked(
        _("Tỷ lệ đảng viên phải học tập đã tham dự"),
        [
            (
                r["unit"]["name"],
                link("conferences:rollup", r),
                charts.share(r["attended"], r["required"]),
                format_percent(r["attended"], r["required"]) if r["required"] else "—",
            )
            for r in rows
        ],
    )
    reports = charts.stacked(
        _("Bài thu hoạch: đúng hạn, muộn, chưa nộp"),
        [
            (
                r["unit"]["name"],
                link("reports:unit", r) if r["unit"]["id"] in reviewable else "",
                [
                    (_("Đúng hạn"), r["on_time"], charts.GREEN),
                    (_("Muộn"), r["late"], charts.AMBER),
                    (_("Chưa nộp"), r["missing"], charts.RED),
                ],
                format_ratio(r["submitted"], r["required"]),
            )
            for r in rows
        ],
        legend=[
            (_("Đúng hạn"), charts.GREEN),
            (_("Muộn"), charts.AMBER),
            (_("Chưa nộp"), charts.RED),
        ],
    )
    plans = charts.stacked(
        _("Đơn vị đã ban hành kế hoạch thực hiện"),
        [
            (
                r["unit"]["name"],
                link("reporting:dashboard", r),
                charts.share(r["plans_sent"], r["plans_required"]),
                format_ratio(r["plans_sent"], r["plans_required"]),
            )
            for r in rows
            if r["plans_required"]
        ],
    )
    tasks_chart = charts.stacked(
        _("Nhiệm vụ theo tình trạng"),
        [
            (
                r["unit"]["name"],
                reverse("programmes:dashboard") + f"?unit={r['unit']['id']}",
                [(b.label, r[b.value], COLOURS[b]) for b in Bucket],
                str(r["tasks"]),
            )
            for r in rows
            if r["tasks"]
        ],
        legend=[(b.label, COLOURS[b]) for b in Bucket],
    )
    return [c for c in (held, attendance, reports, plans, tasks_chart) if c.bars]


def _rows_shown(rows: list[dict], *, show_closed: bool) -> tuple[list[dict], int, set[int]]:
    """The unit's own row first, then the units below as every roll-up lists them: (rows,
    how many closed ones were left out, the ids of the closed ones shown)."""
    own = [row for row in rows if row.get("own")]
    below = [row for row in rows if not row.get("own")]
    units = Organization.objects.in_bulk([row["unit"]["id"] for row in below])
    shown, hidden = shown_rows(
        below, show_closed=show_closed, unit=lambda row: units[row["unit"]["id"]]
    )
    closed = {row["unit"]["id"] for row in shown if not units[row["unit"]["id"]].is_open}
    return own + shown, hidden, closed


@login_required
def dashboard(request, campaign_pk):
    """A campaign at a glance for a subtree; every unit and number leads to what is
    behind it."""
    campaign = policy.get_campaign_for(request.user, campaign_pk, Action.VIEW)
    unit = rollup_unit(request.user, campaign, request.GET.get("unit"))
    today = timezone.localdate()
    live = Snapshot(
        organization=unit,
        kind=Kind.CAMPAIGN,
        campaign=campaign,
        period_from=campaign.created_at.date(),
        period_to=today,
    )
    figures = figures_cached("dashboard", campaign.pk, unit.pk, partial(collect, live))
    total = figures["total"]
    show_closed = request.GET.get("closed") == "1"
    rows, closed_hidden, closed_ids = _rows_shown(figures["rows"], show_closed=show_closed)
    may_review = policy.can(request.user, Action.REVIEW_REPORTS, unit)
    reviewable = set(
        policy.organizations_for(request.user, Action.REVIEW_REPORTS)
        .filter(pk__in=[r["unit"]["id"] for r in rows])
        .values_list("pk", flat=True)
    )

    def panels() -> dict:
        """Charts and table, drawn only when the page's cache has none for these figures
        and what this user may follow (`{% figures_cache %}`)."""
        ratings = figures.get("ratings") or {}
        rating_chart = charts.stacked(
            _("Xếp loại bài thu hoạch"),
            [
                (
                    rating,
                    reverse("reports:unit", args=[campaign.pk]) + f"?unit={unit.pk}&state=rated"
                    if may_review
                    else "",
                    charts.share(n, total["submitted"]),
                    str(n),
                )
                for rating, n in ratings.items()
            ],
        )
        return {
            "charts": _campaign_charts(campaign, unit, {"rows": rows}, reviewable),
            "rating_chart": rating_chart if rating_chart.bars else None,
            "not_held": [r for r in rows if r["cells"] and r["cells_held"] < r["cells"]],
            "table": _table(rows, columns_of(figures)),
        }

    trail = [
        u
        for u in unit.ancestors_and_self()
        if u.path.startswith(campaign.owner.path) and policy.can(request.user, Action.VIEW, u)
    ]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "campaign": campaign,
            "unit": unit,
            "trail": trail,
            "figures": figures,
            "total": total,
            "panels": panels,
            "may_review": may_review,
            "reviewable": _digest(reviewable),
            "columns": columns_of(figures),
            "show_closed": show_closed,
            "closed_hidden": closed_hidden,
            "closed_ids": closed_ids,
            "documents": list(campaign.documents.all()[:5]),
        },
    )


# --- Reports upward ----------------------------------------------------------------------


class SubjectChoices:
    """Offers only units the user reports for, and campaigns and documents they see."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        use_chooser(
            self.fields["organization"],
            policy.organizations_for(user, Action.MANAGE_REPORTING).open_now(),
            "manage_reporting",
        )
        self.fields["campaign"].queryset = policy.campaigns_for(user, Action.VIEW)
        self.fields["document"].queryset = policy.documents_for(user, Action.VIEW).order_by(
            "-issued_on"
        )


_TEXT_ERRORS = {
    "place": {"required": gettext_lazy("Hãy ghi địa danh (nơi ban hành), ví dụ: Định Long.")},
    "title": {"required": gettext_lazy("Hãy ghi trích yếu của báo cáo.")},
}


class SnapshotForm(SubjectChoices, forms.ModelForm):
    class Meta:
        model = Snapshot
        fields = [
            "organization",
            "kind",
            "campaign",
            "document",
            "period_from",
            "period_to",
            "title",
            "symbol",
            "place",
            "signer",
            "signs_as",
            "recipients",
        ]
        widgets = {
            "period_from": DATE_WIDGET,
            "period_to": DATE_WIDGET,
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = _TEXT_ERRORS
        help_texts = {"symbol": gettext_lazy("Ví dụ: 52-BC/ĐU; để trống thì ghi tay khi ký.")}


class SnapshotTextForm(forms.ModelForm):
    """What a unit writes on its draft: number, place, signer, recipients, and sections
    II and III."""

    class Meta:
        model = Snapshot
        fields = list(services.EDITABLE)
        widgets = {
            "recipients": forms.Textarea(attrs={"rows": 3}),
            "limitations": forms.Textarea(attrs={"rows": 8}),
            "directions": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = _TEXT_ERRORS
        help_texts = {
            "symbol": gettext_lazy("Ví dụ: 52-BC/ĐU; để trống thì ghi tay khi ký."),
            "limitations": gettext_lazy("Mỗi dòng là một đoạn văn."),
            "directions": gettext_lazy("Mỗi dòng là một đoạn văn."),
        }


class RequestForm(SubjectChoices, forms.ModelForm):
    class Meta:
        model = Request
        fields = [
            "organization",
            "kind",
            "campaign",
            "document",
            "period_from",
            "period_to",
            "due_on",
        ]
        widgets = {"period_from": DATE_WIDGET, "period_to": DATE_WIDGET, "due_on": DATE_WIDGET}


class AnswerForm(forms.Form):
    organization = forms.ModelChoiceField(label=gettext_lazy("Đơn vị báo cáo"), queryset=None)
    title = forms.CharField(label=gettext_lazy("Trích yếu"), max_length=300)
    place = forms.CharField(label=gettext_lazy("Địa danh"), max_length=100)


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    user = request.user
    if not policy.has_any_scope(user, Action.VIEW):
        raise PermissionDenied
    manages = policy.has_any_scope(user, Action.MANAGE_REPORTING)
    form = SnapshotForm(request.POST or None, user=user) if manages else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            fields = dict(form.cleaned_data)
            organization = fields.pop("organization")
            try:
                snapshot = services.snapshot_draft(user, organization, **fields)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lập dự thảo báo cáo với số liệu hiện tại."))
                return redirect("reporting:detail", snapshot_pk=snapshot.pk)
    snapshots = policy.snapshots_for(user, Action.VIEW).select_related("organization")[:200]
    requests = policy.report_requests_for(user, Action.VIEW).select_related("organization")[:100]
    return render(
        request,
        "reporting/list.html",
        {"form": form, "snapshots": snapshots, "requests": requests, "manages": manages},
    )


@login_required
@require_http_methods(["GET", "POST"])
def snapshot_detail(request, snapshot_pk):
    snapshot = policy.get_snapshot_for(request.user, snapshot_pk, Action.VIEW)
    manages = policy.can(request.user, Action.MANAGE_REPORTING, snapshot.organization)
    editing = manages and not snapshot.is_issued
    text_form = SnapshotTextForm(instance=snapshot) if editing else None
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "issue" and not confirmed_in_page(request):
            return redirect(request.path)
        if action == "save" and editing:
            # A copy: a refused form must not leave its values on the report shown.
            text_form = SnapshotTextForm(request.POST, instance=Snapshot(pk=snapshot.pk))
            if text_form.is_valid():
                try:
                    services.snapshot_edit(
                        request.user,
                        snapshot,
                        **{name: text_form.cleaned_data[name] for name in services.EDITABLE},
                    )
                except ValidationError as error:
                    add_service_errors(text_form, error)
                else:
                    messages.success(request, _("Đã lưu nội dung báo cáo."))
                    return redirect(request.path)
            return _detail_page(request, snapshot, manages, text_form)
        try:
            if action == "save":
                services.snapshot_edit(request.user, snapshot)
            elif action == "issue":
                services.snapshot_issue(request.user, snapshot)
                messages.success(request, _("Đã ban hành báo cáo; số liệu được giữ nguyên từ nay."))
            elif action == "refresh":
                services.snapshot_refresh(request.user, snapshot)
                messages.success(request, _("Đã cập nhật số liệu của dự thảo."))
            elif action in {fmt for _kind, fmt in EXPORTERS}:
                item = File.objects.create(
                    snapshot=snapshot, format=action, created_by=request.user
                )
                audit_record(request.user, "export.report_file", item, {"format": [None, action]})
                tasks.report_file_build.enqueue(item.pk)
                return redirect("reporting:file", file_pk=item.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(request.path)
    return _detail_page(request, snapshot, manages, text_form)


def _detail_page(request, snapshot: Snapshot, manages: bool, text_form):
    previous = services.previous_of(snapshot)
    columns = columns_of(snapshot.figures)
    labels = {c.key: c.label for c in columns}
    return render(
        request,
        "reporting/detail.html",
        {
            "snapshot": snapshot,
            "manages": manages,
            "text_form": text_form,
            "limitations": layout.paragraphs(snapshot.limitations),
            "directions": layout.paragraphs(snapshot.directions),
            "columns": columns,
            "total": [shown(cell(snapshot.figures.get("total", {}), c)) for c in columns],
            "table": _table(snapshot.figures.get("rows", []), columns),
            "previous": previous,
            "changes": [
                (labels.get(key, key), then, now, change)
                for key, then, now, change in compare(snapshot.figures, previous.figures)
            ]
            if previous
            else [],
            "formats": sorted({fmt for kind, fmt in EXPORTERS if kind == snapshot.kind}),
            "files": snapshot.files.filter(created_by=request.user)[:10],
        },
    )


@login_required
def file_detail(request, file_pk):
    item = policy.get_report_file_for(request.user, file_pk)
    template = (
        "reporting/_file.html" if request.headers.get("HX-Request") else "reporting/file.html"
    )
    return render(request, template, {"file": item})


@login_required
def file_download(request, file_pk):
    item = policy.get_report_file_for(request.user, file_pk)
    path = private_file(item.stored_path, "reporting") if item.state == File.State.DONE else None
    if path is None:
        raise Http404
    exporter = exporter_for(item.snapshot.kind, item.format)
    name = f"bao-cao-{item.snapshot.pk}-{item.snapshot.period_to:%Y%m%d}.{exporter.extension}"
    audit_record(request.user, "download.report_file", item, {"file": [None, name]})
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=exporter.content_type
    )


@login_required
@require_http_methods(["GET", "POST"])
def requests_view(request):
    user = request.user
    if not policy.has_any_scope(user, Action.MANAGE_REPORTING):
        raise PermissionDenied
    form = RequestForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        organization = fields.pop("organization")
        try:
            made = services.request_create(user, organization, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã gửi yêu cầu báo cáo tới các đơn vị trực thuộc."))
            return redirect("reporting:request", request_pk=made.pk)
    return render(request, "reporting/requests.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request, request_pk):
    """The level above sees who has reported; a unit below answers from here."""
    asked = policy.get_report_request_for(request.user, request_pk, Action.VIEW)
    # The units below answer; the asking unit drafts the summary of their answers.
    answerable = policy.organizations_for(request.user, Action.MANAGE_REPORTING).filter(
        Q(pk__in=Organization.objects.get_children(asked.organization).values("pk"))
        | Q(pk=asked.organization_id)
    )
    form = AnswerForm(request.POST or None)
    form.fields["organization"].queryset = answerable
    if request.method == "POST":
        if not answerable.exists():
            raise PermissionDenied
        if form.is_valid():
            try:
                snapshot = services.snapshot_draft(
                    request.user,
                    form.cleaned_data["organization"],
                    request=asked,
                    title=form.cleaned_data["title"],
                    place=form.cleaned_data["place"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("reporting:detail", snapshot_pk=snapshot.pk)
    sees_all = policy.can(request.user, Action.VIEW, asked.organization)
    return render(
        request,
        "reporting/request.html",
        {
            "asked": asked,
            "status": services.request_status(asked) if sees_all else [],
            "form": form if answerable.exists() else None,
            "today": timezone.localdate(),
        },
    )
