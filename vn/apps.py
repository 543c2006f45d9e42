from django.apps import AppConfig


class VnConfig(AppConfig):
    name = "vn"
    verbose_name = "Tiếng Việt"
