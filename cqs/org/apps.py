from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "cqs.org"
    verbose_name = "Tổ chức"
