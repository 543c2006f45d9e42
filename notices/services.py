"""Sending notices and marking them read."""

from collections.abc import Iterable

from django.utils import timezone

from notices.models import Notice

BATCH = 2000


def notices_send(actor, notices: Iterable[Notice]) -> int:
    """Store unsaved notices in bulk; the caller records the audit entry of the action
    that sent them (a reminder, say), since a notice is its outcome, not a decision."""
    rows = list(notices)
    for notice in rows:
        notice.sent_by = actor
    Notice.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def notice_read(notice: Notice) -> Notice:
    """The member has read it. Only the reader's own display changes, so no audit entry."""
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice
