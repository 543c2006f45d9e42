"""manage.py rebuild_tallies: recount attendance figures from the marks.

The figures are kept by the services in the same transaction as every mark; this is the
check (and the repair) for them, e.g. after restoring a backup or a manual SQL fix.
"""

from django.core.management.base import BaseCommand, CommandParser

from conferences.services import tally_rebuild


class Command(BaseCommand):
    help = "Đếm lại số liệu điểm danh (theo đợt, đơn vị và điểm cầu) từ các lượt điểm danh."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaign", type=int, help="chỉ đếm lại một đợt học tập")

    def handle(self, *args, **options) -> None:
        campaign = options.get("campaign")
        changed = tally_rebuild([campaign] if campaign else None)
        self.stdout.write(f"Đã sửa {changed} dòng số liệu." if changed else "Số liệu đã khớp.")
