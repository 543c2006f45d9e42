"""The command loop shared by the inbox drains (`drain_checkins`, `drain_submissions`).

Runs until stopped (scripts/run.sh and `make worker` start one of each beside the task
worker); several may run at once on PostgreSQL, each taking a batch the others skip.
`--once` drains what is waiting and stops.
"""

import logging
import signal
import time
from collections.abc import Callable, Sized

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections

logger = logging.getLogger(__name__)


class DrainCommand(BaseCommand):
    """A subclass names `drain(limit) -> rows applied`, its `batch` size and the words
    of its help and its closing line (`unit`: what one row is, e.g. "lượt điểm danh")."""

    drain: Callable[[int], Sized]  # a staticmethod
    batch: int
    unit: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=self.batch, help="số dòng mỗi lô")
        parser.add_argument(
            "--interval", type=float, default=0.2, help="giây chờ khi hàng đợi trống"
        )
        parser.add_argument("--once", action="store_true", help="ghi hết hàng đợi rồi dừng")

    def handle(self, *args, **options) -> None:
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        drained = 0
        while not stopping:
            try:
                rows = self.drain(options["batch"])
            except DatabaseError as error:
                # The batch was rolled back and waits for the next try (a deadlock, a
                # lost connection); the loop goes on, but `--once` is asked to finish.
                if options["once"]:
                    raise CommandError(f"Lô bị hủy, các dòng vẫn chờ: {error}") from error
                logger.exception("%s: batch failed; its rows wait for the next one", self.unit)
                close_old_connections()
                time.sleep(options["interval"])
                continue
            drained += len(rows)
            if len(rows) >= options["batch"]:
                continue  # more are waiting
            if not rows and options["once"]:
                break
            # A short batch means the queue is empty or nearly: let arrivals gather, so
            # that a burst is applied in batches of hundreds, not one row per transaction.
            close_old_connections()
            time.sleep(options["interval"])
        self.stdout.write(f"Đã xử lý {drained} {self.unit}.")
