"""Login rate limiting.

Two counters are kept per attempt: one for the username and one for the client address.
A username is locked after `LOGIN_MAX_FAILURES` consecutive failures, an address (an
office behind NAT shares one) after `LOGIN_MAX_FAILURES_PER_ADDRESS`. A lock lasts
`LOGIN_LOCKOUT_SECONDS`; failures further apart than that are forgotten. A successful
login clears both counters.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cqs.accounts.models import LoginThrottle

USER_PREFIX = "user:"
ADDRESS_PREFIX = "ip:"
# Keys must fit LoginThrottle.key (200): the form's own length check runs after the throttle.
_MAX_USERNAME_CHARS = 150
_MAX_ADDRESS_CHARS = 64


def throttle_keys(*, username: str, address: str | None) -> list[str]:
    keys = [USER_PREFIX + username.strip().lower()[:_MAX_USERNAME_CHARS]]
    if address:
        keys.append(ADDRESS_PREFIX + address.strip()[:_MAX_ADDRESS_CHARS])
    return keys


def max_failures(key: str) -> int:
    if key.startswith(ADDRESS_PREFIX):
        return int(settings.LOGIN_MAX_FAILURES_PER_ADDRESS)
    return int(settings.LOGIN_MAX_FAILURES)


def _lockout() -> timedelta:
    return timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def locked_until(keys: list[str], *, now: datetime | None = None) -> datetime | None:
    """The latest lock-out end among `keys`, or None when none of them is locked now."""
    now = now or timezone.now()
    return (
        LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now)
        .order_by("-locked_until")
        .values_list("locked_until", flat=True)
        .first()
    )


def record_failure(keys: list[str], *, now: datetime | None = None) -> datetime | None:
    """Count one failed attempt against every key; return the lock-out end if one is now locked."""
    now = now or timezone.now()
    latest: datetime | None = None
    with transaction.atomic():
        for key in keys:
            row, created = LoginThrottle.objects.select_for_update().get_or_create(key=key)
            if row.locked_until is not None and row.locked_until <= now:
                row.locked_until = None  # an expired lock starts a fresh count
                row.failures = 0
            elif not created and row.updated_at < now - _lockout():
                row.failures = 0  # the previous failures are too old to count
            row.failures += 1
            if row.failures >= max_failures(key):
                row.locked_until = now + _lockout()
                row.failures = 0
            row.save(update_fields=["failures", "locked_until", "updated_at"])
            if row.locked_until is not None and row.locked_until > now:
                latest = row.locked_until if latest is None else max(latest, row.locked_until)
    return latest


def record_success(keys: list[str]) -> None:
    LoginThrottle.objects.filter(key__in=keys).delete()


def lockout_message(until: datetime, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return (
        "Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần liên tiếp. "
        f"Vui lòng thử lại sau {minutes} phút hoặc liên hệ quản trị viên."
    )
