from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import matrix, policy, services, today
from accounts.forms import GrantForm, GrantPlaceForm, TokenForm
from accounts.models import ApiToken, Role, RoleGrant
from accounts.policy import Action
from accounts.token_use import token_use_pending
from members.models import Member
from nghiquyet.forms import add_service_errors
from reports.asked import asked_of


@login_required
def home(request):
    """Officers start at what is due in their scope; a plain member at what is asked
    of them."""
    if policy.holds_a_role(request.user):
        return redirect("accounts:today")
    if Member.objects.filter(user=request.user).exists():
        return member_home(request)
    return render(request, "accounts/no_scope.html")


NOTICES_SHOWN = 20


@login_required
def officer_home(request):
    """Việc cần làm: what is due this week in the officer's scope, each with its list."""
    if not policy.holds_a_role(request.user):
        raise PermissionDenied
    return render(
        request,
        "accounts/today.html",
        {"sections": today.todo_for(request.user), "day": timezone.localdate()},
    )


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
            "now": timezone.now(),
        },
    )


def _granting_table() -> list[tuple[str, list[str], list[str]]]:
    """The policy's granting table, as the page shows it."""
    return [
        (
            Role(held).label,
            [Role(r).label for r, where in given.items() if where == policy.Where.HERE],
            [Role(r).label for r, where in given.items() if where == policy.Where.BELOW],
        )
        for held, given in policy.GRANTABLE.items()
    ]


@login_required
def role_matrix(request):
    """What each role may do and who grants which, read from the policy."""
    if not policy.may_read_role_matrix(request.user):
        raise PermissionDenied
    # Those who grant go from here to the roles page of a unit they find by name.
    place = None
    if policy.has_any_scope(request.user, Action.GRANT_ROLES):
        units = policy.organizations_for(request.user, Action.GRANT_ROLES).open_now()
        place = GrantPlaceForm(request.GET or None, units=units)
        if place.is_valid():
            return redirect("accounts:roles", unit_pk=place.cleaned_data["unit"].pk)
    return render(
        request,
        "accounts/matrix.html",
        {
            "roles": matrix.roles(),
            "rows": matrix.rows(),
            "table": matrix.granting(),
            "place": place,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_list(request, unit_pk):
    user = request.user
    unit = policy.get_organization_for(user, unit_pk, Action.VIEW)
    if not policy.can(user, Action.GRANT_ROLES, unit):
        raise PermissionDenied
    roles = policy.grantable_roles(user, unit)
    form = GrantForm(request.POST or None, roles=roles)
    query = request.GET.get("q", "").strip()[:100]
    if request.method == "POST" and form.is_valid():
        member = Member.objects.filter(pk=form.cleaned_data["member"]).select_related("user")
        member = member.first()
        try:
            services.role_grant(
                user,
                user=member.user if member is not None else None,
                organization=unit,
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã phân quyền."))
            return redirect("accounts:roles", unit_pk=unit.pk)
    candidates = []
    if query and roles:
        candidates = list(
            policy.grantees_for(user, unit)
            .search(query)
            .select_related("organization", "user")
            .in_vietnamese_order()[:20]
        )
    chosen = str(form["member"].value() or "")
    if not chosen and len(candidates) == 1:
        chosen = str(candidates[0].pk)  # the one person found is the one meant
    grants = list(
        RoleGrant.objects.active()
        .filter(organization=unit)
        .select_related("user", "user__member", "granted_by")
    )
    for grant in grants:
        grant.revocable = grant.user_id != user.pk and grant.role in roles
    inherited = (
        RoleGrant.objects.active()
        .filter(organization__in=[u for u in unit.ancestors_and_self() if u.pk != unit.pk])
        .select_related("user", "user__member", "organization")
    )
    return render(
        request,
        "accounts/roles.html",
        {
            "unit": unit,
            "grants": grants,
            "inherited": inherited,
            "form": form,
            "roles": roles,
            "query": query,
            "candidates": candidates,
            "chosen": chosen,
            "table": _granting_table(),
        },
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
    try:
        services.role_revoke(request.user, grant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thu hồi quyền."))
    return redirect("accounts:roles", unit_pk=grant.organization_id)


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    user = request.user
    if "revoke" in request.POST:
        token_pk = request.POST["revoke"]
        mine = ApiToken.objects.filter(user=user)
        token = mine.filter(pk=token_pk).first() if token_pk.isdigit() else None
        if token is not None:
            services.token_revoke(user, token)
            messages.success(request, _("Đã thu hồi mã truy cập."))
        return redirect("accounts:tokens")
    scopes = policy.token_scopes_for(user)
    form = TokenForm(request.POST or None, scopes=scopes)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.token_issue(
                user,
                name=form.cleaned_data["name"].strip() or _("Mã truy cập"),
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = TokenForm(scopes=scopes)
    tokens = list(ApiToken.objects.filter(user=user).order_by("-created_at")[:100])
    # Uses of the last minute or two are still in the cache (accounts/token_use.py).
    pending = token_use_pending([token.pk for token in tokens])
    for token in tokens:
        if token.pk in pending:
            token.last_used_at, token.last_used_ip = pending[token.pk]
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": tokens, "new_token": new_token, "form": form, "now": timezone.now()},
    )
