"""The document services: every change to documents, their routing and delivery goes
through these functions (keyword arguments, the acting user `by`, one transaction, one
audit event and one timeline row per call)."""

from cqs.documents.services.delivery import delivery_sync, incoming_return
from cqs.documents.services.incoming import (
    DuplicateDocumentWarning,
    find_duplicates,
    incoming_register,
    incoming_register_arrived,
)
from cqs.documents.services.numbering import (
    build_notation,
    format_number,
    next_number,
    register_year,
)
from cqs.documents.services.outgoing import (
    outgoing_approve,
    outgoing_comment,
    outgoing_draft_create,
    outgoing_recall,
    outgoing_release,
    outgoing_review,
    outgoing_send_back,
    outgoing_submit,
    outgoing_update,
)
from cqs.documents.services.routing import (
    RouteTarget,
    assignment_chase,
    assignment_complete,
    assignment_forward,
    assignment_progress,
    chase_overdue,
    default_deadline,
    document_route,
)

__all__ = [
    "DuplicateDocumentWarning",
    "RouteTarget",
    "assignment_chase",
    "assignment_complete",
    "assignment_forward",
    "assignment_progress",
    "build_notation",
    "chase_overdue",
    "default_deadline",
    "delivery_sync",
    "document_route",
    "find_duplicates",
    "format_number",
    "incoming_register",
    "incoming_register_arrived",
    "incoming_return",
    "next_number",
    "outgoing_approve",
    "outgoing_comment",
    "outgoing_draft_create",
    "outgoing_recall",
    "outgoing_release",
    "outgoing_review",
    "outgoing_send_back",
    "outgoing_submit",
    "outgoing_update",
    "register_year",
]
