from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policy
from accounts.policy import Action
from audit.models import AuditEntry
from audit.services import audit_record
from members import services
from members.forms import LeaveForm, MemberForm, TransferForm
from members.models import Member, MemberStatus
from nghiquyet.forms import add_service_errors
from organizations.models import Organization

PAGE_SIZE = 50
# OFFSET costs grow with depth (page 10,000 of 500,000 members takes over a second);
# nobody reads that far, so deep lists ask for a search or a filter instead.
MAX_PAGES = 200


class _KnownCountPaginator(Paginator):
    """Uses a count already known from the roll-up counters instead of COUNT(*)."""

    def __init__(self, object_list, per_page, known_count):
        super().__init__(object_list, per_page)
        self._known_count = known_count

    @property
    def count(self):
        return self._known_count


def _member_units(user, action: Action):
    return (
        policy.organizations_for(user, action)
        .open_now()
        .filter(level__holds_members=True)
        .select_related("level")
        .order_by("path")
    )


@login_required
def member_list(request, unit_pk):
    unit = policy.get_organization_for(request.user, unit_pk, Action.VIEW)
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    members = Member.objects.active().within(unit)
    if status in MemberStatus.values:
        members = members.filter(status=status)
    else:
        status = ""
    if query:
        members = members.search(query)
    members = members.select_related("organization").in_vietnamese_order()
    if query or status:
        paginator = Paginator(members, PAGE_SIZE)
    else:
        paginator = _KnownCountPaginator(
            members, PAGE_SIZE, Organization.objects.member_total(unit)
        )
    requested = request.GET.get("page", "1")
    number = min(int(requested), MAX_PAGES) if requested.isdigit() else 1
    page = paginator.get_page(number)
    # A page of members is a bulk read of personal data: recorded like an export.
    audit_record(
        request.user,
        "member.list",
        unit,
        {"q": [None, query], "status": [None, status], "page": [None, page.number]},
    )
    context = {
        "unit": unit,
        "page": page,
        "query": query,
        "status": status,
        "statuses": MemberStatus.choices,
        "may_manage": policy.can(request.user, Action.MANAGE_MEMBERS, unit),
        "truncated": paginator.num_pages > MAX_PAGES,
        "max_pages": MAX_PAGES,
    }
    template = "members/_rows.html" if request.headers.get("HX-Request") else "members/list.html"
    return render(request, template, context)


@login_required
def member_me(request):
    member = Member.objects.filter(user=request.user).first()
    if member is None:
        raise Http404(_("Tài khoản này chưa gắn với hồ sơ đảng viên nào."))
    return redirect("members:detail", member_pk=member.pk)


@login_required
def member_detail(request, member_pk):
    member = policy.get_member_for(request.user, member_pk, Action.VIEW)
    transfers = member.transfers.select_related("from_organization", "to_organization")
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "transfers": transfers,
            "may_manage": policy.can(request.user, Action.MANAGE_MEMBERS, member.organization),
            "may_audit": policy.can(request.user, Action.VIEW_AUDIT, member.organization),
            # A member reads their own record but not their cell's list.
            "may_list": policy.can(request.user, Action.VIEW, member.organization),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, unit_pk):
    unit = policy.get_organization_for(request.user, unit_pk, Action.MANAGE_MEMBERS)
    units = _member_units(request.user, Action.MANAGE_MEMBERS).within(unit.path)
    initial = {"organization": unit.pk} if unit.level.holds_members else {}
    form = MemberForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_create(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã thêm đảng viên %(name)s.") % {"name": member})
            return redirect("members:detail", member_pk=member.pk)
    return render(request, "members/form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, member_pk):
    member = policy.get_member_for(request.user, member_pk, Action.VIEW)
    if not policy.can(request.user, Action.MANAGE_MEMBERS, member.organization):
        raise PermissionDenied
    form = MemberForm(request.POST or None, instance=Member.objects.get(pk=member.pk))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.EDITABLE}
        try:
            services.member_update(request.user, member, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("members:detail", member_pk=member.pk)
    return render(request, "members/form.html", {"form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, member_pk):
    member = policy.get_member_for(request.user, member_pk, Action.VIEW)
    if not policy.can(request.user, Action.MANAGE_MEMBERS, member.organization):
        raise PermissionDenied
    units = _member_units(request.user, Action.MANAGE_MEMBERS).exclude(pk=member.organization_id)
    form = TransferForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_transfer(
                request.user,
                member,
                form.cleaned_data["to"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã chuyển sinh hoạt."))
            return redirect("members:detail", member_pk=member.pk)
    return render(
        request,
        "members/action.html",
        {"form": form, "member": member, "title": _("Chuyển sinh hoạt")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request, member_pk):
    member = policy.get_member_for(request.user, member_pk, Action.VIEW)
    if not policy.can(request.user, Action.MANAGE_MEMBERS, member.organization):
        raise PermissionDenied
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_leave(
                request.user,
                member,
                on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi nhận thôi sinh hoạt."))
            return redirect("members:detail", member_pk=member.pk)
    return render(
        request,
        "members/action.html",
        {"form": form, "member": member, "title": _("Thôi sinh hoạt")},
    )


@login_required
def member_history(request, member_pk):
    member = policy.get_member_for(request.user, member_pk, Action.VIEW)
    if not policy.can(request.user, Action.VIEW_AUDIT, member.organization):
        raise PermissionDenied
    entries = AuditEntry.objects.about(member)[:500]
    return render(request, "audit/history.html", {"subject": member, "entries": entries})
