"""Who has not submitted: the members of a subtree still due, overdue or returned for
rewriting, and the exempt members, who are encouraged rather than required.

Each member's deadline is computed in the database by the rules of
`services.deadline_for` (attendance due date or the campaign's, extensions for the
member or a unit above their cell, a rewrite deadline), so a list of a whole province
pages in the database and every page shows the same date for the same member.
"""

import datetime as dt

from django.db.models import (
    Case,
    DateField,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from members.models import Member
from organizations.models import Organization
from reports.models import Confirmation, Extension, State


class Pending(TextChoices):
    DUE = "due", _("Chưa nộp, còn hạn")
    OVERDUE = "overdue", _("Chưa nộp, quá hạn")
    RETURNED = "returned", _("Yêu cầu viết lại")
    EXEMPT = "exempt", _("Miễn sinh hoạt, khuyến khích nộp")


# The members a unit must still hear from; exempt members are listed apart.
REQUIRED = (Pending.DUE, Pending.OVERDUE, Pending.RETURNED)


def _unit_extensions(campaign: Campaign, unit: Organization) -> list[tuple[str, dt.date]]:
    """Extensions granted to a unit above `unit` or inside it, latest first."""
    rows = Extension.objects.filter(campaign=campaign, organization__isnull=False).filter(
        Q(organization__path__in=Organization.paths_above(unit.path))
        | Q(organization__path__startswith=unit.path)
    )
    return list(rows.order_by("-due").values_list("organization__path", "due"))


def _confirmations(campaign: Campaign, unit: Organization) -> list[tuple[str, dt.date]]:
    """Confirmed units above `unit` or inside it, earliest first, with the local day."""
    rows = Confirmation.objects.filter(campaign=campaign).filter(
        Q(organization__path__in=Organization.paths_above(unit.path))
        | Q(organization__path__startswith=unit.path)
    )
    return [
        (path, timezone.localdate(at))
        for path, at in rows.order_by("confirmed_at").values_list(
            "organization__path", "confirmed_at"
        )
    ]


def pending_members(
    campaign: Campaign, unit: Organization, today: dt.date | None = None
) -> QuerySet[Member]:
    """Active members of `unit`'s subtree annotated with `pending` (a `Pending` value, or
    "" for those who have submitted), `due`, and `closed_on`, the day their unit's results
    were confirmed (None while open); filter on `pending` to list them."""
    today = today or timezone.localdate()
    # A started report stays with its unit; a member without one belongs to their cell.
    closed_on = Case(
        *[
            When(
                Q(report__organization__path__startswith=path)
                | Q(report__isnull=True, organization__path__startswith=path),
                then=Value(day),
            )
            for path, day in _confirmations(campaign, unit)
        ],
        default=Value(None),
        output_field=DateField(),
    )
    base = Coalesce(
        F("mark__report_due"),
        Value(campaign.conference_deadline + dt.timedelta(days=campaign.report_days)),
        output_field=DateField(),
    )
    own_extension = Subquery(
        Extension.objects.filter(campaign=campaign, member=OuterRef("pk"))
        .order_by("-due")
        .values("due")[:1]
    )
    # The first extension whose unit lies above the member's cell is the latest one.
    unit_extension = Case(
        *[
            When(organization__path__startswith=path, then=Value(due))
            for path, due in _unit_extensions(campaign, unit)
        ],
        default=Value(None),
        output_field=DateField(),
    )
    extended = Greatest(
        base,
        Coalesce(own_extension, base),
        Coalesce(unit_extension, base),
        output_field=DateField(),
    )
    returned = Q(report__state=State.RETURNED)
    not_submitted = Q(report__isnull=True) | Q(report__versions_count=0)
    required = Q(status__in=campaign.required_statuses())
    return (
        Member.objects.active()
        .within(unit)
        .annotate(
            report=FilteredRelation("reports", condition=Q(reports__campaign=campaign)),
            mark=FilteredRelation("attendances", condition=Q(attendances__campaign=campaign)),
        )
        .annotate(
            due=Case(
                When(
                    returned,
                    then=Greatest(extended, Coalesce(F("report__rewrite_due"), extended)),
                ),
                default=extended,
                output_field=DateField(),
            )
        )
        .annotate(
            closed_on=closed_on,
            pending=Case(
                When(required & returned, then=Value(Pending.RETURNED)),
                When(required & not_submitted & Q(due__lt=today), then=Value(Pending.OVERDUE)),
                When(required & not_submitted, then=Value(Pending.DUE)),
                When(~required & not_submitted, then=Value(Pending.EXEMPT)),
                default=Value(""),
            ),
        )
    )
