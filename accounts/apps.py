from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tài khoản và phân quyền"

    def ready(self):
        from accounts import front_tokens, signins  # noqa: F401  (connect their receivers)
