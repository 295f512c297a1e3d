"""Cổng dịch vụ công: Cổng dịch vụ công cho người dân."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cqs.portal"
    verbose_name = "Cổng dịch vụ công"

    def ready(self) -> None:
        # Registers the demo citizens as a step of `seed_demo` (cqs.org.demo.DEMO_STEPS).
        from cqs.onestop.signals import dossier_changed
        from cqs.portal import demo  # noqa: F401
        from cqs.portal.services.notifications import on_dossier_changed

        dossier_changed.connect(on_dossier_changed, dispatch_uid="cqs.portal.notify_owner")
