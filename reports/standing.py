"""Whether a token's holder may hand in their own report for a campaign now, kept in the
shared cache for the submission's front door (reports/front.py).

The judgement is `report_submit`'s own, made by its own functions (the access policy for
the campaign, `own_member`, `services.submission_open`) and kept per (campaign, token):
the member it found, the campaign's number of sections and the last day submission is
open (None: it never closes). A refusal is kept too, briefly, as None: the door hands such
a caller to Django, which words it. The door still judges the day, the sections and the
key on each call; the drain judges the version again when it applies it.

A judgement is believed only under the generations it was made under
(`nghiquyet.generations`): the campaign's, bumped by whatever moves its deadlines or closes
it (the campaign itself, an extension, an attendance's due date, a unit's confirmation, a
report rated), and the roster's, bumped by a member or a unit changing place or leaving.
A report returned for rewriting is not kept: once the new version arrives its rewrite
deadline no longer counts, and the judgement would outlive it.
"""

import datetime as dt
from typing import NamedTuple

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.http import Http404

from accounts import policy
from accounts.models import User
from accounts.policy import Action
from campaigns.models import Campaign
from conferences.models import Attendance
from members.models import Member
from nghiquyet import generations
from organizations.models import Organization
from reports import services
from reports.models import Confirmation, Extension, Report, State

SECONDS = 3600
REFUSED_SECONDS = 60


class Standing(NamedTuple):
    member_id: int
    sections: int
    closes: int | None  # date.toordinal() of the last open day; None: never closes

    def open_on(self, today: dt.date) -> bool:
        return self.closes is None or today.toordinal() <= self.closes


def own_member(user, campaign: Campaign) -> Member | None:
    """The caller's own member record within the campaign, as `report_submit` takes it."""
    return (
        Member.objects.active()
        .filter(user=user, organization__path__startswith=campaign.owner.path)
        .select_related("organization")
        .first()
    )


def key(campaign_id: int, digest: str) -> str:
    return f"nq:standing:{campaign_id}:{digest}"


def keys(campaign_id: int, digest: str) -> list[str]:
    """What the door reads with the token: the judgement and its generations."""
    return [key(campaign_id, digest), *_generations(campaign_id)]


def _generations(campaign_id: int) -> list[str]:
    return [generations.ROSTER, generations.of_campaign(campaign_id)]


def known(found: dict, campaign_id: int, digest: str) -> tuple[bool, Standing | None]:
    """(whether `found` holds a current judgement, the judgement)."""
    kept = found.get(key(campaign_id, digest))
    if kept is None:
        return False, None
    made_under, standing = kept
    now = tuple(found.get(name) for name in _generations(campaign_id))
    return made_under == now, standing


def judge(found: dict, user_id: int, campaign_id: int, digest: str) -> Standing | None:
    """Judge from the database and keep it under the generations in `found`, read before."""
    made_under = generations.current(found, _generations(campaign_id))
    standing = _judged(user_id, campaign_id)
    seconds = SECONDS if standing is not None else REFUSED_SECONDS
    cache.set(key(campaign_id, digest), (made_under, standing), seconds)
    return standing


def _judged(user_id: int, campaign_id: int) -> Standing | None:
    user = User.objects.get(pk=user_id)
    try:
        campaign = policy.get_campaign_for(user, campaign_id, Action.VIEW)
    except Http404:
        return None
    member = own_member(user, campaign)
    if member is None:
        return None
    # `own_member` found an active member of the user within the campaign: what
    # `submission_check` asks of a member handing in their own report.
    report = Report.objects.filter(campaign=campaign, member=member).first()
    if report is not None and report.state == State.RETURNED:
        return None
    try:
        deadline = services.submission_open(campaign, member)
    except ValidationError:
        return None
    closes = deadline.closes.toordinal() if deadline.closes is not None else None
    return Standing(member.pk, services.section_count(campaign), closes)


# --- What changes a judgement ----------------------------------------------------------------


def _campaign_saved(sender, instance: Campaign, **kwargs) -> None:
    generations.bump(generations.of_campaign(instance.pk))


def _of_campaign_saved(sender, instance, **kwargs) -> None:
    generations.bump(generations.of_campaign(instance.campaign_id))


def _report_saved(sender, instance: Report, **kwargs) -> None:
    # A new version saves the report too, thousands a minute: only a rating closes it.
    if instance.state == State.RATED:
        generations.bump(generations.of_campaign(instance.campaign_id))


def _member_saved(sender, instance: Member, update_fields=None, **kwargs) -> None:
    if update_fields is None or {"organization", "user", "left_on"} & set(update_fields):
        generations.bump(generations.ROSTER)


def _roster_saved(sender, instance, **kwargs) -> None:
    generations.bump(generations.ROSTER)


def connect() -> None:
    """Saves and deletes of single rows; the services that write in bulk (check-in
    marks, make-up briefings, roster imports, unit moves) bump the generation themselves."""
    for when, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(_campaign_saved, sender=Campaign, dispatch_uid=f"standing-campaign-{when}")
        for model in (Extension, Confirmation, Attendance):
            uid = f"standing-{model._meta.model_name}-{when}"
            signal.connect(_of_campaign_saved, sender=model, dispatch_uid=uid)
        signal.connect(_roster_saved, sender=Organization, dispatch_uid=f"standing-unit-{when}")
    post_save.connect(_report_saved, sender=Report, dispatch_uid="standing-report-saved")
    post_save.connect(_member_saved, sender=Member, dispatch_uid="standing-member-saved")
    post_delete.connect(_roster_saved, sender=Member, dispatch_uid="standing-member-deleted")
