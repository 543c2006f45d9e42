"""Copy detection stored in the database: fingerprints, LSH band keys, verified pairs,
the campaign's boilerplate, and groups around a common source.

`index_report` runs inside the submission's transaction, so a report is compared with
every earlier report of its campaign the moment it arrives, across the whole country.
`campaign_reindex` rebuilds everything for a campaign (after its documents change).
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from campaigns.models import Campaign
from documents.models import Attachment
from reports import similarity
from reports.models import BandKey, Boilerplate, Fingerprint, Pair, Report

# Verified pairs from this overlap on are kept, so a reviewer sees the closest reports
# even below the flag thresholds; LSH finds a pair at Jaccard 0.5 with probability 0.87.
KEEP_JACCARD = 0.5
KEEP_CONTAINMENT = 0.6
# A key shared by more reports than this is a common phrase, not evidence.
CROWDED_KEY = 5_000
MAX_CANDIDATES = 500
BATCH = 1_000


def _keep(found: similarity.Overlap) -> bool:
    return found.jaccard >= KEEP_JACCARD or found.containment >= KEEP_CONTAINMENT


# --- Boilerplate --------------------------------------------------------------------------


def boilerplate_text(campaign: Campaign) -> str:
    """The campaign's prompts and the extracted text of its documents' attachments."""
    parts = list(campaign.prompts or [])
    parts.extend(campaign.documents.values_list("title", flat=True))
    attachments = Attachment.objects.filter(document__campaigns=campaign).values_list(
        "text", flat=True
    )
    parts.extend(text for text in attachments if text)
    return "\n".join(parts)


def boilerplate_refresh(campaign: Campaign) -> tuple[np.ndarray, bool]:
    """Recompute the campaign's boilerplate; returns it and whether it changed."""
    hashes = similarity.shingles(boilerplate_text(campaign))
    digest = hashlib.sha256(similarity.to_bytes(hashes)).hexdigest()
    current = Boilerplate.objects.filter(campaign=campaign).values_list("digest", flat=True)
    changed = current.first() != digest
    if changed:
        Boilerplate.objects.update_or_create(
            campaign=campaign,
            defaults={"shingles": similarity.to_bytes(hashes), "digest": digest},
        )
    return hashes, changed


def boilerplate_of(campaign_id: int) -> np.ndarray:
    row = Boilerplate.objects.filter(campaign_id=campaign_id).values_list("shingles", flat=True)
    data = row.first()
    if data is None:
        hashes, _changed = boilerplate_refresh(Campaign.objects.get(pk=campaign_id))
        return hashes
    return similarity.from_bytes(data)


# --- Indexing and candidates ----------------------------------------------------------


def _candidates(campaign_id: int, keys: np.ndarray):
    """Reports sharing at least one band key, those sharing the most bands first, at most
    MAX_CANDIDATES (a subquery): when a circulated sample has been copied by thousands, a
    new copy is verified against its closest few hundred, not against every one of them.

    `key IN (…)` on the (campaign_id, key) index is one index condition the planner
    always uses, whatever its statistics say; a disjunction over (band, key) pairs is not
    (with statistics taken while a campaign was empty it scanned the campaign's keys)."""
    return (
        BandKey.objects.filter(campaign_id=campaign_id, key__in=[int(k) for k in keys])
        .values("report_id")
        .annotate(bands=Count("id"))
        .order_by("-bands", "report_id")
        .values("report_id")[:MAX_CANDIDATES]
    )


def _pair(campaign_id: int, one: int, other: int, overlap: similarity.Overlap) -> Pair:
    a, b = sorted((one, other))
    return Pair(
        campaign_id=campaign_id,
        a_id=a,
        b_id=b,
        jaccard=overlap.jaccard,
        containment=overlap.containment,
        shared=overlap.shared,
    )


def _flags_refresh(report_ids) -> list[int]:
    """Set each report's `flagged` and `similarity` from its pairs; returns the ids whose
    flag changed (their unit counters move)."""
    ids = sorted(set(report_ids))
    best: dict[int, float] = dict.fromkeys(ids, 0.0)
    flagged: dict[int, bool] = dict.fromkeys(ids, False)
    pairs = Pair.objects.filter(Q(a_id__in=ids) | Q(b_id__in=ids)).values_list(
        "a_id", "b_id", "jaccard", "containment"
    )
    for a, b, jaccard, containment in pairs:
        overlap = similarity.Overlap(jaccard, containment, 0)
        for pk in (a, b):
            if pk in best:
                best[pk] = max(best[pk], jaccard, containment)
                flagged[pk] = flagged[pk] or overlap.flagged
    changed = []
    for report in Report.objects.filter(pk__in=ids).only("pk", "flagged", "similarity"):
        if report.flagged != flagged[report.pk] or report.similarity != best[report.pk]:
            if report.flagged != flagged[report.pk]:
                changed.append(report.pk)
            Report.objects.filter(pk=report.pk).update(
                flagged=flagged[report.pk], similarity=best[report.pk]
            )
    return changed


def unindex_report(report_id: int) -> list[int]:
    """Forget a report's fingerprint and pairs; returns the other reports it was paired
    with (their flags must be refreshed)."""
    partners = Pair.objects.filter(Q(a_id=report_id) | Q(b_id=report_id)).values_list(
        "a_id", "b_id"
    )
    others = {pk for pair in partners for pk in pair if pk != report_id}
    Pair.objects.filter(Q(a_id=report_id) | Q(b_id=report_id)).delete()
    BandKey.objects.filter(report_id=report_id).delete()
    Fingerprint.objects.filter(report_id=report_id).delete()
    return sorted(others)


@dataclass
class Indexed:
    report_id: int
    compared: int = 0
    pairs: int = 0
    too_short: bool = False
    # Reports whose `flagged` changed (this one or earlier partners).
    flag_changed: list[int] = field(default_factory=list)


def index_report(report: Report, text: str, version: int) -> Indexed:
    """Fingerprint the report's latest version, store its band keys, verify every earlier
    report sharing a key, and keep the pairs. Runs inside the caller's transaction."""
    partners = unindex_report(report.pk)
    boilerplate = boilerplate_of(report.campaign_id)
    raw = similarity.shingles(text)
    own = raw[~np.isin(raw, boilerplate, assume_unique=True)] if len(boilerplate) else raw
    Fingerprint.objects.create(
        report=report,
        campaign_id=report.campaign_id,
        version=version,
        shingles=similarity.to_bytes(raw),
        size=len(own),
    )
    result = Indexed(report.pk)
    if len(own) < similarity.MIN_SHINGLES:
        result.too_short = True
        result.flag_changed = _flags_refresh([report.pk, *partners])
        return result
    keys = similarity.band_keys(similarity.signature(own))
    found = compare(report.campaign_id, own, boilerplate, keys=keys, exclude=report.pk)
    BandKey.objects.bulk_create(
        BandKey(campaign_id=report.campaign_id, band=band, key=int(key), report_id=report.pk)
        for band, key in enumerate(keys)
    )
    result.compared = len(found)
    kept = {pk: overlap for pk, overlap in found.items() if _keep(overlap)}
    Pair.objects.bulk_create(
        _pair(report.campaign_id, report.pk, other, overlap) for other, overlap in kept.items()
    )
    result.pairs = len(kept)
    result.flag_changed = _flags_refresh([report.pk, *partners, *kept])
    return result


def compare(
    campaign_id: int,
    own: np.ndarray,
    boilerplate: np.ndarray,
    *,
    keys: np.ndarray | None = None,
    exclude: int | None = None,
) -> dict[int, similarity.Overlap]:
    """Every indexed report of the campaign sharing a band key with the fingerprint
    `own` (boilerplate already subtracted), with its exact overlap."""
    if keys is None:
        keys = similarity.band_keys(similarity.signature(own))
    # Candidates and their fingerprints in one statement: a round trip saved per report.
    rows = Fingerprint.objects.filter(report_id__in=_candidates(campaign_id, keys))
    if exclude is not None:
        rows = rows.exclude(report_id=exclude)
    found = {}
    for pk, data in rows.values_list("report_id", "shingles"):
        shingles = similarity.from_bytes(data)
        if len(boilerplate):
            shingles = shingles[~np.isin(shingles, boilerplate, assume_unique=True)]
        found[pk] = similarity.overlap(own, shingles)
    return found


def recheck(report: Report) -> list[int]:
    """Compare an indexed report again, after its transaction committed: a near-copy
    submitted in an overlapping transaction could not see its band keys, nor it theirs.
    Returns the reports whose flag changed."""
    row = Fingerprint.objects.filter(report=report).values_list("shingles", flat=True).first()
    if row is None:
        return []
    boilerplate = boilerplate_of(report.campaign_id)
    raw = similarity.from_bytes(row)
    own = raw[~np.isin(raw, boilerplate, assume_unique=True)] if len(boilerplate) else raw
    if len(own) < similarity.MIN_SHINGLES:
        return []
    kept = {
        pk: overlap
        for pk, overlap in compare(report.campaign_id, own, boilerplate, exclude=report.pk).items()
        if _keep(overlap)
    }
    paired = Pair.objects.filter(Q(a=report) | Q(b=report)).values_list("a_id", "b_id")
    known = {pk for pair in paired for pk in pair}
    new = {pk: overlap for pk, overlap in kept.items() if pk not in known}
    if not new:
        return []
    Pair.objects.bulk_create(
        (_pair(report.campaign_id, report.pk, other, overlap) for other, overlap in new.items()),
        ignore_conflicts=True,
    )
    return _flags_refresh([report.pk, *new])


# --- Rebuild ----------------------------------------------------------------------------


def campaign_reindex(campaign: Campaign, progress=None) -> dict:
    """Recompute boilerplate, band keys and pairs for the whole campaign from the stored
    fingerprints. Candidate pairs come from one grouped pass over the band keys."""
    boilerplate, _changed = boilerplate_refresh(campaign)
    with transaction.atomic():
        BandKey.objects.filter(campaign_id=campaign.pk).delete()
        Pair.objects.filter(campaign=campaign).delete()
        fingerprints = Fingerprint.objects.filter(campaign_id=campaign.pk).order_by("report_id")
        total = fingerprints.count()
        own: dict[int, np.ndarray] = {}
        buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
        done = 0
        for start in range(0, total, BATCH):
            rows = list(fingerprints.values_list("report_id", "shingles")[start : start + BATCH])
            keys = []
            sizes = []
            for report_id, data in rows:
                raw = similarity.from_bytes(data)
                mine = raw[~np.isin(raw, boilerplate, assume_unique=True)]
                sizes.append((report_id, len(mine)))
                if len(mine) < similarity.MIN_SHINGLES:
                    continue
                own[report_id] = mine
                for band, key in enumerate(similarity.band_keys(similarity.signature(mine))):
                    keys.append(
                        BandKey(
                            campaign_id=campaign.pk, band=band, key=int(key), report_id=report_id
                        )
                    )
                    buckets[(band, int(key))].append(report_id)
            BandKey.objects.bulk_create(keys, batch_size=BATCH * 4)
            for report_id, size in sizes:
                Fingerprint.objects.filter(report_id=report_id).exclude(size=size).update(size=size)
            done += len(rows)
            if progress:
                progress(done, total)
        candidates: set[tuple[int, int]] = set()
        for members in buckets.values():
            if len(members) < 2 or len(members) > CROWDED_KEY:
                continue
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    candidates.add((a, b))
        pairs = []
        for a, b in sorted(candidates):
            overlap = similarity.overlap(own[a], own[b])
            if _keep(overlap):
                pairs.append(_pair(campaign.pk, a, b, overlap))
        Pair.objects.bulk_create(pairs, batch_size=BATCH)
        ids = list(
            Report.objects.filter(campaign=campaign, versions_count__gt=0).values_list(
                "pk", flat=True
            )
        )
        changed = []
        for start in range(0, len(ids), BATCH):
            changed += _flags_refresh(ids[start : start + BATCH])
    return {
        "reports": total,
        "candidates": len(candidates),
        "pairs": len(pairs),
        "changed": changed,
    }


# --- Reading ------------------------------------------------------------------------------


def similar_to(report: Report, limit: int = 5) -> list[tuple[Pair, int]]:
    """The closest other reports: (pair, other report id), most similar first."""
    pairs = Pair.objects.filter(Q(a=report) | Q(b=report)).order_by("-jaccard", "-containment")
    return [(pair, pair.b_id if pair.a_id == report.pk else pair.a_id) for pair in pairs[:limit]]


@dataclass
class Group:
    """Reports all directly similar to one centre report: likely one common source."""

    centre: int
    members: list[int]
    best: float


def groups(pairs: QuerySet[Pair], flagged_only: bool = True, limit: int = 50) -> list[Group]:
    """Star clusters over the flagged pairs: the report with the most look-alikes becomes a
    centre and takes its unassigned neighbours, then the next. Every member is similar to
    its centre itself, so two unrelated reports are never joined through a third."""
    neighbours: dict[int, dict[int, float]] = defaultdict(dict)
    rows = pairs.values_list("a_id", "b_id", "jaccard", "containment")
    for a, b, jaccard, containment in rows:
        if flagged_only and not similarity.Overlap(jaccard, containment, 0).flagged:
            continue
        score = max(jaccard, containment)
        neighbours[a][b] = score
        neighbours[b][a] = score
    order = sorted(neighbours, key=lambda pk: (-len(neighbours[pk]), pk))
    taken: set[int] = set()
    found: list[Group] = []
    for centre in order:
        if centre in taken:
            continue
        members = sorted(pk for pk in neighbours[centre] if pk not in taken)
        if len(members) < 2:
            continue  # a lone pair is listed as a pair, not as a group
        taken.add(centre)
        taken.update(members)
        best = max(neighbours[centre][pk] for pk in members)
        found.append(Group(centre, members, best))
        if len(found) >= limit:
            break
    return found
