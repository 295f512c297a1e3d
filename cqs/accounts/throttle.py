"""Login rate limiting: after N failures a username (and an address) is locked for a while."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cqs.accounts.models import LoginThrottle


def throttle_keys(*, username: str, address: str | None) -> list[str]:
    keys = [f"user:{username.strip().lower()}"]
    if address:
        keys.append(f"ip:{address}")
    return keys


def locked_until(keys: list[str], *, now: datetime | None = None) -> datetime | None:
    now = now or timezone.now()
    until = (
        LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )
    return until


def record_failure(keys: list[str], *, now: datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        for key in keys:
            row, _ = LoginThrottle.objects.select_for_update().get_or_create(key=key)
            LoginThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
            row.refresh_from_db()
            if row.failures >= settings.LOGIN_MAX_FAILURES:
                row.locked_until = now + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
                row.failures = 0
                row.save(update_fields=["locked_until", "failures"])


def record_success(keys: list[str]) -> None:
    LoginThrottle.objects.filter(key__in=keys).delete()


def lockout_message(until: datetime, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return (
        f"Tài khoản tạm thời bị khóa vì đăng nhập sai quá {settings.LOGIN_MAX_FAILURES} lần. "
        f"Vui lòng thử lại sau {minutes} phút hoặc liên hệ quản trị viên."
    )
