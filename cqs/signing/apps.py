from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "cqs.signing"
    verbose_name = "Ký số"

    def ready(self) -> None:
        from cqs.signing import checks  # noqa: F401  (registers the key-encryption check)
