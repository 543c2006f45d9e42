from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Báo cáo định kỳ và bảng điều khiển"
