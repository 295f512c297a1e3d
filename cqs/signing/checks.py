"""Deploy check: production should encrypt signing keys with a key of its own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

from cqs.signing import conf


@register(Tags.security, deploy=True)
def check_key_encryption_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if conf.key_encryption_key_configured() or settings.DEBUG:
        return []
    return [
        Warning(
            "Khóa bí mật ký số đang được mã hóa bằng khóa dẫn xuất từ SECRET_KEY.",
            hint=(
                "Đặt SIGNING_KEY_ENCRYPTION_KEY riêng (và giữ khóa cũ trong "
                "SIGNING_KEY_ENCRYPTION_KEY_FALLBACKS khi đổi) để đổi SECRET_KEY không làm mất khóa ký."
            ),
            id="cqs.signing.W001",
        )
    ]
