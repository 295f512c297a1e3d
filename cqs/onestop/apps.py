from django.apps import AppConfig


class OnestopConfig(AppConfig):
    name = "cqs.onestop"
    verbose_name = "Một cửa điện tử"
