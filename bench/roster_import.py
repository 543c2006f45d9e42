"""Roster import rate for a 100,000-row XLSX, on PostgreSQL (and SQLite with --sqlite).

Usage: .venv/bin/python bench/roster_import.py [--rows 100000] [--sqlite] [--profile]
    [--database-name nghiquyet_bench_roster]

A fresh database gets a demo tree (seed_demo, 20,000 members), then an XLSX of `rows`
new members spread over its cells is written with openpyxl, and the two jobs of an import
run in-process exactly as the worker runs them: the dry run (roster_check), the apply
(roster_apply), then the same file again (every row unchanged). Prints a Markdown table.
"""

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import random
import resource
import sys
import time
from functools import partial
from pathlib import Path

from harness import ADMIN_URL, PRODUCTION_LIKE, REPO, database_url, drop, recreate

DB_NAME = "nghiquyet_bench_roster"


def workbook(rows: int, unit_codes: list[str]) -> bytes:
    from openpyxl import Workbook

    from members.roster import COLUMNS

    rng = random.Random(7)
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
    middles = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thu", "Hữu", "Quang"]
    givens = ["An", "Bình", "Cường", "Dũng", "Hà", "Hương", "Lan", "Nam", "Phúc", "Yến"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append([column.header for column in COLUMNS])
    for i in range(rows):
        born = dt.date(1950 + rng.randrange(35), 1 + rng.randrange(12), 1 + rng.randrange(28))
        admitted = dt.date(born.year + 20 + rng.randrange(10), 3, 2)
        name = f"{rng.choice(families)} {rng.choice(middles)} {rng.choice(givens)}"
        sheet.append(
            [
                f"9{i:07d}",
                name,
                rng.choice(["Nam", "Nữ"]),
                born,
                "Chính thức",
                admitted,
                admitted.replace(year=admitted.year + 1),
                rng.choice(unit_codes),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def backend_cpu() -> tuple[int, float]:
    """The PostgreSQL backend serving this process, and the CPU seconds it has used."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0, 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server on another machine
        return pid, float("nan")
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, step, profile: bool) -> tuple[float, float, float]:
    """Wall seconds of `step()`, CPU seconds of this process and of its PostgreSQL backend
    (the machine is shared: CPU time says what the work costs whatever else runs); with
    `profile`, its top functions by own time on stderr."""
    profiler = cProfile.Profile() if profile else None
    pid, pg_before = backend_cpu()
    cpu = own_cpu()
    start = time.perf_counter()
    if profiler:
        profiler.runcall(step)
    else:
        step()
    seconds = time.perf_counter() - start
    cpu = own_cpu() - cpu
    pid_after, pg_after = backend_cpu()
    pg = pg_after - pg_before if pid_after == pid else float("nan")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(18)
        print(f"--- profile: {label}\n{out.getvalue()}", file=sys.stderr)
    print(
        f"{label}: {seconds:.1f} s, CPU {cpu:.1f} s here + {pg:.1f} s PostgreSQL; "
        f"load {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
        flush=True,
    )
    return seconds, cpu, pg


def run(rows: int, profile: bool = False) -> list[tuple]:
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import User
    from members import roster
    from members.models import Member, RosterImport
    from members.tasks import roster_apply, roster_check
    from organizations.models import Organization

    call_command("migrate", verbosity=0)
    call_command("seed_demo", members=20_000, seed=1, reset=True, verbosity=0, stdout=io.StringIO())
    root = Organization.objects.get(depth=1, valid_to__isnull=True)
    clerk = User.objects.get(username="vanphong")
    codes = list(
        Organization.objects.open_now()
        .filter(level__holds_members=True)
        .values_list("code", flat=True)
    )
    print(f"writing a {rows:,}-row XLSX over {len(codes):,} cells…", file=sys.stderr)
    content = workbook(rows, codes)
    print(f"XLSX: {len(content) / 1024 / 1024:.1f} MB", file=sys.stderr)

    results = []
    for label in ("new members", "same file again"):
        record = RosterImport.objects.create(
            organization=root,
            original_name="bench.xlsx",
            stored_path=roster.store_upload([content], "xlsx"),
            created_by=clerk,
        )
        times = timed(f"check, {label}", partial(roster_check.func, record.pk), profile)
        results.append((f"check, {label}", *times, rows))
        RosterImport.objects.filter(pk=record.pk).update(state=RosterImport.State.APPLYING)
        times = timed(f"apply, {label}", partial(roster_apply.func, record.pk), profile)
        results.append((f"apply, {label}", *times, rows))
        record.refresh_from_db()
        print(
            f"{label}: {record.state}, created {record.created_count:,}, "
            f"unchanged {record.unchanged_count:,}, rejected {record.rejected_count:,}",
            file=sys.stderr,
        )
    print(f"members now: {Member.objects.count():,}", file=sys.stderr)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true", help="SQLite under var/bench/")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--profile", action="store_true", help="top functions of each step")
    parser.add_argument(
        "--database-name", default=DB_NAME, help="so that two runs on one server do not collide"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "nghiquyet.settings"
    os.environ.update(PRODUCTION_LIKE)
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["VAR_DIR"] = str(REPO / "var" / "bench")
    engine = "SQLite" if args.sqlite else "PostgreSQL"
    if args.sqlite:
        path = REPO / "var" / "bench" / "roster.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        recreate(args.admin_url, args.database_name)
        os.environ["DATABASE_URL"] = database_url(args.admin_url, args.database_name)
    try:
        results = run(args.rows, args.profile)
    finally:
        if not args.sqlite:
            from django.db import connections

            connections.close_all()
            drop(args.admin_url, args.database_name)
    print("| engine | step | rows | seconds | rows/s | CPU s (Python + PostgreSQL) | rows/CPU s |")
    print("|---|---|--:|--:|--:|--:|--:|")
    for step, seconds, cpu, pg, rows in results:
        print(
            f"| {engine} | {step} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} "
            f"| {cpu:.1f} + {pg:.1f} | {rows / (cpu + pg):,.0f} |"
        )


if __name__ == "__main__":
    main()
