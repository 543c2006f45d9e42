"""manage.py seed_demo: a synthetic city tree with members and demo logins."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.demo import ROOT_NAME, DemoError, demo_build
from organizations.models import Organization
from vn.formats import format_int


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mẫu: cây tổ chức của một thành ủy, đảng viên và tài khoản demo. "
        "Cùng --seed và --members cho ra cùng dữ liệu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=2_000, help="số đảng viên")
        parser.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên")
        parser.add_argument(
            "--reset", action="store_true", help="xóa dữ liệu cũ (trừ superuser) trước khi tạo"
        )
        parser.add_argument("--no-users", action="store_true", help="không tạo tài khoản demo")
        parser.add_argument("--root-name", default=ROOT_NAME, help="tên đơn vị gốc")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="không làm gì nếu đã có dữ liệu (dùng cho make run)",
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Organization.objects.exists():
            self.stdout.write("Đã có dữ liệu: giữ nguyên, không tạo dữ liệu mẫu.")
            return
        try:
            summary = demo_build(
                options["members"],
                options["seed"],
                root_name=options["root_name"],
                reset=options["reset"],
                users=not options["no_users"],
                stdout=self.stdout,
            )
        except DemoError as error:
            raise CommandError(str(error)) from error
        if summary.logins:
            from accounts.models import RoleGrant
            from conferences.demo import demo_campaign

            ward = RoleGrant.objects.get(user__username="bithu").organization
            from reports.demo import demo_reports

            campaign = demo_campaign(Organization.objects.get(pk=summary.root_pk), ward)
            reports = demo_reports(campaign)
            self.stdout.write(
                f"Đợt học tập mẫu: {campaign.title} (hội nghị của {ward.name}, "
                f"{format_int(reports)} bài thu hoạch)."
            )
            from news.demo import demo_news

            news = demo_news(campaign, ward)
            self.stdout.write(f"Trang tin: {format_int(len(news))} tin đã đăng.")

        out = self.stdout
        rate = summary.members / summary.seconds if summary.seconds else 0
        out.write(self.style.SUCCESS(f"Xong sau {summary.seconds:.1f} giây (seed {summary.seed})."))
        out.write("")
        out.write(f"{'Cấp':<24} {'Số đơn vị':>10}")
        for level, count in summary.units_by_level:
            out.write(f"{level:<24} {format_int(count):>10}")
        out.write(f"{'Tổng':<24} {format_int(summary.units):>10}")
        speed = format_int(round(rate))
        out.write(f"Đảng viên: {format_int(summary.members)} ({speed} đảng viên/giây)")
        if summary.logins:
            out.write("")
            out.write("Tài khoản demo:")
            out.write(f"{'Tên đăng nhập':<16} {'Mật khẩu':<18} {'Vai trò':<18} Đơn vị")
            for login in summary.logins:
                out.write(
                    f"{login.username:<16} {login.password:<18} {login.role:<18} {login.unit}"
                )
                if login.does:
                    out.write(f"{'':<16} {login.does}")
