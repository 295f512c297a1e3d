from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "cqs.worklist"
    verbose_name = "Theo dõi nhiệm vụ"

    def ready(self) -> None:
        # Registers the demo plan as a step of `seed_demo` (cqs.org.demo.DEMO_STEPS).
        from cqs.worklist import demo  # noqa: F401
