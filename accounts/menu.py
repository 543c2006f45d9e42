"""What the top menu offers: only the sections the user may open (asked of the policy)."""

from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.policy import Action


@dataclass(frozen=True)
class Item:
    label: str
    url: str


class Menu:
    """Read by the base layout; nothing is asked until the menu is rendered."""

    def __init__(self, user):
        self.user = user

    def _any(self, *actions: Action) -> bool:
        return any(policy.has_any_scope(self.user, action) for action in actions)

    @cached_property
    def staff(self) -> bool:
        """Units, implementation and reports upward: pages of those who see a subtree."""
        return self._any(Action.VIEW)

    @cached_property
    def audit(self) -> bool:
        return self._any(Action.VIEW_AUDIT)

    @cached_property
    def items(self) -> list[Item]:
        user = self.user
        if not user.is_authenticated:
            return []
        is_member = hasattr(user, "member")
        shown = [
            (policy.holds_a_role(user), _("Việc cần làm"), "accounts:today"),
            (self.staff, _("Tổ chức"), "organizations:tree"),
            (True, _("Văn bản"), "documents:list"),
            (True, _("Học tập"), "campaigns:list"),
            (self.staff, _("Thực hiện"), "programmes:dashboard"),
            (
                self._any(Action.PLAN_INSPECTIONS, Action.INSPECT),
                _("Kiểm tra"),
                "programmes:inspections",
            ),
            (self.staff, _("Báo cáo"), "reporting:list"),
            (self._any(Action.MANAGE_NEWS), _("Tin bài"), "news:list"),
            (self.audit, _("Nhật ký"), "audit:list"),
            (policy.may_read_role_matrix(user), _("Vai trò"), "accounts:matrix"),
            (is_member, _("Việc của tôi"), "accounts:mine"),
            (is_member, _("Hồ sơ của tôi"), "members:me"),
            (True, "API", "accounts:tokens"),
            (user.is_superuser, _("Quản trị"), "admin:index"),
        ]
        return [Item(str(label), reverse(name)) for show, label, name in shown if show]


def menu(request) -> dict:
    return {"menu": Menu(request.user)}
