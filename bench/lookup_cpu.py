"""CPU of one copy lookup (text → fingerprint → candidates → verified pairs), piece by
piece, through the persisted index of a campaign: for a shared machine, where wall time
measures the other jobs, CPU seconds do not.

Runs on the database named by DATABASE_URL (one `bench/similarity.py --rebuild --keep`
left, after its rebuild). For `--queries` stored reports spread over the campaign it
renders a text of the report's length, then times with this process's CPU clock the
words and shingle sequence, the own shingles (boilerplate out), the winnowed marks and
`copies.compare` (the candidate statement and the exact verification), the stored report
itself excluded so it is looked up as a new submission of it would be; the PostgreSQL
backend's CPU is read from /proc around each statement. Prints the mean CPU per piece
in ms, the candidates verified per query and the load average before and after.
Usage: DATABASE_URL=postgres://…/nghiquyet_bench_… .venv/bin/python bench/lookup_cpu.py
       [--campaign 1] [--queries 300]
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
from harness import backend_cpu, backend_pid  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from reports import copies, similarity  # noqa: E402
from reports.models import Fingerprint  # noqa: E402
from reports.tests.builders import essay  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaign", type=int, default=1)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    ids = list(
        Fingerprint.objects.filter(campaign_id=args.campaign)
        .order_by("report_id")
        .values_list("report_id", flat=True)
    )
    chosen = ids[:: max(1, len(ids) // args.queries)][: args.queries]
    boilerplate = copies.boilerplate_of(args.campaign)
    connection.ensure_connection()
    pieces: dict[str, list[float]] = {
        "words and shingle sequence (text of the report's length)": [],
        "own shingles (boilerplate out)": [],
        "winnowed marks": [],
        "candidates and verification, client": [],
        "candidate statement, PostgreSQL backend": [],
    }
    verified = []
    # Once untimed: the first call builds what a process keeps (the folding table).
    similarity.sequence(essay(0, words=300))
    load = os.getloadavg()
    pid = backend_pid(connection)
    for report_id in chosen:
        stored = Fingerprint.objects.get(report_id=report_id)
        ordered = similarity.from_bytes(stored.sequence)
        # A Vietnamese text of the same length: the bench keeps no report's own words.
        text = essay(report_id, words=len(ordered) + similarity.SHINGLE - 1)
        clock = time.process_time()
        similarity.sequence(text)
        pieces["words and shingle sequence (text of the report's length)"].append(
            time.process_time() - clock
        )
        clock = time.process_time()
        own = similarity.without(similarity.as_set(ordered), boilerplate)
        pieces["own shingles (boilerplate out)"].append(time.process_time() - clock)
        clock = time.process_time()
        keys = similarity.keys_of(similarity.marks(ordered, boilerplate))
        pieces["winnowed marks"].append(time.process_time() - clock)
        backend, clock = backend_cpu(pid), time.process_time()
        found = copies.compare(args.campaign, own, boilerplate, keys=keys, exclude=report_id)
        pieces["candidates and verification, client"].append(time.process_time() - clock)
        pieces["candidate statement, PostgreSQL backend"].append(backend_cpu(pid) - backend)
        verified.append(len(found))
    after = os.getloadavg()
    print(
        f"{len(chosen)} lookups in a campaign of {len(ids):,} reports,"
        f" load average {load[0]:.2f} -> {after[0]:.2f}"
    )
    total = 0.0
    for name, values in pieces.items():
        # Means, so the pieces add up (the backend's clock ticks in 10 ms: a median of it
        # would say 0 or 10).
        value = statistics.fmean(values)
        total += value
        print(f"  {name:58s} {value * 1000:7.3f} ms")
    print(f"  {'total':58s} {total * 1000:7.3f} ms")
    print(
        f"  candidates verified per lookup: median {statistics.median(verified)},"
        f" mean {statistics.fmean(verified):.1f}"
    )


if __name__ == "__main__":
    main()
