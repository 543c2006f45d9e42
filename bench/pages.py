"""Server time and SQL queries of the heaviest read pages on a seeded database.

Runs Django in-process with the test Client, logged in as "vanphong" (office role on the
root). Each page is requested `--warmup` times untimed, then `--runs` times timed.
Usage: .venv/bin/python bench/pages.py [--database-url postgres://…/nghiquyet_bench_500k]
"""

import argparse
import statistics
import time

from harness import configure, p95

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/nghiquyet_bench_500k"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest query"
    )
    args = parser.parse_args()
    configure(args.database_url)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Role, RoleGrant, User
    from members.models import Member
    from organizations.models import Organization

    root = Organization.objects.get_root_nodes().get()
    ward = RoleGrant.objects.get(user__username="bithu", role=Role.COMMITTEE).organization
    committees = Organization.objects.filter(depth=2, level__code="ĐU").open_now()
    largest = max(committees, key=Organization.objects.member_total)
    members = Member.objects.count()
    pages = [
        ("tree of the root", f"/units/{root.pk}/"),
        ("members of the root", f"/members/unit/{root.pk}/"),
        ("members of the root, page 50", f"/members/unit/{root.pk}/?page=50"),
        ("search “nguyen van an”", f"/members/unit/{root.pk}/?q=nguyen+van+an"),
        (
            f"members of bithu's grassroots committee "
            f"({Organization.objects.member_total(ward):,})",
            f"/members/unit/{ward.pk}/",
        ),
        (
            f"members of the largest grassroots committee "
            f"({Organization.objects.member_total(largest):,})",
            f"/members/unit/{largest.pk}/",
        ),
    ]
    client = Client()
    client.force_login(User.objects.get(username="vanphong"))

    print(
        f"{members:,} members, {Organization.objects.count():,} units, "
        f"{connection.vendor} {connection.settings_dict['NAME']}; "
        f"{args.runs} runs after {args.warmup} warm-ups\n"
    )
    rows, slowest = [], []
    for label, url in pages:
        for _ in range(args.warmup):
            assert client.get(url).status_code == 200, url
        times, queries = [], set()
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code)
            times.append(elapsed)
            queries.add(len(captured))
        count = min(queries) if len(queries) == 1 else f"{min(queries)}–{max(queries)}"
        rows.append((label, url, statistics.median(times), p95(times), count))
        slowest.append((url, max(captured.captured_queries, key=lambda q: float(q["time"]))))

    print("| page | URL | median ms | p95 ms | SQL queries |")
    print("|---|---|--:|--:|--:|")
    for label, url, median, high, count in rows:
        print(f"| {label} | `{url}` | {median:.1f} | {high:.1f} | {count} |")

    if args.explain:
        for url, query in slowest:
            print(f"\n### {url}: slowest query, {float(query['time']) * 1000:.1f} ms\n")
            print(query["sql"])
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    print("\n".join(line for (line,) in cursor.fetchall()))


if __name__ == "__main__":
    main()
