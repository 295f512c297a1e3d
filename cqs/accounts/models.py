from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of staff. Citizens of the portal get their own account model later."""

    full_name = models.CharField("họ và tên", max_length=100, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username


class LoginThrottle(models.Model):
    """Failed-login counter per key (username or client address) with a lock-out time."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "khóa đăng nhập"
        verbose_name_plural = "khóa đăng nhập"

    def __str__(self) -> str:
        return self.key
