"""manage.py evaluate_extractor: score the news extractor.

Without arguments, three sets side by side (see ``bench/README.md``):

- samples: the five sample articles (``shared/samples/articles/gold.jsonl``, or their
  copies in ``news/tests/fixtures/articles``);
- development and test: the labelled real articles in ``corpus/articles/dev/*.jsonl`` and
  ``corpus/articles/test/*.jsonl``, each line an article with its ``source`` and ``text``.
  When a part is absent the command says so and leaves its column empty.

The mismatches of the samples and of the development part follow the table; the test
part's stay hidden (``--show-test-errors`` prints them), so that nobody tunes the rules
on it.

``--split`` divides ``corpus/articles/all.jsonl`` once, by a seeded shuffle, into the two
parts, and refuses when they exist already.

``evaluate_extractor LABELS.jsonl [--articles DIR]`` scores one label file as before: each
label's ``id`` is the stem of an article file in DIR (``.txt``, ``.html`` or ``.htm``).
The exit status is 0 whatever the scores.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from news.extract.evaluation import (
    Report,
    load_corpus,
    load_labels,
    render,
    render_summary,
    score,
    split,
)
from news.extractor import extract

SAMPLES = (
    Path(settings.BASE_DIR).parent / "shared" / "samples" / "articles",
    Path(settings.BASE_DIR) / "news" / "tests" / "fixtures" / "articles",
)
CORPUS = Path(settings.BASE_DIR) / "corpus" / "articles"


class Command(BaseCommand):
    help = "Chấm điểm bộ trích xuất tin bài theo từng trường so với nhãn (JSONL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("labels", type=Path, metavar="LABELS.jsonl", nargs="?")
        parser.add_argument(
            "--articles",
            type=Path,
            metavar="DIR",
            help="thư mục chứa các bài viết (mặc định: thư mục của tệp nhãn)",
        )
        parser.add_argument(
            "--corpus",
            type=Path,
            default=CORPUS,
            metavar="DIR",
            help="thư mục kho bài viết thật (all.jsonl, dev/, test/)",
        )
        parser.add_argument(
            "--samples", type=Path, metavar="DIR", help="thư mục bài mẫu có gold.jsonl"
        )
        parser.add_argument(
            "--split", action="store_true", help="chia all.jsonl một lần thành dev/ và test/"
        )
        parser.add_argument(
            "--show-test-errors", action="store_true", help="in cả các lỗi trên phần kiểm tra"
        )

    def handle(self, *args, **options) -> None:
        if options["split"]:
            return self._split(options["corpus"])
        if options["labels"] is not None:
            return self._one(options["labels"], options["articles"])
        return self._three(options)

    def _one(self, labels_path: Path, directory: Path | None) -> None:
        directory = directory or labels_path.parent
        if not labels_path.is_file():
            raise CommandError(f"Không có tệp nhãn {labels_path}")
        if not directory.is_dir():
            raise CommandError(f"Không có thư mục bài viết {directory}")
        try:
            labels = load_labels(labels_path)
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(render(score(labels, directory, extract)))

    def _three(self, options) -> None:
        samples_dir = options["samples"] or next(
            (d for d in SAMPLES if (d / "gold.jsonl").is_file()), None
        )
        columns: dict[str, Report | None] = {}
        if samples_dir is None or not (samples_dir / "gold.jsonl").is_file():
            raise CommandError("Không tìm thấy bài mẫu (gold.jsonl).")
        try:
            columns["samples"] = score(
                load_labels(samples_dir / "gold.jsonl"), samples_dir, extract
            )
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from None
        corpus: Path = options["corpus"]
        absent = []
        for part, name in (("dev", "development"), ("test", "test")):
            directory = corpus / part
            try:
                articles = load_corpus(directory) if directory.is_dir() else []
            except (ValueError, UnicodeDecodeError) as error:
                raise CommandError(str(error)) from None
            if not articles:
                absent.append(f"{directory}/*.jsonl")
                columns[name] = None
                continue
            columns[name] = score(articles, directory, extract)
        self.stdout.write(render_summary(columns))
        if absent:
            self.stdout.write(
                "\nNo real-article corpus at "
                + " and ".join(absent)
                + ": only the samples were scored. Collect and label the articles, then run "
                "`manage.py evaluate_extractor --split` once (bench/README.md)."
            )
        shown = ["samples", "development"] + (["test"] if options["show_test_errors"] else [])
        for name in shown:
            report = columns.get(name)
            if report is None:
                continue
            self.stdout.write(f"\n## {name}\n\n{render(report)}")
            for written, wanted, got in report.symbol_misses:
                self.stdout.write(f"- symbol {written!r}: expected {wanted!r}, got {got!r}")

    def _split(self, corpus: Path) -> None:
        source = corpus / "all.jsonl"
        dev, test = corpus / "dev", corpus / "test"
        if any(d.is_dir() and any(d.glob("*.jsonl")) for d in (dev, test)):
            raise CommandError(
                f"{dev} hoặc {test} đã có: kho chỉ được chia một lần, không chia lại."
            )
        if not source.is_file():
            raise CommandError(f"Không có tệp {source}")
        try:
            articles = load_corpus(corpus)
            development, testing = split(articles)
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from None
        for directory, part in ((dev, development), (test, testing)):
            directory.mkdir(parents=True, exist_ok=True)
            lines = [json.dumps(row, ensure_ascii=False) for row in part]
            (directory / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.stdout.write(
            f"{len(development)} bài cho phần phát triển ({dev}), "
            f"{len(testing)} bài cho phần kiểm tra ({test})."
        )
