"""manage.py daily_jobs: the once-a-day work, for cron (or a systemd timer) to run at
dawn: tasks past their deadline become Quá hạn, recurring tasks start their new period,
reminders are sent and overdue tasks are raised to the level above. Running it twice
sends nothing twice. `--enqueue` hands it to the worker instead of running it here."""

from django.core.management.base import BaseCommand

from programmes.tasks import daily


class Command(BaseCommand):
    help = "Chạy các việc hằng ngày: cập nhật tình trạng nhiệm vụ, nhắc việc, báo cáo cấp trên."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày chạy (YYYY-MM-DD), mặc định hôm nay.")
        parser.add_argument("--enqueue", action="store_true", help="Giao cho tiến trình worker.")

    def handle(self, *args, date=None, enqueue=False, **options):
        if enqueue:
            result = daily.enqueue(date)
            self.stdout.write(f"Đã giao việc hằng ngày cho worker ({result.id}).")
            return
        counts = daily.call(date)
        self.stdout.write(
            "Đã chuyển {moved} nhiệm vụ; nhắc trước hạn {before}, nhắc quá hạn {after}, "
            "báo cáo cấp trên {escalated}; {emails} thư.".format(**counts)
        )
