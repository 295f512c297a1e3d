"""Append-only, tamper-evident audit log: each event carries the hash of the previous one.

Write it only through `cqs.audit.services.audit_record`. The ORM refuses updates and
deletes (instance and queryset alike); on PostgreSQL a trigger refuses them in SQL too
(migration 0002)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AuditLogImmutableError(RuntimeError):
    """Raised on any attempt to change or remove an audit event, or to bypass the chain."""


def _refuse(what: str) -> NoReturn:
    raise AuditLogImmutableError(f"Nhật ký kiểm toán chỉ được ghi thêm: không được {what}.")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        _refuse("sửa")

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse("xóa")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:  # type: ignore[override]
        _refuse("sửa")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEvent]:  # type: ignore[override]
        _refuse("ghi hàng loạt ngoài chuỗi băm (dùng audit_record)")


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

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký kiểm toán"
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            # A chain never forks: two events can never follow the same predecessor.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_event_prev_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            _refuse("sửa")
        if not self.hash or not self.prev_hash:
            _refuse("ghi ngoài chuỗi băm (dùng audit_record)")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse("xóa")


CHAIN_HEAD_PK = 1


class AuditChainHead(models.Model):
    """One row (pk=CHAIN_HEAD_PK), locked while appending so concurrent writers chain in order.

    It records the newest event, so deleting events at the end of the chain is detected."""

    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = "đầu chuỗi nhật ký"
        verbose_name_plural = "đầu chuỗi nhật ký"

    def __str__(self) -> str:
        return f"#{self.last_event_id} {self.last_hash[:12]}"
