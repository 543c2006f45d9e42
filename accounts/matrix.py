"""The roles × actions matrix, read from the policy itself (ROLE_ACTIONS, GRANTABLE), so
the page, docs/roles.md and the "who may do this" notes cannot drift from what is enforced."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.policy import GRANTABLE, ROLE_ACTIONS, Action, Where

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "roles.md"


@dataclass(frozen=True)
class Row:
    action: Action
    label: str
    held: list[bool]  # one per Role, in the order of Role


def roles() -> list[str]:
    return [str(Role(role).label) for role in Role.values]


def rows() -> list[Row]:
    return [
        Row(action, str(action.label), [action in ROLE_ACTIONS[role] for role in Role.values])
        for action in Action
    ]


def granting() -> list[tuple[str, list[str], list[str]]]:
    """(role held, roles it grants on its own unit and below, roles only below)."""
    return [
        (
            str(Role(held).label),
            [str(Role(r).label) for r, where in given.items() if where == Where.HERE],
            [str(Role(r).label) for r, where in given.items() if where == Where.BELOW],
        )
        for held, given in GRANTABLE.items()
    ]


def holders(action: Action) -> list[str]:
    return [str(Role(role).label) for role in Role.values if action in ROLE_ACTIONS[role]]


def _joined(names: list[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return format_lazy("{} {} {}", ", ".join(names[:-1]), _("hoặc"), names[-1])


def who_may(action: Action, unit=None) -> str:
    """Who may do this, for a page that hides the button: "Văn phòng hoặc Cấp ủy của
    Đảng bộ phường Lam Hạ (hoặc cấp trên) lên lịch hội nghị, quản lý điểm cầu."."""
    names = _joined(holders(action))
    what = str(action.label)
    what = what[0].lower() + what[1:]
    if unit is None:
        return _("Việc này do %(roles)s thực hiện: %(what)s.") % {"roles": names, "what": what}
    return _("%(roles)s của %(unit)s (hoặc cấp trên) %(what)s.") % {
        "roles": names,
        "unit": unit.name,
        "what": what,
    }


def document() -> str:
    """docs/roles.md as the policy makes it today."""
    from accounts.walkthroughs import WALKTHROUGHS

    with translation.override("vi"):
        return render_to_string(
            "accounts/roles.md",
            {
                "roles": roles(),
                "rows": rows(),
                "granting": granting(),
                "walkthroughs": WALKTHROUGHS,
            },
        )
