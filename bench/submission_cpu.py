"""CPU of one learning-report submission, in-process: the front door against Django.

On a shared machine wall-clock rates say more about the neighbours than about the code;
CPU seconds of this process and of its PostgreSQL backends (/proc) do not. A fresh
database gets the demo tree (`--members`) and submissions.py's setup (a login and an API
token per member, a campaign of the root with two prompts). Every member hands in a
report (two sections, 400-900 syllables, as submissions.py writes them) six times, each
with a fresh Idempotency-Key: through `reports.front.SubmissionFront` (as gunicorn calls
it, WSGI environ in, bytes out) while nothing is cached yet — the token read from the
database and the member judged by `report_submit`'s functions, as in the first minutes of
a burst —, through the door again with both cached, through Django alone (`WSGIHandler`:
middleware, django-ninja, `submission_receive`), through both with the queue full (every
answer a 503), and through the door under cProfile. The queue is kept busy, as in a
burst, so nothing is drained in the request. Prints a
Markdown table and the profile's top functions by CPU time of their own (the profiler's
clock is process_time).
Usage: .venv/bin/python bench/submission_cpu.py [--members 2000] [--database …]
       [--redis-url …] [--keep]
"""

import argparse
import cProfile
import json
import os
import random
import time

from harness import (
    ADMIN_URL,
    cpu_spent,
    demo_seeded,
    django_on_fresh_database,
    drop,
    say,
    top,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--database", default="nghiquyet_bench_submission_cpu")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    import submissions

    url = django_on_fresh_database(submissions, args.admin_url, args.database, args.redis_url)
    try:
        demo_seeded(submissions, url, args.members, args.seed)
        prepared = submissions.setup()
        submissions.analyze(url)
        rows, profile = measure(prepared, random.Random(args.seed))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop(args.admin_url, args.database)
    say(f"== load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print("| path | submissions | Python CPU ms each | PostgreSQL CPU ms each | answered by |")
    print("|---|--:|--:|--:|---|")
    for row in rows:
        print("| {} | {:,} | {:.2f} | {:.2f} | {} |".format(*row))
    print(f"\n### The front door (judged already), cProfile\n\n```\n{profile}```")


def measure(prepared, rng: random.Random):
    import submissions
    from django.core.cache import cache
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import RequestFactory

    from reports import inbox
    from reports.front import SubmissionFront

    django_app = WSGIHandler()
    calls = {"django": 0}

    def counted(environ, start_response):
        calls["django"] += 1
        return django_app(environ, start_response)

    front = SubmissionFront(counted)
    assert front.on, "the front door needs PostgreSQL and Redis"
    factory = RequestFactory()
    path = f"/api/v1/campaigns/{prepared.campaign_id}/reports"
    bodies = [
        json.dumps({"sections": submissions.essay(rng, prepared.prompts)}, ensure_ascii=False)
        for _member in prepared.members
    ]
    say(f"  {len(bodies):,} reports of {sum(map(len, bodies)) / len(bodies) / 1024:.1f} KiB")

    def run(app, label: str, profile=None, full=False):
        environs = [
            factory.generic(
                "POST",
                path,
                body.encode(),
                "application/json",
                HTTP_HOST="127.0.0.1",
                HTTP_AUTHORIZATION=f"Bearer {raw}",
                HTTP_IDEMPOTENCY_KEY=f"{label}-{member_id}",
            ).environ
            for (member_id, raw), body in zip(prepared.members, bodies, strict=True)
        ]
        statuses = {}

        def start_response(status, headers, *exc_info):
            statuses[status] = statuses.get(status, 0) + 1

        cache.set(inbox.BACKLOG.waiting_key, 10**6, None)  # a burst: nothing drained inline
        if full:  # the drains far behind: every submission answered 503
            cache.set(inbox.BACKLOG.rate_key, 1.0, None)
        else:
            cache.delete(inbox.BACKLOG.rate_key)
        connection.ensure_connection()
        front._execute("SELECT 1", [])
        pids = [connection.connection.info.backend_pid, front.local.conn.info.backend_pid]
        django_before = calls["django"]

        def work():
            for environ in environs:
                b"".join(app(environ, start_response))

        python, db = cpu_spent(work, pids, profile)
        expected = "503 Service Unavailable" if full else "202 Accepted"
        assert list(statuses) == [expected], statuses
        n = len(environs)
        return n, python * 1000 / n, db * 1000 / n, calls["django"] - django_before

    rows = []
    n, python, db, by_django = run(front, "cold")
    rows.append(("front door, nothing cached", n, python, db, f"Django {by_django}"))
    n, python, db, by_django = run(front, "warm")
    rows.append(("front door, token and judgement cached", n, python, db, f"Django {by_django}"))
    n, python, db, _ = run(counted, "django")
    rows.append(("Django + ninja", n, python, db, "Django, all"))
    n, python, db, by_django = run(front, "full-door", full=True)
    rows.append(("queue full, 503: front door", n, python, db, f"Django {by_django}"))
    n, python, db, _ = run(counted, "full-django", full=True)
    rows.append(("queue full, 503: Django + ninja", n, python, db, "Django, all"))
    profiled = cProfile.Profile(time.process_time)
    run(front, "profiled", profiled)
    return rows, top(profiled)


if __name__ == "__main__":
    main()
