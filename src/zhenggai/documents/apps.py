from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "zhenggai.documents"
    label = "documents"
