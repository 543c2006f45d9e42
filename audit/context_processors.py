from accounts import policy
from accounts.policy import Action


def audit_link(request):
    """Whether the top bar links to the audit page; asked only when a page renders it."""
    user = getattr(request, "user", None)
    return {"nav_audit": lambda: user is not None and policy.has_any_scope(user, Action.VIEW_AUDIT)}
