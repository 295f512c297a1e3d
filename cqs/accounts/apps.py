from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cqs.accounts"
    verbose_name = "Tài khoản"
