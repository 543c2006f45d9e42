"""Copy detection stored in the database: fingerprints, winnowed marks (`BandKey` rows),
verified pairs, the campaign's boilerplate (its documents, prompts and the circulated
texts its officer allows), and groups around a common source.

`index_report` runs inside the submission's transaction, so a report is compared with
every earlier report of its campaign the moment it arrives, across the whole country.
Two near-copies submitted at once are ordered by locks on their marks (PostgreSQL), so
the later one sees the earlier one's marks and pairs them in its own transaction.
`campaign_reindex` rebuilds everything for a campaign (after its documents change).
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from campaigns.models import Campaign
from documents.models import Attachment
from reports import similarity
from reports.models import (
    AllowedText,
    BandKey,
    Boilerplate,
    CrowdedMark,
    Fingerprint,
    Pair,
    Report,
    Version,
)

MAX_CANDIDATES = similarity.MAX_CANDIDATES
BATCH = 1_000


def _keep(found: similarity.Overlap) -> bool:
    return found.kept


# --- Boilerplate --------------------------------------------------------------------------


def boilerplate_text(campaign: Campaign) -> str:
    """The campaign's prompts, the extracted text of its documents' attachments and the
    circulated texts its officer allows."""
    parts = list(campaign.prompts or [])
    parts.extend(AllowedText.objects.filter(campaign=campaign).values_list("text", flat=True))
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


# Keys arrive sorted, so concurrent lookups record crowded marks in the same order.
_CANDIDATES_SQL = """
WITH wanted AS (
    SELECT k.key FROM unnest(%(keys)s::integer[]) AS k(key)
    WHERE NOT EXISTS (
        SELECT 1 FROM reports_crowdedmark c
        WHERE c.campaign_id = %(campaign)s AND c.key = k.key
    )
),
posted AS (
    SELECT w.key, x.ids FROM wanted AS w
    CROSS JOIN LATERAL (
        SELECT array_agg(b.report_id) AS ids FROM (
            SELECT report_id FROM reports_bandkey
            WHERE key = w.key AND campaign_id = %(campaign)s LIMIT %(cap)s
        ) AS b
    ) AS x
),
crowded AS (
    INSERT INTO reports_crowdedmark (campaign_id, key)
    SELECT %(campaign)s, key FROM posted WHERE cardinality(ids) > %(crowded)s
    ON CONFLICT DO NOTHING
),
chosen AS (
    SELECT p.report_id
    FROM posted CROSS JOIN LATERAL unnest(posted.ids) AS p(report_id)
    WHERE cardinality(posted.ids) <= %(crowded)s AND p.report_id <> %(exclude)s
    GROUP BY p.report_id
    HAVING count(*) >= %(least)s
    ORDER BY count(*) DESC, p.report_id
    LIMIT %(limit)s
)
SELECT f.report_id, f.shingles FROM reports_fingerprint f
WHERE f.report_id IN (SELECT report_id FROM chosen)
"""


def _candidates(campaign_id: int, keys: list[int], exclude: int | None):
    """(report id, stored shingles) of the candidates `similarity.ranked_candidates`
    chooses. On PostgreSQL one statement: marks known to be crowded skipped, per other
    mark at most CROWDED_MARK + 1 index entries read (a mark found crowded is recorded),
    counted, ranked, and the fingerprints of the chosen read, in one round trip."""
    if not keys:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _CANDIDATES_SQL,
                {
                    "keys": sorted(keys),
                    "campaign": campaign_id,
                    "cap": similarity.CROWDED_MARK + 1,
                    "crowded": similarity.CROWDED_MARK,
                    "exclude": exclude if exclude is not None else -1,
                    "least": min(similarity.MIN_SHARED, len(keys)),
                    "limit": MAX_CANDIDATES,
                },
            )
            return cursor.fetchall()
    postings: dict[int, list[int]] = defaultdict(list)
    rows = BandKey.objects.filter(key__in=keys, campaign_id=campaign_id)
    for key, report_id in rows.exclude(report_id=exclude).values_list("key", "report_id"):
        postings[key].append(report_id)
    chosen = similarity.ranked_candidates(postings.values(), len(keys), MAX_CANDIDATES)
    return Fingerprint.objects.filter(report_id__in=chosen).values_list("report_id", "shingles")


def _lock_marks(campaign_id: int, keys: list[int]) -> None:
    """Wait for any uncommitted submission of the campaign holding one of these marks.
    Taken in key order, so two submissions never wait for each other; reports sharing no
    mark never wait at all. SQLite needs none: its writers are serialised already."""
    if connection.vendor != "postgresql" or not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(%s, k))"
            " FROM (SELECT k FROM unnest(%s::integer[]) AS k ORDER BY k) AS ordered",
            [campaign_id % (1 << 31), sorted(keys)],
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


def _own(raw: np.ndarray, boilerplate: np.ndarray) -> np.ndarray:
    return raw[~np.isin(raw, boilerplate, assume_unique=True)] if len(boilerplate) else raw


def index_report(report: Report, text: str, version: int) -> Indexed:
    """Fingerprint the report's latest version, store its marks, verify every report of
    the campaign sharing a mark, and keep the pairs. Runs inside the caller's
    transaction."""
    partners = unindex_report(report.pk)
    boilerplate = boilerplate_of(report.campaign_id)
    ordered = similarity.sequence(text)
    raw = similarity.as_set(ordered)
    own = _own(raw, boilerplate)
    Fingerprint.objects.create(
        report=report,
        campaign_id=report.campaign_id,
        version=version,
        shingles=similarity.to_bytes(raw),
        sequence=similarity.to_bytes(ordered),
        size=len(own),
    )
    result = Indexed(report.pk)
    if len(own) < similarity.MIN_SHINGLES:
        result.too_short = True
        result.flag_changed = _flags_refresh([report.pk, *partners])
        return result
    keys = similarity.keys_of(similarity.marks(ordered, boilerplate))
    _lock_marks(report.campaign_id, keys)
    found = compare(report.campaign_id, own, boilerplate, keys=keys, exclude=report.pk)
    BandKey.objects.bulk_create(
        BandKey(campaign_id=report.campaign_id, key=key, report_id=report.pk) for key in keys
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
    keys: list[int],
    exclude: int | None = None,
) -> dict[int, similarity.Overlap]:
    """Every indexed report of the campaign sharing a mark in `keys` with the fingerprint
    `own` (boilerplate already subtracted), with its exact overlap."""
    found = {}
    for pk, data in _candidates(campaign_id, keys, exclude):
        found[pk] = similarity.overlap(own, _own(similarity.from_bytes(data), boilerplate))
    return found


# --- Rebuild ----------------------------------------------------------------------------


def _sequence_of(report_id: int, data: bytes | memoryview) -> np.ndarray:
    """The stored shingle sequence, or the latest version's text read again for a row
    stored before sequences were."""
    if len(data):
        return similarity.from_bytes(data)
    version = Version.objects.filter(report_id=report_id).order_by("-number").first()
    return similarity.sequence(version.text if version else "")


def campaign_reindex(campaign: Campaign, progress=None) -> dict:
    """Recompute boilerplate, marks and pairs for the whole campaign from the stored
    fingerprints, a batch of reports at a time: every mark first, then each report
    compared through the index as a submission would be, so memory holds one batch."""
    boilerplate, _changed = boilerplate_refresh(campaign)
    with transaction.atomic():
        BandKey.objects.filter(campaign_id=campaign.pk).delete()
        CrowdedMark.objects.filter(campaign_id=campaign.pk).delete()
        Pair.objects.filter(campaign=campaign).delete()
        fingerprints = Fingerprint.objects.filter(campaign_id=campaign.pk).order_by("report_id")
        total = fingerprints.count()
        indexed: list[int] = []
        after = 0
        while True:
            rows = list(
                fingerprints.filter(report_id__gt=after).values_list(
                    "report_id", "sequence", "size"
                )[:BATCH]
            )
            if not rows:
                break
            marks = []
            for report_id, ordered, size in rows:
                ordered = _sequence_of(report_id, ordered)
                mine = _own(similarity.as_set(ordered), boilerplate)
                if size != len(mine):
                    Fingerprint.objects.filter(report_id=report_id).update(size=len(mine))
                if len(mine) < similarity.MIN_SHINGLES:
                    continue
                indexed.append(report_id)
                marks.extend(
                    BandKey(campaign_id=campaign.pk, key=key, report_id=report_id)
                    for key in similarity.keys_of(similarity.marks(ordered, boilerplate))
                )
            BandKey.objects.bulk_create(marks, batch_size=BATCH * 4)
            after = rows[-1][0]
        for start in range(0, len(indexed), BATCH):
            batch = indexed[start : start + BATCH]
            found: dict[tuple[int, int], Pair] = {}
            for report_id, data in fingerprints.filter(report_id__in=batch).values_list(
                "report_id", "shingles"
            ):
                own = _own(similarity.from_bytes(data), boilerplate)
                keys = list(
                    BandKey.objects.filter(report_id=report_id).values_list("key", flat=True)
                )
                for other, overlap in compare(campaign.pk, own, boilerplate, keys=keys).items():
                    if other != report_id and _keep(overlap):
                        pair = _pair(campaign.pk, report_id, other, overlap)
                        found[(pair.a_id, pair.b_id)] = pair
            # A pair is met from both sides, the second time in a later batch.
            Pair.objects.bulk_create(found.values(), batch_size=BATCH, ignore_conflicts=True)
            if progress:
                progress(start + len(batch), len(indexed))
        pairs = Pair.objects.filter(campaign=campaign).count()
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
        "pairs": pairs,
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
