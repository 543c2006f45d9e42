"""A task's status, derived and never typed: the one function every page, counter and job
uses, and the periods of recurring tasks."""

import datetime as dt

from programmes.models import Bucket, Recurrence

EXCEPTIONS = (Bucket.NOT_STARTED, Bucket.ADJUSTED, Bucket.DROPPED)


def bucket_of(
    deadline: dt.date | None, completed_on: dt.date | None, exception: str, today: dt.date
) -> Bucket:
    """Dropped wins; a finished task is done on time or late against its deadline; an
    open task postponed or re-scoped by decision shows that; otherwise it is within its
    deadline or overdue. A task without a deadline is never overdue."""
    if exception == Bucket.DROPPED:
        return Bucket.DROPPED
    if completed_on is not None:
        if deadline is None or completed_on <= deadline:
            return Bucket.DONE_ON_TIME
        return Bucket.DONE_LATE
    if exception in (Bucket.NOT_STARTED, Bucket.ADJUSTED):
        return Bucket(exception)
    if deadline is None or today <= deadline:
        return Bucket.OPEN_IN_TIME
    return Bucket.OVERDUE


def task_bucket(task, today: dt.date) -> Bucket:
    return bucket_of(task.deadline, task.completed_on, task.exception, today)


def period_of(recurrence: str, day: dt.date) -> tuple[str, dt.date] | None:
    """The period a recurring task is judged in on `day`: its label and last day.
    "Thường xuyên" tasks are judged year by year, like yearly ones."""
    if recurrence in (Recurrence.YEARLY, Recurrence.CONTINUOUS):
        return str(day.year), dt.date(day.year, 12, 31)
    if recurrence == Recurrence.QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        last_month = quarter * 3
        following = dt.date(day.year + (last_month == 12), last_month % 12 + 1, 1)
        return f"{day.year}-Q{quarter}", following - dt.timedelta(days=1)
    return None


def expected_share(start: dt.date, year: int, today: dt.date) -> float:
    """How far along a target should be today, if progress were even from the
    programme's date to the end of the target year."""
    end = dt.date(year, 12, 31)
    if today <= start:
        return 0.0
    if today >= end or end <= start:
        return 1.0
    return (today - start).days / (end - start).days
