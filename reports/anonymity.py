"""What a viewer may learn about who wrote a learning report: one rule for every page,
API answer and export that shows reports.

- A member always sees their own report as theirs.
- A report outside the viewer's review scope (a look-alike found elsewhere in the
  country) is shown by its number and text only, in any campaign.
- In a campaign with blind review, whoever looks at reports as a reviewer
  (REVIEW_REPORTS: reviewers, committees, propaganda boards) sees report numbers only:
  never the author's name, member id or card number, their cell or unit, who typed the
  report in for them, nor anything else that ties a report to a person: file and ZIP
  entry names, breadcrumbs, an order by name, a list narrowed to one unit below where
  their review starts.
- Once the level above has confirmed a unit's results (its ratings can no longer
  change), those who manage reports there (MANAGE_REPORTS: the committees and
  propaganda boards above) see the names of its reports again. A pure reviewer never does.

Lists of members by what they owe (still due, late, returned) may name members in a
blind campaign, but nothing on them may tie a name to a report (no report number, no
link to it, no rating) unless `ties_names_to_reports(unit)` says so.
"""

from functools import cached_property

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts import policy
from accounts.policy import Action
from campaigns.models import Campaign
from members.models import Member
from organizations.models import Organization
from reports.models import Confirmation, Report


def report_number(report: Report) -> str:
    return _("Bài số %(n)s") % {"n": report.pk}


class Anonymity:
    """The rule above, for one viewer and one campaign; its few queries run once."""

    def __init__(self, user, campaign: Campaign):
        self.user = user
        self.campaign = campaign
        self.blind = campaign.blind_review

    @cached_property
    def _own_members(self) -> frozenset[int]:
        if not self.user.is_authenticated:
            return frozenset()
        return frozenset(Member.objects.filter(user=self.user).values_list("pk", flat=True))

    @cached_property
    def _confirmed_paths(self) -> tuple[str, ...]:
        if not self.blind or not policy.has_any_scope(self.user, Action.MANAGE_REPORTS):
            return ()
        rows = Confirmation.objects.filter(campaign=self.campaign)
        return tuple(rows.values_list("organization__path", flat=True))

    def ties_names_to_reports(self, unit: Organization) -> bool:
        """Whether a member's name may stand beside their report of `unit` (its number,
        a link to it, its rating)."""
        if not self.blind:
            return True
        confirmed = any(unit.path.startswith(path) for path in self._confirmed_paths)
        return confirmed and policy.can(self.user, Action.MANAGE_REPORTS, unit)

    def hides(self, report: Report) -> bool:
        """Whether the author of `report` (its `organization` loaded) stays unknown."""
        if report.member_id in self._own_members:
            return False
        if not policy.can(self.user, Action.REVIEW_REPORTS, report.organization):
            return True
        return not self.ties_names_to_reports(report.organization)

    def label(self, report: Report) -> str:
        """The author's name, or the report's number when it is hidden."""
        return report_number(report) if self.hides(report) else report.member.full_name

    @cached_property
    def list_units(self) -> list[Organization]:
        """Where the viewer's review of this campaign starts: the campaign's own unit if
        they review there, else their outermost review units below it."""
        owner = self.campaign.owner
        if policy.can(self.user, Action.REVIEW_REPORTS, owner):
            return [owner]
        tops = policy.top_units_for(self.user, Action.REVIEW_REPORTS)
        return list(tops.filter(path__startswith=owner.path).select_related("level"))

    def list_unit_of(self, report: Report) -> Organization | None:
        """The widest list holding `report` that the viewer may open."""
        path = report.organization.path
        return next((u for u in self.list_units if path.startswith(u.path)), None)

    def may_narrow_to(self, unit: Organization) -> bool:
        """Whether reports may be listed, compared or exported for `unit` alone: in a
        blind campaign only where the viewer's review starts (a narrower list would tell
        the authors' cell), or where names are shown anyway."""
        if not self.blind:
            return True
        return unit in self.list_units or self.ties_names_to_reports(unit)

    def order(self, reports: QuerySet[Report]) -> QuerySet[Report]:
        """By unit and name; by number in a blind campaign, where that order would tell."""
        if self.blind:
            return reports.order_by("pk")
        return reports.order_by("organization__path", "member__sort_key", "pk")

    def neighbours(
        self, queue: QuerySet[Report], report: Report
    ) -> tuple[Report | None, Report | None, int]:
        """The reports before and after `report` in `queue` in the order of `order`, and
        its place there (1-based; 0 when it is not in the queue). Read by position
        (keyset), so a long queue costs the same as a short one."""
        if self.blind:
            before, after = Q(pk__lt=report.pk), Q(pk__gt=report.pk)
        else:
            path, key = report.organization.path, report.member.sort_key
            before = (
                Q(organization__path__lt=path)
                | Q(organization__path=path, member__sort_key__lt=key)
                | Q(organization__path=path, member__sort_key=key, pk__lt=report.pk)
            )
            after = (
                Q(organization__path__gt=path)
                | Q(organization__path=path, member__sort_key__gt=key)
                | Q(organization__path=path, member__sort_key=key, pk__gt=report.pk)
            )
        if not queue.filter(pk=report.pk).exists():
            return None, None, 0
        ordered = self.order(queue)
        previous = ordered.filter(before).reverse().first()
        following = ordered.filter(after).first()
        return previous, following, queue.filter(before).count() + 1
