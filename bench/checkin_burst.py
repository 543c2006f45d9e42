"""QR check-in burst through gunicorn: a province's members all check in within minutes.

A fresh database (nghiquyet_bench_checkin) gets the demo tree (seed_demo), a login and an
API token for every member, a campaign of the root, an online conference of the root and
one bridge point per open child unit of the root. Then gunicorn serves the project and an
open-loop client (stdlib threads, keep-alive http.client connections) posts every member's
check-in to /api/v1/conferences/<id>/checkin at a uniform rate, with QR tokens minted as
the screens mint them and rotated every 20 s; 2 % of members tap twice and the second tap
must be answered 409. The database is then counted: one mark per member, headcounts equal
to the marks, and tally_rebuild() finding nothing to correct. Exits 1 if a mark is lost or
duplicated. Progress goes to stderr, the Markdown table to stdout.
Usage: .venv/bin/python bench/checkin_burst.py [--members 20000] [--seconds 120]
       [--servers sync:5,gthread:2x4] [--keep]
"""

import argparse
import http.client
import json
import math
import os
import queue
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DB_NAME = "nghiquyet_bench_checkin"
SECRET_KEY = "bench-only-not-secret-checkin"
HOST = "127.0.0.1"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def database_url(admin_url: str, name: str) -> str:
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


def server_env(url: str) -> dict[str, str]:
    """Production-like settings, shared by manage.py, gunicorn and the in-process setup."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "SECURE_COOKIES": "false",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "nghiquyet.settings",
    }


def manage(url: str, *args: str) -> None:
    command = [sys.executable, str(REPO / "manage.py"), *args]
    subprocess.run(command, env=server_env(url), check=True, cwd=REPO, stdout=sys.stderr)


def drop(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB_NAME))
        )


def recreate(admin_url: str) -> None:
    drop(admin_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))


def analyze(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


# --- setup, in-process -------------------------------------------------------------------


@dataclass
class Plan:
    conference_id: int
    campaign_id: int
    points: list  # BridgePoint instances, for token_make
    checkins: list[tuple[str, int]]  # (raw API token, bridge point id), one per member


def setup(members: int) -> Plan:
    """Logins and tokens for every member, a campaign, a conference and its bridge points."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from accounts.models import ApiToken, User
    from campaigns.services import campaign_create
    from conferences import services
    from conferences.models import Format
    from documents.models import Document, Kind
    from documents.services import document_register
    from members.models import Member
    from organizations.models import Organization

    started = time.perf_counter()
    password = make_password("bench-only-password")  # one hash for all: PBKDF2 is slow
    active = Member.objects.active().order_by("pk")
    unlinked = list(active.filter(user__isnull=True).values_list("pk", flat=True))
    User.objects.bulk_create(
        [User(username=f"dv{pk}", password=password) for pk in unlinked], batch_size=5000
    )
    users = dict(
        User.objects.filter(username__startswith="dv", username__regex=r"^dv\d+$").values_list(
            "username", "pk"
        )
    )
    Member.objects.bulk_update(
        [Member(pk=pk, user_id=users[f"dv{pk}"]) for pk in unlinked], ["user"], batch_size=2000
    )
    raw_by_user = {}
    tokens = []
    for user_id in active.values_list("user_id", flat=True):
        raw = "nq_" + secrets.token_urlsafe(32)
        raw_by_user[user_id] = raw
        tokens.append(ApiToken(user_id=user_id, name="bench", digest=ApiToken.hash(raw)))
    ApiToken.objects.bulk_create(tokens, batch_size=5000)
    say(f"  {len(unlinked):,} logins and {len(tokens):,} API tokens")

    root = Organization.objects.get_root_nodes().get()
    actor = User.objects.get(username="tuyengiao")
    # seed_demo may already have registered it for its own demo campaign.
    resolution = Document.objects.filter(owner=root, symbol_raw="24-NQ/TU").first()
    if resolution is None:
        resolution = document_register(
            actor,
            owner=root,
            symbol_raw="24-NQ/TU",
            kind=Kind.RESOLUTION,
            issuer_name=root.name,
            issued_on=dt.date(2025, 10, 1),
            term=20,
            title="Về phát triển văn hóa đọc",
        )
    campaign = campaign_create(
        actor,
        owner=root,
        documents=[resolution],
        title="Học tập Nghị quyết 24-NQ/TU",
        conference_deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    conference = services.conference_create(
        actor,
        campaign,
        organizer=root,
        title="Hội nghị trực tuyến học tập Nghị quyết 24-NQ/TU",
        starts_at=timezone.now(),
        format=Format.ONLINE,
        venue="Hội trường Thành ủy",
    )
    for child in Organization.objects.get_children(root).open_now():
        services.bridge_point_add(actor, conference, name=child.name, host=child, units=[child])
    points = list(conference.bridge_points.all())
    checkins = []
    for point in points:
        for user_id in services.roster(point).values_list("user_id", flat=True):
            checkins.append((raw_by_user[user_id], point.pk))
    say(
        f"  conference {conference.pk}: {len(points)} bridge points, "
        f"{len(checkins):,} members expected ({time.perf_counter() - started:.1f} s)"
    )
    connection.close()
    return Plan(conference.pk, campaign.pk, points, checkins)


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def parse_server(spec: str) -> tuple[str, int, int]:
    """ "sync:5" → ("sync", 5, 1); "gthread:2x4" → ("gthread", 2, 4)."""
    kind, _, size = spec.partition(":")
    if kind == "sync":
        return kind, int(size), 1
    if kind == "gthread":
        workers, _, threads = size.partition("x")
        return kind, int(workers), int(threads)
    raise SystemExit(f"unknown server {spec!r}: use sync:N or gthread:WxT")


def gunicorn_start(url: str, port: int, spec: str) -> subprocess.Popen:
    kind, workers, threads = parse_server(spec)
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "nghiquyet.wsgi",
        f"--bind={HOST}:{port}",
        f"--worker-class={kind}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--keep-alive=30",
        "--backlog=2048",
        "--log-level=warning",
    ]
    say(f"== gunicorn {' '.join(command[2:])}")
    return subprocess.Popen(command, env=server_env(url), cwd=REPO, stdout=sys.stderr)


def gunicorn_stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_ready(port: int, plan: Plan, server: subprocess.Popen, warmup: int) -> None:
    """Until gunicorn answers, then `warmup` authenticated GETs spread over fresh
    connections, so every worker has imported the views and opened its database
    connection before the clock starts."""
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            conn.close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start within 60 s") from None
            time.sleep(0.2)
    raw = plan.checkins[0][0]

    def get() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        conn.request(
            "GET",
            f"/api/v1/conferences/{plan.conference_id}",
            headers={"Authorization": f"Bearer {raw}"},
        )
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
        conn.close()

    def gets() -> None:
        for _ in range(3):
            get()

    threads = [threading.Thread(target=gets) for _ in range(warmup)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- the load generator ------------------------------------------------------------------


@dataclass
class Tap:
    at: float  # scheduled offset from the start, seconds
    raw: str  # the member's API token
    point: int
    second: bool = False  # a double tap: the same QR token sent again
    first: "Tap | None" = None
    token: str = ""
    status: int | str = 0
    sent: float = 0.0
    done: float = 0.0


class Screens:
    """The rotating QR screens: every bridge point shows a fresh token every ROTATE_SECONDS,
    the points starting at staggered times as real screens would."""

    def __init__(self, points: list):
        from conferences import checkin

        self.make = checkin.token_make
        self.every = checkin.ROTATE_SECONDS
        self.points = {point.pk: point for point in points}
        self.tokens = {pk: self.make(point) for pk, point in self.points.items()}
        self.minted = len(self.tokens)
        self.stop = threading.Event()

    def current(self, point_id: int) -> str:
        return self.tokens[point_id]

    def run(self) -> None:
        start = time.monotonic()
        order = list(self.points)
        step = self.every / len(order)
        due = {pk: start + step * (i + 1) for i, pk in enumerate(order)}
        while not self.stop.is_set():
            pk = min(due, key=due.get)
            if self.stop.wait(max(0.0, due[pk] - time.monotonic())):
                return
            self.tokens[pk] = self.make(self.points[pk])
            self.minted += 1
            due[pk] += self.every


def schedule(plan: Plan, seconds: float, double_share: float, double_ms: float, seed: int):
    rng = random.Random(seed)
    order = list(plan.checkins)
    rng.shuffle(order)
    gap = seconds / len(order)
    taps = [Tap(at=i * gap, raw=raw, point=point) for i, (raw, point) in enumerate(order)]
    doubles = rng.sample(taps, round(double_share * len(taps)))
    taps += [
        Tap(at=t.at + double_ms / 1000, raw=t.raw, point=t.point, second=True, first=t)
        for t in doubles
    ]
    taps.sort(key=lambda t: t.at)
    return taps


def client(port: int, path: str, jobs: queue.Queue, retries: Counter) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    while True:
        tap = jobs.get()
        if tap is None:
            conn.close()
            return
        body = json.dumps({"token": tap.token})
        headers = {"Authorization": f"Bearer {tap.raw}", "Content-Type": "application/json"}
        tap.sent = time.monotonic()
        for attempt in range(2):
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                tap.status = response.status
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A kept-alive connection the server had closed: the request never got
                # there, so it is sent once more on a fresh connection, and counted.
                conn.close()
                if attempt:
                    tap.status = "reset"
                else:
                    retries["reconnect"] += 1
            except OSError as error:
                conn.close()
                tap.status = type(error).__name__
                break
        tap.done = time.monotonic()


class LockWatch:
    """Samples pg_stat_activity every 0.25 s: backends of the bench database that are
    active, and those waiting on a lock."""

    def __init__(self, url: str):
        self.url = url
        self.samples: list[tuple[int, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.wait(0.25):
                row = conn.execute(
                    "SELECT count(*) FILTER (WHERE state = 'active'),"
                    " count(*) FILTER (WHERE wait_event_type = 'Lock')"
                    " FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid()"
                ).fetchone()
                self.samples.append(row)


def cpu_times() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def burst(port: int, plan: Plan, url: str, args) -> tuple[list[Tap], float, dict]:
    taps = schedule(plan, args.seconds, args.double_share, args.double_tap_ms, args.seed)
    screens = Screens(plan.points)
    jobs: queue.Queue = queue.Queue()
    retries: Counter = Counter()
    path = f"/api/v1/conferences/{plan.conference_id}/checkin"
    workers = [
        threading.Thread(target=client, args=(port, path, jobs, retries), daemon=True)
        for _ in range(args.connections)
    ]
    for worker in workers:
        worker.start()
    watch = LockWatch(url)
    helpers = [threading.Thread(target=screens.run), threading.Thread(target=watch.run)]
    for helper in helpers:
        helper.start()
    say(
        f"== burst: {len(taps):,} requests over {args.seconds:g} s "
        f"({len(taps) / args.seconds:,.0f}/s), {args.connections} client connections"
    )
    cpu_before = cpu_times()
    start = time.monotonic()
    next_report = 10.0
    for tap in taps:
        delay = start + tap.at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        # The phone reads the QR code on the screen now; a double tap resends the same one.
        tap.token = tap.first.token if tap.second else screens.current(tap.point)
        jobs.put(tap)
        if tap.at >= next_report:
            finished = sum(1 for t in taps if t.done)
            say(f"  {tap.at:5.0f} s: {finished:,} answered, {jobs.qsize()} waiting for a client")
            next_report += 10
    for _ in workers:
        jobs.put(None)
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - start
    cpu_after = cpu_times()
    screens.stop.set()
    watch.stop.set()
    for helper in helpers:
        helper.join()
    for tap in taps:
        tap.sent -= start
        tap.done -= start
    busy = (cpu_after[0] - cpu_before[0]) / max(1, cpu_after[1] - cpu_before[1])
    active = [a for a, _ in watch.samples] or [0]
    waiting = [w for _, w in watch.samples] or [0]
    info = {
        "elapsed": elapsed,
        "cpu": busy,
        "tokens minted": screens.minted,
        "reconnects": retries["reconnect"],
        "send lag max ms": max((t.sent - t.at) * 1000 for t in taps),
        "active backends mean/max": f"{statistics.mean(active):.1f}/{max(active)}",
        "lock-waiting backends mean/max": f"{statistics.mean(waiting):.2f}/{max(waiting)}",
        "samples with a lock wait": sum(1 for w in waiting if w),
        "samples": len(watch.samples),
    }
    return taps, elapsed, info


# --- counting ----------------------------------------------------------------------------


def count(plan: Plan) -> dict[str, int]:
    from django.db.models import Sum

    from conferences.models import Attendance, BridgePoint
    from conferences.services import tally_rebuild

    marks = Attendance.objects.filter(campaign_id=plan.campaign_id)
    present = BridgePoint.objects.filter(conference_id=plan.conference_id).aggregate(
        n=Sum("present")
    )["n"]
    return {
        "rows": marks.count(),
        "members": marks.values("member").distinct().count(),
        "present": present or 0,
        "corrections": tally_rebuild([plan.campaign_id]),
    }


def explain(plan: Plan) -> str:
    """One more check-in, at full table size, inside a transaction that is rolled back:
    its queries, and EXPLAIN ANALYZE of the slowest SELECT, as Markdown."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import ApiToken
    from conferences import checkin, services
    from conferences.models import Attendance, Conference

    raw, point_id = plan.checkins[len(plan.checkins) // 2]
    user = ApiToken.objects.select_related("user").get(digest=ApiToken.hash(raw)).user
    point = next(p for p in plan.points if p.pk == point_id)

    class Rollback(Exception):
        pass

    lines = []
    try:
        with transaction.atomic():
            Attendance.objects.filter(campaign_id=plan.campaign_id, member__user=user).delete()
            conference = Conference.objects.get(pk=plan.conference_id)
            with CaptureQueriesContext(connection) as captured:
                services.checkin(user, conference, checkin.token_make(point))
            lines.append(f"\n### Queries of one check-in ({len(captured)})\n")
            for query in captured.captured_queries:
                lines.append(f"- {float(query['time']) * 1000:.2f} ms: {query['sql'][:160]}")
            selects = [q for q in captured.captured_queries if q["sql"].startswith("SELECT")]
            slowest = max(selects, key=lambda q: float(q["time"]))
            lines.append(f"\nSlowest SELECT, {float(slowest['time']) * 1000:.2f} ms:\n")
            lines.append(slowest["sql"])
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                lines.extend(line for (line,) in cursor.fetchall())
            raise Rollback
    except Rollback:
        pass
    return "\n".join(lines)


def percentile(ordered: list[float], share: float) -> float:
    return ordered[math.ceil(share * len(ordered)) - 1]


def outcome(taps: list[Tap]) -> tuple[str, Counter]:
    """Unexpected answers: a first tap not 201, a second tap not 409."""
    unexpected: Counter = Counter()
    for tap in taps:
        if tap.second and tap.status != 409:
            unexpected[f"{tap.status} (2nd tap)"] += 1
        elif not tap.second and tap.status != 201:
            unexpected[str(tap.status)] += 1
    text = ", ".join(f"{key}: {n}" for key, n in sorted(unexpected.items())) or "none"
    return text, unexpected


# --- main --------------------------------------------------------------------------------


def run_one(spec: str, args) -> tuple:
    url = database_url(args.admin_url, DB_NAME)
    say(f"== creating database {DB_NAME}")
    recreate(args.admin_url)
    manage(url, "migrate", "--noinput", "-v", "0")
    say(f"== seed_demo --members {args.members} --seed {args.seed}")
    manage(url, "seed_demo", "--members", str(args.members), "--seed", str(args.seed), "--reset")
    say("== logins, tokens, campaign, conference, bridge points")
    plan = setup(args.members)
    analyze(url)

    port = free_port()
    server = gunicorn_start(url, port, spec)
    try:
        wait_ready(port, plan, server, warmup=args.connections)
        taps, elapsed, info = burst(port, plan, url, args)
    finally:
        gunicorn_stop(server)

    from django.db import connections

    counted = count(plan)
    firsts = [t for t in taps if not t.second]
    created = [t for t in firsts if t.status == 201]
    last = max((t.done for t in created), default=elapsed)
    rate = len(created) / max(args.seconds, last)
    latencies = sorted((t.done - t.at) * 1000 for t in taps)
    errors, _ = outcome(taps)
    expected = len(plan.checkins)
    lost = expected - counted["members"]
    duplicated = counted["rows"] - counted["members"]
    for key, value in info.items():
        say(f"  {key}: {value:.2f}" if isinstance(value, float) else f"  {key}: {value}")
    say(
        f"  marks {counted['rows']:,}, distinct members {counted['members']:,}, "
        f"sum of bridge-point present {counted['present']:,}, 201 answers {len(created):,}"
    )
    problems = []
    if counted["present"] != counted["rows"]:
        problems.append(f"headcounts {counted['present']:,} ≠ marks {counted['rows']:,}")
    if len(created) != counted["rows"]:
        problems.append(f"201 answers {len(created):,} ≠ marks {counted['rows']:,}")
    for problem in problems:
        say(f"  !! {problem}")
    explained = explain(plan) if args.explain else ""
    connections.close_all()
    if args.keep:
        say(f"== kept {url}")
    else:
        drop(args.admin_url)
    row = (
        spec,
        expected,
        args.seconds,
        rate,
        percentile(latencies, 0.50),
        percentile(latencies, 0.95),
        percentile(latencies, 0.99),
        errors,
        lost,
        duplicated,
        counted["corrections"],
    )
    return row, bool(lost or duplicated), explained


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=120.0, help="length of the burst")
    parser.add_argument(
        "--servers",
        default="sync:5,gthread:2x4",
        help="gunicorn configurations to run, each on a fresh database: sync:N or gthread:WxT",
    )
    parser.add_argument("--connections", type=int, default=64, help="client connections")
    parser.add_argument("--double-share", type=float, default=0.02, help="members who tap twice")
    parser.add_argument(
        "--double-tap-ms", type=float, default=250.0, help="delay of the second tap"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="where to CREATE DATABASE")
    parser.add_argument(
        "--explain", action="store_true", help="print the queries of one check-in, EXPLAINed"
    )
    args = parser.parse_args()

    url = database_url(args.admin_url, DB_NAME)
    os.environ.update(server_env(url))
    sys.path.insert(0, str(REPO))
    import django

    django.setup()

    rows, failed, explained = [], False, []
    for spec in args.servers.split(","):
        row, bad, text = run_one(spec.strip(), args)
        rows.append(row)
        failed |= bad
        explained.append(text)

    print(
        "| server | members | seconds | 201/s | p50 ms | p95 ms | p99 ms | unexpected answers "
        "| lost marks | duplicated marks | rebuild corrections |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|")
    for spec, members, seconds, rate, p50, p95, p99, errors, lost, dup, fixes in rows:
        print(
            f"| {spec} | {members:,} | {seconds:g} | {rate:,.1f} | {p50:.1f} | {p95:.1f} "
            f"| {p99:.1f} | {errors} | {lost} | {dup} | {fixes} |"
        )
    for text in explained:
        if text:
            print(text)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
