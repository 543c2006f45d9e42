"""Time `manage.py seed_demo` on PostgreSQL for a few sizes.

Each size gets a fresh database (nghiquyet_bench_<size>), migrated, then seeded; the
database is dropped afterwards unless --keep. Progress goes to stderr, the Markdown table
to stdout. Usage: .venv/bin/python bench/seed.py [--sizes 100000,500000] [--keep]
"""

import argparse
import os
import subprocess
import sys
import time

import psycopg
from harness import ADMIN_URL, PRODUCTION_LIKE, REPO, database_url, drop, recreate


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def manage(url: str, *args: str) -> None:
    env = {
        **os.environ,
        **PRODUCTION_LIKE,
        "DATABASE_URL": url,
    }
    command = [sys.executable, str(REPO / "manage.py"), *args]
    subprocess.run(command, env=env, check=True, cwd=REPO, stdout=sys.stderr)


def counts_and_analyze(url: str) -> tuple[int, int]:
    """Rows written, then ANALYZE so a kept database plans like a settled one."""
    with psycopg.connect(url, autocommit=True) as conn:
        units = conn.execute("SELECT count(*) FROM organizations_organization").fetchone()[0]
        members = conn.execute("SELECT count(*) FROM members_member").fetchone()[0]
        conn.execute("ANALYZE")
    return units, members


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,500000", help="comma-separated member counts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="where to CREATE DATABASE")
    parser.add_argument(
        "--database-url", help="reuse this existing database (reset for each size, never dropped)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    rows = []
    for size in sizes:
        name = f"nghiquyet_bench_{size_label(size)}"
        url = args.database_url or database_url(args.admin_url, name)
        if not args.database_url:
            print(f"== creating database {name}", file=sys.stderr)
            recreate(args.admin_url, name)
        manage(url, "migrate", "--noinput", "-v", "0")
        print(f"== seed_demo --members {size} --seed {args.seed}", file=sys.stderr)
        started = time.perf_counter()
        manage(url, "seed_demo", "--members", str(size), "--seed", str(args.seed), "--reset")
        seconds = time.perf_counter() - started
        units, members = counts_and_analyze(url)
        rows.append((members, units, seconds))
        if args.keep and not args.database_url:
            print(f"== kept {url}", file=sys.stderr)
        elif not args.database_url:
            drop(args.admin_url, name)

    print("| members | units | seconds | members/s |")
    print("|--:|--:|--:|--:|")
    for members, units, seconds in rows:
        print(f"| {members:,} | {units:,} | {seconds:.1f} | {members / seconds:,.0f} |")


if __name__ == "__main__":
    main()
