"""Password confirmation before signing: valid for ``SIGNING_REAUTH_SECONDS`` (five minutes).

The signing screen calls `require_recent_auth(request.session, request.user)`; if it returns
False it asks for the password and calls it again with ``password=``. The result is what
the signing services take as ``reauth_ok``. Wrong passwords count against the same lock as
failed logins (`cqs.accounts.throttle`), so the confirmation box cannot be used to guess.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from django.utils import timezone

from cqs.accounts.throttle import (
    locked_until,
    lockout_message,
    record_failure,
    record_success,
    throttle_keys,
)
from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.signing import conf

__all__ = ["REAUTH_SESSION_KEY", "ReauthRequired", "forget_recent_auth", "require_recent_auth"]

REAUTH_SESSION_KEY = "cqs.signing.reauth"


class ReauthRequired(ApplicationError):
    """The signer has not confirmed their password recently enough."""

    def __init__(self) -> None:
        minutes = max(1, conf.reauth_seconds() // 60)
        super().__init__(
            f"Cần nhập lại mật khẩu để xác nhận trước khi ký (mỗi {minutes} phút một lần).",
            code="reauth_required",
        )


def require_recent_auth(session: MutableMapping[str, Any], user: Any, password: str | None = None) -> bool:
    """True when `user` confirmed their password in this session within the window.

    With `password`, check it first: right → remember the time and return True; wrong →
    raise ApplicationError (and count the failure towards the login lock-out).
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    now = timezone.now()
    if password is not None:
        keys = throttle_keys(username=user.get_username(), address=None)
        until = locked_until(keys, now=now)
        if until is not None:
            raise ApplicationError(lockout_message(until, now=now), code="locked")
        if not user.check_password(password):
            record_failure(keys, now=now)
            audit_record(actor=user, action="signing.reauth_failed", payload={})
            raise ApplicationError("Mật khẩu xác nhận không đúng.", code="reauth_failed")
        record_success(keys)
        session[REAUTH_SESSION_KEY] = {"user": user.pk, "at": now.timestamp()}
        return True
    remembered = session.get(REAUTH_SESSION_KEY)
    if not isinstance(remembered, dict) or remembered.get("user") != user.pk:
        return False
    try:
        age = now.timestamp() - float(remembered["at"])
    except (KeyError, TypeError, ValueError):
        return False
    return 0 <= age <= conf.reauth_seconds()


def forget_recent_auth(session: MutableMapping[str, Any]) -> None:
    session.pop(REAUTH_SESSION_KEY, None)
