"""A campaign's learning-report figures for a subtree and each unit just below it, from
the per-unit counters (member counts on the units, report tallies): a constant number of
queries whatever the size of the tree."""

from dataclasses import dataclass, field

from campaigns.models import Campaign
from organizations.models import Organization
from reports.models import REPORT_TALLY_FIELDS, Confirmation, RatingSubtree, ReportSubtree
from vn.formats import percent


@dataclass
class ReportFigures:
    unit: Organization
    required: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REPORT_TALLY_FIELDS, 0))
    ratings: dict[str, int] = field(default_factory=dict)
    confirmed: bool = False

    @property
    def missing(self) -> int:
        return max(self.required - self.counts["submitted"], 0)

    @property
    def rate(self) -> float | None:
        """Required members who submitted, over required members: the percent every page
        and file states (`vn.formats.percent`), as a fraction."""
        share = percent(self.counts["submitted"], self.required)
        return None if share is None else float(share / 100)

    @property
    def bar(self) -> float:
        return min(100.0, 100.0 * (self.rate or 0.0))

    def as_json(self) -> dict:
        return {
            "unit": {"id": self.unit.pk, "code": self.unit.code, "name": self.unit.name},
            "required": self.required,
            **self.counts,
            "missing": self.missing,
            "ratings": self.ratings,
            "confirmed": self.confirmed,
        }


@dataclass
class ReportRollup:
    total: ReportFigures
    children: list[ReportFigures]
    stamp: str = ""  # of a shared computation (nghiquyet.caching.figures_cached)


def _required(campaign: Campaign, members: int, exempt: int) -> int:
    return members - (0 if campaign.exempt_required else exempt)


def report_rollup(campaign: Campaign, unit: Organization) -> ReportRollup:
    scale = list(campaign.rating_scale or [])
    own_unit = (
        Organization.objects.filter(pk=unit.pk).values("subtree_members", "subtree_exempt").get()
    )
    kids = list(Organization.objects.get_children(unit).select_related("level"))
    # The subtree rows of the unit and of each child: a handful of rows, whatever the
    # number of units and reports below.
    paths = [unit.path, *(child.path for child in kids)]
    subtrees = {
        row["path"]: row
        for row in ReportSubtree.objects.filter(campaign=campaign, path__in=paths).values(
            "path", *REPORT_TALLY_FIELDS
        )
    }
    ratings: dict[str, dict[str, int]] = {path: dict.fromkeys(scale, 0) for path in paths}
    rated = RatingSubtree.objects.filter(campaign=campaign, path__in=paths)
    for path, rating, n in rated.values_list("path", "rating", "count"):
        ratings[path][rating] = n
    confirmed = set(
        Confirmation.objects.filter(campaign=campaign, organization__path__in=paths).values_list(
            "organization__path", flat=True
        )
    )

    total = ReportFigures(unit)
    total.required = _required(campaign, own_unit["subtree_members"], own_unit["subtree_exempt"])
    mine = subtrees.get(unit.path, {})
    total.counts = {name: mine.get(name) or 0 for name in REPORT_TALLY_FIELDS}
    total.ratings = ratings[unit.path]
    total.confirmed = unit.path in confirmed
    children = []
    for child in kids:
        figures = ReportFigures(child)
        figures.required = _required(campaign, child.subtree_members, child.subtree_exempt)
        row = subtrees.get(child.path, {})
        figures.counts = {name: row.get(name) or 0 for name in REPORT_TALLY_FIELDS}
        figures.ratings = ratings[child.path]
        figures.confirmed = child.path in confirmed
        children.append(figures)
    return ReportRollup(total=total, children=children)
