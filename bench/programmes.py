"""The daily reminder job and the implementation dashboard at province scale (issue 6).

A fresh database (nghiquyet_bench_programmes) gets the unit tree that
`seed_demo --members 500000` would build (about 21,500 units; units only, no members),
an office and a committee login with an e-mail address on every grassroots committee,
a committee login on about 60 % of the units below, an office login on the root, and 300
programme documents, each with its `Programme` (reminders before the deadline on about
85 % of them, after it on about 75 %). 200,000 tasks are spread over them: the root's
programmes assign the grassroots committees, a committee's programmes assign its own
units. Deadlines run from 30 days to about 2.7 years after the programme's date, so most
lie in the past; some tasks are done (on time or late), a few dropped, re-scoped or
postponed by decision, a few recurring. Buckets come from `programmes.status.bucket_of`;
tasks go in with COPY, the rest with bulk_create. Then `services.task_tally_rebuild()`
builds the tallies (timed) and a second call must correct nothing.

Measured, in-process, with Django's locmem e-mail backend:
1. the daily job (`services.buckets_refresh` then `reminders.reminders_send`) as of the
   next morning: the first run (the whole backlog of overdue tasks is escalated and
   urged), a second run the same day (must send nothing) and the run of the day after;
2. after an ANALYZE of the task tables (as autovacuum would after the first run), the
   dashboard page (`programmes:dashboard`) of the root, of the root for one document and
   of a grassroots committee, and the urging letter of the root for one document, as
   `bench/pages.py` measures pages: a superuser logged in with the test Client, warm-ups
   then timed requests, median and p95 server time, SQL queries per request.

Progress goes to stderr, the Markdown tables to stdout, everything to
var/bench/programmes.json.
Usage: .venv/bin/python bench/programmes.py [--quick] [--tasks 200000] [--programmes 300]
       [--runs 30] [--explain] [--keep]
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from harness import ADMIN_URL, REPO, configure, database_url, drop, machine_busy, p95, recreate, say

DB_NAME = "nghiquyet_bench_programmes"
OUTPUT = REPO / "var" / "bench" / "programmes.json"
TREE_MEMBERS = 500_000  # the tree seed_demo builds for this many members: ~21,500 units
ROOT_PROGRAMMES = 20
BEFORE_SHARE, BEFORE_DAYS = 0.85, (3, 5, 7, 10, 15)
AFTER_SHARE, AFTER_DAYS = 0.75, (0, 3, 7, 14)
SECRETARY_SHARE = 0.60  # units below the grassroots committees with a committee login
PATH_STEP = 4  # treebeard's steplen: the root's path is one step long
LEVEL_ISSUERS = {"TU": "TU", "HU": "HU", "ĐU": "ĐU", "CBCS": "CB", "ĐBBP": "ĐBBP", "CB": "CB"}
VERBS = ("Triển khai", "Xây dựng", "Tổ chức", "Rà soát", "Hoàn thiện", "Tăng cường", "Đẩy mạnh")
OBJECTS = (
    "kế hoạch chuyển đổi số",
    "quy chế làm việc của cấp ủy",
    "tuyên truyền Nghị quyết đến đảng viên",
    "cơ sở dữ liệu đảng viên",
    "công tác kiểm tra, giám sát",
    "sơ kết 6 tháng thực hiện nghị quyết",
    "đề án phát triển kinh tế số",
    "học tập chuyên đề năm",
)
PRODUCTS = ("Kế hoạch", "Báo cáo", "Đề án", "Quy chế", "Hội nghị", "")


# --- seeding -------------------------------------------------------------------------------


def units_seed(members: int, seed: int) -> list:
    """The demo tree's units, written as `members.demo.demo_build` writes them."""
    from members.demo import demo_plan
    from organizations.levels import levels_ensure
    from organizations.models import Organization

    levels = levels_ensure()
    planned = list(demo_plan(members, seed).walk())
    Organization.objects.bulk_create(
        [
            Organization(
                name=unit.name,
                name_folded=Organization.folded_name(unit.name),
                code=unit.code,
                level=levels[unit.level],
                issuer_code=LEVEL_ISSUERS[unit.level],
                valid_from=unit.valid_from,
                valid_to=unit.valid_to,
                closing_note=unit.closing_note,
                path=unit.path,
                depth=unit.depth,
                numchild=len(unit.children),
            )
            for unit in planned
        ],
        batch_size=5000,
    )
    return list(Organization.objects.open_now().order_by("path").values_list("pk", "path", "depth"))


def logins_seed(units: list, rng: random.Random) -> int:
    """Office and committee logins with addresses, as the reminders find them."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Role, RoleGrant, User

    User.objects.create_superuser("admin", "admin@bench.invalid", "bench")
    password = make_password(None)
    wanted = []
    for pk, _path, depth in units:
        if depth == 1:
            wanted.append((pk, Role.OFFICE))
        elif depth == 2:
            wanted += [(pk, Role.OFFICE), (pk, Role.COMMITTEE)]
        elif rng.random() < SECRETARY_SHARE:
            wanted.append((pk, Role.COMMITTEE))
    users = User.objects.bulk_create(
        [
            User(username=f"u{pk}-{role}", email=f"u{pk}-{role}@bench.invalid", password=password)
            for pk, role in wanted
        ],
        batch_size=5000,
    )
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(user=user, organization_id=pk, role=role)
            for user, (pk, role) in zip(users, wanted, strict=True)
        ],
        batch_size=5000,
    )
    return len(users)


def programmes_seed(units: list, count: int, rng: random.Random) -> list[tuple]:
    """`count` programme documents with their Programme rows: a few of the root, the rest
    of grassroots committees; (programme, document, owner path, issued on) of each."""
    from documents.models import Document, Kind
    from programmes.models import Programme

    root = next(u for u in units if u[2] == 1)
    committees = [u for u in units if u[2] == 2]
    owners = [root] * min(ROOT_PROGRAMMES, count) + [
        rng.choice(committees) for _ in range(count - min(ROOT_PROGRAMMES, count))
    ]
    numbers: Counter = Counter()
    documents = []
    for pk, _path, depth in owners:
        numbers[pk] += 1
        issuer = "TU" if depth == 1 else "ĐU"
        issued = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(1000))
        symbol = f"{numbers[pk]:02d}-CTr/{issuer}"
        documents.append(
            Document(
                kind=Kind.PROGRAMME,
                symbol_raw=symbol,
                symbol=symbol,
                number=numbers[pk],
                type_code="CTr",
                issuer_code=issuer,
                system="party",
                issuer_name="Thành ủy" if depth == 1 else "Đảng ủy",
                issued_on=issued,
                term=20,
                title=f"Chương trình hành động thực hiện Nghị quyết số {rng.randint(10, 99)}-NQ/TW",
                owner_id=pk,
            )
        )
    Document.objects.bulk_create(documents, batch_size=1000)
    programmes = Programme.objects.bulk_create(
        [
            Programme(
                document=document,
                organization_id=document.owner_id,
                remind_before=rng.choice(BEFORE_DAYS) if rng.random() < BEFORE_SHARE else None,
                remind_after=rng.choice(AFTER_DAYS) if rng.random() < AFTER_SHARE else None,
            )
            for document in documents
        ]
    )
    paths = {pk: path for pk, path, _depth in units}
    return [
        (programme.pk, document.pk, paths[document.owner_id], document.issued_on)
        for programme, document in zip(programmes, documents, strict=True)
    ]


def leads_of(units: list, path: str) -> list[int]:
    """Whom a programme of the unit at `path` assigns tasks: the root its grassroots
    committees, a committee any open unit of its own subtree, itself included."""
    if len(path) == PATH_STEP:
        return [pk for pk, _path, depth in units if depth == 2]
    return [pk for pk, unit_path, _depth in units if unit_path.startswith(path)]


def tasks_seed(units: list, programmes: list[tuple], total: int, today, rng) -> Counter:
    """`total` tasks through COPY, each bucket as `bucket_of` derives it."""
    from django.db import connection

    from programmes.models import Bucket, Recurrence, Task
    from programmes.status import bucket_of, period_of

    leads = {path: leads_of(units, path) for _p, _d, path, _i in programmes}
    columns = [f.column for f in Task._meta.concrete_fields if not f.primary_key]
    buckets: Counter = Counter()
    sql = f"COPY {Task._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for number in range(total):
            programme, document, path, issued = rng.choice(programmes)
            deadline = issued + dt.timedelta(days=rng.randint(30, 1000))
            recurrence = Recurrence.NONE
            if rng.random() < 0.05:
                recurrence = rng.choice(
                    (Recurrence.YEARLY, Recurrence.CONTINUOUS, Recurrence.QUARTERLY)
                )
                deadline = period_of(recurrence, today)[1]
            roll = rng.random()
            exception = (
                Bucket.DROPPED
                if roll < 0.015
                else Bucket.ADJUSTED
                if roll < 0.035
                else Bucket.NOT_STARTED
                if roll < 0.045
                else ""
            )
            completed_on = None
            if deadline < today and rng.random() < 0.55:
                late = rng.random() < 0.3
                shift = rng.randint(1, 90) if late else -rng.randint(0, 60)
                completed_on = min(deadline + dt.timedelta(days=shift), today)
            elif deadline >= today and rng.random() < 0.2:
                completed_on = today - dt.timedelta(days=rng.randrange(60))
            bucket = bucket_of(deadline, completed_on, exception, today)
            buckets[bucket.value] += 1
            values = {
                "programme_id": programme,
                "inspection_id": None,
                "document_id": document,
                "position": str(number % 700 + 1),
                "content": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}",
                "lead_id": rng.choice(leads[path]),
                "product": rng.choice(PRODUCTS),
                "deadline": deadline,
                "recurrence": recurrence,
                "percent": 100 if completed_on else rng.randrange(0, 100, 10),
                "completed_on": completed_on,
                "completed_product": "Báo cáo kết quả" if completed_on else "",
                "exception": exception,
                "bucket": bucket,
                "escalated": False,
            }
            copy.write_row([values[column] for column in columns])
    return buckets


# --- measuring -----------------------------------------------------------------------------


class Statements:
    """Counts and times SQL statements without keeping them (a bulk INSERT is hundreds
    of KB); the time is spent waiting for PostgreSQL, the rest of a run is Python."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def job_run(day) -> dict:
    from django.core import mail
    from django.db import connection

    from programmes import services
    from programmes.reminders import reminders_send

    mail.outbox = []
    counted = Statements()
    with connection.execute_wrapper(counted):
        started = time.perf_counter()
        moved = services.buckets_refresh(day)
        refreshed = time.perf_counter() - started
        counts = reminders_send(day)
        total = time.perf_counter() - started
    assert counts["emails"] == len(mail.outbox), (counts, len(mail.outbox))
    recipients = sum(len(message.to) for message in mail.outbox)
    return {
        "day": day.isoformat(),
        "moved": moved,
        **counts,
        "addresses": recipients,
        "refresh_s": round(refreshed, 2),
        "reminders_s": round(total - refreshed, 2),
        "total_s": round(total, 2),
        "statements": counted.count,
        "sql_s": round(counted.seconds, 2),
    }


def pages_measure(runs: int, warmup: int, explain: bool) -> list[dict]:
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from accounts.models import User
    from organizations.models import Organization
    from programmes.models import Programme, TaskTally

    try:
        page = reverse("programmes:dashboard")
        letter = reverse("programmes:letter")
    except NoReverseMatch:
        say("== programmes:dashboard is not routed yet: pages not measured")
        return []
    root = Organization.objects.get_root_nodes().get()
    document = (
        Programme.objects.filter(organization=root).order_by("document_id").first().document_id
    )
    committee = (
        TaskTally.objects.filter(organization__depth=2)
        .values("organization")
        .annotate(n=Sum("overdue"))
        .order_by("-n")
        .first()["organization"]
    )
    requests = [
        ("dashboard, root", f"{page}?unit={root.pk}"),
        ("dashboard, root, one document", f"{page}?unit={root.pk}&document={document}"),
        ("dashboard, grassroots committee", f"{page}?unit={committee}"),
        ("urging letter DOCX, root, one document", f"{letter}?unit={root.pk}&document={document}"),
    ]
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    rows = []
    for label, url in requests:
        for _ in range(warmup):
            assert client.get(url).status_code == 200, url
        times, queries = [], set()
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code)
            times.append(elapsed)
            queries.add(len(captured))
        slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
        rows.append(
            {
                "request": label,
                "url": url,
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(p95(times), 1),
                "queries": sorted(queries),
                "bytes": len(response.content),
                "slowest_query_ms": round(float(slowest["time"]) * 1000, 1),
                "slowest_query": slowest["sql"],
            }
        )
        say(f"  {label}: median {rows[-1]['median_ms']} ms, queries {sorted(queries)}")
        if explain:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                rows[-1]["slowest_plan"] = [line for (line,) in cursor.fetchall()]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="~2,100 units, 20,000 tasks")
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("--programmes", type=int, default=300)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest query"
    )
    parser.add_argument("--admin-url", default=ADMIN_URL, help="where to CREATE DATABASE")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args()
    tree = TREE_MEMBERS
    if args.quick:
        tree, args.tasks, args.programmes, args.runs = 50_000, 20_000, 30, 10
    command = " ".join([".venv/bin/python", "bench/programmes.py", *sys.argv[1:]])

    url = database_url(args.admin_url, DB_NAME)
    say(f"== creating database {DB_NAME}")
    recreate(args.admin_url, DB_NAME)
    configure(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections, transaction
    from django.utils import timezone

    from programmes import services
    from programmes.models import Reminder, TaskTally

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    rng = random.Random(f"{args.seed}:programmes")
    today = timezone.localdate()
    result: dict = {"benchmark": "programmes", "command": command, "cores": os.cpu_count()}
    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        with transaction.atomic():
            units = units_seed(tree, args.seed)
            logins = logins_seed(units, rng)
            programmes = programmes_seed(units, args.programmes, rng)
            buckets = tasks_seed(units, programmes, args.tasks, today, rng)
        seeded = time.perf_counter() - started
        say(
            f"  {len(units):,} open units, {logins:,} logins, {len(programmes)} programmes, "
            f"{args.tasks:,} tasks in {seeded:.1f} s: {dict(buckets)}"
        )
        started = time.perf_counter()
        built = services.task_tally_rebuild(today)
        rebuild = time.perf_counter() - started
        started = time.perf_counter()
        again = services.task_tally_rebuild(today)
        rebuild_again = time.perf_counter() - started
        say(f"  task_tally_rebuild: {built:,} rows in {rebuild:.1f} s; again {again} fixes")
        assert again == 0, "the tallies must need no correction after the first rebuild"
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        busy, own, wall = machine_busy(), time.process_time(), time.monotonic()
        morning = today + dt.timedelta(days=1)
        runs = []
        for label, day in (
            ("first run, next morning", morning),
            ("second run, same day", morning),
            ("the day after", morning + dt.timedelta(days=1)),
        ):
            run = {"run": label, **job_run(day)}
            runs.append(run)
            say(f"  {label}: {run}")
        assert runs[1]["emails"] == 0, "a second run the same day must send nothing"
        cores = (time.monotonic() - wall) * (os.cpu_count() or 1)
        job_busy = (machine_busy() - busy) / cores
        job_own = (time.process_time() - own) / cores
        say(
            f"  machine CPU busy during the job: {job_busy:.0%} of {os.cpu_count()} cores, this "
            f"process {job_own:.0%} (the rest is postgres, or other work disturbing the figures)"
        )
        assert services.task_tally_rebuild(morning + dt.timedelta(days=1)) == 0

        with connection.cursor() as cursor:
            # The first run flags tens of thousands of tasks escalated; autovacuum would
            # re-analyse the table after that many changes (it is off on the bench server).
            cursor.execute("ANALYZE programmes_task, programmes_reminder")
        try:
            pages = pages_measure(args.runs, args.warmup, args.explain)
        except Exception as error:  # the pages belong to another part of a changing tree
            say(f"== pages not measured: {error!r}")
            pages, result["pages_error"] = [], repr(error)
        result.update(
            {
                "date": time.strftime("%Y-%m-%d %H:%M:%S"),
                "today": today.isoformat(),
                "config": {
                    "tree_members": tree,
                    "open_units": len(units),
                    "logins": logins,
                    "programmes": len(programmes),
                    "tasks": args.tasks,
                    "buckets": dict(buckets),
                    "seed": args.seed,
                },
                "seed_s": round(seeded, 1),
                "tally_rebuild": {
                    "rows": built,
                    "seconds": round(rebuild, 2),
                    "again_fixes": again,
                    "again_seconds": round(rebuild_again, 2),
                    "tally_rows": TaskTally.objects.count(),
                },
                "job": runs,
                "job_machine_busy_share": round(job_busy, 2),
                "job_own_process_share": round(job_own, 2),
                "reminders_recorded": Reminder.objects.count(),
                "pages": pages,
            }
        )
    finally:
        connections.close_all()
        if args.keep:
            say(f"== kept {url}")
        else:
            drop(args.admin_url, DB_NAME)

    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
    say(f"== wrote {output}")

    config = result["config"]
    print(
        f"{config['open_units']:,} open units, {config['tasks']:,} tasks, "
        f"{config['programmes']} programmes; seeded in {result['seed_s']} s; "
        f"task_tally_rebuild {result['tally_rebuild']['seconds']} s "
        f"({result['tally_rebuild']['tally_rows']:,} tally rows), "
        f"again {result['tally_rebuild']['again_seconds']} s with "
        f"{result['tally_rebuild']['again_fixes']} fixes\n"
    )
    print(
        "| run | day | moved to Quá hạn | before | after | escalated | emails | addresses "
        "| refresh s | reminders s | total s | SQL statements | SQL s |"
    )
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for run in result["job"]:
        print(
            f"| {run['run']} | {run['day']} | {run['moved']:,} | {run['before']:,} "
            f"| {run['after']:,} | {run['escalated']:,} | {run['emails']:,} "
            f"| {run['addresses']:,} | {run['refresh_s']} | {run['reminders_s']} "
            f"| {run['total_s']} | {run['statements']:,} | {run['sql_s']} |"
        )
    if result["pages"]:
        print("\n| request | URL | median ms | p95 ms | SQL queries | slowest query ms |")
        print("|---|---|--:|--:|--:|--:|")
        for row in result["pages"]:
            queries = "–".join(str(n) for n in (row["queries"][0], row["queries"][-1]))
            if row["queries"][0] == row["queries"][-1]:
                queries = str(row["queries"][0])
            print(
                f"| {row['request']} | `{row['url']}` | {row['median_ms']} | {row['p95_ms']} "
                f"| {queries} | {row['slowest_query_ms']} |"
            )
        for row in result["pages"]:
            if "slowest_plan" in row:
                print(f"\n### {row['url']}: slowest query, {row['slowest_query_ms']} ms\n")
                print(row["slowest_query"])
                print("\n".join(row["slowest_plan"]))


if __name__ == "__main__":
    main()
