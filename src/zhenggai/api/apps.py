from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zhenggai.api"
    label = "api"
    verbose_name = "API"
