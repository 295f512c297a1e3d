"""The sender's view of each recipient (Decree 30 PL VI: "the sender sees the recipient's
processing status") and returning a document to its sender.

The incoming services call `delivery_sync` explicitly, inside their transaction, each time
a copy received over the platform changes status; there are no signals.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cqs.documents.models import Delivery, DeliveryStatus, Direction, Document, DocumentStatus
from cqs.documents.permissions import agency_clerks, can_return, require
from cqs.documents.services._common import (
    check_fields,
    lock,
    notify_about,
    person,
    record,
    reference_label,
    require_text,
)
from cqs.documents.workflow import require_transition

DELIVERY_STATUS_OF: dict[str, str] = {
    DocumentStatus.ARRIVED: DeliveryStatus.ARRIVED,
    DocumentStatus.REGISTERED: DeliveryStatus.REGISTERED,
    DocumentStatus.ROUTED: DeliveryStatus.ASSIGNED,
    DocumentStatus.IN_PROGRESS: DeliveryStatus.IN_PROGRESS,
    DocumentStatus.DONE: DeliveryStatus.DONE,
    DocumentStatus.RETURNED: DeliveryStatus.RETURNED,
    DocumentStatus.CANCELLED: DeliveryStatus.RECALLED,
}


def delivery_sync(document: Document) -> Delivery | None:
    """Copy the status of an incoming copy onto the sender's delivery row (if it has one)."""
    if document.direction != Direction.INCOMING or document.source_id is None:
        return None
    delivery = Delivery.objects.select_for_update().filter(received_document=document).first()
    if delivery is None:
        return None
    status = DELIVERY_STATUS_OF[document.status]
    reason = document.status_reason if status in (DeliveryStatus.RETURNED, DeliveryStatus.RECALLED) else ""
    if (delivery.status, delivery.status_reason) != (status, reason):
        delivery.status = status
        delivery.status_reason = reason
        delivery.full_clean(exclude=["document", "recipient", "received_document"])
        delivery.save(update_fields=["status", "status_reason", "updated_at"])
    return delivery


def incoming_return(*, by: Any, document: Document, reason: str) -> Document:
    """The recipient's clerk sends a document back (wrong recipient, failed signature check…).

    The reason is mandatory; the sender's delivery shows it and the sender is notified.
    """
    reason = require_text(reason, "Phải nêu lý do trả lại văn bản.")
    with transaction.atomic():
        lock(document)
        require(can_return(by, document), "Chỉ văn thư của cơ quan nhận mới được trả lại văn bản.")
        require_transition(document, DocumentStatus.RETURNED)
        document.status = DocumentStatus.RETURNED
        document.status_reason = reason
        check_fields(document)
        document.save()
        delivery_sync(document)
        source = document.source
        if source is not None:
            notify_about(
                source,
                users=[*agency_clerks(source.owner_id), source.drafter],
                title=f"Văn bản bị trả lại: {reference_label(source)}",
                body=f"{document.owner.name} đã trả lại {reference_label(source)} “{source.subject}”. "
                f"Lý do: {reason}",
            )
        record(
            by=by,
            document=document,
            action="incoming.return",
            description=f"{person(by)} trả lại văn bản cho nơi gửi. Lý do: {reason}",
            payload={"reason": reason, "source": document.source_id},
        )
    return document
