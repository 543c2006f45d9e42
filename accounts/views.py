from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import policy, services
from accounts.forms import GrantForm
from accounts.models import ApiToken, RoleGrant
from accounts.policy import Action
from members.models import Member
from reports.asked import asked_of


@login_required
def home(request):
    """Staff start at the top of their tree; a plain member at what is asked of them."""
    if policy.has_any_scope(request.user, Action.VIEW):
        return redirect("organizations:tree")
    if Member.objects.filter(user=request.user).exists():
        return member_home(request)
    return render(request, "accounts/no_scope.html")


NOTICES_SHOWN = 20


@login_required
def member_home(request):
    """What the current campaigns ask of the member now, and their notices. Their
    personal record stays at members:me."""
    member = (
        Member.objects.active()
        .filter(user=request.user)
        .select_related("organization", "organization__level")
        .first()
    )
    if member is None:
        raise Http404(_("Tài khoản này chưa gắn với hồ sơ đảng viên đang sinh hoạt."))
    notices = policy.notices_for(request.user)
    return render(
        request,
        "accounts/member_home.html",
        {
            "member": member,
            "asked": asked_of(request.user, member),
            "notices": notices[:NOTICES_SHOWN],
            "unread": notices.unread().count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_list(request, unit_pk):
    unit = policy.get_organization_for(request.user, unit_pk, Action.VIEW)
    if not policy.can(request.user, Action.GRANT_ROLES, unit):
        raise PermissionDenied
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_grant(
                request.user,
                user=form.cleaned_data["username"],
                organization=unit,
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã phân quyền."))
            return redirect("accounts:roles", unit_pk=unit.pk)
    grants = (
        RoleGrant.objects.active().filter(organization=unit).select_related("user", "granted_by")
    )
    inherited = (
        RoleGrant.objects.active()
        .filter(organization__in=[u for u in unit.ancestors_and_self() if u.pk != unit.pk])
        .select_related("user", "organization")
    )
    return render(
        request,
        "accounts/roles.html",
        {"unit": unit, "grants": grants, "inherited": inherited, "form": form},
    )


@login_required
@require_POST
def role_revoke(request, grant_pk):
    grant = (
        RoleGrant.objects.active()
        .filter(organization__in=policy.organizations_for(request.user, Action.GRANT_ROLES))
        .select_related("organization", "user")
        .filter(pk=grant_pk)
        .first()
    )
    if grant is None:
        raise Http404
    services.role_revoke(request.user, grant)
    messages.success(request, _("Đã thu hồi quyền."))
    return redirect("accounts:roles", unit_pk=grant.organization_id)


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token_pk = request.POST["revoke"]
            if token_pk.isdigit():
                ApiToken.objects.filter(user=request.user, pk=token_pk).delete()
            messages.success(request, _("Đã thu hồi mã truy cập."))
            return redirect("accounts:tokens")
        name = request.POST.get("name", "").strip()[:100] or _("Mã truy cập")
        _token, new_token = ApiToken.issue(request.user, name)
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"tokens": tokens, "new_token": new_token})
