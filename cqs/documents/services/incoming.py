"""Receiving and registering incoming documents (Decree 30 art. 20–22; regulations.md §1.10).

A paper document (or one received outside the platform) is registered directly by the
clerk with its metadata; a document released by another agency on the platform arrives
on its own (status ARRIVED) and the clerk registers it. Either way registration gives the
arrival number, one series per agency per year (a separate one for secret documents), and
presents the document to the agency's leaders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from cqs.core.errors import ApplicationError
from cqs.core.text import fold
from cqs.documents.links import link_citations, relink_citations_to
from cqs.documents.models import Direction, Document, DocumentFile, DocumentStatus
from cqs.documents.permissions import agency_leaders, can_register, require
from cqs.documents.search import refresh_search_text
from cqs.documents.services._common import (
    check_fields,
    clean_text,
    format_day,
    local_date,
    lock,
    notify_about,
    person,
    record,
    reference_label,
    require_known_fields,
)
from cqs.documents.services.delivery import delivery_sync
from cqs.documents.services.numbering import format_number, incoming_series, next_number, register_year
from cqs.documents.services.signing import verify_registered
from cqs.documents.workflow import require_initial, require_transition
from cqs.org.models import Agency

INCOMING_FIELDS = (
    "doc_type",
    "number",
    "notation",
    "issued_on",
    "place",
    "issuing_agency",
    "issuing_agency_name",
    "subject",
    "body",
    "urgency",
    "secrecy",
    "signer_title",
    "signer_name",
    "page_count",
    "copies",
    "due_date",
    "arrival_date",
    "is_electronic",
    "is_digitally_signed",
)
# Documents that no longer count as received: a new registration does not duplicate them.
_GONE = (DocumentStatus.RETURNED, DocumentStatus.CANCELLED)

NOT_A_CLERK = "Chỉ văn thư của cơ quan mới được vào sổ văn bản đến."


class DuplicateDocumentWarning(ApplicationError):
    """Raised instead of registering a probable duplicate; resubmit with confirm_duplicate=True."""

    def __init__(self, duplicates: Sequence[Document]) -> None:
        first = duplicates[0]
        if first.arrival_number is not None and first.registered_at is not None:
            where = (
                f"đã được vào sổ ngày {format_day(local_date(first.registered_at))}, "
                f"số đến {format_number(first.arrival_number)}"
            )
        else:
            where = "đã đến qua nền tảng, đang chờ vào sổ"
        more = f" (cùng {len(duplicates) - 1} văn bản khác)" if len(duplicates) > 1 else ""
        super().__init__(
            f"Văn bản số {first.reference} của {first.issuing_agency_name} {where}{more}. "
            "Kiểm tra lại; nếu đúng là văn bản khác, xác nhận để vẫn vào sổ.",
            code="duplicate",
        )
        self.duplicates = list(duplicates)


def _number_key(number: str) -> str:
    """'05' and '5' are the same number; '' stays '' (no number to compare)."""
    number = number.strip()
    if not number:
        return ""
    return number.lstrip("0") or "0"


def find_duplicates(
    owner: Agency,
    number: str,
    notation: str,
    issuing_agency_name: str,
    *,
    exclude: Document | None = None,
) -> list[Document]:
    """The agency's incoming documents with the same number + notation + issuing agency.

    Compared without accents and case ("QĐ-UBND" = "qd-ubnd"), and "5" = "05". Returned and
    recalled documents do not count. Only an exact number is looked up in the database (the
    index on number serves it); the rest is compared here.
    """
    key = _number_key(number)
    if not key:
        return []
    spellings = {number.strip(), key, key.zfill(2), key.zfill(3)}
    candidates = (
        Document.objects.filter(owner=owner, direction=Direction.INCOMING, number__in=spellings)
        .exclude(status__in=_GONE)
        .order_by("registered_at", "id")
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    wanted = (fold(notation).replace(" ", ""), " ".join(fold(issuing_agency_name).split()))
    return [
        d
        for d in candidates
        if (fold(d.notation).replace(" ", ""), " ".join(fold(d.issuing_agency_name).split())) == wanted
    ]


@dataclass(frozen=True)
class _Registration:
    number: int
    year: int


def _assign_arrival_number(document: Document, *, now: datetime) -> _Registration:
    year = register_year(now)
    series = incoming_series(document.secrecy)
    number = next_number(agency=document.owner, year=year, series=series)
    document.series = series
    document.arrival_number = number
    document.registered_year = year
    document.registered_at = now
    return _Registration(number=number, year=year)


def _present(document: Document, by: Any) -> None:
    """Registration presents the document to the agency's leaders (Decree 30 art. 23)."""
    notify_about(
        document,
        users=[u for u in agency_leaders(document.owner_id) if u.pk != getattr(by, "pk", None)],
        title=f"Văn bản đến chờ phân công: {reference_label(document)}",
        body=f"{document.get_urgency_display()} — {document.issuing_agency_name}: {document.subject}",
    )


def _prepare_uploads(files: Sequence[File[Any]]) -> list[Any]:
    """Check and read the files (text extraction, OCR) before any transaction opens:
    a refused file raises `UploadError` and nothing is written."""
    # Imported here: cqs.documents.files itself builds on these services.
    from cqs.documents.files import prepare_upload

    return [prepare_upload(upload) for upload in files]


def _attach_uploads(*, by: Any, document: Document, prepared: Sequence[Any]) -> None:
    from cqs.documents.files import attach_file

    for index, upload in enumerate(prepared):
        kind = DocumentFile.Kind.MAIN if index == 0 else DocumentFile.Kind.ATTACHMENT
        attach_file(by=by, document=document, upload=upload, kind=kind)


def incoming_register(
    *,
    by: Any,
    owner: Agency,
    data: Mapping[str, Any],
    files: Sequence[File[Any]] = (),
    confirm_duplicate: bool = False,
) -> Document:
    """Register a document received on paper or outside the platform (status REGISTERED).

    Raises `DuplicateDocumentWarning` when the same number + notation + issuing agency is
    already registered, unless `confirm_duplicate`. `files` (uploads; the first is the main
    file) are checked and read first, then stored through `cqs.documents.files.attach_file`
    in the same transaction, each with its own "file attached" timeline and audit event.
    """
    require_known_fields(data, INCOMING_FIELDS, "incoming document")
    require(can_register(by, owner), NOT_A_CLERK)
    values = {k: clean_text(v) for k, v in data.items()}
    issuing_agency = values.get("issuing_agency")
    if issuing_agency is not None and not values.get("issuing_agency_name"):
        values["issuing_agency_name"] = issuing_agency.name
    now = timezone.now()
    values.setdefault("arrival_date", now)
    _check_dates(values, now)
    require_initial(Direction.INCOMING, DocumentStatus.REGISTERED)
    prepared = _prepare_uploads(files)
    with transaction.atomic():
        document = Document(
            owner=owner,
            direction=Direction.INCOMING,
            status=DocumentStatus.REGISTERED,
            created_by=by,
            **values,
        )
        if not confirm_duplicate:
            duplicates = find_duplicates(
                owner, document.number, document.notation, document.issuing_agency_name
            )
            if duplicates:
                raise DuplicateDocumentWarning(duplicates)
        registration = _assign_arrival_number(document, now=now)
        document.full_clean()
        document.save()
        refresh_search_text(document)
        link_citations(document)
        relink_citations_to(document)
        _present(document, by)
        record(
            by=by,
            document=document,
            action="incoming.register",
            description=f"{person(by)} vào sổ văn bản đến, số đến {format_number(registration.number)}"
            f"{' (sổ văn bản đến mật)' if document.is_secret else ''}.",
            payload={
                "arrival_number": registration.number,
                "year": registration.year,
                "series": document.series,
                "reference": document.reference,
                "duplicate_confirmed": confirm_duplicate,
                "files": len(files),
            },
        )
        _attach_uploads(by=by, document=document, prepared=prepared)
        # Every signature of the PDFs is checked and the verdict kept (cqs.signing.verify).
        verify_registered(by=by, document=document)
    return document


def _check_dates(values: Mapping[str, Any], now: datetime) -> None:
    arrival = values["arrival_date"]
    if not isinstance(arrival, datetime):
        raise ApplicationError("Ngày đến phải gồm ngày và giờ.", code="arrival_date")
    if arrival > now:
        raise ApplicationError("Ngày đến không thể sau thời điểm hiện tại.", code="arrival_date")
    issued_on = values.get("issued_on")
    if issued_on is not None and issued_on > local_date(arrival):
        raise ApplicationError("Ngày văn bản không thể sau ngày đến.", code="issued_on")


def incoming_register_arrived(*, by: Any, document: Document, confirm_duplicate: bool = False) -> Document:
    """Register a document that arrived over the platform: it takes the next arrival number."""
    with transaction.atomic():
        lock(document)
        require(can_register(by, document.owner_id), NOT_A_CLERK)
        require_transition(document, DocumentStatus.REGISTERED)
        if not confirm_duplicate:
            duplicates = find_duplicates(
                document.owner,
                document.number,
                document.notation,
                document.issuing_agency_name,
                exclude=document,
            )
            if duplicates:
                raise DuplicateDocumentWarning(duplicates)
        registration = _assign_arrival_number(document, now=timezone.now())
        document.status = DocumentStatus.REGISTERED
        check_fields(document)
        document.save()
        verify_registered(by=by, document=document)
        delivery_sync(document)
        _present(document, by)
        record(
            by=by,
            document=document,
            action="incoming.register_arrived",
            description=f"{person(by)} tiếp nhận và vào sổ văn bản đến, số đến "
            f"{format_number(registration.number)}.",
            payload={
                "arrival_number": registration.number,
                "year": registration.year,
                "series": document.series,
                "source": document.source_id,
                "duplicate_confirmed": confirm_duplicate,
            },
        )
    return document
