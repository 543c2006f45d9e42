"""The demo shows learning reports in every state, and a circulated sample caught."""

import io

from django.core.management import call_command

from reports.models import Pair, Report, State
from reports.services import report_tally_rebuild


def test_the_demo_has_reports_rated_returned_and_copied(db):
    call_command("seed_demo", "--members", "600", "--seed", "3", stdout=io.StringIO())
    states = set(Report.objects.values_list("state", flat=True))
    assert {State.SUBMITTED, State.RATED, State.RETURNED} <= states
    assert Pair.objects.filter(jaccard__gte=0.7).exists()
    campaign = Report.objects.first().campaign
    assert report_tally_rebuild(campaign) == {"units": 0, "ratings": 0, "subtrees": 0}
    call_command("seed_demo", "--members", "600", "--seed", "3", "--reset", stdout=io.StringIO())
    assert Report.objects.count() > 0
