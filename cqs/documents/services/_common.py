"""Helpers shared by the document services: locking, the timeline + audit pair, text, dates."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import VN_TZ
from cqs.documents.models import Document, DocumentEvent, Urgency
from cqs.notify.models import NotificationLevel
from cqs.notify.services import notify

DETAIL_URL_NAME = "documents:detail"


def local_today() -> date:
    return timezone.now().astimezone(VN_TZ).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(VN_TZ).date()


def format_day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def clean_text(value: Any) -> Any:
    """NFC and trimmed for strings; anything else as given."""
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def require_known_fields(data: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown {what} fields: {sorted(unknown)}")


def require_text(value: str, message: str) -> str:
    text = clean_text(value or "")
    if not text:
        raise ApplicationError(message, code="required")
    return str(text)


def person(user: Any) -> str:
    if user is None:
        return "Hệ thống"
    return str(getattr(user, "full_name", "") or getattr(user, "username", "") or user)


def lock(document: Document) -> Document:
    """Take the document's row lock for the rest of the transaction and reload it in place,
    so the checks that follow see the state no concurrent action can change any more."""
    list(Document.objects.select_for_update().filter(pk=document.pk).values_list("pk", flat=True))
    document.refresh_from_db()
    return document


# Relations a service never takes from user input once the document exists.
DOCUMENT_RELATIONS = ("owner", "issuing_agency", "signer", "drafting_unit", "drafter", "source", "created_by")


def check_fields(document: Document) -> None:
    """`full_clean` for a workflow step on a document loaded from the database: every field
    is checked; its relations (already loaded) and the table's constraints are not queried
    again: those constraints guard the services' own invariants, never user input, and the
    database enforces them on save."""
    document.full_clean(exclude=DOCUMENT_RELATIONS, validate_constraints=False)


def document_url(document: Document) -> str:
    try:
        return reverse(DETAIL_URL_NAME, args=[document.pk])
    except NoReverseMatch:  # the screens are not installed (e.g. a worker process)
        return f"/van-ban/{document.pk}/"


def reference_label(document: Document) -> str:
    """'Công văn số 05/UBND-VP' or 'Báo cáo (chưa có số)' for messages."""
    if document.number:
        return f"{document.doc_type} số {document.reference}"
    return f"{document.doc_type} (chưa có số)"


def notification_level(document: Document) -> str:
    return NotificationLevel.URGENT if document.urgency >= Urgency.URGENT else NotificationLevel.INFO


def notify_about(document: Document, *, users: Iterable[Any], title: str, body: str) -> None:
    notify(
        users=users,
        title=title,
        body=body,
        url=document_url(document),
        level=notification_level(document),
    )


def plain(value: Any) -> Any:
    """A JSON-friendly form of a field value for audit payloads."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def record(
    *,
    by: Any,
    document: Document,
    action: str,
    description: str,
    payload: Mapping[str, Any] | None = None,
) -> None:
    """The timeline row users read and the audit event: once, last, in every service call."""
    event = DocumentEvent(document=document, actor=by, action=action, description=description[:500])
    event.full_clean(exclude=["document", "actor"])
    event.save()
    audit_record(
        actor=by,
        action=f"documents.{action}",
        target=document,
        agency_id=document.owner_id,
        payload={k: plain(v) for k, v in (payload or {}).items()},
    )
