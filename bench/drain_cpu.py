"""CPU of applying learning-report submissions, in-process: the drain per submission.

On a shared machine wall-clock rates say more about the neighbours than about the code;
CPU seconds of this process and of its PostgreSQL backend (/proc) do not. A fresh
database gets the demo tree (`--members`) and submissions.py's setup (a login per member,
a campaign of the root), then submissions.py's plan of `--submissions` reports
(synthetic Vietnamese of 400-900 syllables, near-copies of earlier ones, copies of the one
just before — applied in the same batch —, partial copies, second versions), written
straight to the inbox as `submission_receive` writes them. The first half is applied by
`submission_drain(--batch)` until the inbox is empty, timed, counting the statements of
each batch; the second half the same way under cProfile. Prints a Markdown table and the
profile's top functions by CPU time of their own (the profiler's clock is process_time).
Usage: .venv/bin/python bench/drain_cpu.py [--members 2000] [--submissions 1000]
       [--batch 100] [--database …] [--redis-url …] [--profile-out drain.pstats]
"""

import argparse
import cProfile
import io
import os
import pstats
import time
from collections import Counter

from harness import (
    ADMIN_URL,
    backend_cpu,
    backend_pid,
    demo_seeded,
    django_on_fresh_database,
    drop,
    say,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default="nghiquyet_bench_drain_cpu")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--profile-out", help="also write the cProfile data here (pstats)")
    args = parser.parse_args()

    import submissions

    url = django_on_fresh_database(submissions, args.admin_url, args.database, args.redis_url)
    try:
        demo_seeded(submissions, url, args.members)
        prepared = submissions.setup()
        shares = {
            "copy": 0.03,
            "twin": 0.01,
            "partial": 0.01,
            "rewrite": 0.03,
            "retry": 0.0,
            "dup": 0.0,
        }
        jobs = submissions.plan(
            prepared.members, prepared.prompts, args.submissions, shares, 2 * args.batch, args.seed
        )
        say(f"  planned {len(jobs):,} submissions: {dict(Counter(job.kind for job in jobs))}")
        submissions.analyze(url)
        rows, profile = measure(prepared, jobs, args.batch, args.profile_out)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop(args.admin_url, args.database)
    say(f"== load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print(
        "| run | submissions | batches | Python CPU ms each | PostgreSQL CPU ms each "
        "| statements per batch (min–max) |"
    )
    print("|---|--:|--:|--:|--:|---|")
    for row in rows:
        print("| {} | {:,} | {} | {:.2f} | {:.2f} | {} |".format(*row))
    print(f"\n### The drain, cProfile\n\n```\n{profile}```")


def enqueue(prepared, jobs) -> None:
    """The jobs' inbox rows, as `submission_receive` stores them (sections cleaned)."""
    from django.utils import timezone

    from campaigns.models import Campaign
    from members.models import Member
    from reports import services
    from reports.models import SubmissionInbox

    campaign = Campaign.objects.get(pk=prepared.campaign_id)
    users = dict(
        Member.objects.filter(pk__in={job.member for job in jobs}).values_list("pk", "user_id")
    )
    SubmissionInbox.objects.bulk_create(
        SubmissionInbox(
            campaign=campaign,
            member_id=job.member,
            actor_id=users[job.member],
            sections=services.clean_sections(campaign, job.sections),
            key=job.key,
            received_at=timezone.now(),
        )
        for job in jobs
    )


def measure(prepared, jobs, batch: int, profile_out: str | None = None):
    from django.db import connection

    from reports.inbox import submission_drain

    statements = [0]

    def counted(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    def drain(profile=None):
        connection.ensure_connection()
        pid = backend_pid(connection)
        per_batch = []
        total = 0
        before_db = backend_cpu(pid)
        started = time.process_time()
        if profile:
            profile.enable()
        with connection.execute_wrapper(counted):
            while True:
                statements[0] = 0
                done = submission_drain(batch)
                if not done:
                    break
                total += len(done)
                per_batch.append(statements[0])
        if profile:
            profile.disable()
        python = time.process_time() - started
        return total, len(per_batch), python, backend_cpu(pid) - before_db, per_batch

    half = len(jobs) // 2
    rows = []
    enqueue(prepared, jobs[:half])
    n, batches, python, db, per_batch = drain()
    spread = f"{min(per_batch)}–{max(per_batch)}" if per_batch else "-"
    rows.append(
        (f"submission_drain({batch})", n, batches, python * 1000 / n, db * 1000 / n, spread)
    )
    enqueue(prepared, jobs[half:])
    profiled = cProfile.Profile(time.process_time)
    n, batches, python, db, per_batch = drain(profiled)
    spread = f"{min(per_batch)}–{max(per_batch)}" if per_batch else "-"
    rows.append(("the same, under cProfile", n, batches, python * 1000 / n, db * 1000 / n, spread))
    check(prepared)
    if profile_out:
        profiled.dump_stats(profile_out)
    return rows, top(profiled)


def check(prepared) -> None:
    """Every row applied, none refused, and the counters need no correction."""
    from campaigns.models import Campaign
    from reports import services
    from reports.models import Pair, SubmissionInbox, Version

    states = Counter(
        SubmissionInbox.objects.filter(campaign_id=prepared.campaign_id).values_list(
            "state", flat=True
        )
    )
    fixes = services.report_tally_rebuild(Campaign.objects.get(pk=prepared.campaign_id))
    say(
        f"  inbox {dict(states)}, {Version.objects.count():,} versions, "
        f"{Pair.objects.count():,} pairs, counter fixes {fixes}"
    )
    assert set(states) == {"done"}, states
    assert not any(fixes.values()), fixes


def top(profile: cProfile.Profile, n: int = 30) -> str:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(n)
    text = out.getvalue()
    return text[text.index("   ncalls") :] if "   ncalls" in text else text


if __name__ == "__main__":
    main()
