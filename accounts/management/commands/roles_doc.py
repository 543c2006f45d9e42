from django.core.management.base import BaseCommand, CommandError

from accounts.matrix import DOC_PATH, document


class Command(BaseCommand):
    help = "Viết lại docs/roles.md từ accounts/policy.py (--check: chỉ kiểm tra)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="báo lỗi nếu tệp đã cũ")

    def handle(self, *args, check=False, **options):
        text = document()
        if check:
            if DOC_PATH.read_text(encoding="utf-8") != text:
                raise CommandError("docs/roles.md đã cũ: chạy manage.py roles_doc.")
            self.stdout.write("docs/roles.md khớp với accounts/policy.py.")
            return
        DOC_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"Đã viết {DOC_PATH}.")
