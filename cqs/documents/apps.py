from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cqs.documents"
    verbose_name = "Quản lý văn bản và điều hành"
