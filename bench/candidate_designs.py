"""Where a copy lookup's PostgreSQL time goes, and what other layouts of the marks would
save: the candidate statement of `copies.compare` against the same answer computed other
ways, on the same lookups, with the backend's CPU read from /proc.

Runs on a database a `bench/similarity.py --keep` run left (DATABASE_URL), campaign 1.
For `--queries` stored reports spread over the campaign, each looked up as a new
submission of it would be (itself excluded), it times:

- `statement`: `copies._CANDIDATES_SQL` as the product sends it (one probe per mark, each
  a lateral subquery cut at CROWDED_MARK + 1 holders);
- `statement, server-prepared`: the same, prepared once on the server (is parsing and
  planning the cost?);
- `one index scan`: the marks' holders by one `key = ANY(...)` scan, then the same
  counting (is the per-mark subquery the cost?); its answers are checked equal;
- `posting lists`: a prototype with one row per mark and its holders as an array (a
  temporary table, gone with the session), read by one `key = ANY(...)` scan: the row
  per (mark, report) layout against one row per mark;
- `round trip`: `SELECT 1`, the floor of any statement.

Prints, per variant, the mean backend CPU, the mean client CPU and the median wall time
per lookup, with the load average before and after.
Usage: DATABASE_URL=postgres://…/nghiquyet_bench_similarity .venv/bin/python
       bench/candidate_designs.py [--queries 400] [--repeat 3]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghiquyet.settings")

import django  # noqa: E402
import psycopg  # noqa: E402
from harness import backend_cpu, backend_pid  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from reports import copies, similarity  # noqa: E402
from reports.models import Fingerprint  # noqa: E402

CAMPAIGN = 1

ONE_SCAN = f"""
WITH posted AS (
    SELECT b.key, b.report_id FROM reports_bandkey b
    WHERE b.campaign_id = %(campaign)s AND b.key = ANY(ARRAY(
        SELECT k.key FROM unnest(%(keys)s::integer[]) AS k(key)
        WHERE NOT EXISTS (
            SELECT 1 FROM reports_crowdedmark c
            WHERE c.campaign_id = %(campaign)s AND c.key = k.key
        )
    ))
),
held AS (SELECT key, count(*) AS n FROM posted GROUP BY key),
counted AS (
    SELECT p.report_id, count(*) AS n
    FROM posted p JOIN held h ON h.key = p.key
    WHERE h.n <= %(crowded)s AND p.report_id <> %(exclude)s
    GROUP BY p.report_id
    HAVING count(*) >= %(least)s
),
chosen AS (
    SELECT c.report_id FROM counted c JOIN reports_fingerprint f ON f.report_id = c.report_id
    WHERE c.n >= {copies._least_shared_sql("%(size)s", "f.size", "%(marks)s")}
    ORDER BY c.n DESC, c.report_id
    LIMIT %(limit)s
)
SELECT f.report_id, f.shingles FROM reports_fingerprint f
WHERE f.report_id IN (SELECT report_id FROM chosen)
"""

POSTING_LISTS = """
CREATE TEMPORARY TABLE bench_postings AS
SELECT key, (array_agg(report_id ORDER BY report_id))[1:%(cap)s] AS ids, count(*) AS n
FROM reports_bandkey WHERE campaign_id = %(campaign)s GROUP BY key
"""

READ_POSTINGS = "SELECT key, ids FROM bench_postings WHERE key = ANY(%(keys)s::integer[])"


def lookups(count: int) -> list[dict]:
    """The statement's parameters for `count` stored reports spread over the campaign."""
    boilerplate = copies.boilerplate_of(CAMPAIGN)
    rows = Fingerprint.objects.filter(campaign_id=CAMPAIGN).order_by("report_id")
    ids = list(rows.values_list("report_id", flat=True))
    chosen = ids[:: max(1, len(ids) // count)][:count]
    found = []
    for report_id, data in rows.filter(report_id__in=chosen).values_list("report_id", "sequence"):
        ordered = similarity.from_bytes(data)
        own = similarity.without(similarity.as_set(ordered), boilerplate)
        keys = similarity.keys_of(similarity.marks(ordered, boilerplate))
        found.append(
            {
                "keys": copies._int_array(sorted(keys)),
                "campaign": CAMPAIGN,
                "cap": similarity.CROWDED_MARK + 1,
                "crowded": similarity.CROWDED_MARK,
                "exclude": report_id,
                "least": min(similarity.MIN_SHARED, len(keys)),
                "size": len(own),
                "marks": len(keys),
                "limit": copies.MAX_CANDIDATES,
            }
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    connection.ensure_connection()
    raw = connection.connection
    plain = raw.cursor()  # Django's: parameters bound in the client, as the product sends
    prepared = psycopg.Cursor(raw)  # parameters bound on the server, statements prepared
    params = lookups(args.queries)
    with connection.cursor() as cursor:
        # The product records crowded marks as lookups meet them: met once before timing.
        for one in params:
            cursor.execute(copies._CANDIDATES_SQL, one)
    with prepared:
        prepared.execute(POSTING_LISTS, {"campaign": CAMPAIGN, "cap": similarity.CROWDED_MARK + 1})
        prepared.execute("CREATE INDEX ON bench_postings (key)")
        prepared.execute("ANALYZE bench_postings")

        def run(cursor, sql, prepare=False):
            def lookup(one):
                cursor.execute(sql, one, prepare=prepare)
                return cursor.fetchall()

            return lookup

        variants = {
            "statement (as the product sends it)": run(plain, copies._CANDIDATES_SQL),
            "statement, server-prepared": run(prepared, copies._CANDIDATES_SQL, True),
            "one index scan for all marks": run(plain, ONE_SCAN),
            "posting lists (one row per mark)": run(plain, READ_POSTINGS),
            "round trip (SELECT 1)": run(plain, "SELECT 1"),
        }
        differ = sum(
            sorted(variants["one index scan for all marks"](one))
            != sorted(variants["statement (as the product sends it)"](one))
            for one in params
        )
        pid = backend_pid(connection)
        load = os.getloadavg()
        print(
            f"{len(params)} lookups × {args.repeat}, campaign of"
            f" {Fingerprint.objects.filter(campaign_id=CAMPAIGN).count():,} reports;"
            f" one index scan differs from the statement on {differ}"
        )
        print("| variant | backend CPU ms | client CPU ms | wall ms (median) |")
        print("|---|--:|--:|--:|")
        for name, lookup in variants.items():
            for one in params[:20]:
                lookup(one)
            backend, client, walls = backend_cpu(pid), time.process_time(), []
            for _ in range(args.repeat):
                for one in params:
                    started = time.perf_counter()
                    lookup(one)
                    walls.append(time.perf_counter() - started)
            count = args.repeat * len(params)
            print(
                f"| {name} | {(backend_cpu(pid) - backend) / count * 1000:.3f}"
                f" | {(time.process_time() - client) / count * 1000:.3f}"
                f" | {statistics.median(walls) * 1000:.3f} |"
            )
        prepared.execute("DROP TABLE bench_postings")
    after = os.getloadavg()
    print(f"load average {load[0]:.2f} -> {after[0]:.2f}")


if __name__ == "__main__":
    main()
