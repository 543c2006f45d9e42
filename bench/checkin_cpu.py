"""CPU of one QR check-in, in-process: the front door against Django, and the drain per row.

On a shared machine wall-clock rates say more about the neighbours than about the code;
CPU seconds of this process and of its PostgreSQL backends (/proc) do not. A fresh
database gets the demo tree (`--members`), and checkin_burst's setup: a login and a
check-in token per member, a conference with a bridge point per child unit. Two more
conferences of the same campaign give fresh keys, so that each member checks in once
per conference: the first through `conferences.front.CheckinFront` (as gunicorn calls it,
WSGI environ in, bytes out), the second through Django alone (`WSGIHandler`, the ninja
endpoint), the third through the front door under cProfile. The queue is kept busy, as in
a burst, so neither path drains in the request. Then `checkin_drain` applies the rows in
batches of 500, timed, and once more under cProfile. Prints a Markdown table and the
profiles' top functions by CPU time of their own (the profiler's clock is process_time).
Usage: .venv/bin/python bench/checkin_cpu.py [--members 2000] [--database …] [--redis-url …]
"""

import argparse
import cProfile
import json
import time

from harness import (
    ADMIN_URL,
    cpu_spent,
    demo_seeded,
    django_on_fresh_database,
    drop,
    top,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--database", default="nghiquyet_bench_checkin_cpu")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    import checkin_burst

    url = django_on_fresh_database(checkin_burst, args.admin_url, args.database, args.redis_url)
    try:
        demo_seeded(checkin_burst, url, args.members)
        plan = checkin_burst.setup()
        checkin_burst.analyze(url)
        rows, profiles = measure(plan)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop(args.admin_url, args.database)
    print("| path | check-ins | Python CPU ms each | PostgreSQL CPU ms each | answered by |")
    print("|---|--:|--:|--:|---|")
    for row in rows:
        print("| {} | {:,} | {:.2f} | {:.2f} | {} |".format(*row))
    for title, text in profiles:
        print(f"\n### {title}\n\n```\n{text}```")


def measure(plan):
    from django.core.cache import cache
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test import RequestFactory

    from campaigns.models import Campaign
    from conferences import checkin, inbox, services
    from conferences.front import CheckinFront
    from conferences.models import Format
    from organizations.models import Organization

    django_app = WSGIHandler()
    calls = {"django": 0}

    def counted(environ, start_response):
        calls["django"] += 1
        return django_app(environ, start_response)

    front = CheckinFront(counted)
    assert front.on, "the front door needs PostgreSQL and Redis"
    campaign = Campaign.objects.get(pk=plan.campaign_id)
    root = Organization.objects.get_root_nodes().get()
    from accounts.models import User

    actor = User.objects.get(username="tuyengiao")
    from django.utils import timezone

    conferences = [plan.conference_id]
    for n in (2, 3):
        conference = services.conference_create(
            actor,
            campaign,
            organizer=root,
            title=f"Hội nghị trực tuyến {n}",
            starts_at=timezone.now(),
            format=Format.ONLINE,
            venue="Hội trường",
        )
        for point in plan.points:
            if point.is_main:  # made with the conference
                continue
            services.bridge_point_add(
                actor, conference, name=point.name, host=point.host, units=[point.host]
            )
        conferences.append(conference.pk)
    points = {}
    for pk in conferences:
        from conferences.models import BridgePoint

        for point in BridgePoint.objects.filter(conference_id=pk).select_related("host"):
            points[(pk, point.host_id)] = point
    host_of = {point.pk: point.host_id for point in plan.points}
    factory = RequestFactory()

    def environ(conference_id: int, raw: str, point_id: int):
        point = points[(conference_id, host_of[point_id])]
        return factory.generic(
            "POST",
            f"/api/v1/conferences/{conference_id}/checkin",
            json.dumps({"token": checkin.token_make(point)}),
            "application/json",
            HTTP_HOST="127.0.0.1",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        ).environ

    def run(app, conference_id: int, profile=None):
        envs = [environ(conference_id, raw, point) for raw, point in plan.checkins]
        statuses = {}

        def start_response(status, headers, *exc_info):
            statuses[status] = statuses.get(status, 0) + 1

        cache.set(inbox.WAITING_KEY, 10**6, None)  # a burst: nothing drained in the request
        cache.delete(inbox.RATE_KEY)
        connection.ensure_connection()
        front._execute("SELECT 1", [])
        pids = [connection.connection.info.backend_pid, front.local.conn.info.backend_pid]
        django_before = calls["django"]

        def work():
            for env in envs:
                b"".join(app(env, start_response))

        python, db = cpu_spent(work, pids, profile)
        assert list(statuses) == ["202 Accepted"], statuses
        return len(envs), python, db, calls["django"] - django_before

    rows = []
    n, python, db, by_django = run(front, conferences[0])
    rows.append(("front door", n, python * 1000 / n, db * 1000 / n, f"Django {by_django}"))
    n, python, db, _ = run(counted, conferences[1])
    rows.append(("Django + ninja", n, python * 1000 / n, db * 1000 / n, "Django, all"))
    profiled = cProfile.Profile(time.process_time)
    run(front, conferences[2], profiled)
    profiles = [("The front door, cProfile", top(profiled))]

    from conferences.inbox import checkin_drain

    def drain(profile=None):
        connection.ensure_connection()
        total = 0

        def work():
            nonlocal total
            while True:
                batch = checkin_drain(500)
                total += len(batch)
                if len(batch) < 500:
                    break

        python, db = cpu_spent(work, [connection.connection.info.backend_pid], profile)
        return total, python, db

    # Real marks only: a member has one mark per campaign, so the rows of the second and
    # third conferences would be refusals. Half of the first conference's rows are
    # drained timed, the other half under cProfile; the rest is set aside.
    rows_of = inbox.CheckinInbox.objects.filter(conference_id=conferences[0]).order_by("pk")
    ids = list(rows_of.values_list("pk", flat=True))
    held = inbox.CheckinInbox.objects.exclude(pk__in=ids[: len(ids) // 2])
    held.update(state="refused")
    n, python, db = drain()
    rows.append(("drain, per row", n, python * 1000 / n, db * 1000 / n, "checkin_drain(500)"))
    inbox.CheckinInbox.objects.filter(pk__in=ids[len(ids) // 2 :]).update(state="waiting")
    profiled = cProfile.Profile(time.process_time)
    drain(profiled)
    profiles.append(("The drain, cProfile", top(profiled)))
    return rows, profiles


if __name__ == "__main__":
    main()
