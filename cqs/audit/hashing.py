from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def event_digest(
    *,
    prev_hash: str,
    at: datetime,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    agency_id: int | None,
    payload: Any,
) -> str:
    body = json.dumps(
        {
            "prev": prev_hash,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor_id,
            "action": action,
            "target": [target_type, target_id],
            "agency": agency_id,
            "payload": payload,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
