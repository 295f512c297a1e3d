"""Password rules in Vietnamese (TCVN 14423 suggests a minimum length and mixed character classes)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import MinimumLengthValidator as BaseMinimumLengthValidator
from django.core.exceptions import ValidationError


class MinimumLengthValidator(BaseMinimumLengthValidator):
    """Django's length rule with a Vietnamese message (Django's own `vi` catalogue lacks it)."""

    def __init__(self, min_length: int = 10) -> None:
        super().__init__(min_length=min_length)

    def get_error_message(self) -> str:
        return f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự."

    def get_help_text(self) -> str:
        return f"Mật khẩu cần ít nhất {self.min_length} ký tự."


class CharacterClassesValidator:
    """At least `min_classes` of: lower case, upper case, digits, other symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        if not 1 <= min_classes <= 4:
            raise ValueError("min_classes phải từ 1 đến 4.")
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
                "Mật khẩu phải có ít nhất %(n)d trong 4 loại ký tự: chữ thường, chữ hoa, chữ số, ký hiệu.",
                code="password_too_simple",
                params={"n": self.min_classes},
            )

    def get_help_text(self) -> str:
        return (
            f"Mật khẩu cần ít nhất {self.min_classes} trong 4 loại ký tự: chữ thường, "
            "chữ hoa, chữ số, ký hiệu."
        )
