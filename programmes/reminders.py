"""Urging by email: reminders before and after a deadline, and escalation of overdue tasks.

Run once a day after `services.buckets_refresh` (see `programmes.tasks.daily`). Quiet
unless a programme asks: `remind_before` days before a deadline the lead unit is reminded,
`remind_after` days past it the lead unit is urged. Every overdue task is escalated, that
is flagged for the level above's dashboard, whatever the settings; the assigning unit is
also told by email when its programme has `remind_after` set.

Each (task, kind, deadline) is sent once: the `Reminder` row is inserted first, under its
unique key, and only what this run inserted is mailed, in the same transaction. A second
run finds nothing to do; two overlapping runs mail each reminder once, because the second
waits on the first's uncommitted rows and then skips them. A new deadline (a decision, a
recurring task's next period) is a new key, so it is reminded anew.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import RoleGrant
from accounts.policy import ROLE_ACTIONS, Action
from organizations.models import Organization
from programmes.models import Bucket, Programme, Reminder, Task
from vn.formats import format_date, format_int

BATCH = 2_000
LISTED = 50  # tasks listed in one email; the rest are counted
OPEN = (Bucket.OPEN_IN_TIME, Bucket.ADJUSTED)
Kind = Reminder.Kind


class Due(NamedTuple):
    task_id: int
    lead_id: int
    owner_id: int | None  # the unit whose programme assigned the task
    deadline: dt.date
    content: str
    symbol: str
    remind_after: int | None


FIELDS = (
    "pk",
    "lead_id",
    "programme__organization_id",
    "deadline",
    "content",
    "document__symbol",
    "document__symbol_raw",
    "programme__remind_after",
)


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _due(tasks, kind: str) -> list[Due]:
    """The tasks not yet reminded of `kind` for their current deadline."""
    done = Reminder.objects.filter(task=OuterRef("pk"), kind=kind, deadline=OuterRef("deadline"))
    rows = tasks.exclude(Exists(done)).order_by("deadline", "pk").values_list(*FIELDS)
    return [
        Due(pk, lead, owner, deadline, content, symbol or raw, after)
        for pk, lead, owner, deadline, content, symbol, raw, after in rows.iterator(BATCH)
    ]


def _windows(field: str) -> list[int]:
    days = Programme.objects.filter(**{f"{field}__isnull": False}).values_list(field, flat=True)
    return sorted(set(days))


def due_before(today: dt.date) -> list[Due]:
    """Open tasks whose deadline falls within their programme's `remind_before` days."""
    found = []
    for days in _windows("remind_before"):
        tasks = Task.objects.filter(
            programme__remind_before=days,
            bucket__in=OPEN,
            deadline__gte=today,
            deadline__lte=today + dt.timedelta(days=days),
        )
        found += _due(tasks, Kind.BEFORE)
    return found


def due_after(today: dt.date) -> list[Due]:
    """Overdue tasks at least their programme's `remind_after` days past the deadline."""
    found = []
    for days in _windows("remind_after"):
        tasks = Task.objects.filter(
            programme__remind_after=days,
            bucket=Bucket.OVERDUE,
            deadline__lte=today - dt.timedelta(days=days),
        )
        found += _due(tasks, Kind.AFTER)
    return found


def due_escalation() -> list[Due]:
    return _due(Task.objects.filter(bucket=Bucket.OVERDUE), Kind.ESCALATE)


# --- Recording ---------------------------------------------------------------------------


def _record(kind: str, rows: list[Due], recipients: dict[int, int]) -> set[int]:
    """Insert the Reminder rows that do not exist yet; the tasks of those inserted here.

    Raw SQL because the ORM's bulk_create(ignore_conflicts=True) cannot say which rows
    it inserted; INSERT … ON CONFLICT DO NOTHING RETURNING can, on PostgreSQL and on
    SQLite (3.35 and later)."""
    quote = connection.ops.quote_name
    table = quote(Reminder._meta.db_table)
    columns = ", ".join(quote(c) for c in ("task_id", "kind", "deadline", "sent_at", "recipients"))
    key = ", ".join(quote(c) for c in ("task_id", "kind", "deadline"))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    inserted: set[int] = set()
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            params = []
            for row in chunk:
                deadline = connection.ops.adapt_datefield_value(row.deadline)
                params += [row.task_id, kind, deadline, now, recipients.get(row.task_id, 0)]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "
                f"ON CONFLICT ({key}) DO NOTHING RETURNING {quote('task_id')}",
                params,
            )
            inserted.update(task_id for (task_id,) in cursor.fetchall())
    return inserted


def _addresses(unit_ids: set[int], action: Action) -> dict[int, list[str]]:
    """E-mail addresses of the active users holding a role that does `action` on each
    unit itself (not above it: the unit's own office and committee answer for it)."""
    roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
    found: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(sorted(unit_ids)):
        grants = (
            RoleGrant.objects.active()
            .filter(organization_id__in=chunk, role__in=roles, user__is_active=True)
            .exclude(user__email="")
            .values_list("organization_id", "user__email")
        )
        for unit_id, email in grants:
            found[unit_id].add(email)
    return {unit_id: sorted(emails) for unit_id, emails in found.items()}


def _names(unit_ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for chunk in _chunks(sorted(unit_ids)):
        names.update(Organization.objects.filter(pk__in=chunk).values_list("pk", "name"))
    return names


# --- The emails --------------------------------------------------------------------------


def _listed(lines: list[str]) -> str:
    shown = lines[:LISTED]
    if len(lines) > LISTED:
        rest = format_int(len(lines) - LISTED)
        shown.append(
            _("… và %(n)s nhiệm vụ khác (xem trên trang theo dõi thực hiện).") % {"n": rest}
        )
    return "\n".join(shown)


def _task_line(number: int, row: Due, when: str, lead: str = "") -> str:
    details = _("Văn bản: %(symbol)s. Thời hạn: %(date)s (%(when)s).") % {
        "symbol": row.symbol or "—",
        "date": format_date(row.deadline),
        "when": when,
    }
    if lead:
        details = _("Đơn vị chủ trì: %(lead)s. ") % {"lead": lead} + details
    return f"{number}. {row.content[:300]}\n   {details}"


def _when(row: Due, today: dt.date) -> str:
    days = (row.deadline - today).days
    if days > 0:
        return ngettext("còn %(n)s ngày", "còn %(n)s ngày", days) % {"n": format_int(days)}
    if days == 0:
        return _("đến hạn hôm nay")
    return ngettext("quá hạn %(n)s ngày", "quá hạn %(n)s ngày", -days) % {"n": format_int(-days)}


def _message(kind: str, unit: str, rows: list[Due], names: dict[int, str], today, to):
    if kind == Kind.BEFORE:
        subject = _("Nhắc việc: %(n)s nhiệm vụ sắp đến hạn — %(unit)s")
        opening = _("Các nhiệm vụ dưới đây do %(unit)s chủ trì sắp đến hạn hoàn thành:")
        closing = _("Đề nghị đơn vị hoàn thành đúng hạn và cập nhật tiến độ trên hệ thống.")
    elif kind == Kind.AFTER:
        subject = _("Đôn đốc: %(n)s nhiệm vụ quá hạn — %(unit)s")
        opening = _("Các nhiệm vụ dưới đây do %(unit)s chủ trì đã quá thời hạn hoàn thành:")
        closing = _(
            "Đề nghị đơn vị khẩn trương hoàn thành, báo cáo tiến độ và nguyên nhân chậm trễ "
            "trên hệ thống."
        )
    else:
        subject = _("Báo cáo: %(n)s nhiệm vụ do %(unit)s giao đã quá hạn")
        opening = _("Các nhiệm vụ dưới đây do %(unit)s giao đã quá thời hạn, chưa hoàn thành:")
        closing = _("Các nhiệm vụ này đã được chuyển lên trang theo dõi thực hiện của đơn vị.")
    values = {"n": format_int(len(rows)), "unit": unit}
    lines = [
        _task_line(
            number,
            row,
            _when(row, today),
            lead=names[row.lead_id] if kind == Kind.ESCALATE else "",
        )
        for number, row in enumerate(rows, start=1)
    ]
    body = "\n\n".join(
        [
            _("Kính gửi: %(unit)s") % values,
            opening % values,
            _listed(lines),
            closing,
            _("Thư gửi tự động từ hệ thống theo dõi thực hiện nghị quyết; xin đừng trả lời."),
        ]
    )
    return mail.EmailMessage(subject % values, body, settings.DEFAULT_FROM_EMAIL, to)


def _send(kind: str, due: list[Due], today: dt.date, mailer) -> tuple[int, int]:
    """Record and mail one kind of reminder; (reminders recorded, emails sent)."""
    if not due:
        return 0, 0
    if kind == Kind.ESCALATE:
        # Only programmes that asked for mail about overdue tasks tell their unit by email.
        unit_of = {row.task_id: row.owner_id for row in due if row.remind_after is not None}
        action = Action.MANAGE_PROGRAMMES
    else:
        unit_of = {row.task_id: row.lead_id for row in due}
        action = Action.REPORT_PROGRESS
    addresses = _addresses(set(unit_of.values()), action)
    recipients = {task: len(addresses.get(unit, ())) for task, unit in unit_of.items()}
    with transaction.atomic():
        inserted = _record(kind, due, recipients)
        if kind == Kind.ESCALATE:
            for chunk in _chunks(sorted(inserted)):
                Task.objects.filter(pk__in=chunk).update(escalated=True)
        by_unit: dict[int, list[Due]] = defaultdict(list)
        for row in due:
            unit = unit_of.get(row.task_id)
            if row.task_id in inserted and addresses.get(unit):
                by_unit[unit].append(row)
        names = _names(set(by_unit) | {row.lead_id for rows in by_unit.values() for row in rows})
        messages = [
            _message(kind, names[unit], rows, names, today, addresses[unit])
            for unit, rows in sorted(by_unit.items(), key=lambda item: names[item[0]])
        ]
        # Sent before the commit: if the mail server fails, the rows roll back and the
        # next run tries again, rather than recording reminders nobody received.
        sent = mailer.send_messages(messages) if messages else 0
    return len(inserted), sent or 0


def reminders_send(today: dt.date | None = None) -> dict[str, int]:
    """Send what is due today; returns how many reminders of each kind were recorded
    and how many emails went out. Running it again the same day sends nothing."""
    today = today or timezone.localdate()
    mailer = mail.get_connection()
    before, before_mails = _send(Kind.BEFORE, due_before(today), today, mailer)
    after, after_mails = _send(Kind.AFTER, due_after(today), today, mailer)
    escalated, escalated_mails = _send(Kind.ESCALATE, due_escalation(), today, mailer)
    return {
        "before": before,
        "after": after,
        "escalated": escalated,
        "emails": before_mails + after_mails + escalated_mails,
    }
