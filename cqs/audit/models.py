"""Append-only, tamper-evident audit log: each event carries the hash of the previous one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    at = models.DateTimeField("thời điểm", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("tên người thực hiện", max_length=150, blank=True)
    action = models.CharField("hành động", max_length=80, db_index=True)
    target_type = models.CharField("loại đối tượng", max_length=80, blank=True)
    target_id = models.CharField("mã đối tượng", max_length=64, blank=True)
    # A plain id, not a foreign key: the log must outlive any agency row.
    agency_id = models.BigIntegerField("cơ quan", null=True, blank=True, db_index=True)
    payload = models.JSONField("dữ liệu", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký kiểm toán"
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("Nhật ký kiểm toán chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Nhật ký kiểm toán không được xóa.")


class AuditChainHead(models.Model):
    """One row, locked while appending, so concurrent writers chain in order."""

    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = "đầu chuỗi nhật ký"
        verbose_name_plural = "đầu chuỗi nhật ký"
