"""manage.py drain_submissions: apply the learning-report submissions waiting in the
inbox, in batches.

Runs until stopped (scripts/run.sh and `make worker` start one beside the task worker);
several may run at once on PostgreSQL, each taking a batch the others skip. `--once`
drains what is waiting and stops.
"""

import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from reports.inbox import BATCH, submission_drain

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Ghi nhận các bài thu hoạch đang chờ, theo từng lô."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help="số bài mỗi lô")
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
                rows = submission_drain(options["batch"])
            except DatabaseError:
                # The batch was rolled back and waits for the next try (a deadlock, a
                # lost connection); the loop goes on.
                logger.exception("submission batch failed; its rows wait for the next one")
                close_old_connections()
                time.sleep(options["interval"])
                continue
            drained += len(rows)
            if len(rows) >= options["batch"]:
                continue  # more are waiting
            if not rows and options["once"]:
                break
            # A short batch means the queue is empty or nearly: let arrivals gather, so
            # that a burst is applied in batches, not one report per transaction.
            close_old_connections()
            time.sleep(options["interval"])
        self.stdout.write(f"Đã xử lý {drained} bài thu hoạch.")
