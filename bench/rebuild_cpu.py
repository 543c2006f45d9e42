"""CPU of a campaign's copy-index rebuild, split by step, for a shared machine: wall time
there says more about the other jobs than about the rebuild, CPU seconds do not.

Runs `copies.campaign_reindex` (one worker, in this process) on the database named by
DATABASE_URL (a database `bench/similarity.py --rebuild --keep` left), under cProfile
timed by this process's CPU, and reads the CPU of its PostgreSQL backend from /proc
(PostgreSQL's parallel index-build workers and autovacuum are not counted). Prints the
wall and CPU seconds, CPU per report and the client CPU of each step.
Usage: DATABASE_URL=postgres://…/nghiquyet_bench_… .venv/bin/python bench/rebuild_cpu.py
       [--campaign 1]
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghiquyet.settings")

import django  # noqa: E402
from harness import backend_cpu, backend_pid  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from campaigns.models import Campaign  # noqa: E402
from reports import copies  # noqa: E402
from reports.models import Fingerprint  # noqa: E402

STEPS = (
    "_range_marks",
    "_marks_copy",
    "_marks_attach",
    "_shared_record",
    "_range_pairs",
    "_range_candidates",
    "_range_flags",
    "marks",
    "_own",
    "overlap",
    "report_tally_rebuild",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campaign", type=int, default=1)
    args = parser.parse_args()
    campaign = Campaign.objects.get(pk=args.campaign)
    reports = Fingerprint.objects.filter(campaign_id=campaign.pk).count()
    connection.ensure_connection()
    profile = cProfile.Profile(time.process_time)
    load = os.getloadavg()[0]
    pid = backend_pid(connection)
    backend, wall, client = backend_cpu(pid), time.perf_counter(), time.process_time()
    profile.enable()
    copies.campaign_reindex(campaign)
    profile.disable()
    wall, client = time.perf_counter() - wall, time.process_time() - client
    backend = backend_cpu(pid) - backend
    print(
        f"{reports:,} reports: wall {wall:.1f} s, client CPU {client:.1f} s, backend CPU"
        f" {backend:.1f} s, CPU per report {(client + backend) / reports * 1000:.2f} ms,"
        f" load average {load:.2f} -> {os.getloadavg()[0]:.2f}"
    )
    stats = pstats.Stats(profile).stats
    for name in STEPS:
        for (path, _line, function), row in stats.items():
            if function == name and "reports" in path:
                print(f"  {name:22s} client CPU {row[3]:7.2f} s  calls {row[1]:,}")


if __name__ == "__main__":
    main()
