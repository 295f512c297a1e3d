"""Login forms for the site and the admin, both behind the same throttle."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django_stubs_ext import StrPromise

from cqs.accounts import throttle


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address; behind the trusted proxy, the last X-Forwarded-For entry it appended."""
    if request is None:
        return None
    if settings.BEHIND_PROXY:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


class ThrottledLoginMixin:
    """Refuses a locked username/address before checking the password at all.

    Only an attempt that really checked a password counts: a failed check is a failure,
    a user actually authenticated is a success. A form missing a field (an empty password)
    counts as neither, so it cannot be used to reset the counters.
    """

    request: HttpRequest | None
    data: Any

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "") or ""
        keys = throttle.throttle_keys(username=str(username), address=client_address(self.request))
        until = throttle.locked_until(keys)
        if until is not None:
            raise forms.ValidationError(throttle.lockout_message(until), code="locked")
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            until = throttle.record_failure(keys)
            if until is not None:
                raise forms.ValidationError(throttle.lockout_message(until), code="locked") from None
            raise
        if getattr(self, "user_cache", None) is not None:
            throttle.record_success(keys)
        return cleaned


VIETNAMESE_LOGIN_ERRORS: dict[str, str | StrPromise] = {
    "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường.",
    "inactive": "Tài khoản này đã bị vô hiệu hóa.",
}


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = VIETNAMESE_LOGIN_ERRORS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"
        self.fields["username"].widget.attrs.update({"autofocus": True, "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def confirm_login_allowed(self, user: Any) -> None:
        """Citizens (portal accounts, `cqs.portal.CitizenProfile`) sign in on the portal, not here."""
        super().confirm_login_allowed(user)
        if hasattr(user, "citizen_profile"):
            raise forms.ValidationError(
                "Đây là tài khoản công dân. Vui lòng đăng nhập tại Cổng dịch vụ công (/dich-vu-cong/).",
                code="citizen_account",
            )


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    error_messages: dict[str, str | StrPromise] = {
        **VIETNAMESE_LOGIN_ERRORS,
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản không có quyền quản trị.",
    }
