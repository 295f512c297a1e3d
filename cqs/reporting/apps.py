from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "cqs.reporting"
    verbose_name = "Hệ thống thông tin báo cáo"
