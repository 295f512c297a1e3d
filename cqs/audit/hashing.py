"""The digest that links each audit event to the one before it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def event_digest(
    *,
    prev_hash: str,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    agency_id: int | None,
    payload: Any,
) -> str:
    """SHA-256 over a canonical JSON of every stored field except the id and the hash itself."""
    body = json.dumps(
        {
            "prev": prev_hash,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor_id,
            "actor_label": actor_label,
            "action": action,
            "target": [target_type, target_id],
            "agency": agency_id,
            "payload": payload,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
