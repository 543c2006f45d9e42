"""Members with logins, and a queue busy enough that the request leaves its row waiting."""

from django.core.cache import cache

from accounts.models import User
from conferences import inbox
from conftest import add_member
from members.models import Member


def members_with_logins(unit, n: int, prefix: str = "dv") -> list[User]:
    users = []
    for i in range(n):
        member = add_member(unit, f"Đảng viên {prefix} {i}", f"{prefix.upper()}{i:05d}")
        user = User.objects.create_user(f"{prefix}{i}", password="pw")
        Member.objects.filter(pk=member.pk).update(user=user)
        users.append(user)
    return users


def queue_busy() -> None:
    """Rows are waiting already (and no rate is measured): a check-in is stored and left
    for the drain instead of being applied in the request."""
    cache.set(inbox.WAITING_KEY, inbox.INLINE_WAITING + 1, None)
