"""The campaign dashboard and the report upward of a province, on the seeded database.

Uses the 500k-member database of bench/seed.py (seeding it with --keep when missing) and
the campaign of bench/rollup.py (its conferences, marks and tallies). Adds once, in bulk,
what a campaign months later also has: learning-report tallies for every cell, task
tallies for the campaign's document in every unit, and plan obligations for the units of
the first two levels. Then, in-process with the test Client logged in as "vanphong",
times the dashboard of the root (`--runs` after `--warmup`), and the report upward of the
root: collecting its figures, then building the DOCX, XLSX and PDF.
Usage: .venv/bin/python bench/reporting.py [--database-url postgres://…/nghiquyet_bench_500k]
"""

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import time

from harness import REPO, configure, exists, machine_busy, p95, say

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/nghiquyet_bench_500k"
BATCH = 5000


def ensure_seeded(url: str) -> None:
    if exists(url):
        return
    say("seeding the 500k database first (bench/seed.py --sizes 500000 --keep)…")
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "seed.py"), "--sizes", "500000", "--keep"],
        check=True,
        cwd=REPO,
        stdout=sys.stderr,
    )


def figures_prepare(campaign, seed: int) -> None:
    """Report and task tallies and obligations, added once (found again on later runs)."""
    from django.db import transaction

    from documents.models import Obligation
    from organizations.models import Organization
    from programmes.models import TaskTally
    from programmes.services import task_subtree_rebuild
    from reports.models import RatingTally, ReportTally
    from reports.services import report_subtree_rebuild

    if ReportTally.objects.filter(campaign=campaign).exists():
        return
    rng = random.Random(seed)
    document = campaign.documents.first()
    cells = Organization.objects.filter(level__holds_members=True).open_now()
    say("adding report tallies, task tallies and obligations…")
    with transaction.atomic():
        tallies, ratings = [], []
        for unit_id, members in cells.values_list("pk", "member_count").iterator():
            submitted = int(members * rng.uniform(0.6, 1.0))
            late = int(submitted * rng.uniform(0, 0.2))
            rated = int(submitted * rng.uniform(0.3, 0.9))
            tallies.append(
                ReportTally(
                    campaign=campaign,
                    organization_id=unit_id,
                    submitted=submitted,
                    on_time=submitted - late,
                    late=late,
                    rated=rated,
                    flagged=int(submitted * rng.uniform(0, 0.03)),
                )
            )
            ratings.append(
                RatingTally(campaign=campaign, organization_id=unit_id, rating="Đạt", count=rated)
            )
        ReportTally.objects.bulk_create(tallies, batch_size=BATCH)
        RatingTally.objects.bulk_create(ratings, batch_size=BATCH)
        units = Organization.objects.open_now().values_list("pk", flat=True)
        TaskTally.objects.bulk_create(
            [
                TaskTally(
                    document=document,
                    organization_id=unit_id,
                    done_on_time=rng.randint(0, 6),
                    done_late=rng.randint(0, 2),
                    open_in_time=rng.randint(0, 5),
                    overdue=rng.randint(0, 3),
                )
                for unit_id in units.iterator()
            ],
            batch_size=BATCH,
        )
        upper = Organization.objects.filter(depth__in=(2, 3)).open_now()
        Obligation.objects.bulk_create(
            [
                Obligation(
                    document=document,
                    unit_id=unit_id,
                    due_on=dt.date(2026, 12, 31),
                    state=rng.choice(["not_drafted", "drafted", "sent", "sent"]),
                )
                for unit_id in upper.values_list("pk", flat=True)
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        # Written in bulk, so the whole-subtree rows are counted from them afterwards.
        report_subtree_rebuild(campaign)
        task_subtree_rebuild([document.pk])


def measure(args) -> list[str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone
    from rollup import campaign_prepare

    from accounts.models import User
    from members.models import Member
    from organizations.models import Organization
    from reporting import services
    from reporting.exporters import exporter_for
    from reporting.models import Kind

    campaign = campaign_prepare(args.seed)
    figures_prepare(campaign, args.seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE reports_reporttally, reports_ratingtally, programmes_tasktally,"
            " documents_obligation, conferences_tally"
        )
    members, units = Member.objects.count(), Organization.objects.count()
    root = campaign.owner
    children = Organization.objects.get_children(root).count()
    say(f"{members:,} members, {units:,} units, root has {children} units below")
    user = User.objects.get(username="vanphong")
    client = Client()
    client.force_login(user)
    url = reverse("reporting:dashboard", kwargs={"campaign_pk": campaign.pk})
    lines = []
    busy, started = machine_busy(), time.monotonic()
    for _ in range(args.warmup):
        assert client.get(url).status_code == 200
    times, cpu, queries = [], [], set()
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as captured:
            begun, cpu_begun = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - begun) * 1000)
            cpu.append((time.process_time() - cpu_begun) * 1000)  # not inflated by neighbours
        assert response.status_code == 200
        queries.add(len(captured))
    count = min(queries) if len(queries) == 1 else f"{min(queries)}–{max(queries)}"
    lines.append(
        f"| dashboard, root | {members:,} | {units:,} | {statistics.median(times):.0f} ms "
        f"| {p95(times):.0f} ms | CPU {statistics.median(cpu):.0f} ms | {count} |"
    )

    today = timezone.localdate()
    begun = time.perf_counter()
    snapshot = services.snapshot_draft(
        user,
        root,
        kind=Kind.CAMPAIGN,
        campaign=campaign,
        period_from=today - dt.timedelta(days=90),
        period_to=today,
        title=f"Kết quả học tập, quán triệt ({campaign.title})",
        place="Hà Nội",
    )
    collected = time.perf_counter() - begun
    built = {}
    for fmt in ("docx", "xlsx", "pdf"):
        begun = time.perf_counter()
        data = exporter_for(Kind.CAMPAIGN, fmt).build(snapshot, lambda done, total: None)
        built[fmt] = (time.perf_counter() - begun, len(data))
    total = collected + sum(seconds for seconds, _size in built.values())
    lines.append(
        f"| report upward, root ({len(snapshot.figures['rows'])} rows) | collect "
        f"{collected:.2f} s | DOCX {built['docx'][0]:.2f} s ({built['docx'][1] // 1024} KB) "
        f"| XLSX {built['xlsx'][0]:.2f} s ({built['xlsx'][1] // 1024} KB) | PDF "
        f"{built['pdf'][0]:.2f} s ({built['pdf'][1] // 1024} KB) | all {total:.2f} s |"
    )
    snapshot.delete()
    cores = (time.monotonic() - started) * 2
    say(f"machine CPU busy while timing: {(machine_busy() - busy) / cores:.0%} of 2 cores")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ensure_seeded(args.database_url)
    configure(args.database_url)
    import django

    django.setup()
    for line in measure(args):
        print(line)


if __name__ == "__main__":
    main()
