"""System checks that refuse an unsafe production start.

`python manage.py check --deploy` runs them (and Django's own deploy checks)."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if settings.DEBUG:
        errors.append(
            Error(
                "DEBUG đang bật: không được chạy môi trường sản xuất với DEBUG=1.",
                hint="Đặt biến môi trường DEBUG=0.",
                id="cqs.E001",
            )
        )
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY or len(settings.SECRET_KEY) < 50:
        errors.append(
            Error(
                "SECRET_KEY là khóa phát triển hoặc quá ngắn.",
                hint="Đặt SECRET_KEY (hoặc SECRET_KEY_FILE) thành chuỗi ngẫu nhiên ≥ 50 ký tự.",
                id="cqs.E002",
            )
        )
    return errors
