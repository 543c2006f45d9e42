"""News extraction figures: throughput of ``news.extractor.extract`` and its scores.

Usage: .venv/bin/python bench/extraction.py [--rounds 40] [--runs 5]

1. Throughput: the five sample articles (``shared/samples/articles``, or their copies in
   ``news/tests/fixtures/articles``), the suite's own fixture articles and the real
   articles of ``corpus/articles`` when they have been collected, all extracted in
   turn, ``--rounds`` times; articles per second and MB per second, median and best of
   ``--runs``. Then the time of one 10 MB paste of three kinds (the extractor reads only
   its start).
2. Field-by-field scores on the five samples against their ``gold.jsonl``, and on the
   fixture articles against ``extra.jsonl`` (same scoring as
   ``manage.py evaluate_extractor``).

No database is needed. The Markdown tables go to stdout; progress goes to stderr.
"""

import argparse
import statistics
import sys
import time

from harness import REPO, say

SHARED = REPO.parent / "shared" / "samples" / "articles"
FIXTURES = REPO / "news" / "tests" / "fixtures" / "articles"


def articles() -> tuple[list[tuple[str, str]], int]:
    """(name, text) of every article, the samples first; and how many samples there are."""
    from news.extract.evaluation import ARTICLE_SUFFIXES, read_article

    samples = SHARED if SHARED.is_dir() else FIXTURES
    found = [(p.name, read_article(p)) for p in sorted(samples.glob("*.txt"))[:5]]
    count = len(found)
    own = sorted(p for p in FIXTURES.iterdir() if p.suffix in ARTICLE_SUFFIXES and p.name[0] != "0")
    found += [(p.name, read_article(p)) for p in own]
    found += corpus()
    return found, count


def corpus() -> list[tuple[str, str]]:
    """The real articles of ``corpus/articles`` (all parts), when they have been collected."""
    from news.extract.evaluation import load_corpus

    folder = REPO / "corpus" / "articles"
    parts = [folder / "dev", folder / "test"] if (folder / "dev").is_dir() else [folder]
    rows = [row for part in parts if part.is_dir() for row in load_corpus(part)]
    if not rows:
        say("no real-article corpus in corpus/articles: timing the samples and fixtures only")
    return [(row["id"], row["text"]) for row in rows]


def throughput(rounds: int, runs: int) -> None:
    from news.extractor import extract

    texts, samples = articles()
    size_mb = sum(len(text.encode()) for _, text in texts) * rounds / 1e6
    for _, text in texts:
        extract(text)  # compile the patterns, fill the caches
    timings, cpu = [], []
    for run in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        for _ in range(rounds):
            for _, text in texts:
                extract(text)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        say(f"run {run + 1}/{runs}: {timings[-1]:.2f} s, {cpu[-1]:.2f} s of CPU")
    count = len(texts) * rounds
    median, best = statistics.median(timings), min(timings)
    print(f"{samples} samples + {len(texts) - samples} other articles × {rounds} rounds")
    print()
    # On a shared machine the wall clock counts other jobs' turns too; the CPU time of
    # this process is the extractor's own cost.
    cpu_median = statistics.median(cpu)
    print(
        "| articles | MB | median s | articles/s (median) | articles/s (best) | MB/s (median) "
        "| articles per CPU-second (median) |"
    )
    print("|--:|--:|--:|--:|--:|--:|--:|")
    print(
        f"| {count:,} | {size_mb:.1f} | {median:.2f} | {count / median:,.0f} | "
        f"{count / best:,.0f} | {size_mb / median:.2f} | {count / cpu_median:,.0f} |"
    )
    print()
    html = next(text for name, text in texts if name.endswith(".html"))
    print("| one paste of 10 MB | characters | seconds |")
    print("|---|--:|--:|")
    for what, piece in [
        ("a sample article repeated", texts[0][1] + "\n"),
        ("an HTML page repeated", html),
        ("`<div>` repeated (the HTML reader's worst case)", "<div>"),
    ]:
        paste = piece * (10_000_000 // len(piece) + 1)
        start = time.perf_counter()
        extract(paste)
        print(f"| {what} | {len(paste):,} | {time.perf_counter() - start:.3f} |")
    print()


def scores() -> None:
    from news.extract.evaluation import load_labels, render, score
    from news.extractor import extract

    samples = SHARED if (SHARED / "gold.jsonl").is_file() else FIXTURES
    for title, labels, directory in [
        (f"Five samples ({samples.relative_to(REPO.parent)})", samples / "gold.jsonl", samples),
        ("Fixture articles of the suite (extra.jsonl)", FIXTURES / "extra.jsonl", FIXTURES),
    ]:
        print(f"{title}:")
        print()
        print(render(score(load_labels(labels), directory, extract)))
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="passes over all articles")
    parser.add_argument("--runs", type=int, default=5, help="timed repetitions")
    options = parser.parse_args()
    sys.path.insert(0, str(REPO))
    throughput(options.rounds, options.runs)
    scores()


if __name__ == "__main__":
    main()
