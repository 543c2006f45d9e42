"""Reminding members who have not submitted: an in-app notice for each, and an email
to those whose account has an address (through the configured mail backend, printed to
the console when there is no mail server).

Never twice a day per member and campaign: the `Reminder` row is inserted first under
its unique key, and only the members this call inserted are told, in the same
transaction, so a double click or two officers at once remind each member once.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import policy
from accounts.policy import Action
from audit.services import audit_record
from campaigns.models import Campaign
from members.models import Member
from notices.models import Notice
from notices.services import notices_send
from organizations.models import Organization
from reports.models import Reminder
from reports.pending import REQUIRED, Pending, pending_members
from vn.formats import format_date, format_int

BATCH = 2000


@dataclass
class Reminded:
    reminded: int  # members told now
    already: int  # pending members already reminded today
    emailed: int


def _record(campaign: Campaign, members: list[Member], actor, today: dt.date) -> set[int]:
    """Insert today's Reminder rows that do not exist yet; the members inserted here.

    Raw SQL because bulk_create(ignore_conflicts=True) cannot say which rows it
    inserted; INSERT … ON CONFLICT DO NOTHING RETURNING can, on PostgreSQL and SQLite."""
    quote = connection.ops.quote_name
    table = quote(Reminder._meta.db_table)
    names = ("campaign_id", "member_id", "day", "sent_by_id", "sent_at", "emailed")
    columns = ", ".join(quote(c) for c in names)
    key = ", ".join(quote(c) for c in ("campaign_id", "member_id", "day"))
    day = connection.ops.adapt_datefield_value(today)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    inserted: set[int] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(members), BATCH):
            chunk = members[start : start + BATCH]
            params = []
            for member in chunk:
                params += [campaign.pk, member.pk, day, actor.pk, now, bool(_address(member))]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "
                f"ON CONFLICT ({key}) DO NOTHING RETURNING {quote('member_id')}",
                params,
            )
            inserted.update(member_id for (member_id,) in cursor.fetchall())
    return inserted


def _address(member: Member) -> str:
    return member.user.email if member.user_id else ""


def _when(due: dt.date, today: dt.date) -> str:
    days = (due - today).days
    if days > 0:
        return ngettext("còn %(n)s ngày", "còn %(n)s ngày", days) % {"n": format_int(days)}
    if days == 0:
        return _("hôm nay là hạn cuối")
    return ngettext("đã quá hạn %(n)s ngày", "đã quá hạn %(n)s ngày", -days) % {
        "n": format_int(-days)
    }


def _text(campaign: Campaign, member: Member, today: dt.date) -> tuple[str, str]:
    if member.pending == Pending.RETURNED:
        opening = _("Bài thu hoạch của đồng chí đã được yêu cầu viết lại.")
    elif member.pending == Pending.EXEMPT:
        opening = _(
            "Đồng chí được miễn sinh hoạt nên không bắt buộc nộp bài thu hoạch; chi bộ "
            "khuyến khích đồng chí viết nếu sức khỏe cho phép."
        )
    else:
        opening = _("Đồng chí chưa nộp bài thu hoạch.")
    deadline = _("Hạn nộp: %(date)s (%(when)s).") % {
        "date": format_date(member.due),
        "when": _when(member.due, today),
    }
    title = _("Nhắc nộp bài thu hoạch: %(campaign)s") % {"campaign": campaign.title}
    return title, f"{opening} {deadline}"


def _email(title: str, body: str, link: str, address: str) -> mail.EmailMessage:
    text = "\n\n".join(
        [
            body,
            _("Viết và nộp bài tại: %(link)s") % {"link": link},
            _("Thư gửi tự động từ hệ thống học tập, thực hiện nghị quyết; xin đừng trả lời."),
        ]
    )
    return mail.EmailMessage(title, text, settings.DEFAULT_FROM_EMAIL, [address])


def remindable(
    campaign: Campaign,
    unit: Organization,
    *,
    state: str = "",
    query: str = "",
    today: dt.date | None = None,
) -> QuerySet[Member]:
    """The pending members of `unit`'s subtree in `state` (all who must submit when
    blank) whose name matches `query`, leaving out units whose results are confirmed."""
    members = pending_members(campaign, unit, today).filter(closed_on__isnull=True)
    if state in Pending.values:
        members = members.filter(pending=state)
    else:
        members = members.filter(pending__in=REQUIRED)
    return members.search(query) if query else members


def reminders_send(
    actor,
    campaign: Campaign,
    unit: Organization,
    member_ids: list[int] | None = None,
    *,
    state: str = "",
    query: str = "",
    site: str = "",
    today: dt.date | None = None,
) -> Reminded:
    """Remind the members `remindable` finds (only those of `member_ids` when given);
    anyone else posted (submitted, closed, outside the unit) is ignored. `site`
    ("https://host") makes the link in the email absolute."""
    if not policy.can(actor, Action.FOLLOW_UP_REPORTS, unit):
        raise ValidationError(_("Bạn không được nhắc nộp bài ở đơn vị này."))
    today = today or timezone.localdate()
    members = remindable(campaign, unit, state=state, query=query, today=today)
    if member_ids is not None:
        members = members.filter(pk__in=member_ids)
    chosen = list(members.select_related("user").only("pk", "user__email"))
    link = reverse("reports:write", args=[campaign.pk])
    with transaction.atomic():
        inserted = _record(campaign, chosen, actor, today)
        told = [m for m in chosen if m.pk in inserted]
        notices, emails = [], []
        for member in told:
            title, body = _text(campaign, member, today)
            notices.append(Notice(member=member, title=title, body=body, link=link))
            if address := _address(member):
                emails.append(_email(title, body, site.rstrip("/") + link, address))
        notices_send(actor, notices)
        if told:
            audit_record(
                actor,
                "report.remind",
                unit,
                {
                    "campaign": [None, campaign.pk],
                    "reminded": [None, len(told)],
                    "emailed": [None, len(emails)],
                },
            )
        # Sent before the commit: if the mail server fails, nothing is recorded and the
        # officer can try again, rather than a reminder nobody received counting as sent.
        sent = mail.get_connection().send_messages(emails) if emails else 0
    return Reminded(reminded=len(told), already=len(chosen) - len(told), emailed=sent or 0)
