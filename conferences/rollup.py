"""A campaign's attendance figures for any subtree, and for each unit just below it.

Everything is summed from per-unit counters over path ranges (member and exempt counts on
the units, campaign tallies), so the number of queries does not grow with the members.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from accounts import policy
from accounts.policy import Action
from campaigns.models import Campaign
from conferences.models import TALLY_FIELDS, BridgePoint, Conference, Makeup, SubtreeTally
from organizations.models import Organization
from vn.formats import percent


@dataclass
class Figures:
    unit: Organization
    members: int = 0
    exempt: int = 0
    required: int = 0
    cells: int = 0
    cells_held: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TALLY_FIELDS, 0))

    @property
    def attended(self) -> int:
        return self.counts["present"] + self.counts["left_early"]

    @property
    def present_in_person(self) -> int:
        return self.counts["present"] - self.counts["present_online"]

    @property
    def absent(self) -> int:
        return self.counts["absent_excused"] + self.counts["absent_unexcused"]

    @property
    def not_marked(self) -> int:
        return max(self.required - self.attended - self.absent, 0)

    @property
    def rate(self) -> float | None:
        """Required members who attended, over required members: the percent every page
        and file states (`vn.formats.percent`), as a fraction."""
        share = percent(self.attended, self.required)
        return None if share is None else float(share / 100)

    @property
    def bar(self) -> float:
        """The rate in percent, for drawing."""
        return min(100.0, 100.0 * (self.rate or 0.0))

    @property
    def done(self) -> bool:
        return self.cells > 0 and self.cells_held >= self.cells

    def as_json(self) -> dict:
        return {
            "unit": {"id": self.unit.pk, "code": self.unit.code, "name": self.unit.name},
            "members": self.members,
            "required": self.required,
            "attended": self.attended,
            "present_in_person": self.present_in_person,
            "present_online": self.counts["present_online"],
            "left_early": self.counts["left_early"],
            "absent_excused": self.counts["absent_excused"],
            "absent_unexcused": self.counts["absent_unexcused"],
            "not_marked": self.not_marked,
            "made_up": self.counts["made_up"],
            "encouraged": self.counts["encouraged"],
            "guests": self.counts["guests"],
            "rate": round(self.rate, 4) if self.rate is not None else None,
            "cells": self.cells,
            "cells_held": self.cells_held,
        }


@dataclass
class Rollup:
    campaign: Campaign
    total: Figures
    children: list[Figures]
    conferences: int
    bridge_points: int
    makeups: int
    makeups_done: int
    stamp: str = ""  # of a shared computation (nghiquyet.caching.figures_cached)

    @property
    def children_done(self) -> int:
        return sum(1 for child in self.children if child.done)


UNIT_SUBTREE = ("subtree_members", "subtree_exempt", "subtree_cells")


def _units(row: dict) -> dict:
    """A unit's whole-subtree counts, kept on the unit (`Organization.subtree_*`)."""
    return {
        "members": row["subtree_members"],
        "exempt": row["subtree_exempt"],
        "cells": row["subtree_cells"],
    }


def _fill(figures: Figures, campaign: Campaign, units: dict, tallies: dict, held: int) -> None:
    figures.members = units.get("members") or 0
    figures.exempt = units.get("exempt") or 0
    figures.cells = units.get("cells") or 0
    figures.required = figures.members - (0 if campaign.exempt_required else figures.exempt)
    figures.counts = {name: tallies.get(name) or 0 for name in TALLY_FIELDS}
    figures.cells_held = held


def campaign_rollup(campaign: Campaign, unit: Organization) -> Rollup:
    """Figures for `unit`'s subtree and for each child subtree; a constant number of
    queries whatever the size of the tree."""
    # The subtree rows hold the unit's and each child's whole-subtree tallies: one read of
    # a handful of rows, whatever the number of units and marks below.
    kids = list(Organization.objects.get_children(unit).select_related("level"))
    subtrees = {
        row["path"]: row
        for row in SubtreeTally.objects.filter(
            campaign=campaign, path__in=[unit.path, *(child.path for child in kids)]
        ).values("path", "cells_held", *TALLY_FIELDS)
    }
    own_units = _units(Organization.objects.filter(pk=unit.pk).values(*UNIT_SUBTREE).get())
    mine = subtrees.get(unit.path, {})
    total = Figures(unit)
    _fill(total, campaign, own_units, mine, mine.get("cells_held", 0))
    children = []
    for child in kids:
        figures = Figures(child)
        row = subtrees.get(child.path, {})
        units = _units({name: getattr(child, name) for name in UNIT_SUBTREE})
        _fill(figures, campaign, units, row, row.get("cells_held", 0))
        children.append(figures)

    conferences = Conference.objects.filter(
        campaign=campaign, organizer__path__startswith=unit.path
    )
    points = BridgePoint.objects.filter(
        conference__campaign=campaign, host__path__startswith=unit.path
    )
    makeups = Makeup.objects.filter(
        campaign=campaign, organization__path__startswith=unit.path
    ).aggregate(n=Count("pk"), done=Count("pk", filter=Q(done=True)))
    return Rollup(
        campaign=campaign,
        total=total,
        children=children,
        conferences=conferences.count(),
        bridge_points=points.count(),
        makeups=makeups["n"],
        makeups_done=makeups["done"],
    )


def rollup_unit(user, campaign: Campaign, wanted=None) -> Organization:
    """The unit whose figures `user` asked for (`wanted`, a pk), else the widest unit of the
    campaign they may see; 404 outside their scope."""
    if wanted not in (None, ""):
        visible = policy.organizations_for(user, Action.VIEW).filter(
            path__startswith=campaign.owner.path
        )
        try:
            return visible.select_related("level").get(pk=wanted)
        except (Organization.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
    if policy.can(user, Action.VIEW, campaign.owner):
        return campaign.owner
    tops = policy.top_units_for(user, Action.VIEW).filter(path__startswith=campaign.owner.path)
    top = tops.select_related("level").first()
    if top is None:
        raise PermissionDenied
    return top
