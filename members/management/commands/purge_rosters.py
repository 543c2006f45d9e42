"""manage.py purge_rosters: delete uploaded roster files once they are no longer needed.

Roster files hold personal data of every member in them. After an import is applied or
has failed, or a dry run was left unapplied for longer than the retention period, the
file is deleted; the import's record, counts and row outcomes stay. Run it daily (cron).
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django.utils import timezone

from members.models import RosterImport
from members.roster import FOLDER, parsed_file
from nghiquyet.uploads import private_file

State = RosterImport.State


class Command(BaseCommand):
    help = "Xóa tệp danh sách đã nhập xong (hoặc bỏ dở) quá số ngày lưu giữ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="số ngày lưu giữ (mặc định 30)")

    def handle(self, *args, **options) -> None:
        cutoff = timezone.now() - dt.timedelta(days=max(options["days"], 0))
        done = Q(state__in=[State.APPLIED, State.FAILED], finished_at__lt=cutoff)
        abandoned = Q(state=State.CHECKED, created_at__lt=cutoff)
        purged = 0
        for record in RosterImport.objects.filter(done | abandoned).exclude(stored_path=""):
            path = private_file(record.stored_path, FOLDER)
            if path is not None:
                parsed_file(path).unlink(missing_ok=True)
                path.unlink()
            RosterImport.objects.filter(pk=record.pk).update(stored_path="")
            purged += 1
        self.stdout.write(f"Đã xóa {purged} tệp danh sách.")
