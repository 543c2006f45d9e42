import multiprocessing

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from campaigns.models import Campaign
from reports import copies


def _work(rebuild_pk: int, rest: float) -> None:
    # A forked child must open its own connection, never share the parent's socket.
    connections.close_all()
    copies.rebuild_work(rebuild_pk, rest=rest)
    connections.close_all()


class Command(BaseCommand):
    help = (
        "Dựng lại chỉ mục so sánh bài thu hoạch của một đợt (dấu, cặp bài, cờ), tiếp tục"
        " lần dựng còn dở nếu có."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, help="mã đợt học tập")
        parser.add_argument(
            "--workers", type=int, default=1, help="số tiến trình cùng làm (PostgreSQL)"
        )
        parser.add_argument(
            "--batch", type=int, default=copies.BATCH, help="số bài mỗi lô (mỗi giao dịch)"
        )
        parser.add_argument(
            "--rest", type=float, default=0.0, help="số giây nghỉ giữa hai lô của một tiến trình"
        )

    def handle(self, *args, campaign, workers=1, batch=copies.BATCH, rest=0.0, **options):
        found = Campaign.objects.filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"Không có đợt học tập {campaign}.")
        # SQLite serialises writers: more processes would only wait on each other.
        workers = max(1, workers) if connection.vendor == "postgresql" else 1
        rebuild = copies.rebuild_start(found, workers=workers, batch=batch)
        if workers == 1:
            copies.rebuild_work(rebuild.pk, rest=rest)
        else:
            connections.close_all()
            context = multiprocessing.get_context("fork")
            children = [
                context.Process(target=_work, args=(rebuild.pk, rest)) for _ in range(workers)
            ]
            for child in children:
                child.start()
            for child in children:
                child.join()
            failed = [child.exitcode for child in children if child.exitcode]
            if failed:
                raise CommandError(f"Tiến trình dừng với mã {failed}; chạy lại để làm tiếp.")
        rebuild.refresh_from_db()
        self.stdout.write(
            f"Đợt {campaign}: {rebuild.reports} bài, {rebuild.batches} lô, {rebuild.phase}."
        )
