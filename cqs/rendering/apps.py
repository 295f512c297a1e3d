from django.apps import AppConfig


class RenderingConfig(AppConfig):
    name = "cqs.rendering"
    verbose_name = "Trình bày văn bản"
