import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from programmes import services
from programmes.reminders import reminders_send

logger = logging.getLogger(__name__)


@task()
def daily(today_iso: str | None = None) -> dict:
    """Move tasks whose deadline passed into Quá hạn, start recurring tasks' new periods,
    then send the reminders due and escalate overdue tasks. Safe to run twice a day."""
    today = dt.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    moved = services.buckets_refresh(today)
    return {"moved": moved, **reminders_send(today)}


@task()
def task_tallies_rebuild() -> int:
    """Recount the task tallies from the tasks. A non-zero result means the maintained
    counters had drifted; it is logged so that someone looks into it."""
    fixed = services.task_tally_rebuild()
    if fixed:
        logger.warning("task tally rebuild corrected %s rows", fixed)
    return fixed
