"""QR check-in burst through the web server: a province's members check in within minutes.

A fresh database (nghiquyet_bench_checkin) gets the demo tree (seed_demo), a login and an
API token for every member, a campaign of the root, an online conference of the root and
one bridge point per open child unit of the root. Then gunicorn (or granian) serves the
project, `--drains` processes run `manage.py drain_checkins`, and an open-loop client (stdlib
threads, keep-alive http.client connections) posts every member's check-in to
/api/v1/conferences/<id>/checkin at a uniform rate, with QR tokens minted as the screens
mint them and rotated every 20 s. Every check-in must be answered 202 with a receipt; a 503
(admission control) is retried after its Retry-After with the code then on the screen, as
a member would scan again; 2 % of members tap twice, and both taps must get the same
receipt. Once the drains have emptied the inbox the database is counted: acknowledged =
stored, every stored row done (refused after acceptance = 0), one mark per member,
headcounts equal to the marks, and tally_rebuild() finding nothing to correct. Exits 1
otherwise. Progress goes to stderr, the Markdown table to stdout.
Usage: .venv/bin/python bench/checkin_burst.py [--members 20000] [--seconds 120]
       [--servers gthread:2x4] [--drains 2] [--kill] [--keep]
       [--database nghiquyet_bench_checkin] [--redis-url redis://127.0.0.1:6379/6]
With --kill, half-way through the burst one web worker and one drain are killed with
SIGKILL; the server starts a new worker, the benchmark a new drain, and the counts after
the run must hold all the same.
"""

import argparse
import http.client
import json
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

import psycopg
from harness import (
    ADMIN_URL,
    PRODUCTION_LIKE,
    REPO,
    database_url,
    drop,
    machine_busy,
    percentile,
    recreate,
    say,
)

DB_NAME = "nghiquyet_bench_checkin"
HOST = "127.0.0.1"
# The cache as in production (docs/production.md): admission control's counts, token use
# and progress live there. A file cache lists its whole folder on every write once it
# holds many keys, which is not what a server runs.
REDIS_URL = "redis://127.0.0.1:6379/6"  # --redis-url


def server_env(url: str) -> dict[str, str]:
    """Production-like settings, shared by manage.py, gunicorn and the in-process setup."""
    return {
        **os.environ,
        **PRODUCTION_LIKE,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": HOST,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "nghiquyet.settings",
    }


def manage(url: str, *args: str) -> None:
    command = [sys.executable, str(REPO / "manage.py"), *args]
    subprocess.run(command, env=server_env(url), check=True, cwd=REPO, stdout=sys.stderr)


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


def setup() -> Plan:
    """Logins and tokens for every member, a campaign, a conference and its bridge points."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from accounts.models import ApiToken, Scope, User
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
    expires = timezone.now() + dt.timedelta(days=30)
    for user_id in active.values_list("user_id", flat=True):
        raw = "nq_" + secrets.token_urlsafe(32)
        raw_by_user[user_id] = raw
        tokens.append(
            ApiToken(
                user_id=user_id,
                name="bench",
                digest=ApiToken.hash(raw),
                scope=Scope.CHECKIN,
                expires_at=expires,
            )
        )
    ApiToken.objects.bulk_create(tokens, batch_size=5000)
    say(f"  {len(unlinked):,} logins and {len(tokens):,} API tokens")

    root = Organization.objects.get_root_nodes().get()
    actor = User.objects.get(username="tuyengiao")
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
    """(worker class, workers, threads) from sync:N, gthread:WxT or granian:WxT."""
    kind, _, size = spec.partition(":")
    if kind == "sync":
        return kind, int(size), 1
    if kind in ("gthread", "granian"):
        workers, _, threads = size.partition("x")
        return kind, int(workers), int(threads)
    raise SystemExit(f"unknown server {spec!r}: use sync:N, gthread:WxT or granian:WxT")


def server_start(url: str, port: int, spec: str) -> subprocess.Popen:
    kind, workers, threads = parse_server(spec)
    if kind == "granian":  # WSGI on Rust threads; a killed worker is started again
        command = [
            str(Path(sys.executable).parent / "granian"),
            "--interface=wsgi",
            f"--host={HOST}",
            f"--port={port}",
            f"--workers={workers}",
            f"--blocking-threads={threads}",
            "--backlog=2048",
            "--respawn-failed-workers",
            "--log-level=warning",
            "nghiquyet.wsgi:application",
        ]
    else:
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
    say(f"== {Path(command[0]).name} {' '.join(command[1:])}")
    server = subprocess.Popen(
        command, env=server_env(url), cwd=REPO, stdout=sys.stderr, stderr=subprocess.PIPE, text=True
    )
    server.log = Counter()
    threading.Thread(target=server_log, args=(server,), daemon=True).start()
    return server


def server_workers(pid: int) -> list[int]:
    """The server's worker processes (the children of its master)."""
    try:
        return [int(n) for n in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


PROFILE = ""  # --profile-drains: each drain writes its cProfile statistics to PROFILE.<pid>


def drains_start(url: str, n: int) -> list[subprocess.Popen]:
    command = [str(REPO / "manage.py"), "drain_checkins", "--interval", "0.05"]
    say(f"== {n} × manage.py drain_checkins")
    drains = []
    for _ in range(n):
        profiled = ["-m", "cProfile", "-o", f"{PROFILE}.{len(drains)}.{time.time_ns()}"]
        drains.append(
            subprocess.Popen(
                [sys.executable, *(profiled if PROFILE else []), *command],
                env=server_env(url),
                cwd=REPO,
                stdout=subprocess.DEVNULL,
            )
        )
    return drains


def drains_stop(drains: list[subprocess.Popen]) -> None:
    for drain in drains:
        if drain.poll() is None:
            drain.send_signal(signal.SIGTERM)
    for drain in drains:
        try:
            drain.wait(timeout=30)
        except subprocess.TimeoutExpired:
            drain.kill()
            drain.wait()


def drained(url: str, timeout: float = 600) -> float:
    """Wait until no check-in waits in the inbox; returns when that was (monotonic)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while True:
            (waiting,) = conn.execute(
                "SELECT count(*) FROM conferences_checkininbox WHERE state = 'waiting'"
            ).fetchone()
            if not waiting:
                return time.monotonic()
            if time.monotonic() > deadline:
                raise SystemExit(f"{waiting:,} check-ins still waiting after {timeout:g} s")
            time.sleep(0.2)


def server_log(server: subprocess.Popen) -> None:
    """Django logs a warning line for every 4xx and 503 (the warm-up's 404s among them):
    count those, pass the rest on."""
    refusals = ("Not Found: ", "Conflict: ", "Unprocessable Entity: ", "Service Unavailable: ")
    for line in server.stderr:
        if line.startswith(refusals):
            server.log[line.split(":")[0]] += 1
        else:
            sys.stderr.write(line)


def server_stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_ready(port: int, plan: Plan, server: subprocess.Popen, warmup: int) -> None:
    """Until the server answers, then `warmup` authenticated GETs spread over fresh
    connections, so every worker has imported the views and opened its database
    connection before the clock starts."""
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            conn.close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start within 60 s") from None
            time.sleep(0.2)
    raw = plan.checkins[0][0]

    def get() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        # A check-in token may look up receipts only: an unknown one answers 404.
        conn.request(
            "GET",
            "/api/v1/conferences/checkin-receipts/0",
            headers={"Authorization": f"Bearer {raw}"},
        )
        response = conn.getresponse()
        response.read()
        assert response.status == 404, response.status
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
    detail: str = ""  # why, for an answer other than 202
    receipt: int = 0
    busy: int = 0  # 503 answers before the 202
    sent: float = 0.0
    done: float = 0.0
    finished: threading.Event | None = None


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


def client(port: int, path: str, jobs: queue.Queue, retries: Counter, screens) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    while True:
        tap = jobs.get()
        if tap is None:
            conn.close()
            return
        # The phone reads the code on the screen as it sends (again after a 503); a double
        # tap resends the first tap's code.
        if tap.second and not tap.busy:
            tap.token = tap.first.token or screens.current(tap.point)
        else:
            tap.token = screens.current(tap.point)
        body = json.dumps({"token": tap.token})
        headers = {"Authorization": f"Bearer {tap.raw}", "Content-Type": "application/json"}
        if not tap.sent:
            tap.sent = time.monotonic()
        wait = 0.0
        for attempt in range(2):
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
                tap.status = response.status
                if tap.status == 202:
                    tap.receipt = json.loads(answer)["id"]
                elif tap.status == 503 and tap.busy < MAX_BUSY:
                    wait = float(response.getheader("Retry-After") or 1)
                else:
                    try:
                        tap.detail = json.loads(answer)["detail"][:60]
                    except (ValueError, KeyError, TypeError):
                        tap.detail = answer.decode(errors="replace")[:60]
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
        if wait:  # the member scans again once told to; the connection serves others
            tap.busy += 1
            threading.Timer(wait, jobs.put, args=(tap,)).start()
            continue
        tap.done = time.monotonic()
        tap.finished.set()


MAX_BUSY = 20  # 503 answers a member puts up with before giving up
TICK = os.sysconf("SC_CLK_TCK")


class Watch:
    """Every 0.25 s: the backends of the bench database that are active and those waiting
    for a lock (pg_stat_activity), and the CPU used by each process (/proc), so that CPU can
    be put down to the web server, postgres, this client and anything else on the machine, even
    for processes that ended meanwhile (postgres backends do, after CONN_MAX_AGE)."""

    def __init__(self, url: str, server_pid: int, drain_pids: set[int]):
        self.url = url
        self.server_pid = server_pid
        self.drain_pids = drain_pids
        self.samples: list[tuple[int, int]] = []
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.stop = threading.Event()
        self.scan(first=True)
        self.busy = machine_busy()
        self.wall = time.monotonic()

    def scan(self, first: bool = False) -> None:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue  # ended meanwhile
            pid = int(stat.parent.name)
            name = text[text.index("(") + 1 : text.rindex(")")]
            fields = text[text.rindex(")") + 2 :].split()
            seconds = (int(fields[11]) + int(fields[12])) / TICK
            if pid == os.getpid():
                kind = "client"
            elif self.server_pid in (pid, int(fields[1])):
                kind = "web"  # the server's master and its workers
            elif pid in self.drain_pids:
                kind = "drain"
            elif name == "postgres":
                kind = "postgres"
            else:
                kind = "other"
            if first:
                self.first[pid] = seconds
            self.last[pid] = (kind, seconds)

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
                self.scan()
        self.scan()

    def cpu(self) -> tuple[Counter, float]:
        """CPU seconds by kind of process since the start, and the machine's busy share."""
        used: Counter = Counter()
        for pid, (kind, seconds) in self.last.items():
            used[kind] += seconds - self.first.get(pid, 0.0)
        busy = machine_busy() - self.busy
        used["kernel"] = max(0.0, busy - sum(used.values()))
        share = busy / ((time.monotonic() - self.wall) * (os.cpu_count() or 1))
        return used, share


def burst(server: subprocess.Popen, drains: list, port: int, plan: Plan, url: str, args):
    """Send every tap at its time; returns the taps, answered, and what was observed."""
    taps = schedule(plan, args.seconds, args.double_share, args.double_tap_ms, args.seed)
    screens = Screens(plan.points)
    jobs: queue.Queue = queue.Queue()
    retries: Counter = Counter()
    path = f"/api/v1/conferences/{plan.conference_id}/checkin"
    workers = [
        threading.Thread(target=client, args=(port, path, jobs, retries, screens), daemon=True)
        for _ in range(args.connections)
    ]
    for worker in workers:
        worker.start()
    for tap in taps:
        tap.finished = threading.Event()
    watch = Watch(url, server.pid, {drain.pid for drain in drains})
    helpers = [threading.Thread(target=screens.run), threading.Thread(target=watch.run)]
    analyzed = []
    if args.analyze_every:

        def analyze_now_and_then() -> None:
            """What autovacuum would do (it may be off on the bench server): new statistics
            for the tables the burst fills, so that plans follow their growth."""
            with psycopg.connect(url, autocommit=True) as conn:
                while not watch.stop.wait(args.analyze_every):
                    conn.execute("ANALYZE")
                    analyzed.append(time.monotonic())

        helpers.append(threading.Thread(target=analyze_now_and_then))
    for helper in helpers:
        helper.start()
    say(
        f"== burst: {len(taps):,} requests over {args.seconds:g} s "
        f"({len(taps) / args.seconds:,.0f}/s), {args.connections} client connections"
    )
    start = time.monotonic()
    done = threading.Event()

    def progress() -> None:
        while not done.wait(10):
            now = time.monotonic() - start
            sent = sum(1 for t in taps if t.sent)
            answered = [t for t in taps if t.done]
            accepted = sum(1 for t in answered if t.status == 202)
            busy = sum(t.busy for t in taps)
            say(
                f"  {now:5.0f} s: {sent:,} sent, {len(answered):,} answered "
                f"({accepted:,} × 202, {busy:,} × 503 so far), {sent - len(answered):,} waiting"
            )

    reporter = threading.Thread(target=progress)
    reporter.start()
    killed: list[str] = []
    if args.kill:

        def kill_in_the_middle() -> None:
            """Half-way: SIGKILL one web worker (the server starts another) and one drain
            (a new one is started), as a crash would, with requests and batches in flight."""
            if done.wait(args.seconds / 2):
                return
            workers_now = server_workers(server.pid)
            if workers_now:
                os.kill(workers_now[0], signal.SIGKILL)
                killed.append(f"web worker {workers_now[0]}")
            os.kill(drains[0].pid, signal.SIGKILL)
            killed.append(f"drain {drains[0].pid}")
            drains.extend(drains_start(url, 1))
            watch.drain_pids.add(drains[-1].pid)
            say(f"  killed with SIGKILL: {', '.join(killed)}; a new drain started")

        helpers.append(threading.Thread(target=kill_in_the_middle))
        helpers[-1].start()
    for tap in taps:
        delay = start + tap.at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        jobs.put(tap)
    for tap in taps:  # including those told to come back later
        tap.finished.wait()
    for _ in workers:
        jobs.put(None)
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - start
    emptied = drained(url) - start
    done.set()
    screens.stop.set()
    watch.stop.set()
    for helper in [*helpers, reporter]:
        helper.join()
    used, busy = watch.cpu()
    for tap in taps:
        tap.sent -= start
        tap.done -= start
    active = [a for a, _ in watch.samples] or [0]
    waiting = [w for _, w in watch.samples] or [0]
    refusals = Counter(f"{t.status} {t.detail}" for t in taps if t.status != 202).most_common(3)
    info = {
        "elapsed s": f"{elapsed:.1f}",
        "inbox empty at s": f"{emptied:.1f}",
        "503 answers (retried)": sum(t.busy for t in taps),
        "machine CPU busy": f"{busy:.0%} of {os.cpu_count()} cores",
        "CPU ms per request": ", ".join(
            f"{kind} {used[kind] * 1000 / len(taps):.1f}"
            for kind in ("web", "drain", "postgres", "client", "other", "kernel")
        ),
        "QR tokens minted": screens.minted,
        "ANALYZE runs during the burst": len(analyzed),
        "client reconnects": retries["reconnect"],
        "client send lag max ms": f"{max((t.sent - t.at) * 1000 for t in taps):.0f}",
        "active backends mean/max": f"{statistics.mean(active):.1f}/{max(active)}",
        "lock-waiting backends mean/max": f"{statistics.mean(waiting):.2f}/{max(waiting)}",
        "samples with a lock wait": f"{sum(1 for w in waiting if w)} of {len(watch.samples)}",
        "server log lines": dict(server.log) or "none",
        "refusals": refusals or "none",
        "killed with SIGKILL": ", ".join(killed) or "none",
    }
    return taps, elapsed, emptied, info


# --- counting ----------------------------------------------------------------------------


def count(plan: Plan) -> dict[str, int]:
    from django.db.models import Sum

    from conferences.models import Attendance, BridgePoint, CheckinInbox
    from conferences.services import tally_rebuild

    marks = Attendance.objects.filter(campaign_id=plan.campaign_id)
    present = BridgePoint.objects.filter(conference_id=plan.conference_id).aggregate(
        n=Sum("present")
    )["n"]
    stored = CheckinInbox.objects.filter(conference_id=plan.conference_id)
    return {
        "stored": stored.count(),
        "stored ids": set(stored.values_list("pk", flat=True)),
        "done": stored.filter(state="done").count(),
        "refused": stored.filter(state="refused").count(),
        "rows": marks.count(),
        "members": marks.values("member").distinct().count(),
        "present": present or 0,
        "corrections": tally_rebuild([plan.campaign_id]),
    }


def attendance_reads(url: str) -> list[str]:
    """How the burst read conferences_attendance: index scans and the index entries they
    returned, and whether autovacuum analyzed the table meanwhile."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT indexrelname, idx_scan, idx_tup_read FROM pg_stat_user_indexes"
            " WHERE relname = 'conferences_attendance' AND idx_scan > 0"
            " ORDER BY idx_tup_read DESC"
        ).fetchall()
        analyzed = conn.execute(
            "SELECT autoanalyze_count, n_live_tup FROM pg_stat_user_tables"
            " WHERE relname = 'conferences_attendance'"
        ).fetchone()
    lines = [f"{name}: {scans:,} scans, {read:,} entries read" for name, scans, read in rows]
    lines.append(f"autoanalyze runs: {analyzed[0]} ({analyzed[1]:,} live rows)")
    return lines


def explain(plan: Plan) -> str:
    """One more check-in through the API, in-process at full table size and inside a
    transaction that is rolled back: its SQL statements, each SELECT timed by EXPLAIN
    ANALYZE, and the plan of the slowest, as Markdown."""
    import re

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import ApiToken
    from conferences import checkin
    from conferences.models import Attendance, CheckinInbox

    raw, point_id = plan.checkins[len(plan.checkins) // 2]
    user = ApiToken.objects.get(digest=ApiToken.hash(raw)).user
    point = next(p for p in plan.points if p.pk == point_id)
    client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {raw}")
    path = f"/api/v1/conferences/{plan.conference_id}/checkin"

    class Rollback(Exception):
        pass

    lines = []
    try:
        with transaction.atomic():
            Attendance.objects.filter(campaign_id=plan.campaign_id, member__user=user).delete()
            CheckinInbox.objects.filter(user=user).delete()
            with CaptureQueriesContext(connection) as captured:
                response = client.post(
                    path, {"token": checkin.token_make(point)}, content_type="application/json"
                )
            assert response.status_code == 202, response.content
            plans = {}
            with connection.cursor() as cursor:
                for i, query in enumerate(captured.captured_queries):
                    if query["sql"].startswith("SELECT"):
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                        plans[i] = [line for (line,) in cursor.fetchall()]
            ms = {
                i: float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1))
                for i, plan in plans.items()
            }
            lines.append(
                f"\n### SQL of one check-in through the API ({len(captured)} statements)\n"
            )
            for i, query in enumerate(captured.captured_queries):
                timed = f"{ms[i]:.3f} ms" if i in ms else "—"
                lines.append(f"- {timed}: `{query['sql'][:110]}…`")
            slowest = max(ms, key=ms.get)
            lines.append(f"\nSlowest SELECT ({ms[slowest]:.3f} ms):\n")
            lines.append(captured.captured_queries[slowest]["sql"])
            lines.append("")
            lines.extend(plans[slowest])
            raise Rollback
    except Rollback:
        pass
    return "\n".join(lines)


def outcome(taps: list[Tap]) -> str:
    """Unexpected answers by status code: a tap not answered 202 in the end, and a double
    tap whose two answers name different receipts."""
    unexpected: Counter = Counter()
    pairs = {id(t.first): t for t in taps if t.second}
    for tap in taps:
        if tap.second:
            continue
        double = pairs.get(id(tap))
        if tap.status != 202:
            unexpected[str(tap.status)] += 1
        elif double is not None and (double.status, double.receipt) != (202, tap.receipt):
            unexpected[f"{tap.status}+{double.status} (double tap)"] += 1
    return "; ".join(f"{key}: {n}" for key, n in sorted(unexpected.items())) or "none"


# --- main --------------------------------------------------------------------------------


def run_one(spec: str, args) -> tuple:
    url = database_url(args.admin_url, args.database)
    say(f"== creating database {args.database}")
    recreate(args.admin_url, args.database)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # no counts left from an earlier run
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            say(f"  autovacuum is {conn.execute('SHOW autovacuum').fetchone()[0]} on this server")
        manage(url, "migrate", "--noinput", "-v", "0")
        say(f"== seed_demo --members {args.members} --seed {args.seed}")
        manage(
            url, "seed_demo", "--members", str(args.members), "--seed", str(args.seed), "--reset"
        )
        say("== logins, tokens, campaign, conference, bridge points")
        plan = setup()
        analyze(url)

        port = free_port()
        server = server_start(url, port, spec)
        drains = drains_start(url, args.drains)
        try:
            wait_ready(port, plan, server, warmup=args.connections)
            taps, elapsed, emptied, info = burst(server, drains, port, plan, url, args)
        finally:
            server_stop(server)
            drains_stop(drains)

        say("  conferences_attendance reads during the burst:")
        for line in attendance_reads(url):
            say(f"    {line}")
        counted = count(plan)
        accepted = [t for t in taps if t.status == 202]
        acknowledged = {t.receipt for t in accepted}
        last = max((t.done for t in accepted), default=elapsed)
        rate = len({t.raw for t in accepted}) / max(args.seconds, last)
        marked_rate = counted["done"] / max(args.seconds, emptied)
        # Time to the 202 from the first scheduled send (waits after a 503 included).
        latencies = sorted((t.done - t.at) * 1000 for t in taps)
        errors = outcome(taps)
        expected = len(plan.checkins)
        lost = expected - counted["members"]
        duplicated = counted["rows"] - counted["members"]
        for key, value in info.items():
            say(f"  {key}: {value}")
        say(
            f"  receipts acknowledged {len(acknowledged):,}, inbox rows {counted['stored']:,} "
            f"(done {counted['done']:,}, refused {counted['refused']:,}), marks "
            f"{counted['rows']:,}, distinct members {counted['members']:,}, sum of "
            f"bridge-point present {counted['present']:,}, last 202 at {last:.1f} s"
        )
        problems = []
        if counted["present"] != counted["rows"]:
            problems.append(f"headcounts {counted['present']:,} ≠ marks {counted['rows']:,}")
        if acknowledged != counted["stored ids"]:
            problems.append(
                f"acknowledged {len(acknowledged):,} ≠ stored {counted['stored']:,} receipts"
            )
        if counted["done"] != counted["rows"]:
            problems.append(f"inbox rows done {counted['done']:,} ≠ marks {counted['rows']:,}")
        for problem in problems:
            say(f"  !! {problem}")
        explained = explain(plan) if args.explain else ""
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            say(f"== kept {url}")
        else:
            drop(args.admin_url, args.database)
    row = (
        spec,
        args.drains,
        expected,
        args.seconds,
        rate,
        marked_rate,
        percentile(latencies, 0.50),
        percentile(latencies, 0.95),
        percentile(latencies, 0.99),
        sum(t.busy for t in taps),
        errors,
        len(acknowledged),
        counted["stored"],
        counted["refused"],
        lost,
        duplicated,
        counted["corrections"],
    )
    failed = bool(lost or duplicated or counted["refused"] or problems)
    return row, failed, explained


def main() -> None:
    global REDIS_URL, PROFILE
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=120.0, help="length of the burst")
    parser.add_argument(
        "--servers",
        default="gthread:2x4",
        help="servers to run, each on a fresh database: sync:N or gthread:WxT (gunicorn), "
        "granian:WxT",
    )
    parser.add_argument("--drains", type=int, default=2, help="drain_checkins processes")
    parser.add_argument("--connections", type=int, default=64, help="client connections")
    parser.add_argument("--double-share", type=float, default=0.02, help="members who tap twice")
    parser.add_argument(
        "--double-tap-ms", type=float, default=250.0, help="delay of the second tap, in ms"
    )
    parser.add_argument(
        "--analyze-every",
        type=float,
        default=0,
        help="run ANALYZE every N seconds during the burst, as autovacuum would (0: never)",
    )
    parser.add_argument(
        "--kill",
        action="store_true",
        help="half-way, kill -9 one web worker and one drain (a new drain is started)",
    )
    parser.add_argument(
        "--profile-drains",
        default="",
        metavar="PATH",
        help="run the drains under cProfile, writing PATH.<n>.<time> (read with pstats)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="where to CREATE DATABASE")
    parser.add_argument("--database", default=DB_NAME, help="name of the database to (re)create")
    parser.add_argument("--redis-url", default=REDIS_URL, help="the cache's Redis (flushed first)")
    parser.add_argument(
        "--explain", action="store_true", help="print the queries of one check-in, EXPLAINed"
    )
    args = parser.parse_args()
    REDIS_URL, PROFILE = args.redis_url, args.profile_drains

    url = database_url(args.admin_url, args.database)
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
        "| server | drains | members | seconds | 202/s | marked/s | p50 ms | p95 ms | p99 ms "
        "| 503 (retried) | unexpected answers | acknowledged | stored "
        "| refused after acceptance | lost marks | duplicated marks | rebuild corrections |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|")
    for row in rows:
        (spec, drains, members, seconds, rate, marked, p50, p95, p99, busy, errors) = row[:11]
        acknowledged, stored, refused, lost, dup, fixes = row[11:]
        print(
            f"| {spec} | {drains} | {members:,} | {seconds:g} | {rate:,.1f} | {marked:,.1f} "
            f"| {p50:.1f} | {p95:.1f} | {p99:.1f} | {busy:,} | {errors} | {acknowledged:,} "
            f"| {stored:,} | {refused} | {lost} | {dup} | {fixes} |"
        )
    for text in explained:
        if text:
            print(text)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
