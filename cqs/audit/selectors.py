"""Verification of the audit hash chain."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from cqs.audit.hashing import GENESIS_HASH, event_digest
from cqs.audit.models import CHAIN_HEAD_PK, AuditChainHead, AuditEvent

REASON_LINK = "mắt xích trước không khớp (sự kiện trước đó bị xóa, chèn hoặc sửa)"
REASON_CONTENT = "nội dung sự kiện đã bị sửa"
REASON_TAIL_DELETED = "sự kiện cuối chuỗi đã bị xóa (đầu chuỗi trỏ tới sự kiện không còn)"
REASON_HEAD_MISMATCH = "sự kiện không khớp với đầu chuỗi"
REASON_HEAD_MISSING = "mất bản ghi đầu chuỗi"
REASON_OUTSIDE_CHAIN = "sự kiện ghi ngoài chuỗi (sau đầu chuỗi)"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **asdict(self)}


def _digest_of(event: AuditEvent) -> str:
    return event_digest(
        prev_hash=event.prev_hash,
        at=event.at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        agency_id=event.agency_id,
        payload=event.payload,
    )


def audit_chain_verify(*, batch_size: int = 2000, _retry: bool = True) -> ChainReport:
    """Recompute every hash in id order; report the first event that does not fit.

    Safe while others append: the chain head is read before the events, so the events
    appended meanwhile are checked for their links but not held against the head."""
    snapshot = AuditChainHead.objects.filter(pk=CHAIN_HEAD_PK).values("last_hash", "last_event_id").first()
    head_id: int | None = snapshot["last_event_id"] if snapshot else None
    head_hash: str | None = snapshot["last_hash"] if snapshot else None

    prev = GENESIS_HASH
    checked = 0
    last_id: int | None = None
    head_seen = False
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if snapshot is None:
            # The head row is committed together with the first event: either the first
            # event was appended after the snapshot (verify again) or the head was removed.
            if _retry and AuditChainHead.objects.filter(pk=CHAIN_HEAD_PK).exists():
                return audit_chain_verify(batch_size=batch_size, _retry=False)
            return ChainReport(checked, event.pk, REASON_HEAD_MISSING)
        if head_id is not None and not head_seen and event.pk > head_id:
            return ChainReport(checked, head_id, REASON_TAIL_DELETED)
        if event.prev_hash != prev:
            return ChainReport(checked, event.pk, REASON_LINK)
        if _digest_of(event) != event.hash:
            return ChainReport(checked, event.pk, REASON_CONTENT)
        if event.pk == head_id:
            if event.hash != head_hash:
                return ChainReport(checked, event.pk, REASON_HEAD_MISMATCH)
            head_seen = True
        prev = event.hash
        last_id = event.pk
        checked += 1

    if head_id is not None and not head_seen:
        return ChainReport(checked, head_id, REASON_TAIL_DELETED)
    if last_id is not None and head_id is not None and last_id > head_id:
        # Events past the snapshot must have moved the head on by now.
        current = (
            AuditChainHead.objects.filter(pk=CHAIN_HEAD_PK).values_list("last_event_id", flat=True).first()
        )
        if current is None or current < last_id:
            first_outside = (
                AuditEvent.objects.filter(pk__gt=current or head_id)
                .order_by("id")
                .values_list("id", flat=True)
                .first()
            )
            return ChainReport(checked, first_outside, REASON_OUTSIDE_CHAIN)
    return ChainReport(checked, None, "")
