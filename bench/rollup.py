"""Server time and SQL queries of a campaign's roll-up page on a seeded database.

Adds (once; kept for later runs) a campaign of the root with one conference per grassroots
unit and attendance marks for about 90 % of the members, written with bulk_create and then
counted into the tallies by tally_rebuild(), plus a few make-up briefings. Then, in-process
with the test Client logged in as "vanphong", times the roll-up page of the root, of
bithu's grassroots committee and of one of its cells, and the roll-up API of the root:
`--warmup` untimed requests, then `--runs` timed ones each. Every database given (by
default the 500k and, if it exists, the 100k one from bench/seed.py --keep) is measured in
its own process, so that the query counts can be compared.
Usage: .venv/bin/python bench/rollup.py [--database-url postgres://…/nghiquyet_bench_500k]
"""

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time

from harness import REPO, configure, exists, machine_busy, p95, say

DEFAULT_URLS = [
    "postgres://postgres@127.0.0.1:5432/nghiquyet_bench_500k",
    "postgres://postgres@127.0.0.1:5432/nghiquyet_bench_100k",
]
TITLE = "Học tập Nghị quyết 25-NQ/TU (bench/rollup.py)"
SYMBOL = "25-NQ/TU"
MARKED = 0.90  # share of members with a mark
# Of the marked: present, left early, absent with a reason, absent without.
MIX = [("present", 0.88), ("left_early", 0.03), ("absent_excused", 0.06)]
REASONS = ["Ốm đau", "Đi công tác", "Việc gia đình", "Đi học tập trung"]
MAKEUPS = 12  # cells whose absentees get a make-up briefing; two thirds confirmed
BATCH = 5000
HEADER = (
    "| members | request | URL | median ms | p95 ms | CPU ms (median) | SQL ms (median) "
    "| SQL queries |"
)
RULE = "|--:|---|---|--:|--:|--:|--:|--:|"


def status_of(rng: random.Random) -> str:
    roll = rng.random()
    for status, share in MIX:
        if roll < share:
            return status
        roll -= share
    return "absent_unexcused"


def campaign_prepare(seed: int):
    """The bench campaign, created with its conferences, marks, tallies and make-ups on the
    first run (in one transaction), found again on later runs."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from campaigns.models import Campaign
    from campaigns.services import campaign_create
    from conferences import services
    from conferences.models import Attendance, Channel, Format, Status
    from documents.models import Document, Kind
    from documents.services import document_register
    from organizations.models import Organization

    found = Campaign.objects.filter(title=TITLE).first()
    if found is not None:
        say(f"== campaign {found.pk} already prepared")
        return found

    started = time.perf_counter()
    rng = random.Random(f"{seed}:rollup")
    root = Organization.objects.get_root_nodes().get()
    actor = User.objects.get(username="tuyengiao")
    now = timezone.now()
    held = now - dt.timedelta(days=7)
    with transaction.atomic():
        document = Document.objects.filter(owner=root, symbol_raw=SYMBOL).first()
        if document is None:
            document = document_register(
                actor,
                owner=root,
                symbol_raw=SYMBOL,
                kind=Kind.RESOLUTION,
                issuer_name=root.name,
                issued_on=dt.date(2025, 11, 1),
                term=20,
                title="Về xây dựng tổ chức cơ sở đảng trong sạch, vững mạnh",
            )
        campaign = campaign_create(
            actor,
            owner=root,
            documents=[document],
            title=TITLE,
            conference_deadline=timezone.localdate() + dt.timedelta(days=30),
        )
        grassroots = Organization.objects.filter(depth=2).open_now().order_by("path")
        conferences = [
            services.conference_create(
                actor,
                campaign,
                organizer=unit,
                title=f"Hội nghị học tập Nghị quyết {SYMBOL} — {unit.name}",
                starts_at=held,
                format=Format.IN_PERSON,
                venue=f"Hội trường {unit.name}",
            )
            for unit in grassroots
        ]
        say(f"  {len(conferences)} conferences ({time.perf_counter() - started:.1f} s)")

        marks = 0
        for conference in conferences:
            point = conference.bridge_points.get()
            due = services.report_due_after(conference)
            rows = []
            members = services.roster(point).values_list("pk", "organization_id", "status")
            for member_id, unit_id, member_status in members.iterator(chunk_size=BATCH):
                if rng.random() >= MARKED:
                    continue
                status = status_of(rng)
                rows.append(
                    Attendance(
                        campaign=campaign,
                        conference=conference,
                        bridge_point=point,
                        member_id=member_id,
                        organization_id=unit_id,
                        required=campaign.requires(member_status),
                        online=point.online,
                        status=status,
                        reason=rng.choice(REASONS) if status == Status.ABSENT_EXCUSED else "",
                        channel=Channel.QR if rng.random() < 0.6 else Channel.ROSTER,
                        report_due=due,
                        marked_by=actor,
                        marked_at=held + dt.timedelta(minutes=rng.randrange(90)),
                    )
                )
            Attendance.objects.bulk_create(rows, batch_size=BATCH)
            marks += len(rows)
        say(f"  {marks:,} marks ({time.perf_counter() - started:.1f} s)")
        changed = services.tally_rebuild([campaign.pk])
        say(f"  tally_rebuild wrote {changed:,} rows ({time.perf_counter() - started:.1f} s)")

        cells = Organization.objects.filter(level__holds_members=True, member_count__gte=10)
        chosen = rng.sample(sorted(cells.open_now().values_list("pk", flat=True)), MAKEUPS)
        cells = list(Organization.objects.filter(pk__in=chosen).order_by("path"))
        confirmed = 0
        for i, cell in enumerate(cells):
            missed = list(services.absentees(campaign, cell).select_related("conference"))
            if not missed:
                continue
            makeup = services.makeup_create(
                actor,
                campaign,
                cell,
                held_on=timezone.localdate() - dt.timedelta(days=2),
                venue=f"Nhà văn hóa {cell.name}",
                marks=missed,
            )
            if i % 3:
                confirmed += services.makeup_confirm(
                    actor, makeup, [mark.pk for mark in missed[: max(1, len(missed) - 1)]]
                )
        say(f"  {len(cells)} make-ups, {confirmed} members made up")
        again = services.tally_rebuild([campaign.pk])
        say(f"  tally_rebuild after the make-ups: {again} corrections")
    say(f"== campaign {campaign.pk} prepared in {time.perf_counter() - started:.1f} s")
    return campaign


def measure(args) -> tuple[list[tuple], list[str]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import ApiToken, Role, RoleGrant, User
    from members.models import Member
    from organizations.models import Organization

    campaign = campaign_prepare(args.seed)
    with connection.cursor() as cursor:  # plan like a settled database, as bench/seed.py does
        cursor.execute(
            "ANALYZE conferences_attendance, conferences_tally, conferences_conference,"
            " conferences_bridgepoint, conferences_makeup"
        )
    members = Member.objects.count()
    ward = RoleGrant.objects.get(user__username="bithu", role=Role.COMMITTEE).organization
    cell = (
        Organization.objects.filter(path__startswith=ward.path, level__holds_members=True)
        .open_now()
        .order_by("path")
        .first()
    )
    page = reverse("conferences:rollup", kwargs={"campaign_pk": campaign.pk})
    user = User.objects.get(username="vanphong")
    ApiToken.objects.filter(user=user, name="bench/rollup.py").delete()
    _token, raw = ApiToken.issue(user, "bench/rollup.py")
    pages = [
        ("page, root", page, {}),
        (
            f"page, bithu's grassroots committee ({Organization.objects.member_total(ward):,})",
            f"{page}?unit={ward.pk}",
            {},
        ),
        (
            f"page, a cell ({Organization.objects.member_total(cell):,})",
            f"{page}?unit={cell.pk}",
            {},
        ),
        (
            "API, root",
            f"/api/v1/campaigns/{campaign.pk}/rollup",
            {"HTTP_AUTHORIZATION": f"Bearer {raw}"},
        ),
    ]
    client = Client()
    client.force_login(user)
    say(
        f"{members:,} members, {Organization.objects.count():,} units, "
        f"{connection.vendor} {connection.settings_dict['NAME']}; "
        f"{args.runs} runs after {args.warmup} warm-ups"
    )
    rows, slowest = [], []
    busy, own, wall = machine_busy(), time.process_time(), time.monotonic()
    for label, url, headers in pages:
        for _ in range(args.warmup):
            assert client.get(url, **headers).status_code == 200, url
        times, cpu_times, sql_times, queries = [], [], [], set()
        for _ in range(args.runs):
            spent: list[float] = []  # seconds, one per statement, in order

            def timed(execute, sql, params, many, context, spent=spent):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    spent.append(time.perf_counter() - started)

            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
                started, cpu = time.perf_counter(), time.process_time()
                response = client.get(url, **headers)
                elapsed = (time.perf_counter() - started) * 1000
                # This process's CPU: what a crowded machine does not inflate.
                cpu_times.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            times.append(elapsed)
            sql_times.append(sum(spent) * 1000)
            queries.add(len(captured))
        count = min(queries) if len(queries) == 1 else f"{min(queries)}–{max(queries)}"
        median, high, sql_ms = statistics.median(times), p95(times), statistics.median(sql_times)
        cpu_ms = statistics.median(cpu_times)
        rows.append((members, label, url, median, high, cpu_ms, sql_ms, count))
        timings = zip(spent, captured.captured_queries, strict=True)
        slowest.append((url, max(timings, key=lambda pair: pair[0])))
    cores = (time.monotonic() - wall) * (os.cpu_count() or 1)
    say(
        f"machine CPU busy while timing: {(machine_busy() - busy) / cores:.0%} of "
        f"{os.cpu_count()} cores, this process {(time.process_time() - own) / cores:.0%} "
        "(the rest is postgres, or another job disturbing the figures)"
    )
    ApiToken.objects.filter(user=user, name="bench/rollup.py").delete()

    explained = []
    if args.explain:
        for url, (seconds, query) in slowest:
            lines = [f"\n### {members:,} members, {url}: slowest query, {seconds * 1000:.1f} ms\n"]
            lines.append(query["sql"])
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                lines.append("")
                lines.extend(line for (line,) in cursor.fetchall())
            explained.append("\n".join(lines))
    return rows, explained


def print_rows(rows) -> None:
    for members, label, url, median, high, cpu_ms, sql_ms, count in rows:
        print(
            f"| {members:,} | {label} | `{url}` | {median:.1f} | {high:.1f} | {cpu_ms:.1f} "
            f"| {sql_ms:.0f} | {count} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        action="append",
        help="a seeded database (repeatable); default the 500k and 100k bench databases",
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest query"
    )
    parser.add_argument("--rows-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    urls = args.database_url or DEFAULT_URLS

    if len(urls) == 1:
        configure(urls[0])
        rows, explained = measure(args)
        if not args.rows_only:
            print(HEADER)
            print(RULE)
        print_rows(rows)
        for text in explained:
            print(text)
        return

    # One process per database: Django is configured once per process.
    print(HEADER)
    print(RULE, flush=True)
    explained = []
    for url in urls:
        if not exists(url):
            say(f"== {url} does not exist: skipped (bench/seed.py --sizes … --keep makes it)")
            continue
        say(f"== {url}")
        command = [sys.executable, __file__, "--database-url", url, "--rows-only"]
        command += ["--runs", str(args.runs), "--warmup", str(args.warmup)]
        command += ["--seed", str(args.seed)] + (["--explain"] if args.explain else [])
        out = subprocess.run(command, check=True, cwd=REPO, stdout=subprocess.PIPE, text=True)
        table, _, rest = out.stdout.partition("\n\n")
        print(table.rstrip("\n"), flush=True)
        if rest:
            explained.append("\n" + rest.rstrip("\n"))
    for text in explained:
        print(text)


if __name__ == "__main__":
    main()
