"""manage.py extract_article FILE...: one JSON record per article file, one per line.

The record has exactly the keys of ``news.extractor.FIELDS``. A file may hold the
article's text or the page's HTML; ``-`` reads standard input.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from news.extract.evaluation import MAX_FILE_BYTES, read_article
from news.extractor import extract


class Command(BaseCommand):
    help = (
        "Đọc bài viết (văn bản hoặc HTML) và in một bản ghi JSON cho mỗi tệp, mỗi dòng một bản ghi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="tệp bài viết; - là stdin")

    def handle(self, *args, **options) -> None:
        failed = []
        for name in options["files"]:
            try:
                if name == "-":
                    raw = sys.stdin.buffer.read(MAX_FILE_BYTES)
                    text = raw.decode("utf-8", errors="replace")
                else:
                    text = read_article(Path(name))
            except OSError as error:
                self.stderr.write(f"{name}: không đọc được tệp ({error.strerror or error})")
                failed.append(name)
                continue
            self.stdout.write(json.dumps(extract(text), ensure_ascii=False))
        if failed:
            raise CommandError(f"Không đọc được {len(failed)} tệp: {', '.join(failed)}")
