"""A rebuild finds its candidates from the marks held by more than one report, read in
one pass over the campaign's marks: its pairs are exactly those of every report looked
up again through the index, one by one, as a submission is, on a campaign holding copies
of every kind and marks crowded by a circulated text."""

import random

import pytest
from django.db import connection

from reports import copies, similarity
from reports.models import BandKey, Fingerprint, Pair, Report
from reports.tests.builders import crowd, essay, submit

pytestmark = pytest.mark.django_db


def _reordered(text: str, seed: int) -> str:
    sentences = text.split(". ")
    random.Random(seed).shuffle(sentences)
    return ". ".join(sentences)


def _substituted(text: str, seed: int, rate: float) -> str:
    rng = random.Random(seed)
    words = essay(seed + 7000, len(text.split())).split()
    return " ".join(
        words[i] if rng.random() < rate else word for i, word in enumerate(text.split())
    )


def _kinds(number: int) -> list[str]:
    """The sections of report `number`: in each family of eight, a source and copies of
    every kind of it and two reports quoting a text circulated to every family (its marks
    crowded)."""
    source = essay(3000 + number // 8, 300)
    own = [essay(4000 + number, 200), essay(5000 + number, 150)]
    circulated = essay(6000, 60)
    kind = number % 8
    if kind == 0:
        return [source, own[0]]  # the source itself
    if kind == 1:
        return [own[1], source[: len(source) * 2 // 3]]  # a section
    if kind == 2:
        return [similarity.fold_aligned(source), own[0]]  # retyped without diacritics
    if kind == 3:
        return [_reordered(source, number), own[1]]  # sentences moved
    if kind == 4:
        return [_substituted(source, number, 0.06), own[0]]  # words substituted
    if kind == 5:
        return [source, essay(7000 + number, 20)]  # a near copy
    return [circulated + " " + own[0], own[1]]


def test_the_rebuilds_pairs_are_those_of_each_report_looked_up_again(world, campaign, monkeypatch):
    # A mark held by more than six reports (a family's copies hold six) is crowded here.
    monkeypatch.setattr(similarity, "CROWDED_MARK", 6)
    for number, member in enumerate(crowd(world.cell, 32)):
        submit(world, campaign, member, _kinds(number), actor=world.admin)
    proposed: dict[int, list[int]] = {}
    range_candidates = copies._range_candidates

    def recorded(*args):
        found = range_candidates(*args)
        proposed.update(found or {})
        return found

    monkeypatch.setattr(copies, "_range_candidates", recorded)
    copies.campaign_reindex(campaign)
    rebuilt = set(
        Pair.objects.filter(campaign=campaign).values_list(
            "a_id", "b_id", "jaccard", "containment", "shared"
        )
    )

    boilerplate = copies.boilerplate_of(campaign.pk)
    looked_up = set()
    for report_id, data in Fingerprint.objects.filter(campaign_id=campaign.pk).values_list(
        "report_id", "shingles"
    ):
        keys = sorted(
            BandKey.objects.filter(campaign_id=campaign.pk, report_id=report_id).values_list(
                "key", flat=True
            )
        )
        if not keys:
            continue
        own = copies._own(similarity.from_bytes(data), boilerplate)
        if connection.vendor == "postgresql":
            # The same candidates as the lookup's, not only the same pairs.
            alone = copies._candidates(campaign.pk, keys, len(own), report_id)
            assert sorted(pk for pk, _data in alone) == proposed[report_id], report_id
        found = copies.compare(campaign.pk, own, boilerplate, keys=keys, exclude=report_id)
        for other, overlap in found.items():
            if overlap.kept:
                pair = copies._pair(campaign.pk, report_id, other, overlap)
                looked_up.add((pair.a_id, pair.b_id, pair.jaccard, pair.containment, pair.shared))
    assert rebuilt == looked_up
    # Every kind of copy is among them, the reports quoting the circulated text are not.
    pairs = {(a, b) for a, b, *_rest in rebuilt}
    ids = sorted(
        Fingerprint.objects.filter(campaign_id=campaign.pk).values_list("report_id", flat=True)
    )
    for family in range(0, len(ids), 8):
        source = ids[family]
        for kind in range(1, 6):
            assert (source, ids[family + kind]) in pairs, kind
    assert (ids[6], ids[15]) not in pairs
    assert copies.CrowdedMark.objects.filter(campaign_id=campaign.pk).exists() == (
        connection.vendor == "postgresql"
    )


def test_the_rebuilds_flags_are_those_each_reports_pairs_give(world, campaign, monkeypatch):
    monkeypatch.setattr(similarity, "CROWDED_MARK", 6)
    for number, member in enumerate(crowd(world.cell, 16)):
        submit(world, campaign, member, _kinds(number), actor=world.admin)
    reports = Report.objects.filter(campaign=campaign)
    # Stale flags both ways: the rebuild sets every one from the pairs.
    first, second = reports.order_by("pk").values_list("pk", flat=True)[:2]
    Report.objects.filter(pk=first).update(flagged=False, similarity=0.0)
    Report.objects.filter(pk=second).update(flagged=True, similarity=0.9)
    result = copies.campaign_reindex(campaign)
    rebuilt = set(reports.values_list("pk", "flagged", "similarity"))
    assert any(flagged for _pk, flagged, _similarity in rebuilt)
    assert first in result["changed"]

    reports.update(flagged=False, similarity=0.0)
    copies._flags_refresh(list(reports.values_list("pk", flat=True)))
    assert set(reports.values_list("pk", "flagged", "similarity")) == rebuilt
