from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhenggai.accounts"
    label = "accounts"

    def ready(self) -> None:
        from zhenggai.accounts import signals  # noqa: F401
