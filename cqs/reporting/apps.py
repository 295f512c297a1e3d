from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_regimes(sender: AppConfig, **kwargs: Any) -> None:
    """After migrating: the two seeded report regimes, once the province's agencies exist
    (on an empty database nothing happens; `seed_demo` runs it again after the agencies)."""
    from cqs.reporting.regimes import sync_regimes

    if kwargs.get("plan") is not None and not kwargs.get("plan"):
        return  # nothing was migrated in this run
    sync_regimes()


class ReportingConfig(AppConfig):
    name = "cqs.reporting"
    verbose_name = "Hệ thống thông tin báo cáo"

    def ready(self) -> None:
        post_migrate.connect(_seed_regimes, sender=self, dispatch_uid="cqs.reporting.seed_regimes")
        # Registers the reporting demo (campaigns, reports) as a step of `seed_demo`.
        from cqs.reporting import demo  # noqa: F401
