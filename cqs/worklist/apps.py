from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "cqs.worklist"
    verbose_name = "Theo dõi nhiệm vụ"
