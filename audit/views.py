from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts import policy
from accounts.policy import Action
from audit.forms import FAMILIES, AuditFilterForm
from organizations.models import Organization

PAGE_SIZE = 50
MAX_PAGES = 200  # deeper than this, a filter narrows faster than paging


def _unit_choices(user) -> list[tuple[Organization, bool]]:
    """The top units of the user's audit scope, each followed by the units just below it
    (marked True)."""
    choices = []
    for top in policy.top_units_for(user, Action.VIEW_AUDIT)[:50]:
        choices.append((top, False))
        choices.extend((c, True) for c in Organization.objects.get_children(top)[:100])
    return choices


@login_required
def audit_list(request):
    """The audit trail of the units the viewer may audit, newest first, filtered by
    person, kind of action and unit (with its subtree)."""
    user = request.user
    if not policy.has_any_scope(user, Action.VIEW_AUDIT):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    form.is_valid()
    filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    entries = policy.audit_entries_for(user)
    unit = None
    if "unit" in filters:
        unit = policy.get_organization_for(user, filters["unit"], Action.VIEW_AUDIT)
        entries = entries.filter(organization__path__startswith=unit.path)
    if "actor" in filters:
        entries = entries.filter(actor_name=filters["actor"].strip())
    action = filters.get("action", "").strip()
    if "." in action:
        entries = entries.filter(action=action)
    elif action:
        entries = entries.filter(action__startswith=f"{action}.")
    requested = request.GET.get("page", "1")
    page = min(int(requested), MAX_PAGES) if requested.isdigit() and int(requested) > 0 else 1
    start = (page - 1) * PAGE_SIZE
    rows = list(entries.select_related("organization")[start : start + PAGE_SIZE + 1])
    choices = _unit_choices(user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "entries": rows[:PAGE_SIZE],
            "page": page,
            "has_next": len(rows) > PAGE_SIZE and page < MAX_PAGES,
            "query": query.urlencode(),
            "unit": unit,
            "children": Organization.objects.get_children(unit).order_by("path")[:200]
            if unit
            else [],
            "units": choices,
            "unit_listed": unit is not None and any(u.pk == unit.pk for u, _below in choices),
            "families": FAMILIES,
            "action": action,
            "family": action.split(".")[0] if action else "",
        },
    )
