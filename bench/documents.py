"""Document registry figures: symbol finding speed and accuracy, search latency.

Usage: .venv/bin/python bench/documents.py [--documents 100000] [--engines sqlite,postgresql]

1. Symbol extraction throughput: the five sample articles repeated to 10 MB, MB/s.
2. Precision and recall of the symbol finder against gold.jsonl's `documents`.
3. Search latency (median, p95) over N registered documents with extracted text, on a
   fresh SQLite file under var/bench/ and on a fresh PostgreSQL database (dropped after).
The Markdown tables go to stdout; progress goes to stderr.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from harness import ADMIN_URL, PRODUCTION_LIKE, REPO, database_url, drop, recreate

ARTICLES = REPO.parent / "shared" / "samples" / "articles"
QUERIES = [
    "23-NQ/TU",
    "chuyen doi so",
    "Nghị quyết Hội nghị Trung ương 8 khóa XIII",
    "học tập quán triệt",
    "phat trien kinh te xa hoi",
    "bai thu hoach",
]


def say(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def articles() -> list[tuple[str, dict]]:
    gold = {}
    for line in (ARTICLES / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold[row.get("file") or row.get("id")] = row
    texts = []
    for path in sorted(ARTICLES.glob("*.txt")):
        row = gold.get(path.name) or gold.get(path.stem) or {}
        texts.append((path.read_text(encoding="utf-8"), row))
    return texts


def symbol_figures() -> None:
    from documents.symbols import find_symbols

    samples = articles()
    text = "\n".join(t for t, _ in samples)
    big = (text + "\n") * (10 * 1024 * 1024 // len(text.encode()) + 1)
    size_mb = len(big.encode()) / 1024 / 1024
    find_symbols(big[:10000])
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        found = find_symbols(big)
        runs.append(time.perf_counter() - start)
    best = min(runs)
    print("| text | MB | matches | best of 3 (s) | MB/s |")
    print("|---|--:|--:|--:|--:|")
    print(
        f"| 5 articles × {len(big) // len(text)} | {size_mb:.1f} | {len(found):,} | "
        f"{best:.2f} | {size_mb / best:.1f} |"
    )
    print()
    tp = fp = fn = 0
    print("| article | gold | found | precision | recall |")
    print("|---|--:|--:|--:|--:|")
    for (body, row), path in zip(samples, sorted(ARTICLES.glob("*.txt")), strict=True):
        gold = set(row.get("documents", []))
        got = {m.symbol.canonical for m in find_symbols(body)}
        tp_a, fp_a, fn_a = len(gold & got), len(got - gold), len(gold - got)
        tp, fp, fn = tp + tp_a, fp + fp_a, fn + fn_a
        p = tp_a / (tp_a + fp_a) if tp_a + fp_a else 1.0
        r = tp_a / (tp_a + fn_a) if tp_a + fn_a else 1.0
        print(f"| {path.name} | {len(gold)} | {len(got)} | {p:.2f} | {r:.2f} |")
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    print(f"| all | {tp + fn} | {tp + fp} | {p:.2f} | {r:.2f} |")
    print()


def fill(count: int) -> None:
    """Register `count` documents with extracted text, in bulk (no audit: not user writes)."""
    import datetime as dt

    from documents.models import Document, Kind
    from documents.services import dedupe_key, read_symbol
    from organizations.levels import levels_ensure
    from organizations.models import Organization
    from vn.text import fold_aligned, normalize

    levels = levels_ensure()
    root = Organization.objects.add_root(
        instance=Organization(
            name="Thành ủy Bench",
            name_folded=Organization.folded_name("Thành ủy Bench"),
            code="BENCH",
            level=levels["TU"],
        )
    )
    rng = random.Random(1)
    sentences = [s.strip() for t, _ in articles() for s in t.split(".") if len(s.strip()) > 30]
    kinds = [
        ("NQ", Kind.RESOLUTION),
        ("KH", Kind.PLAN),
        ("CTr", Kind.PROGRAMME),
        ("HD", Kind.GUIDANCE),
        ("CV", Kind.LETTER),
    ]
    topics = [
        "chuyển đổi số",
        "phát triển kinh tế - xã hội",
        "xây dựng Đảng",
        "cải cách hành chính",
        "bảo vệ môi trường",
        "giáo dục đào tạo",
        "an ninh quốc phòng",
        "văn hóa",
    ]
    batch = []
    for i in range(count):
        code, kind = kinds[i % len(kinds)]
        symbol = f"{i // len(kinds) + 1}-{code}/TU"
        title = f"Về {rng.choice(topics)} giai đoạn {2021 + i % 5}–{2025 + i % 5}"
        body = ". ".join(rng.sample(sentences, 6))
        fields = read_symbol(symbol)
        doc = Document(
            kind=kind,
            issuer_name="Thành ủy",
            issued_on=dt.date(2021 + i % 5, 1 + i % 12, 1),
            term=17 + i % 3,
            title=title,
            owner=root,
            **fields,
        )
        if i % 997 == 0:  # a few plenum resolutions for the named-resolution query
            doc.plenum, doc.term = 8, 13
        doc.search_text = normalize("\n".join([doc.symbol, title, body]))
        doc.search_folded = fold_aligned(doc.search_text)
        doc.dedupe_key = dedupe_key(doc)
        batch.append(doc)
        if len(batch) == 5000:
            Document.objects.bulk_create(batch)
            batch = []
            say(f"  {i + 1:,} documents")
    Document.objects.bulk_create(batch)


def latency(count: int, runs: int) -> list[tuple[str, float, float, int]]:
    from django.db import connection

    from documents.models import Document
    from documents.search import search

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE documents_document")
    rows = []
    for query in QUERIES:
        search(Document.objects.all(), query)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            hits = search(Document.objects.all(), query)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        rows.append((query, statistics.median(times), p95, len(hits)))
    return rows


def engine_run(engine: str, count: int, runs: int) -> None:
    """Runs in a child process so each engine gets its own Django settings."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "nghiquyet.settings"
    os.environ.update(PRODUCTION_LIKE)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    fill(count)
    say(f"{engine}: {count:,} documents in {time.perf_counter() - start:.0f} s")
    for query, median, p95, n in latency(count, runs):
        print(f"| {engine} | {count:,} | {query} | {median:.1f} | {p95:.1f} | {n} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    if args.child:
        engine_run(args.child, args.documents, args.runs)
        return

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nghiquyet.settings_test")
    import django

    django.setup()
    symbol_figures()
    print("| engine | documents | query | median ms | p95 ms | hits |")
    print("|---|--:|---|--:|--:|--:|")
    sys.stdout.flush()
    for engine in args.engines.split(","):
        env = {**os.environ, **PRODUCTION_LIKE}
        cleanup = None
        if engine == "sqlite":
            path = REPO / "var" / "bench" / "documents.sqlite3"
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            env["DATABASE_URL"] = f"sqlite:///{path}"
        else:
            name = "nghiquyet_bench_documents"
            recreate(args.admin_url, name)
            env["DATABASE_URL"] = database_url(args.admin_url, name)

            def cleanup(name=name):
                drop(args.admin_url, name)

        try:
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    engine,
                    "--documents",
                    str(args.documents),
                    "--runs",
                    str(args.runs),
                ],
                env=env,
                check=True,
                cwd=REPO,
            )
        finally:
            if cleanup:
                cleanup()


if __name__ == "__main__":
    main()
