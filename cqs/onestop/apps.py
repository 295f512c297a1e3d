from django.apps import AppConfig


class OnestopConfig(AppConfig):
    name = "cqs.onestop"
    verbose_name = "Một cửa điện tử"

    def ready(self) -> None:
        # Registers the demo's one-stop year as a step of `seed_demo` (cqs.org.demo.DEMO_STEPS).
        from cqs.onestop import demo  # noqa: F401
