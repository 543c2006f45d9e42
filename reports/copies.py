"""Copy detection stored in the database: fingerprints, winnowed marks (`BandKey` rows),
verified pairs, the campaign's boilerplate (its documents, prompts and the circulated
texts its officer allows), and groups around a common source.

`index_report` runs inside the submission's transaction, so a report is compared with
every earlier report of its campaign the moment it arrives, across the whole country.
Two near-copies submitted at once are ordered by locks on their marks (PostgreSQL), so
the later one sees the earlier one's marks and pairs them in its own transaction.
A campaign's marks live in their own PostgreSQL partition (`marks_partition`), so
closing the campaign (`campaigns.services.campaign_close`) drops its index in one
statement (`marks_drop`). A rebuild (after
the campaign's documents change) runs in phases over ranges of report ids that any number
of workers take in turn, each range committed on its own, so a killed run resumes where it
stopped (`rebuild_start`, `rebuild_work`; `campaign_reindex` runs one in-process).
"""

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from campaigns.models import Campaign
from documents.models import Attachment
from nghiquyet.bulkload import bulk_insert, bulk_set
from reports import similarity
from reports.models import (
    AllowedText,
    BandKey,
    Boilerplate,
    CrowdedMark,
    Fingerprint,
    Pair,
    Rebuild,
    RebuildBatch,
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
        campaign = Campaign.objects.get(pk=campaign_id)
        hashes = similarity.shingles(boilerplate_text(campaign))
        # Stored once the caller's transaction has committed: two first submissions of a
        # campaign inserting it inside theirs, beside their counter rows, locked each other.
        transaction.on_commit(lambda: boilerplate_refresh(campaign))
        return hashes
    return similarity.from_bytes(data)


# --- Partitions of the marks ------------------------------------------------------------

# Campaigns whose partition this process has seen: checked once per process. A stale
# entry (a partition dropped meanwhile) only sends marks to the default partition.
_partitioned: set[int] = set()
_PARTITION_LOCK = 0x6E71


def _partition_name(campaign_id: int) -> str:
    return f"reports_bandkey_c{int(campaign_id)}"


def marks_partition(campaign_id: int) -> None:
    """Give the campaign its own partition of the marks (PostgreSQL), moving there any of
    its marks the default partition took meanwhile; nothing when it has one."""
    if connection.vendor != "postgresql" or campaign_id in _partitioned:
        return
    name, value = _partition_name(campaign_id), int(campaign_id)
    with transaction.atomic(), connection.cursor() as cursor:
        # Two writers of a campaign's first marks: the second finds the partition made.
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_PARTITION_LOCK, value % (1 << 31)])
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if not cursor.fetchone()[0]:
            # Built beside the table and attached: CREATE … PARTITION OF would fail while
            # the default partition holds marks of the campaign. The CHECK spares the scan.
            cursor.execute(
                f"CREATE TABLE {name} (LIKE reports_bandkey, CHECK (campaign_id = {value}))"
            )
            cursor.execute(
                f"WITH moved AS (DELETE FROM reports_bandkey_default WHERE campaign_id = %s"
                f" RETURNING campaign_id, key, report_id) INSERT INTO {name} SELECT * FROM moved",
                [value],
            )
            cursor.execute(
                f"ALTER TABLE reports_bandkey ATTACH PARTITION {name} FOR VALUES IN ({value})"
            )
    _partitioned.add(campaign_id)


def _build_name(campaign_id: int) -> str:
    return f"reports_bandkey_c{int(campaign_id)}_build"


def marks_drop(campaign_id: int) -> None:
    """Forget every mark of the campaign: on PostgreSQL its partition is dropped (one
    statement, however many marks) with the table a rebuild may be filling, elsewhere
    the rows are deleted."""
    _partitioned.discard(campaign_id)
    if connection.vendor != "postgresql":
        BandKey.objects.filter(campaign_id=campaign_id).delete()
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DROP TABLE IF EXISTS {_partition_name(campaign_id)}, {_build_name(campaign_id)},"
            f" {_shared_name(campaign_id)}"
        )
        # Marks written before the partition existed (normally none; the key is indexed).
        cursor.execute("DELETE FROM reports_bandkey_default WHERE campaign_id = %s", [campaign_id])


def marks_closed(campaign_id: int) -> None:
    """The campaign takes no more submissions, so no lookup needs its marks: dropped now,
    or by the end of a rebuild under way (whose ranges still write and read them)."""
    if not Rebuild.objects.filter(campaign_id=campaign_id, finished_at__isnull=True).exists():
        marks_drop(campaign_id)


def _int_array(values) -> str:
    """A PostgreSQL array literal of integers: psycopg's list dumper escapes every
    element, which for the tens of thousands of marks of a batch costs more than the
    statement."""
    return "{" + ",".join(map(str, values)) + "}"


def marks_write(campaign_id: int, keys: list[int], report_ids: list[int]) -> None:
    """Store marks (`keys[i]` of report `report_ids[i]`); a mark already stored is kept,
    so a batch written again after a crash changes nothing. On PostgreSQL one statement
    with two arrays, whatever the count."""
    if not keys:
        return
    # No partition is made here: its DDL inside a submission's transaction, beside the
    # counter rows, deadlocked first submissions. The campaign's creation makes it (after
    # commit) and a rebuild moves any marks the default partition took meanwhile.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO reports_bandkey (campaign_id, key, report_id)"
                " SELECT %s, k, r FROM unnest(%s::integer[], %s::bigint[]) AS m(k, r)"
                " ON CONFLICT DO NOTHING",
                [campaign_id, _int_array(keys), _int_array(report_ids)],
            )
        return
    BandKey.objects.bulk_create(
        (
            BandKey(campaign_id=campaign_id, key=key, report_id=report_id)
            for key, report_id in zip(keys, report_ids, strict=True)
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )


# --- Indexing and candidates ----------------------------------------------------------


# `similarity.least_shared` in SQL: a candidate's own shingles (`Fingerprint.size`) are
# read from its heap row, its fingerprint only once it shares enough marks.
def _least_shared_sql(size: str, other: str, marks: str) -> str:
    share, per = similarity.PROPORTION
    return (
        f"LEAST(GREATEST({similarity.MIN_SHARED},"
        f" LEAST({size}, {other}) * {share} / {per} - {similarity.PIECES}), {marks})"
    )


# Keys arrive sorted, so concurrent lookups record crowded marks in the same order.
_CANDIDATES_SQL = f"""
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
counted AS (
    SELECT p.report_id, count(*) AS n
    FROM posted CROSS JOIN LATERAL unnest(posted.ids) AS p(report_id)
    WHERE cardinality(posted.ids) <= %(crowded)s AND p.report_id <> %(exclude)s
    GROUP BY p.report_id
    HAVING count(*) >= %(least)s
),
chosen AS (
    SELECT c.report_id FROM counted c JOIN reports_fingerprint f ON f.report_id = c.report_id
    WHERE c.n >= {_least_shared_sql("%(size)s", "f.size", "%(marks)s")}
    ORDER BY c.n DESC, c.report_id
    LIMIT %(limit)s
)
SELECT f.report_id, f.shingles FROM reports_fingerprint f
WHERE f.report_id IN (SELECT report_id FROM chosen)
"""


def _sizes(report_ids: list[int]) -> dict[int, int]:
    return dict(
        Fingerprint.objects.filter(report_id__in=report_ids).values_list("report_id", "size")
    )


def _candidates(campaign_id: int, keys: list[int], size: int, exclude: int | None):
    """(report id, stored shingles) of the candidates `similarity.ranked_candidates`
    chooses for a report of `size` own shingles. On PostgreSQL one statement: marks known
    to be crowded skipped, per other mark at most CROWDED_MARK + 1 index entries read (a
    mark found crowded is recorded), counted, those sharing too few marks for their size
    dropped, ranked, and the fingerprints of the chosen read, in one round trip."""
    if not keys:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _CANDIDATES_SQL,
                {
                    "keys": _int_array(sorted(keys)),
                    "campaign": campaign_id,
                    "cap": similarity.CROWDED_MARK + 1,
                    "crowded": similarity.CROWDED_MARK,
                    "exclude": exclude if exclude is not None else -1,
                    "least": min(similarity.MIN_SHARED, len(keys)),
                    "size": size,
                    "marks": len(keys),
                    "limit": MAX_CANDIDATES,
                },
            )
            return cursor.fetchall()
    postings: dict[int, list[int]] = defaultdict(list)
    rows = BandKey.objects.filter(key__in=keys, campaign_id=campaign_id)
    for key, report_id in rows.exclude(report_id=exclude).values_list("key", "report_id"):
        postings[key].append(report_id)
    chosen = similarity.ranked_candidates(
        postings.values(), len(keys), size, _sizes, MAX_CANDIDATES
    )
    return Fingerprint.objects.filter(report_id__in=chosen).values_list("report_id", "shingles")


_CAMPAIGN_LOCK = 0x6E72


def marks_lock_campaign(campaign_id: int, *, wait: bool = True) -> bool:
    """Index the campaign's reports alone until the transaction ends: a drain applying a
    batch (reports/inbox.py) takes this instead of each report's marks, which would be
    thousands of locks per batch, taken report by report in no common order. Single
    submissions (`_lock_marks`) hold it shared, so they wait for the batch and it for them.
    Without `wait`, False at once when someone else holds it."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        take = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        cursor.execute(f"SELECT {take}(%s, %s)", [_CAMPAIGN_LOCK, campaign_id])
        return wait or cursor.fetchone()[0]


def _lock_marks(campaign_id: int, keys: list[int]) -> None:
    """Wait for any uncommitted submission of the campaign holding one of these marks.
    Taken in key order, so two submissions never wait for each other; reports sharing no
    mark never wait at all. SQLite needs none: its writers are serialised already."""
    if connection.vendor != "postgresql" or not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [_CAMPAIGN_LOCK, campaign_id])
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
    changed, moved = [], []
    for report in Report.objects.filter(pk__in=ids).only("pk", "flagged", "similarity"):
        if report.flagged != flagged[report.pk] or report.similarity != best[report.pk]:
            if report.flagged != flagged[report.pk]:
                changed.append(report.pk)
            report.flagged, report.similarity = flagged[report.pk], best[report.pk]
            moved.append(report)
    bulk_set(moved, ["flagged", "similarity"])
    return changed


def unindex_report(report_id: int, campaign_id: int | None = None) -> list[int]:
    """Forget a report's fingerprint and pairs; returns the other reports it was paired
    with (their flags must be refreshed). Given the campaign, its marks are looked for in
    the campaign's partition only."""
    return unindex_reports([report_id], [campaign_id] if campaign_id is not None else None)


def unindex_reports(report_ids: list[int], campaign_ids: list[int] | None = None) -> list[int]:
    """`unindex_report` for several reports at once, in four statements."""
    ids = set(report_ids)
    touching = Pair.objects.filter(Q(a_id__in=ids) | Q(b_id__in=ids))
    others = {pk for pair in touching.values_list("a_id", "b_id") for pk in pair if pk not in ids}
    touching.delete()
    marks = BandKey.objects.filter(report_id__in=ids)
    if campaign_ids is not None:
        marks = marks.filter(campaign_id__in=set(campaign_ids))
    marks.delete()
    Fingerprint.objects.filter(report_id__in=ids).delete()
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
    return similarity.without(raw, boilerplate)


def index_report(report: Report, text: str, version: int, *, marks_locked: bool = False) -> Indexed:
    """Fingerprint the report's latest version, store its marks, verify every report of
    the campaign sharing a mark, and keep the pairs. Runs inside the caller's
    transaction; `marks_locked` when it holds `marks_lock_campaign`."""
    [indexed] = index_reports([(report, text, version)], marks_locked=marks_locked)
    return indexed


def index_reports(
    latest: list[tuple[Report, str, int]], *, marks_locked: bool = False
) -> list[Indexed]:
    """`index_report` for several reports (report, text and number of its latest version;
    each report once), as if indexed one after another in this order: each is compared
    with the index and with the reports before it in the list. The reads and writes are
    done for all at once, so a batch costs the same number of statements as one report.
    The flags are set once at the end; every result's `flag_changed` lists the reports
    whose flag the whole batch changed."""
    ids = [report.pk for report, _text, _version in latest]
    campaigns = sorted({report.campaign_id for report, _text, _version in latest})
    partners = unindex_reports(ids, campaigns)
    boilerplates = {campaign_id: boilerplate_of(campaign_id) for campaign_id in campaigns}
    results: list[Indexed] = []
    fingerprints: list[Fingerprint] = []
    marked: dict[int, list[tuple[Indexed, np.ndarray, list[int]]]] = defaultdict(list)
    for report, text, version in latest:
        boilerplate = boilerplates[report.campaign_id]
        ordered = similarity.sequence(text)
        raw = similarity.as_set(ordered)
        own = _own(raw, boilerplate)
        fingerprints.append(
            Fingerprint(
                report=report,
                campaign_id=report.campaign_id,
                version=version,
                shingles=similarity.to_bytes(raw),
                sequence=similarity.to_bytes(ordered),
                size=len(own),
            )
        )
        result = Indexed(report.pk)
        results.append(result)
        if len(own) < similarity.MIN_SHINGLES:
            result.too_short = True
            continue
        keys = similarity.keys_of(similarity.marks(ordered, boilerplate))
        marked[report.campaign_id].append((result, own, keys))
    bulk_insert(fingerprints)
    found: dict[tuple[int, int], Pair] = {}
    for campaign_id, reports in sorted(marked.items()):
        if not marks_locked:
            _lock_marks(campaign_id, sorted({key for _r, _o, keys in reports for key in keys}))
        found.update(_compare_in_order(campaign_id, reports, boilerplates[campaign_id]))
        marks_write(
            campaign_id,
            [key for _r, _o, keys in reports for key in keys],
            [result.report_id for result, _o, keys in reports for _key in keys],
        )
    Pair.objects.bulk_create([found[key] for key in sorted(found)])
    paired = {pk for key in found for pk in key}
    changed = _flags_refresh([*ids, *partners, *paired])
    for result in results:
        result.flag_changed = changed
    return results


def _compare_in_order(
    campaign_id: int, reports: list[tuple[Indexed, np.ndarray, list[int]]], boilerplate
) -> dict[tuple[int, int], Pair]:
    """The kept pairs of each report (its fingerprint `own`, its marks `keys`) with the
    campaign's index and the reports before it, candidates chosen as `_candidates`
    chooses them for one report; every candidate's fingerprint is read once."""
    postings, crowded_before = _postings(
        campaign_id, sorted({key for _r, _o, keys in reports for key in keys})
    )
    before: dict[int, list[int]] = defaultdict(list)  # mark → reports of the list so far
    crowded: set[int] = set()
    chosen: dict[int, list[int]] = {}
    # Own shingles of every report the marks may propose, read at once.
    sizes = _sizes(sorted({pk for ids in postings.values() for pk in ids}))
    sizes.update((result.report_id, len(own)) for result, own, _keys in reports)
    for result, own, keys in reports:
        lists = []
        for key in keys:
            if key in crowded_before:
                continue
            holders = postings.get(key, []) + before[key]
            if len(holders) > similarity.CROWDED_MARK:
                crowded.add(key)
            lists.append(holders)
        chosen[result.report_id] = similarity.ranked_candidates(
            lists, len(keys), len(own), lambda ids: sizes, MAX_CANDIDATES
        )
        for key in keys:
            before[key].append(result.report_id)
    _crowded_add(campaign_id, crowded)
    mine = {result.report_id: own for result, own, _keys in reports}
    wanted = {pk for pks in chosen.values() for pk in pks if pk not in mine}
    stored = {
        pk: _own(similarity.from_bytes(data), boilerplate)
        for pk, data in Fingerprint.objects.filter(report_id__in=wanted).values_list(
            "report_id", "shingles"
        )
    }
    stored.update(mine)
    found: dict[tuple[int, int], Pair] = {}
    for result, own, _keys in reports:
        for other in chosen[result.report_id]:
            if other not in stored:
                continue  # its fingerprint went meanwhile
            overlap = similarity.overlap(own, stored[other])
            result.compared += 1
            if _keep(overlap):
                pair = _pair(campaign_id, result.report_id, other, overlap)
                found[(pair.a_id, pair.b_id)] = pair
                result.pairs += 1
    return found


_POSTINGS_SQL = """
SELECT k.key, x.ids, EXISTS (
    SELECT 1 FROM reports_crowdedmark c WHERE c.campaign_id = %(campaign)s AND c.key = k.key
)
FROM unnest(%(keys)s::integer[]) AS k(key)
CROSS JOIN LATERAL (
    SELECT array_agg(b.report_id) AS ids FROM (
        SELECT report_id FROM reports_bandkey
        WHERE key = k.key AND campaign_id = %(campaign)s LIMIT %(cap)s
    ) AS b
) AS x
"""


def _postings(campaign_id: int, keys: list[int]) -> tuple[dict[int, list[int]], set[int]]:
    """The index's reports holding each mark (at most CROWDED_MARK + 1 of them), and the
    marks already recorded as crowded (PostgreSQL), in one statement."""
    if not keys:
        return {}, set()
    if connection.vendor != "postgresql":
        postings: dict[int, list[int]] = defaultdict(list)
        rows = BandKey.objects.filter(key__in=keys, campaign_id=campaign_id)
        for key, report_id in rows.values_list("key", "report_id"):
            postings[key].append(report_id)
        return postings, set()
    with connection.cursor() as cursor:
        cursor.execute(
            _POSTINGS_SQL,
            {
                "keys": _int_array(keys),
                "campaign": campaign_id,
                "cap": similarity.CROWDED_MARK + 1,
            },
        )
        rows = cursor.fetchall()
    return {key: ids for key, ids, _crowded in rows if ids}, {
        key for key, _ids, crowded in rows if crowded
    }


def _crowded_add(campaign_id: int, keys: set[int]) -> None:
    """Record marks found crowded (PostgreSQL: lookups skip them from now on)."""
    if connection.vendor != "postgresql" or not keys:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reports_crowdedmark (campaign_id, key)"
            " SELECT %s, k FROM unnest(%s::integer[]) AS k ORDER BY k ON CONFLICT DO NOTHING",
            [campaign_id, _int_array(sorted(keys))],
        )


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
    for pk, data in _candidates(campaign_id, keys, len(own), exclude):
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


# A rebuild's phases, in order; a range's `done` counts those it is through.
_PHASES = [Rebuild.Phase.MARKS, Rebuild.Phase.PAIRS, Rebuild.Phase.FLAGS]


def rebuild_start(campaign: Campaign, workers: int = 1, batch: int = BATCH) -> Rebuild:
    """The campaign's unfinished rebuild, or a new one: boilerplate recomputed, the
    campaign's fingerprints cut into ranges of `batch` reports (their ids read `batch` at
    a time), then the old index cleared (`_rebuild_clear`). Readers meanwhile see the
    rebuild's progress instead of pairs (`rebuild_progress`)."""
    running = Rebuild.objects.filter(campaign=campaign, finished_at__isnull=True).first()
    if running is None:
        running = _rebuild_plan(campaign, workers, batch)
    _rebuild_clear(running)
    return running


def _rebuild_plan(campaign: Campaign, workers: int, batch: int) -> Rebuild:
    boilerplate_refresh(campaign)
    # Reads and inserts only: submissions go on while a national campaign is cut up.
    with transaction.atomic():
        rebuild = Rebuild.objects.create(campaign=campaign, workers=workers)
        ids = Fingerprint.objects.filter(campaign_id=campaign.pk).order_by("report_id")
        ids = ids.values_list("report_id", flat=True)
        ranges: list[RebuildBatch] = []
        after = 0
        while chunk := list(ids.filter(report_id__gt=after)[:batch]):
            # Ranges meet, so every report id up to the last one falls in one.
            ranges.append(RebuildBatch(rebuild=rebuild, first_id=after + 1, last_id=chunk[-1]))
            rebuild.reports += len(chunk)
            after = chunk[-1]
            if len(ranges) >= BATCH:
                RebuildBatch.objects.bulk_create(ranges)
                rebuild.batches += len(ranges)
                ranges = []
        RebuildBatch.objects.bulk_create(ranges)
        rebuild.batches += len(ranges)
        rebuild.save(update_fields=["reports", "batches"])
    return rebuild


def _rebuild_clear(rebuild: Rebuild) -> None:
    """Forget the campaign's old index once: pairs and crowded marks first, then, in a
    short transaction of its own, the marks' partition dropped (which locks the whole
    marks table until commit, which every submission of every campaign waits for) and
    the table the marks phase fills made (`_marks_build_begin`)."""
    if rebuild.cleared:
        return
    campaign_id = rebuild.campaign_id
    with transaction.atomic():
        CrowdedMark.objects.filter(campaign_id=campaign_id).delete()
        Pair.objects.filter(campaign_id=campaign_id).delete()
    with transaction.atomic():
        current = Rebuild.objects.select_for_update().get(pk=rebuild.pk)
        if not current.cleared:
            marks_drop(campaign_id)
            if connection.vendor == "postgresql":
                _marks_build_begin(campaign_id)
            else:
                marks_partition(campaign_id)
            current.cleared = True
            current.save(update_fields=["cleared"])
    rebuild.cleared = True


def rebuild_work(
    rebuild_pk: int, changed: list[int] | None = None, pause: float = 0.2, rest: float = 0.0
) -> int:
    """Take ranges of the rebuild, one transaction each, until it is finished; several
    workers may run this at once (ranges are claimed with SKIP LOCKED). Report ids whose
    flag changed are added to `changed` when given; `rest` seconds between ranges leave
    a busy database to its daytime users. Returns the ranges this worker did."""
    done = 0
    boilerplates: dict[str, np.ndarray] = {}
    while True:
        rebuild = Rebuild.objects.get(pk=rebuild_pk)
        if rebuild.finished_at is not None:
            return done
        _rebuild_clear(rebuild)  # when the start was cut off before it
        if rebuild.phase not in boilerplates:
            # Read once a phase: the first phase may have refreshed it.
            boilerplates = {rebuild.phase: boilerplate_of(rebuild.campaign_id)}
        if _range_run(rebuild, boilerplates[rebuild.phase], changed):
            done += 1
            if rest:
                time.sleep(rest)
        elif not _phase_advance(rebuild):
            time.sleep(pause)  # the phase's last ranges are with other workers


def _range_run(rebuild: Rebuild, boilerplate: np.ndarray, changed: list[int] | None) -> bool:
    phase = _PHASES.index(rebuild.phase) + 1
    with transaction.atomic():
        batch = (
            RebuildBatch.objects.select_for_update(skip_locked=True)
            .filter(rebuild=rebuild, done=phase - 1)
            .order_by("first_id")
            .first()
        )
        if batch is None:
            return False
        step = (_range_marks, _range_pairs, _range_flags)[phase - 1]
        flipped = step(rebuild.campaign_id, batch, boilerplate)
        if changed is not None:
            changed.extend(flipped)
        batch.done = phase
        batch.save(update_fields=["done"])
        # Last, so no lock is held on the progress row while waiting on another worker.
        Rebuild.objects.filter(pk=rebuild.pk).update(last_report_id=batch.last_id)
    return True


def _phase_advance(rebuild: Rebuild) -> bool:
    """Move the rebuild on once every range is through its phase; False while some are
    still being worked on elsewhere."""
    phase = _PHASES.index(rebuild.phase) + 1
    with transaction.atomic():
        current = Rebuild.objects.select_for_update().get(pk=rebuild.pk)
        if current.phase != rebuild.phase:
            return True
        if RebuildBatch.objects.filter(rebuild=rebuild, done__lt=phase).exists():
            return False
        if phase == 1:
            _marks_attach(rebuild.campaign_id)
            _shared_record(rebuild.campaign_id)
            _statistics_refresh(rebuild.campaign_id)
        if phase < len(_PHASES):
            current.phase = _PHASES[phase]
        else:
            from reports.services import report_tally_rebuild

            report_tally_rebuild(current.campaign)
            _shared_drop(current.campaign_id)
            if current.campaign.closed_at is not None:
                # A closed campaign takes no more submissions: its pairs were all the
                # rebuild needed the marks for.
                marks_drop(current.campaign_id)
            current.phase = Rebuild.Phase.DONE
            current.finished_at = timezone.now()
        current.save(update_fields=["phase", "finished_at"])
    if phase == 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # The visibility map lets the comparisons read the marks from the index alone;
        # VACUUM cannot run in a transaction, and a late one only costs speed.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {_partition_name(rebuild.campaign_id)}")
    return True


def _marks_build_begin(campaign_id: int) -> None:
    """The table a rebuild's marks phase fills (PostgreSQL): outside the marks table and
    without indexes, so each range's COPY only appends; `_marks_attach` indexes it and
    makes it the campaign's partition. Meanwhile the campaign has no partition, so the
    marks of its submissions go to the default one."""
    value = int(campaign_id)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_build_name(value)}")
        # The CHECK spares ATTACH a scan of the whole table.
        cursor.execute(
            f"CREATE TABLE {_build_name(value)}"
            f" (LIKE reports_bandkey, CHECK (campaign_id = {value}))"
        )


def _marks_attach(campaign_id: int) -> None:
    """End of the marks phase (PostgreSQL): the filled table gets its indexes, built once
    by sorting rather than grown by a million random inserts, then takes in the marks the
    campaign's submissions wrote to the default partition meanwhile (newer than the
    rebuild's for their reports) and becomes the campaign's partition. One transaction
    with the phase's end, so a run killed here starts this step again."""
    if connection.vendor != "postgresql":
        return
    value = int(campaign_id)
    build, name = _build_name(value), _partition_name(value)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [build])
        if not cursor.fetchone()[0]:
            return
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute(
            f"ALTER TABLE {build} ADD CONSTRAINT {name}_pkey"
            " PRIMARY KEY (campaign_id, key, report_id)"
        )
        cursor.execute(f"CREATE INDEX {name}_report_id_idx ON {build} (report_id)")
        # Held to the commit, as ATTACH needs it anyway: no submission's marks can land in
        # the default partition between the move and the attach.
        cursor.execute("LOCK TABLE reports_bandkey_default IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            f"DELETE FROM {build} WHERE report_id IN (SELECT report_id FROM"
            " reports_bandkey_default WHERE campaign_id = %s)",
            [value],
        )
        cursor.execute(
            f"WITH moved AS (DELETE FROM reports_bandkey_default WHERE campaign_id = %s"
            f" RETURNING campaign_id, key, report_id) INSERT INTO {build} SELECT * FROM moved",
            [value],
        )
        cursor.execute(f"ALTER TABLE {build} RENAME TO {name}")
        cursor.execute(
            f"ALTER TABLE reports_bandkey ATTACH PARTITION {name} FOR VALUES IN ({value})"
        )
    _partitioned.add(value)


def _shared_drop(campaign_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_shared_name(campaign_id)}")


def _statistics_refresh(campaign_id: int) -> None:
    """A partition made by this rebuild has no statistics until autovacuum comes: without
    them the planner takes a scan per mark for a cheap join."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_partition_name(campaign_id)}")


def _shared_name(campaign_id: int) -> str:
    return f"reports_bandkey_c{int(campaign_id)}_shared"


def _shared_record(campaign_id: int) -> None:
    """Once all marks are written, one pass over them in key order keeps the marks held
    by more than one report, with their holders' count (`reports_bandkey_c<id>_shared`,
    indexed by key and by report), and records every crowded mark, so the comparisons
    that follow never insert one: workers inserting the same rows in different orders
    could wait on each other. A mark held by one report proposes nobody, and most are
    (83 % of 14 million at 200,000 reports): the comparisons probe the shared marks only.
    SQLite counts crowded marks at each lookup instead."""
    if connection.vendor != "postgresql":
        return
    value, shared = int(campaign_id), _shared_name(campaign_id)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"DROP TABLE IF EXISTS {shared}")
        cursor.execute(
            f"CREATE TABLE {shared} AS SELECT key, report_id, holders FROM ("
            " SELECT key, report_id, count(*) OVER (PARTITION BY key) AS holders"
            f" FROM {_partition_name(value)}) AS counted WHERE holders > 1"
        )
        cursor.execute(
            "INSERT INTO reports_crowdedmark (campaign_id, key)"
            f" SELECT DISTINCT %s, key FROM {shared} WHERE holders > %s ON CONFLICT DO NOTHING",
            [value, similarity.CROWDED_MARK],
        )
        cursor.execute(f"DELETE FROM {shared} WHERE holders > %s", [similarity.CROWDED_MARK])
        cursor.execute(f"CREATE INDEX ON {shared} (key, report_id)")
        cursor.execute(f"CREATE INDEX ON {shared} (report_id)")
        cursor.execute(f"ANALYZE {shared}")


_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
_MARK_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("campaign_size", ">i4"),
        ("campaign", ">i8"),
        ("key_size", ">i4"),
        ("key", ">i4"),
        ("report_size", ">i4"),
        ("report", ">i8"),
    ]
)


def _marks_copy(campaign_id: int, keys: list[int], owners: list[int], table: str) -> None:
    """Marks loaded with a binary COPY, built as one numpy array: the fastest way in."""
    rows = np.zeros(len(keys), dtype=_MARK_ROW)
    rows["fields"] = 3
    rows["campaign_size"], rows["key_size"], rows["report_size"] = 8, 4, 8
    rows["campaign"] = campaign_id
    rows["key"] = keys
    rows["report"] = owners
    sql = f"COPY {table} (campaign_id, key, report_id) FROM STDIN (FORMAT binary)"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(_COPY_HEADER + rows.tobytes() + _COPY_TRAILER)


def _range_marks(campaign_id: int, batch: RebuildBatch, boilerplate: np.ndarray) -> list[int]:
    """Write the marks of the range's reports, and their size once boilerplate is out."""
    rows = Fingerprint.objects.filter(
        campaign_id=campaign_id, report_id__gte=batch.first_id, report_id__lte=batch.last_id
    ).values_list("report_id", "sequence", "size")
    keys: list[int] = []
    owners: list[int] = []
    for report_id, ordered, size in rows:
        ordered = _sequence_of(report_id, ordered)
        mine = _own(similarity.as_set(ordered), boilerplate)
        if size != len(mine):
            Fingerprint.objects.filter(report_id=report_id).update(size=len(mine))
        if len(mine) < similarity.MIN_SHINGLES:
            continue
        found = similarity.keys_of(similarity.marks(ordered, boilerplate))
        keys.extend(found)
        owners.extend([report_id] * len(found))
    if connection.vendor != "postgresql":
        marks_write(campaign_id, keys, owners)
    elif keys:
        # Into the table without indexes; a report of the range submitted again since the
        # rebuild began has its new marks in the default partition (`_marks_attach`).
        _marks_copy(campaign_id, keys, owners, _build_name(campaign_id))
    return []


# The candidates of every report of a range at once, ranked as `_CANDIDATES_SQL` ranks
# them, from the marks held by more than one report and by at most CROWDED_MARK
# (`_shared_record`): the range's such marks, each key's holders read through the index
# on key, the shared marks counted per pair.
_RANGE_CANDIDATES_SQL = f"""
WITH mine AS MATERIALIZED (
    SELECT m.report_id, m.key FROM {{shared}} m
    WHERE m.report_id BETWEEN %(first)s AND %(last)s
),
shared AS (
    SELECT mine.report_id, o.report_id AS other, count(*) AS n
    FROM mine JOIN {{shared}} o ON o.key = mine.key
    WHERE o.report_id <> mine.report_id
    GROUP BY mine.report_id, o.report_id
),
enough AS (
    SELECT s.report_id, s.other, s.n, l.size, l.marks FROM shared s
    JOIN unnest(%(reports)s::bigint[], %(sizes)s::integer[], %(marks)s::integer[])
        AS l(report_id, size, marks) ON l.report_id = s.report_id
    WHERE s.n >= LEAST({similarity.MIN_SHARED}, l.marks)
),
ranked AS (
    SELECT e.report_id, e.other,
        row_number() OVER (PARTITION BY e.report_id ORDER BY e.n DESC, e.other) AS place
    FROM enough e JOIN reports_fingerprint f ON f.report_id = e.other
    WHERE e.n >= {_least_shared_sql("e.size", "f.size", "e.marks")}
)
SELECT report_id, other FROM ranked WHERE place <= %(limit)s ORDER BY report_id, other
"""
# Reports verified together: bounds the fingerprints held at once.
_VERIFIED_TOGETHER = 100


def _range_candidates(campaign_id: int, batch: RebuildBatch, marks: dict[int, int]):
    """{report: [candidates]} for the range's reports, one statement on PostgreSQL;
    elsewhere None (each report is looked up as a submission is)."""
    if connection.vendor != "postgresql":
        return None
    reports = sorted(marks)
    sizes = _sizes(reports)
    found: dict[int, list[int]] = {pk: [] for pk in reports}
    with connection.cursor() as cursor:
        # Room for the statement's sorts in memory: it counts a range's shared marks.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(
            _RANGE_CANDIDATES_SQL.format(shared=_shared_name(campaign_id)),
            {
                "first": batch.first_id,
                "last": batch.last_id,
                "reports": reports,
                "sizes": [sizes.get(pk, 0) for pk in reports],
                "marks": [marks[pk] for pk in reports],
                "limit": MAX_CANDIDATES,
            },
        )
        for report_id, other in cursor.fetchall():
            found[report_id].append(other)
    return found


def _range_pairs(campaign_id: int, batch: RebuildBatch, boilerplate: np.ndarray) -> list[int]:
    """Look each report of the range up through the complete index, as a submission
    would be, and keep its verified pairs."""
    rows = BandKey.objects.filter(
        campaign_id=campaign_id, report_id__gte=batch.first_id, report_id__lte=batch.last_id
    )
    keys: dict[int, list[int]] = defaultdict(list)
    if connection.vendor == "postgresql":
        # Only their number: the candidates come from the shared marks.
        counted = rows.values("report_id").annotate(n=Count("key")).values_list("report_id", "n")
        marks = dict(counted)
    else:
        for report_id, key in rows.values_list("report_id", "key"):
            keys[report_id].append(key)
        marks = {pk: len(found) for pk, found in keys.items()}
    candidates = _range_candidates(campaign_id, batch, marks)
    found: dict[tuple[int, int], Pair] = {}
    reports = sorted(marks)
    for start in range(0, len(reports), _VERIFIED_TOGETHER):
        chunk = reports[start : start + _VERIFIED_TOGETHER]
        wanted = set(chunk)
        if candidates is not None:
            wanted.update(other for pk in chunk for other in candidates[pk])
        stored = {
            pk: _own(similarity.from_bytes(data), boilerplate)
            for pk, data in Fingerprint.objects.filter(report_id__in=wanted).values_list(
                "report_id", "shingles"
            )
        }
        for report_id in chunk:
            own = stored[report_id]
            if candidates is None:
                mine = sorted(keys[report_id])
                overlaps = compare(campaign_id, own, boilerplate, keys=mine, exclude=report_id)
            else:
                overlaps = {
                    other: similarity.overlap(own, stored[other])
                    for other in candidates[report_id]
                    if other in stored
                }
            for other, overlap in overlaps.items():
                if _keep(overlap):
                    pair = _pair(campaign_id, report_id, other, overlap)
                    found[(pair.a_id, pair.b_id)] = pair
    # A pair is met from both sides, perhaps by two workers at once: inserted in one
    # global order, so neither waits for the other while holding a row it wants.
    Pair.objects.bulk_create(
        [found[key] for key in sorted(found)], batch_size=BATCH, ignore_conflicts=True
    )
    return []


# `_flags_refresh` for a range of report ids in one statement (PostgreSQL): 1,000 reports
# and their pairs read as models cost as much CPU as winnowing them.
_RANGE_FLAGS_SQL = f"""
WITH touching AS (
    SELECT a_id AS id, jaccard, containment FROM reports_pair
    WHERE a_id BETWEEN %(first)s AND %(last)s
    UNION ALL
    SELECT b_id, jaccard, containment FROM reports_pair WHERE b_id BETWEEN %(first)s AND %(last)s
),
found AS (
    SELECT r.id, r.flagged AS was,
        coalesce(max(greatest(t.jaccard, t.containment)), 0) AS best,
        coalesce(bool_or(t.jaccard >= {similarity.FLAG_JACCARD}
            OR t.containment >= {similarity.FLAG_CONTAINMENT}), false) AS flagged
    FROM reports_report r LEFT JOIN touching t ON t.id = r.id
    WHERE r.campaign_id = %(campaign)s AND r.versions_count > 0
        AND r.id BETWEEN %(first)s AND %(last)s
    GROUP BY r.id, r.flagged
)
UPDATE reports_report r SET flagged = f.flagged, similarity = f.best FROM found f
WHERE r.id = f.id AND (r.flagged <> f.flagged OR r.similarity IS DISTINCT FROM f.best)
RETURNING r.id, f.was <> f.flagged
"""


def _range_flags(campaign_id: int, batch: RebuildBatch, _boilerplate) -> list[int]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _RANGE_FLAGS_SQL,
                {"campaign": campaign_id, "first": batch.first_id, "last": batch.last_id},
            )
            return sorted(pk for pk, flipped in cursor.fetchall() if flipped)
    ids = Report.objects.filter(
        campaign_id=campaign_id,
        versions_count__gt=0,
        pk__range=(batch.first_id, batch.last_id),
    ).values_list("pk", flat=True)
    return _flags_refresh(list(ids))


def rebuild_progress(campaign: Campaign) -> dict | None:
    """The campaign's unfinished rebuild as its phase and the share of the work done
    (`share` 0–1, `percent` 0–100), or None when none runs."""
    rebuild = Rebuild.objects.filter(campaign=campaign, finished_at__isnull=True).first()
    if rebuild is None:
        return None
    through = rebuild.ranges.aggregate(total=Sum("done"))["total"] or 0
    steps = len(_PHASES) * max(rebuild.batches, 1)
    return {
        "rebuild": rebuild,
        "phase": rebuild.get_phase_display(),
        "share": through / steps,
        "percent": 100.0 * through / steps,
    }


def campaign_reindex(campaign: Campaign) -> dict:
    """Rebuild the campaign's copy index in this process (resuming an unfinished
    rebuild); memory holds one range of reports, never the campaign."""
    rebuild = rebuild_start(campaign)
    changed: list[int] = []
    rebuild_work(rebuild.pk, changed)
    rebuild.refresh_from_db()
    return {
        "reports": rebuild.reports,
        "pairs": Pair.objects.filter(campaign=campaign).count(),
        "changed": sorted(set(changed)),
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
