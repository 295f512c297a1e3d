from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest

from cqs.accounts import throttle


def _client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR")


class ThrottledLoginMixin:
    """Refuses a locked username/address before checking the password at all."""

    request: HttpRequest | None
    error_messages: dict[str, str]

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")  # type: ignore[attr-defined]
        keys = throttle.throttle_keys(username=username, address=_client_address(self.request))
        until = throttle.locked_until(keys)
        if until is not None:
            raise forms.ValidationError(throttle.lockout_message(until), code="locked")
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            throttle.record_failure(keys)
            until = throttle.locked_until(keys)
            if until is not None:
                raise forms.ValidationError(throttle.lockout_message(until), code="locked") from None
            raise
        throttle.record_success(keys)
        return cleaned


VIETNAMESE_LOGIN_ERRORS = {
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


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    error_messages = {
        **VIETNAMESE_LOGIN_ERRORS,
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản không có quyền quản trị.",
    }
