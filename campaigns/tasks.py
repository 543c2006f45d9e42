"""Jobs of the campaigns app: telling members that a deadline moved."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from audit.models import AuditEntry
from campaigns.models import Campaign
from campaigns.services import LABELS
from members.models import Member
from notices.models import Notice
from notices.services import BATCH, notices_send
from reports.models import Report, State
from vn.formats import format_date, format_int

OWED = (State.DRAFT, State.RETURNED)


def _value(name: str, value) -> str:
    if value is None:
        return _("không có")
    if name in ("report_days", "makeup_days"):
        return _("%(n)s ngày") % {"n": format_int(value)}
    return format_date(dt.date.fromisoformat(value))


def deadline_notice_text(campaign: Campaign, changes: dict) -> tuple[str, str]:
    lines = [
        _("%(field)s: %(old)s → %(new)s")
        % {
            "field": str(LABELS[name]).capitalize(),
            "old": _value(name, old),
            "new": _value(name, new),
        }
        for name, (old, new) in changes.items()
        if name in ("conference_deadline", "report_days", "makeup_days", "report_cutoff")
    ]
    title = _("Đợt “%(title)s” đã đổi hạn") % {"title": campaign.title}
    return title[:255], "\n".join(lines)


@task()
def deadline_notices_send(campaign_pk: int, entry_pk: int) -> int:
    """A notice to every required member under the campaign who has not yet sent a report
    (or was asked to rewrite it), naming the deadlines that moved (from the audit entry of
    the change)."""
    campaign = Campaign.objects.select_related("owner", "created_by").get(pk=campaign_pk)
    entry = AuditEntry.objects.get(pk=entry_pk)
    with translation.override("vi"):
        title, body = deadline_notice_text(campaign, entry.changes)
    if not body:
        return 0
    sent = Report.objects.filter(campaign=campaign).exclude(state__in=OWED)
    members = (
        Member.objects.active()
        .filter(
            Q(organization__path__startswith=campaign.owner.path),
            status__in=campaign.required_statuses(),
        )
        .exclude(pk__in=sent.values("member_id"))
        .values_list("pk", flat=True)
    )
    actor = get_user_model().objects.filter(pk=entry.actor_id).first()
    link = reverse("reports:write", args=[campaign.pk])
    batch, total = [], 0
    for member_pk in members.iterator(chunk_size=BATCH):
        batch.append(Notice(member_id=member_pk, title=title, body=body, link=link))
        if len(batch) == BATCH:
            total += notices_send(actor, batch)
            batch = []
    return total + notices_send(actor, batch)
