from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policy
from accounts.policy import Action
from audit.models import AuditEntry
from nghiquyet.forms import add_service_errors
from organizations import services
from organizations.choosers import matching, with_parents
from organizations.forms import CloseForm, MoveForm, RenameDateForm, UnitForm
from organizations.models import Organization
from programmes.rollup import due_soon


def _require(user, action: Action, unit: Organization) -> None:
    if not policy.can(user, action, unit):
        raise PermissionDenied


@login_required
def unit_tree(request):
    tops = list(policy.top_units_for(request.user, Action.VIEW).select_related("level"))
    if len(tops) == 1:
        return redirect("organizations:detail", unit_pk=tops[0].pk)
    rows = [(unit, Organization.objects.member_total(unit)) for unit in tops]
    return render(request, "organizations/tree.html", {"rows": rows})


@login_required
def unit_choose(request):
    """The chooser's answers as one types: units where the user may do `action`, with
    parent and code; those already ticked stay ticked on top."""
    try:
        action = Action(request.GET.get("action", Action.VIEW))
    except ValueError:
        raise Http404 from None
    units = policy.organizations_for(request.user, action)
    within = request.GET.get("within", "")
    if within.isdigit():
        top = policy.get_organization_for(request.user, within, Action.VIEW)
        units = units.filter(path__startswith=top.path)
    field = request.GET.get("field", "")[:60]
    picked = [pk for pk in request.GET.getlist(field) if pk.isdigit()][:50] if field else []
    chosen = with_parents(list(units.filter(pk__in=picked))) if picked else []
    query = request.GET.get(f"{field}__q", request.GET.get("q", "")).strip()[:100]
    offered = [
        unit
        for unit in matching(units, query, closed=request.GET.get("closed") == "1")
        if unit.pk not in {c.pk for c in chosen}
    ]
    return render(
        request,
        "organizations/_chooser_options.html",
        {
            "name": field,
            "multiple": request.GET.get("multiple") == "1",
            "chosen": chosen,
            "offered": offered,
        },
    )


@login_required
def unit_detail(request, unit_pk):
    unit = policy.get_organization_for(request.user, unit_pk, Action.VIEW)
    show_closed = request.GET.get("closed") == "1"
    children = unit.children_by_name()
    if not show_closed:
        children = [child for child in children if child.is_open]
    child_totals = Organization.objects.member_totals_by_child(unit)
    rows = [(child, child_totals.get(child.path, 0)) for child in children]
    breadcrumbs = [u for u in unit.ancestors_and_self() if policy.can(request.user, Action.VIEW, u)]
    return render(
        request,
        "organizations/detail.html",
        {
            "unit": unit,
            "rows": rows,
            "total": sum(child_totals.values()) + unit.member_count,
            "breadcrumbs": breadcrumbs,
            "show_closed": show_closed,
            "closed_count": Organization.objects.get_children(unit)
            .exclude(valid_to__isnull=True)
            .count(),
            "renames": unit.renames.all(),
            "may_manage": policy.can(request.user, Action.MANAGE_UNITS, unit),
            "may_members": policy.can(request.user, Action.MANAGE_MEMBERS, unit),
            "may_grant": policy.can(request.user, Action.GRANT_ROLES, unit),
            "may_audit": policy.can(request.user, Action.VIEW_AUDIT, unit),
            "due_soon": due_soon(unit),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_add(request, unit_pk):
    parent = policy.get_organization_for(request.user, unit_pk, Action.VIEW)
    _require(request.user, Action.MANAGE_UNITS, parent)
    form = UnitForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.organization_create(request.user, parent=parent, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã thêm đơn vị “%(name)s”.") % {"name": unit.name})
            return redirect("organizations:detail", unit_pk=unit.pk)
    return render(request, "organizations/form.html", {"form": form, "parent": parent})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, unit_pk):
    unit = policy.get_organization_for(request.user, unit_pk, Action.VIEW)
    _require(request.user, Action.MANAGE_UNITS, unit)
    form = UnitForm(request.POST or None, instance=Organization.objects.get(pk=unit.pk))
    date_form = RenameDateForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and date_form.is_valid():
        services.organization_update(
            request.user,
            unit,
            renamed_on=date_form.cleaned_data["renamed_on"],
            **form.cleaned_data,
        )
        messages.success(request, _("Đã lưu thay đổi."))
        return redirect("organizations:detail", unit_pk=unit.pk)
    return render(
        request, "organizations/form.html", {"form": form, "date_form": date_form, "unit": unit}
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request, unit_pk):
    unit = policy.get_organization_for(request.user, unit_pk, Action.VIEW)
    _require(request.user, Action.MANAGE_UNITS, unit)
    targets = (
        policy.organizations_for(request.user, Action.MANAGE_UNITS)
        .open_now()
        .exclude(path__startswith=unit.path)
        .select_related("level")
        .order_by("path")
    )
    form = MoveForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_move(request.user, unit, form.cleaned_data["new_parent"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã chuyển đơn vị."))
            return redirect("organizations:detail", unit_pk=unit.pk)
    return render(
        request,
        "organizations/action.html",
        {"form": form, "unit": unit, "title": _("Chuyển đơn vị")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_close(request, unit_pk):
    unit = policy.get_organization_for(request.user, unit_pk, Action.VIEW)
    _require(request.user, Action.MANAGE_UNITS, unit)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_close(request.user, unit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã đóng đơn vị; lịch sử vẫn được giữ."))
            return redirect("organizations:detail", unit_pk=unit.pk)
    return render(
        request,
        "organizations/action.html",
        {"form": form, "unit": unit, "title": _("Đóng đơn vị")},
    )


@login_required
def unit_history(request, unit_pk):
    unit = policy.get_organization_for(request.user, unit_pk, Action.VIEW)
    _require(request.user, Action.VIEW_AUDIT, unit)
    entries = AuditEntry.objects.about(unit)[:500]
    return render(request, "audit/history.html", {"subject": unit, "entries": entries})
