"""In-platform notifications (thông báo), each optionally mirrored by an email."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NotificationLevel(models.TextChoices):
    INFO = "info", "Thông tin"
    WARNING = "warning", "Cần chú ý"
    URGENT = "urgent", "Khẩn"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhận",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField("tiêu đề", max_length=200)
    body = models.TextField("nội dung", blank=True)
    url = models.CharField("đường dẫn", max_length=300, blank=True)
    level = models.CharField(
        "mức độ", max_length=10, choices=NotificationLevel.choices, default=NotificationLevel.INFO
    )
    created_at = models.DateTimeField("thời điểm tạo", auto_now_add=True)
    read_at = models.DateTimeField("thời điểm đọc", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
