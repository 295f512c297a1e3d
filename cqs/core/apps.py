from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cqs.core"
    verbose_name = "Dùng chung"

    def ready(self) -> None:
        from cqs.core import (
            checks,  # noqa: F401  (registers the production checks)
            lookups,
        )

        lookups.register()
