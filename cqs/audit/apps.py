from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cqs.audit"
    verbose_name = "Nhật ký kiểm toán"
