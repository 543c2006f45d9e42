"""manage.py evaluate_extractor LABELS.jsonl --articles DIR: score the news extractor.

Each label's ``id`` is the stem of an article file in DIR (``.txt``, ``.html`` or
``.htm``). Prints a per-field table (exact matches; precision, recall and F1 for the list
fields) and every mismatch by article. The exit status is 0 whatever the scores.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from news.extract.evaluation import load_labels, render, score
from news.extractor import extract


class Command(BaseCommand):
    help = "Chấm điểm bộ trích xuất tin bài theo từng trường so với nhãn (JSONL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("labels", type=Path, metavar="LABELS.jsonl")
        parser.add_argument(
            "--articles",
            type=Path,
            metavar="DIR",
            help="thư mục chứa các bài viết (mặc định: thư mục của tệp nhãn)",
        )

    def handle(self, *args, **options) -> None:
        labels_path: Path = options["labels"]
        directory: Path = options["articles"] or labels_path.parent
        if not labels_path.is_file():
            raise CommandError(f"Không có tệp nhãn {labels_path}")
        if not directory.is_dir():
            raise CommandError(f"Không có thư mục bài viết {directory}")
        try:
            labels = load_labels(labels_path)
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(render(score(labels, directory, extract)))
