from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "cqs.documents"
    verbose_name = "Quản lý văn bản và điều hành"

    def ready(self) -> None:
        # Registers the demo year of documents as a step of `seed_demo` (cqs.org.demo.DEMO_STEPS).
        from cqs.documents import demo  # noqa: F401
