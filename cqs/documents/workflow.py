"""The documents' state machines: which status may follow which, per direction.

Every service changes a status only through `require_transition`; the database keeps each
direction inside its own states (see the constraints on `Document`).
"""

from __future__ import annotations

from collections.abc import Mapping

from cqs.core.errors import ApplicationError
from cqs.documents.models import Direction, Document, DocumentStatus

S = DocumentStatus

OUTGOING_TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.IN_REVIEW}),
    # The unit head approves the content or sends the draft back to its drafter.
    S.IN_REVIEW: frozenset({S.REVIEWED, S.DRAFT}),
    # The signer approves or sends it back.
    S.REVIEWED: frozenset({S.APPROVED, S.DRAFT}),
    # The clerk numbers and releases it, or returns it to the drafter for a format error.
    S.APPROVED: frozenset({S.RELEASED, S.DRAFT}),
    # Decree 30 art. 16: a released document can only be recalled; it is then frozen.
    S.RELEASED: frozenset({S.RECALLED}),
    S.RECALLED: frozenset(),
}

INCOMING_TRANSITIONS: Mapping[str, frozenset[str]] = {
    # Received over the platform, waiting for the clerk: register it or send it back.
    S.ARRIVED: frozenset({S.REGISTERED, S.RETURNED, S.CANCELLED}),
    S.REGISTERED: frozenset({S.ROUTED, S.RETURNED, S.CANCELLED}),
    S.ROUTED: frozenset({S.IN_PROGRESS, S.DONE, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.DONE, S.CANCELLED}),
    # The sender may still recall a document its recipient has finished handling.
    S.DONE: frozenset({S.CANCELLED}),
    S.RETURNED: frozenset(),
    S.CANCELLED: frozenset(),
}

TRANSITIONS: Mapping[str, Mapping[str, frozenset[str]]] = {
    Direction.OUTGOING: OUTGOING_TRANSITIONS,
    Direction.INCOMING: INCOMING_TRANSITIONS,
    # Internal documents are drafted and issued like outgoing ones, without delivery.
    Direction.INTERNAL: OUTGOING_TRANSITIONS,
}

INITIAL_STATUSES: Mapping[str, frozenset[str]] = {
    Direction.OUTGOING: frozenset({S.DRAFT}),
    # A paper document is registered directly; a platform delivery arrives first.
    Direction.INCOMING: frozenset({S.ARRIVED, S.REGISTERED}),
    Direction.INTERNAL: frozenset({S.DRAFT}),
}

# States in which nothing about the document may change any more.
FROZEN_STATUSES: frozenset[str] = frozenset({S.RECALLED, S.RETURNED, S.CANCELLED})


def _label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def allowed_next(document: Document) -> frozenset[str]:
    return TRANSITIONS[document.direction].get(document.status, frozenset())


def can_transition(document: Document, to_status: str) -> bool:
    return to_status in allowed_next(document)


def require_transition(document: Document, to_status: str) -> None:
    """Refuse, in Vietnamese, a status change the document's table does not allow."""
    if not can_transition(document, to_status):
        raise ApplicationError(
            f"Không thể chuyển văn bản từ trạng thái “{_label(document.status)}” sang “{_label(to_status)}”.",
            code="invalid_transition",
        )


def require_initial(direction: str, status: str) -> None:
    if status not in INITIAL_STATUSES[direction]:
        raise ApplicationError(
            f"Văn bản mới không thể bắt đầu ở trạng thái “{_label(status)}”.", code="invalid_transition"
        )
