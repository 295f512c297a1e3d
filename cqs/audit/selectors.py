from __future__ import annotations

from dataclasses import dataclass

from cqs.audit.hashing import GENESIS_HASH, event_digest
from cqs.audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def audit_chain_verify(*, batch_size: int = 2000) -> ChainReport:
    """Recompute every hash in order; report the first event that does not match."""
    prev = GENESIS_HASH
    checked = 0
    last_id: int | None = None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev:
            return ChainReport(checked, event.pk, "mắt xích trước không khớp (sự kiện bị xóa hoặc chèn)")
        expected = event_digest(
            prev_hash=event.prev_hash,
            at=event.at,
            actor_id=event.actor_id,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            agency_id=event.agency_id,
            payload=event.payload,
        )
        if expected != event.hash:
            return ChainReport(checked, event.pk, "nội dung sự kiện đã bị sửa")
        prev = event.hash
        last_id = event.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        return ChainReport(checked, last_id or 0, "các sự kiện cuối chuỗi đã bị xóa")
    return ChainReport(checked, None, "")
