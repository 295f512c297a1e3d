"""Password rules in Vietnamese (TCVN 14423 suggests mixing character classes)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class CharacterClassesValidator:
    """At least three of: lower case, upper case, digits, other symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                "Mật khẩu phải có ít nhất %(n)d trong 4 loại ký tự: chữ thường, chữ hoa, "
                "chữ số, ký hiệu.",
                code="password_too_simple",
                params={"n": self.min_classes},
            )

    def get_help_text(self) -> str:
        return (
            f"Mật khẩu cần ít nhất {self.min_classes} trong 4 loại ký tự: chữ thường, "
            "chữ hoa, chữ số, ký hiệu."
        )
