from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cqs.portal"
    verbose_name = "Cổng dịch vụ công"
