"""The only way to write the audit log. Services call `audit_record` inside their transaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction

from cqs.audit.hashing import GENESIS_HASH, event_digest
from cqs.audit.models import CHAIN_HEAD_PK, AuditChainHead, AuditEvent

SYSTEM_ACTOR_LABEL = "hệ thống"


def _normalise_payload(payload: dict[str, Any] | None) -> Any:
    # Round-trip through JSON so the hash covers exactly what the database gives back.
    return json.loads(json.dumps(payload or {}, ensure_ascii=False, default=str))


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    agency_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Call inside the service's transaction.

    The chain head row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
    transactions already serialise writers) until the surrounding transaction ends, so
    concurrent writers append one after the other and event ids follow the chain order.
    If the surrounding transaction rolls back, the event and the head move roll back together.
    """
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=CHAIN_HEAD_PK, defaults={"last_hash": GENESIS_HASH}
        )
        actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
        event = AuditEvent(
            # The wall clock, not django.utils.timezone.now: the audit trail records when the
            # event was written even while a demo replays a simulated year of history.
            at=datetime.now(tz=UTC),
            actor_id=actor_id,
            actor_label=str(actor)[:150] if actor_id else SYSTEM_ACTOR_LABEL,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            agency_id=agency_id,
            payload=_normalise_payload(payload),
            prev_hash=head.last_hash,
        )
        event.hash = event_digest(
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
        event.save()
        head.last_hash = event.hash
        head.last_event_id = event.pk
        head.save(update_fields=["last_hash", "last_event_id"])
    return event
