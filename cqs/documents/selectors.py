"""Reads for the reporting module and the registers of Decree 30 (PL IV).

Counts take agency ids and a window of civil dates in Vietnam, both ends included:
``count_outgoing([agency.pk], date(2023, 6, 15), date(2023, 9, 14))``. A date of a moment
(registration, completion) is its date in Asia/Ho_Chi_Minh.

* Outgoing documents count by their issue date (`issued_on`) once released (recalled ones
  included: they were issued and keep their number).
* Incoming documents count by their registration (arrival number given) time.
* "Handled on the platform": incoming documents registered in the window with at least one
  assignment completed on the platform, so it divides by `count_incoming`.
* Assignments done on time / late count the routed items (top-level lead and support
  assignments; a forwarded child is part of its parent's item) completed in the window;
  on time means completed on or before the deadline's day, or without a deadline.

The register rows are plain dataclasses, one attribute per column, with `COLUMNS` (the
printed headers) and `cells()` (the column texts) for the PDF/XLSX renderers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import ClassVar

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Length, TruncDate

from cqs.core.workcalendar import VN_TZ
from cqs.documents.models import (
    ISSUED_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Delivery,
    Direction,
    Document,
    DocumentStatus,
    Secrecy,
)
from cqs.org.models import Agency


def _window(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in Vietnam's time: moments whose local date is in [start, end]."""
    if end < start:
        raise ValueError("The window ends before it starts.")
    return (
        datetime.combine(start, time.min, tzinfo=VN_TZ),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=VN_TZ),
    )


def _ids(agency_ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(agency_ids))


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(VN_TZ).date() if moment is not None else None


def _fmt(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


# --- counts ----------------------------------------------------------------------------


def issued_outgoing(agency_ids: Iterable[int], start: date, end: date) -> QuerySet[Document]:
    return Document.objects.filter(
        owner_id__in=_ids(agency_ids),
        direction=Direction.OUTGOING,
        status__in=ISSUED_STATUSES,
        issued_on__range=(start, end),
    )


def registered_incoming(agency_ids: Iterable[int], start: date, end: date) -> QuerySet[Document]:
    since, until = _window(start, end)
    return Document.objects.filter(
        owner_id__in=_ids(agency_ids),
        direction=Direction.INCOMING,
        arrival_number__isnull=False,
        registered_at__gte=since,
        registered_at__lt=until,
    )


def count_outgoing(agency_ids: Iterable[int], start: date, end: date) -> int:
    return issued_outgoing(agency_ids, start, end).count()


def count_outgoing_electronic(agency_ids: Iterable[int], start: date, end: date) -> int:
    """Issued and sent as electronic documents (never a secret one)."""
    return issued_outgoing(agency_ids, start, end).filter(secrecy=Secrecy.NONE, is_electronic=True).count()


def count_outgoing_signed(agency_ids: Iterable[int], start: date, end: date) -> int:
    return issued_outgoing(agency_ids, start, end).filter(is_digitally_signed=True).count()


def count_incoming(agency_ids: Iterable[int], start: date, end: date) -> int:
    return registered_incoming(agency_ids, start, end).count()


def count_handled_on_platform(agency_ids: Iterable[int], start: date, end: date) -> int:
    completed = Assignment.objects.filter(document=OuterRef("pk"), status=AssignmentStatus.DONE)
    return registered_incoming(agency_ids, start, end).filter(Exists(completed)).count()


def _completed_items(agency_ids: Iterable[int], start: date, end: date) -> QuerySet[Assignment]:
    since, until = _window(start, end)
    return Assignment.objects.filter(
        document__owner_id__in=_ids(agency_ids),
        parent__isnull=True,
        role__in=(AssignmentRole.LEAD, AssignmentRole.SUPPORT),
        status=AssignmentStatus.DONE,
        completed_at__gte=since,
        completed_at__lt=until,
    )


def _done_on() -> TruncDate:
    """The completion's date in Vietnam (a completion at 23:30 on the deadline day is on time)."""
    return TruncDate("completed_at", tzinfo=VN_TZ)


def count_assignments_done_on_time(agency_ids: Iterable[int], start: date, end: date) -> int:
    return (
        _completed_items(agency_ids, start, end)
        .filter(Q(deadline__isnull=True) | Q(deadline__gte=_done_on()))
        .count()
    )


def count_assignments_done_late(agency_ids: Iterable[int], start: date, end: date) -> int:
    return _completed_items(agency_ids, start, end).filter(deadline__lt=_done_on()).count()


# --- registers -------------------------------------------------------------------------


def _secrecy_filter(secret: bool) -> Q:
    return Q(secrecy__gt=Secrecy.NONE) if secret else Q(secrecy=Secrecy.NONE)


def _roots(document: Document) -> list[Assignment]:
    return [a for a in document.assignments.all() if a.parent_id is None]


def _target(assignment: Assignment) -> str:
    if assignment.assignee is not None and (assignment.unit is None or assignment.parent_id is not None):
        return assignment.assignee.full_name or assignment.assignee.username
    if assignment.unit is not None:
        return assignment.unit.name
    return ""


def _receivers(document: Document) -> str:
    """'Phòng A (chủ trì, giao Nguyễn Văn B); Phòng C (phối hợp)'."""
    children: dict[int, list[Assignment]] = {}
    for a in document.assignments.all():
        if a.parent_id is not None:
            children.setdefault(a.parent_id, []).append(a)
    parts = []
    for root in _roots(document):
        detail = root.get_role_display().lower()
        officers = [_target(c) for c in children.get(root.pk, [])]
        if officers:
            detail += f", giao {', '.join(officers)}"
        parts.append(f"{_target(root)} ({detail})")
    return "; ".join(parts)


def _note(document: Document) -> str:
    notes = []
    if document.urgency:
        notes.append(document.get_urgency_display())
    if document.secrecy:
        notes.append(document.get_secrecy_display())
    if document.status in (DocumentStatus.RECALLED, DocumentStatus.CANCELLED, DocumentStatus.RETURNED):
        reason = f": {document.status_reason}" if document.status_reason else ""
        notes.append(f"{document.get_status_display()}{reason}")
    return "; ".join(notes)


def _type_and_subject(document: Document) -> str:
    return f"{document.doc_type}: {document.subject}"


def _with_assignments(qs: QuerySet[Document]) -> QuerySet[Document]:
    return qs.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("unit", "assignee", "reply_document").order_by("id"),
        )
    )


@dataclass(frozen=True)
class IncomingRegisterRow:
    """Sổ đăng ký văn bản đến (Decree 30, PL IV): ten columns."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung",
        "Đơn vị hoặc người nhận",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    )

    arrival_date: date | None
    arrival_number: int
    author: str
    reference: str
    issued_on: date | None
    type_and_subject: str
    receivers: str
    transferred_on: date | None
    receipt_signature: str
    note: str

    def cells(self) -> tuple[str, ...]:
        return (
            _fmt(self.arrival_date),
            f"{self.arrival_number:02d}",
            self.author,
            self.reference,
            _fmt(self.issued_on),
            self.type_and_subject,
            self.receivers,
            _fmt(self.transferred_on),
            self.receipt_signature,
            self.note,
        )


def _incoming_registered(agency: Agency, start: date, end: date, secret: bool) -> QuerySet[Document]:
    return _with_assignments(
        registered_incoming([agency.pk], start, end)
        .filter(_secrecy_filter(secret))
        .order_by("registered_year", "arrival_number", "id")
    )


def incoming_register_rows(
    agency: Agency, start: date, end: date, *, secret: bool = False
) -> list[IncomingRegisterRow]:
    """The incoming register of `agency` for documents registered in the window, in arrival
    number order (the secret register with `secret=True`)."""
    rows = []
    for d in _incoming_registered(agency, start, end, secret):
        roots = _roots(d)
        assert d.arrival_number is not None
        rows.append(
            IncomingRegisterRow(
                arrival_date=_day(d.arrival_date or d.registered_at),
                arrival_number=d.arrival_number,
                author=d.issuing_agency_name,
                reference=d.reference,
                issued_on=d.issued_on,
                type_and_subject=_type_and_subject(d),
                receivers=_receivers(d),
                transferred_on=_day(min(a.assigned_at for a in roots)) if roots else None,
                receipt_signature="",
                note=_note(d),
            )
        )
    return rows


@dataclass(frozen=True)
class FollowUpRow:
    """Sổ theo dõi giải quyết văn bản đến (Decree 30, PL IV): seven columns."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "Số đến",
        "Tên loại, số, ký hiệu, ngày tháng và cơ quan ban hành văn bản",
        "Đơn vị hoặc người nhận",
        "Thời hạn giải quyết",
        "Tiến độ giải quyết",
        "Số, ký hiệu văn bản trả lời",
        "Ghi chú",
    )

    arrival_number: int
    document: str
    receivers: str
    deadline: date | None
    progress: str
    reply_reference: str
    note: str

    def cells(self) -> tuple[str, ...]:
        return (
            f"{self.arrival_number:02d}",
            self.document,
            self.receivers,
            _fmt(self.deadline),
            self.progress,
            self.reply_reference,
            self.note,
        )


def _latest_note(document: Document, lead: Assignment) -> str:
    """The last progress note written in the lead's tree (the officers write on the children)."""
    tree = {lead.pk}
    notes = ""
    for a in document.assignments.all():  # ordered by id: parents before children
        if a.pk in tree or a.parent_id in tree:
            tree.add(a.pk)
            notes = a.progress_note or notes
    return notes


def _progress(document: Document, lead: Assignment | None, today: date) -> str:
    if document.status == DocumentStatus.DONE:
        done = lead.completed_at if lead is not None else None
        return f"Đã giải quyết{f' ngày {_fmt(_day(done))}' if done else ''}"
    if document.status in (DocumentStatus.REGISTERED, DocumentStatus.ARRIVED):
        return "Chưa phân công"
    if document.status in (DocumentStatus.ROUTED, DocumentStatus.IN_PROGRESS):
        text = document.get_status_display()
        note = _latest_note(document, lead) if lead is not None else ""
        if note:
            text += f": {note}"
        if lead is not None and lead.deadline is not None and lead.deadline < today:
            text += f" (quá hạn từ {_fmt(lead.deadline)})"
        return text
    return document.get_status_display()


def follow_up_rows(
    agency: Agency, start: date, end: date, *, secret: bool = False, today: date | None = None
) -> list[FollowUpRow]:
    """The follow-up register for incoming documents registered in the window."""
    today = today or datetime.now(VN_TZ).date()
    rows = []
    for d in _incoming_registered(agency, start, end, secret):
        roots = _roots(d)
        lead = next((a for a in roots if a.role == AssignmentRole.LEAD), None)
        replies = [a.reply_document.reference for a in d.assignments.all() if a.reply_document is not None]
        issued = f" ngày {_fmt(d.issued_on)}" if d.issued_on else ""
        number = f" số {d.reference}" if d.reference else ""
        assert d.arrival_number is not None
        rows.append(
            FollowUpRow(
                arrival_number=d.arrival_number,
                document=f"{d.doc_type}{number}{issued} của {d.issuing_agency_name}",
                receivers=_receivers(d),
                deadline=lead.deadline if lead is not None else d.due_date,
                progress=_progress(d, lead, today),
                reply_reference="; ".join(dict.fromkeys(replies)),
                note=_note(d),
            )
        )
    return rows


@dataclass(frozen=True)
class OutgoingRegisterRow:
    """Sổ đăng ký văn bản đi (Decree 30, PL IV): ten columns."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung",
        "Người ký",
        "Nơi nhận văn bản",
        "Đơn vị, người nhận bản lưu",
        "Số lượng bản",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    )

    reference: str
    issued_on: date | None
    type_and_subject: str
    signer: str
    recipients: str
    archive_holder: str
    copies: int
    transferred_on: date | None
    receipt_signature: str
    note: str

    def cells(self) -> tuple[str, ...]:
        return (
            self.reference,
            _fmt(self.issued_on),
            self.type_and_subject,
            self.signer,
            self.recipients,
            self.archive_holder,
            str(self.copies),
            _fmt(self.transferred_on),
            self.receipt_signature,
            self.note,
        )


def _signer(document: Document) -> str:
    title = " ".join(p for p in (document.signer_authority, document.signer_title) if p)
    if document.signer_name and title:
        return f"{document.signer_name} ({title})"
    return document.signer_name or title


def _archive_holder(document: Document) -> str:
    if document.archive_line:
        return document.archive_line
    unit = document.drafting_unit
    return f"VT, {unit.notation}" if unit is not None else "VT"


def outgoing_register_rows(
    agency: Agency, start: date, end: date, *, secret: bool = False
) -> list[OutgoingRegisterRow]:
    """The outgoing register of `agency` for documents issued in the window, in number order."""
    documents = (
        issued_outgoing([agency.pk], start, end)
        .filter(_secrecy_filter(secret))
        .select_related("drafting_unit")
        .prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.order_by("id")))
        .order_by("registered_year", Length("number"), "number", "id")
    )
    return [
        OutgoingRegisterRow(
            reference=d.reference,
            issued_on=d.issued_on,
            type_and_subject=_type_and_subject(d),
            signer=_signer(d),
            recipients="; ".join(x.recipient_name for x in d.deliveries.all()),
            archive_holder=_archive_holder(d),
            copies=d.copies,
            transferred_on=_day(d.released_at),
            receipt_signature="",
            note=_note(d),
        )
        for d in documents
    ]
