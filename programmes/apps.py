from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Chương trình hành động, nhiệm vụ, đôn đốc, kiểm tra"
