from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "cqs.notify"
    verbose_name = "Thông báo"
