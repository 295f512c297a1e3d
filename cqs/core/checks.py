"""System checks that refuse an unsafe production start.

`python manage.py check --deploy` runs them (and Django's own deploy checks)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

MIN_SECRET_KEY_LENGTH = 50
# Scripts may come only from the application itself (or a nonce/hash if one is ever added).
SAFE_SCRIPT_SOURCES = ("'self'", "'none'")
SAFE_SCRIPT_SOURCE_PREFIXES = ("'nonce-", "'sha256-", "'sha384-", "'sha512-")


def _csp_directives(policy: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if settings.DEBUG:
        errors.append(
            Error(
                "DEBUG đang bật: không được chạy môi trường sản xuất với DEBUG=1.",
                hint="Đặt biến môi trường DEBUG=0.",
                id="cqs.E001",
            )
        )
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY or len(settings.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
        errors.append(
            Error(
                "SECRET_KEY là khóa phát triển hoặc quá ngắn.",
                hint=(
                    f"Đặt SECRET_KEY (hoặc SECRET_KEY_FILE) thành chuỗi ngẫu nhiên "
                    f"≥ {MIN_SECRET_KEY_LENGTH} ký tự."
                ),
                id="cqs.E002",
            )
        )
    directives = _csp_directives(settings.CONTENT_SECURITY_POLICY)
    script_sources = directives.get("script-src", directives.get("default-src", []))
    unsafe = [
        source
        for source in script_sources
        if source.lower() not in SAFE_SCRIPT_SOURCES
        and not source.lower().startswith(SAFE_SCRIPT_SOURCE_PREFIXES)
    ]
    if unsafe:
        errors.append(
            Error(
                f"CONTENT_SECURITY_POLICY cho phép script từ nguồn ngoài ứng dụng: {' '.join(unsafe)}.",
                hint="Chỉ cho phép script-src 'self'; mọi tài nguyên phục vụ từ chính ứng dụng.",
                id="cqs.E003",
            )
        )
    return errors
