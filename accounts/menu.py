"""What the top menu offers: only the sections the user may open (asked of the policy)."""

from functools import cached_property

from accounts import policy
from accounts.policy import Action


class Menu:
    """Read by the base layout; nothing is asked until a section is rendered."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def staff(self) -> bool:
        """Units, implementation, reports upward and news: pages of role holders."""
        return policy.has_any_scope(self.user, Action.VIEW)

    @cached_property
    def audit(self) -> bool:
        return policy.has_any_scope(self.user, Action.VIEW_AUDIT)


def menu(request) -> dict:
    return {"menu": Menu(request.user)}
