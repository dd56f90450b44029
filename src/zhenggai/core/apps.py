from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide commands (demo, serve) and shared helpers."""

    name = "zhenggai.core"
    label = "core"
