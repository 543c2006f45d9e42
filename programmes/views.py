from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import policy
from accounts.policy import Action
from audit.services import audit_record
from documents.extraction import sniff_attachment
from nghiquyet.forms import add_service_errors
from nghiquyet.uploads import UploadError, check_size, store_private
from organizations.listing import shown_rows
from organizations.models import Organization
from programmes import rollup, services
from programmes.forms import (
    ActualForm,
    AppendixForm,
    ContributionForm,
    DecisionForm,
    InspectionForm,
    ProgressForm,
    RecordForm,
    ReminderForm,
    TargetForm,
    TaskForm,
)
from programmes.models import Bucket, Evidence, Programme, Target, Task

TASKS_PAGE = 100
CHART_ROWS = 30
LISTED = 200


def _units(user):
    """Units a programme may assign tasks to: open units the user may see."""
    return policy.organizations_for(user, Action.VIEW).open_now().order_by("path")


@login_required
@require_POST
def programme_create(request, document_pk):
    document = policy.get_document_for(request.user, document_pk, Action.VIEW)
    try:
        programme = services.programme_create(request.user, document)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        existing = Programme.objects.filter(document=document).first()
        if existing is None:
            return redirect("documents:detail", document_pk=document.pk)
        programme = existing
    return redirect("programmes:detail", programme_pk=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def programme_detail(request, programme_pk):
    programme = policy.get_programme_for(request.user, programme_pk, Action.VIEW)
    user = request.user
    manages = policy.can(user, Action.MANAGE_PROGRAMMES, programme.organization)
    forms = {
        "reminders": ReminderForm(instance=programme, prefix="r"),
        "target": TargetForm(prefix="t"),
        "task": TaskForm(prefix="k", units=_units(user)),
        "appendix": AppendixForm(),
    }
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        which = request.POST.get("form")
        if which == "target":
            forms["target"] = form = TargetForm(request.POST, prefix="t")
            if form.is_valid():
                try:
                    services.target_add(user, programme, **form.cleaned_data)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("Đã thêm chỉ tiêu."))
                    return redirect(request.path)
        elif which == "task":
            forms["task"] = form = TaskForm(request.POST, prefix="k", units=_units(user))
            if form.is_valid():
                fields = dict(form.cleaned_data)
                partners = fields.pop("partners")
                try:
                    services.task_add(user, programme, partners=partners, **fields)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("Đã thêm nhiệm vụ."))
                    return redirect(request.path)
        elif which == "reminders":
            forms["reminders"] = form = ReminderForm(request.POST, instance=programme, prefix="r")
            if form.is_valid():
                with transaction.atomic():
                    form.save()
                    audit_record(
                        user,
                        "programme.reminders",
                        programme,
                        {
                            "remind_before": [None, programme.remind_before],
                            "remind_after": [None, programme.remind_after],
                        },
                    )
                messages.success(request, _("Đã lưu cài đặt nhắc việc."))
                return redirect(request.path)
    tasks = programme.tasks.select_related("lead").order_by("pk")
    page = Paginator(tasks, TASKS_PAGE).get_page(request.GET.get("page"))
    rolled = services.rolled_progress(list(page))
    # A unit below sees the whole programme but opens only the tasks it leads.
    openable = set(
        policy.tasks_for(user, Action.VIEW)
        .filter(pk__in=[task.pk for task in page])
        .values_list("pk", flat=True)
    )
    for task in page:
        task.rolled = rolled[task.pk]
        task.openable = task.pk in openable
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "manages": manages,
            "organization_visible": policy.can(user, Action.VIEW, programme.organization),
            "forms": forms,
            "page": page,
            "targets": rollup.target_lines(programme.targets.all()),
            "figures": rollup.task_rollup(programme.organization, programme.document_id).total,
            "rule": services.ROLLUP_RULE,
        },
    )


@login_required
@require_POST
def appendix_import(request, programme_pk):
    from programmes.appendix import appendix_apply, read_appendix

    programme = policy.get_programme_for(request.user, programme_pk, Action.MANAGE_PROGRAMMES)
    form = AppendixForm(request.POST, request.FILES)
    errors = []
    if not form.is_valid():
        errors = [_("Hãy chọn tệp XLSX.")]
    else:
        try:
            plan = read_appendix(form.cleaned_data["file"], programme, request.user)
            if plan.errors:
                errors = [f"{_('Dòng')} {row}: {message}" for row, message in plan.errors]
            else:
                created = appendix_apply(request.user, programme, plan)
        except UploadError as error:
            errors = [str(error)]
        except ValidationError as error:
            errors = error.messages
    if errors:
        return render(
            request,
            "programmes/appendix_errors.html",
            {"programme": programme, "errors": errors[:500], "more": max(len(errors) - 500, 0)},
            status=422,
        )
    messages.success(request, _("Đã nhập %(n)s nhiệm vụ từ phụ lục.") % {"n": len(created)})
    return redirect("programmes:detail", programme_pk=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request, task_pk):
    task = policy.get_task_for(request.user, task_pk, Action.VIEW)
    user = request.user
    reports = services.may_report(user, task)
    decides = policy.can(user, Action.MANAGE_PROGRAMMES, services.task_owner(task))
    links = policy.can(user, Action.MANAGE_PROGRAMMES, task.lead)
    forms = {
        "progress": ProgressForm(prefix="p"),
        "decision": DecisionForm(prefix="d"),
        "contribution": ContributionForm(prefix="c"),
    }
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "progress" and reports:
            forms["progress"] = form = ProgressForm(request.POST, request.FILES, prefix="p")
            if form.is_valid() and _progress_save(request, task, form):
                return redirect(request.path)
        elif which == "decision" and decides:
            forms["decision"] = form = DecisionForm(request.POST, prefix="d")
            if form.is_valid():
                try:
                    services.decision_record(user, task, **form.cleaned_data)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, _("Đã ghi quyết định."))
                    return redirect(request.path)
        elif which == "contribution" and links:
            forms["contribution"] = form = ContributionForm(request.POST, prefix="c")
            if form.is_valid():
                higher = (
                    policy.tasks_for(user, Action.VIEW)
                    .filter(pk=form.cleaned_data["higher"])
                    .first()
                )
                if higher is None:
                    form.add_error(
                        "higher", _("Không tìm thấy nhiệm vụ này trong phạm vi của bạn.")
                    )
                else:
                    try:
                        services.contribution_link(
                            user, lower=task, higher=higher, weight=form.cleaned_data["weight"]
                        )
                    except ValidationError as error:
                        add_service_errors(form, error)
                    else:
                        messages.success(request, _("Đã liên kết với nhiệm vụ cấp trên."))
                        return redirect(request.path)
        else:
            raise PermissionDenied
    return render(
        request,
        "programmes/task.html",
        {
            "task": task,
            "reports": task.reports.select_related("reported_by").prefetch_related("evidence"),
            "decisions": task.decisions.all(),
            "serves": task.serves.select_related("higher_task", "higher_task__lead"),
            "served_by": task.served_by.select_related("task", "task__lead"),
            "rolled": services.rolled_progress([task])[task.pk],
            "rule": services.ROLLUP_RULE,
            "may_report": reports,
            "may_decide": decides,
            "may_link": links,
            "may_plan_inspection": _plans_above(user, task.lead),
            "forms": forms,
        },
    )


def _plans_above(user, lead: Organization) -> bool:
    """Whether the user plans inspections over the lead unit: a unit does not inspect
    itself."""
    parent = Organization.objects.get_parent(lead) if lead.depth > 1 else None
    return parent is not None and policy.can(user, Action.PLAN_INSPECTIONS, parent)


def _progress_save(request, task: Task, form: ProgressForm) -> bool:
    data = dict(form.cleaned_data)
    upload = data.pop("evidence")
    stored = None
    try:
        if upload is not None:
            check_size(upload.size)
            content_type = sniff_attachment(upload)
            stored = (
                upload.name[:255],
                content_type,
                store_private(upload.chunks(), "evidence", "bin"),
            )
        entry = services.progress_report(request.user, task, **data)
    except UploadError as error:
        form.add_error("evidence", str(error))
        return False
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    if stored is not None:
        Evidence.objects.create(
            progress=entry, original_name=stored[0], content_type=stored[1], stored_path=stored[2]
        )
    messages.success(request, _("Đã gửi báo cáo tiến độ."))
    return True


@login_required
@require_POST
def actual_set(request, target_pk):
    target = policy.get_target_for(request.user, target_pk)
    form = ActualForm(request.POST)
    if form.is_valid():
        try:
            services.actual_set(request.user, target, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã ghi giá trị thực hiện."))
    else:
        messages.error(request, _("Hãy ghi kỳ và giá trị hợp lệ."))
    return redirect("programmes:detail", programme_pk=target.programme_id)


# --- Dashboard and urging --------------------------------------------------------------------


def _dashboard_unit(request) -> Organization:
    wanted = request.GET.get("unit")
    if wanted:
        return policy.get_organization_for(request.user, wanted, Action.VIEW)
    top = policy.top_units_for(request.user, Action.VIEW).select_related("level").first()
    if top is None:
        raise PermissionDenied
    return top


def _dashboard_document(request):
    wanted = request.GET.get("document")
    if not wanted:
        return None
    return policy.get_document_for(request.user, wanted, Action.VIEW)


def _visible_parent(user, unit: Organization) -> Organization | None:
    parent = Organization.objects.get_parent(unit) if unit.depth > 1 else None
    return parent if parent and policy.can(user, Action.VIEW, parent) else None


@login_required
def dashboard(request):
    unit = _dashboard_unit(request)
    document = _dashboard_document(request)
    document_id = document.pk if document else None
    figures = rollup.task_rollup(unit, document_id)
    show_closed = request.GET.get("closed") == "1"
    figures.children, closed_hidden = shown_rows(figures.children, show_closed=show_closed)
    programme = Programme.objects.filter(document=document).first() if document else None
    targets_of = (
        programme.targets.all()
        if programme
        else Target.objects.filter(programme__organization=unit).select_related(
            "programme", "programme__document"
        )[:50]
    )
    # A number clicked on the page: the tasks behind it.
    bucket = request.GET.get("bucket", "")
    listed = None
    if bucket in Bucket.values:
        listed = (
            policy.tasks_for(request.user, Action.VIEW)
            .filter(bucket=bucket, lead__path__startswith=unit.path)
            .select_related("lead", "document")
            .order_by("deadline", "pk")
        )
        if document_id:
            listed = listed.filter(document_id=document_id)
        listed = list(listed[:LISTED])
    # The chart shows the whole and the units below with the most tasks; the table has all.
    rows = [figures.total] + sorted(
        (f for f in figures.children if f.total), key=lambda f: -f.total
    )[:CHART_ROWS]
    chart = [{"figures": f, "y": 10 * i + 1} for i, f in enumerate(rows)]
    return render(
        request,
        "programmes/dashboard.html",
        {
            "unit": unit,
            "chart": chart,
            "bucket": Bucket(bucket) if listed is not None else None,
            "listed": listed,
            "chart_height": 10 * len(chart),
            "chart_px": 22 * len(chart),
            "document": document,
            "rollup": figures,
            "show_closed": show_closed,
            "closed_hidden": closed_hidden,
            "buckets": list(Bucket),
            "targets": rollup.target_lines(targets_of),
            "escalated": rollup.escalated(unit, document_id),
            "obligations": rollup.obligations(unit, document_id) if document_id else None,
            "today": timezone.localdate(),
            "parent": _visible_parent(request.user, unit),
            "reports_here": policy.can(request.user, Action.REPORT_PROGRESS, unit),
            "may_urge": policy.can(request.user, Action.MANAGE_PROGRAMMES, unit),
        },
    )


LETTER_FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
def urging_letter(request, fmt="docx"):
    from programmes.letters import urging_letter as letter

    unit = _dashboard_unit(request)
    if not policy.can(request.user, Action.MANAGE_PROGRAMMES, unit):
        raise PermissionDenied
    document = _dashboard_document(request)
    tasks = Task.objects.filter(bucket=Bucket.OVERDUE, lead__path__startswith=unit.path)
    if document is not None:
        tasks = tasks.filter(document=document)
    tasks = list(tasks.select_related("lead", "document").order_by("lead__path", "deadline")[:2000])
    data = letter(unit, tasks, timezone.localdate(), fmt=fmt)
    audit_record(
        request.user,
        "download.urging_letter",
        unit,
        {"tasks": [None, len(tasks)], "format": [None, fmt]},
    )
    response = HttpResponse(data, content_type=LETTER_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="cong-van-don-doc.{fmt}"'
    return response


# --- Inspections ----------------------------------------------------------------------------


def _plan_of_task(request, organizations) -> dict:
    """An inspection of a task's lead unit (`?task=`, from the task's page), planned by
    the nearest unit above it where the user plans inspections."""
    wanted = request.GET.get("task", "")
    if request.method != "GET" or not wanted.isdigit():
        return {}
    task = policy.get_task_for(request.user, wanted, Action.VIEW)
    lead = task.lead
    above = [o for o in organizations if lead.path.startswith(o.path) and o.pk != lead.pk]
    subject = _("Kiểm tra việc thực hiện nhiệm vụ: %(task)s") % {"task": task.content}
    return {
        "organization": above[-1] if above else None,
        "units": [lead],
        "subject": subject[:500],
        "document": task.document_id,
    }


@login_required
@require_http_methods(["GET", "POST"])
def inspections(request):
    user = request.user
    organizations = (
        policy.organizations_for(user, Action.PLAN_INSPECTIONS).open_now().order_by("path")
    )
    form = (
        InspectionForm(
            request.POST or None,
            initial=_plan_of_task(request, organizations),
            organizations=organizations,
            units=_units(user),
            documents=policy.documents_for(user, Action.VIEW).order_by("-issued_on"),
        )
        if organizations.exists()
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            fields = dict(form.cleaned_data)
            try:
                inspection = services.inspection_create(user, **fields)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lập kế hoạch kiểm tra."))
                return redirect("programmes:inspection", inspection_pk=inspection.pk)
    listed = policy.inspections_for(user, Action.VIEW).select_related("organization")[:200]
    return render(request, "programmes/inspections.html", {"form": form, "inspections": listed})


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request, inspection_pk):
    inspection = policy.get_inspection_for(request.user, inspection_pk, Action.VIEW)
    user = request.user
    inspects = policy.can(user, Action.INSPECT, inspection.organization)
    record = RecordForm(
        prefix="v",
        initial={
            "visited_on": inspection.visited_on,
            "findings": inspection.findings,
            "conclusions": inspection.conclusions,
        },
    )
    followup = TaskForm(prefix="k", units=inspection.units.all())
    if request.method == "POST":
        if not inspects:
            raise PermissionDenied
        if request.POST.get("form") == "record":
            record = RecordForm(request.POST, prefix="v")
            if record.is_valid():
                try:
                    services.inspection_record(user, inspection, **record.cleaned_data)
                except ValidationError as error:
                    add_service_errors(record, error)
                else:
                    messages.success(request, _("Đã ghi kết quả kiểm tra."))
                    return redirect(request.path)
        else:
            followup = TaskForm(request.POST, prefix="k", units=inspection.units.all())
            if followup.is_valid():
                fields = dict(followup.cleaned_data)
                partners = fields.pop("partners")
                try:
                    services.followup_add(user, inspection, partners=partners, **fields)
                except ValidationError as error:
                    add_service_errors(followup, error)
                else:
                    messages.success(request, _("Đã giao nhiệm vụ sau kiểm tra."))
                    return redirect(request.path)
    return render(
        request,
        "programmes/inspection.html",
        {
            "inspection": inspection,
            "inspects": inspects,
            "record": record,
            "followup": followup,
            "tasks": inspection.tasks.select_related("lead"),
            "units": inspection.units.all(),
        },
    )


@login_required
def inspection_plan_docx(request, inspection_pk):
    """The inspection plan in the Party layout, a draft to number and sign in Word."""
    from programmes.inspection_plan import inspection_plan

    inspection = policy.get_inspection_for(request.user, inspection_pk, Action.VIEW)
    audit_record(request.user, "download.inspection_plan", inspection)
    response = HttpResponse(
        inspection_plan(inspection, timezone.localdate()),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = 'attachment; filename="ke-hoach-kiem-tra.docx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def progress_sheet(request, unit_pk):
    """The lead unit's open tasks as an XLSX to fill in (GET), and the filled sheet
    applied all-or-nothing (POST)."""
    from programmes.progress_sheet import progress_apply, progress_template, read_progress

    unit = policy.get_organization_for(request.user, unit_pk, Action.REPORT_PROGRESS)
    if request.method == "GET":
        audit_record(request.user, "download.progress_sheet", unit)
        response = HttpResponse(
            progress_template(request.user, unit),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="tien-do-nhiem-vu.xlsx"'
        return response
    form = AppendixForm(request.POST, request.FILES)
    errors = []
    if not form.is_valid():
        errors = [_("Hãy chọn tệp XLSX.")]
    else:
        try:
            sheet = read_progress(request.user, unit, form.cleaned_data["file"])
            errors = [f"{_('Dòng')} {row}: {message}" for row, message in sheet.errors]
            if not errors:
                updated = progress_apply(request.user, sheet)
        except UploadError as error:
            errors = [str(error)]
        except ValidationError as error:
            errors = error.messages
    if errors:
        messages.error(request, _("Chưa cập nhật nhiệm vụ nào. ") + " ".join(errors[:20]))
    else:
        messages.success(request, _("Đã cập nhật tiến độ %(n)s nhiệm vụ.") % {"n": updated})
    return redirect(reverse("programmes:dashboard") + f"?unit={unit.pk}")
