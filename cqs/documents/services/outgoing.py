"""Drafting, approving, releasing and recalling outgoing documents (Decree 30 art. 10–19;
regulations.md §1.9).

draft (officer) → submit → review (head of the drafting unit) → approve (the signer named
on the draft) → release (clerk: number, notation, date, delivery). A reviewer or signer who
refuses sends the draft back to its drafter with a reason; so does the clerk who finds a
format error before release. Release hands the document at once to every recipient agency
on the platform (an ARRIVED incoming copy that its clerk registers) and records the others
for paper or the later edXML exchange. Secret documents never travel electronically.
A recall freezes the document and cancels its recipients' copies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from cqs.accounts.models import User
from cqs.core.doctypes import ADMINISTRATIVE_TYPES
from cqs.core.errors import ApplicationError
from cqs.documents.links import link_citations, relink_citations_to
from cqs.documents.models import (
    AssignmentStatus,
    Comment,
    Delivery,
    DeliveryStatus,
    Direction,
    Document,
    DocumentEvent,
    DocumentFile,
    DocumentStatus,
)
from cqs.documents.permissions import (
    agency_clerks,
    agency_leaders,
    assignment_handlers,
    can_comment,
    can_draft,
    can_edit_outgoing,
    can_recall,
    can_release,
    can_review,
    can_sign,
    require,
    unit_heads,
)
from cqs.documents.search import compose_search_text, refresh_search_text
from cqs.documents.services._common import (
    check_fields,
    clean_text,
    format_day,
    local_today,
    lock,
    notify_about,
    person,
    record,
    reference_label,
    require_known_fields,
    require_text,
)
from cqs.documents.services.delivery import delivery_sync
from cqs.documents.services.numbering import build_notation, format_number, next_number, outgoing_series
from cqs.documents.services.signing import leader_revision, release_signatures, verify_delivered
from cqs.documents.workflow import can_transition, require_transition
from cqs.org.models import Agency, Position, Role, Unit
from cqs.signing.reauth import ReauthRequired

OUTGOING_FIELDS = (
    "doc_type",
    "subject",
    "body",
    "drafting_unit",
    "recipient_agencies",
    "recipients_text",
    "urgency",
    "secrecy",
    "signer",
    "signer_authority",
    "signer_title",
    "signer_name",
    "archive_line",
    "copies",
    "page_count",
    "due_date",
    "place",
)
ADMINISTRATIVE_TYPE_NAMES = frozenset(t.name for t in ADMINISTRATIVE_TYPES)
# Files that travel with a released document (drafts stay with the sender).
DELIVERED_FILE_KINDS = (DocumentFile.Kind.MAIN, DocumentFile.Kind.ATTACHMENT)


# --- data ---------------------------------------------------------------------------


def recipient_lines(value: str | Iterable[str]) -> list[str]:
    """External recipients, one per line, without the list dash or the closing ';' / '.'."""
    lines = value.splitlines() if isinstance(value, str) else list(value)
    cleaned = []
    for line in lines:
        name = str(clean_text(line)).lstrip("-–•+ ").rstrip(";.,").strip()
        if name and name not in cleaned:
            cleaned.append(name)
    return cleaned


def _recipient_agencies(owner: Agency, value: Iterable[Agency | int]) -> list[Agency]:
    ids = list(dict.fromkeys(a.pk if isinstance(a, Agency) else int(a) for a in value))
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in agencies]
    if missing:
        raise ApplicationError("Có nơi nhận không tồn tại trên nền tảng.", code="recipients")
    if owner.pk in agencies:
        raise ApplicationError("Cơ quan không gửi văn bản cho chính mình.", code="recipients")
    today = local_today()
    ended = [a.name for a in agencies.values() if not a.is_valid_on(today)]
    if ended:
        raise ApplicationError(f"Nơi nhận không còn hoạt động: {', '.join(ended)}.", code="recipients")
    return [agencies[i] for i in ids]


def _signer_position(owner: Agency, signer: User) -> Position | None:
    return (
        Position.objects.current(local_today())
        .filter(user=signer, agency=owner, roles__role=Role.LEADER)
        .order_by("unit_id", "pk")
        .first()
    )


def _apply(document: Document, data: Mapping[str, Any]) -> list[Agency] | None:
    """Set the draft's fields from `data`; return the on-platform recipients if given."""
    values = {k: clean_text(v) for k, v in data.items() if k not in ("recipient_agencies", "recipients_text")}
    doc_type = values.get("doc_type", document.doc_type)
    if doc_type not in ADMINISTRATIVE_TYPE_NAMES:
        raise ApplicationError(
            "Loại văn bản phải là một trong 29 loại văn bản hành chính (Nghị định 30/2020/NĐ-CP).",
            code="doc_type",
        )
    unit = values.get("drafting_unit")
    if isinstance(unit, Unit) and unit.agency_id != document.owner_id:
        raise ApplicationError("Đơn vị soạn thảo phải thuộc cơ quan ban hành.", code="drafting_unit")
    signer = values.get("signer")
    if signer is not None:
        position = _signer_position(document.owner, signer)
        if position is None:
            raise ApplicationError(
                f"{person(signer)} không phải lãnh đạo của cơ quan nên không thể là người ký.", code="signer"
            )
        if signer.pk != document.signer_id:
            values.setdefault("signer_name", person(signer))
            values.setdefault("signer_title", position.title)
    for name, value in values.items():
        setattr(document, name, value)
    if "recipients_text" in data:
        document.recipients_text = "\n".join(recipient_lines(data["recipients_text"]))
    if "recipient_agencies" in data:
        return _recipient_agencies(document.owner, data["recipient_agencies"])
    return None


def _field_label(name: str) -> str:
    field = Document._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _default_unit(by: Any, owner: Agency) -> Unit | None:
    position = (
        Position.objects.current(local_today())
        .filter(user=by, agency=owner, unit__isnull=False)
        .select_related("unit")
        .first()
    )
    return position.unit if position is not None else None


# --- drafting -------------------------------------------------------------------------


def outgoing_draft_create(*, by: Any, owner: Agency, data: Mapping[str, Any]) -> Document:
    """An officer starts a draft; `data` keys are OUTGOING_FIELDS.

    `recipient_agencies` are agencies (or ids) on the platform; `recipients_text` the other
    recipients, one per line. `signer` is the leader who will sign; the signer's name and title
    default from the account and position.
    """
    require_known_fields(data, OUTGOING_FIELDS, "outgoing document")
    require(can_draft(by, owner), "Bạn không phải cán bộ của cơ quan này nên không thể soạn văn bản.")
    with transaction.atomic():
        document = Document(
            owner=owner,
            direction=Direction.OUTGOING,
            status=DocumentStatus.DRAFT,
            issuing_agency=owner,
            issuing_agency_name=owner.name,
            place=owner.place_name,
            drafter=by,
            created_by=by,
            drafting_unit=_default_unit(by, owner),
        )
        agencies = _apply(document, data)
        document.full_clean()
        document.save()
        if agencies is not None:
            document.recipient_agencies.set(agencies)
        refresh_search_text(document)
        record(
            by=by,
            document=document,
            action="outgoing.draft_create",
            description=f"{person(by)} tạo dự thảo {document.doc_type.lower()} “{document.subject}”.",
            payload={"doc_type": document.doc_type, "subject": document.subject},
        )
    return document


def outgoing_update(*, by: Any, document: Document, data: Mapping[str, Any]) -> Document:
    """Change a draft. Whoever holds it may: the drafter (draft), the reviewer (in review),
    the signer (reviewed). Nothing is written when nothing changes."""
    require_known_fields(data, OUTGOING_FIELDS, "outgoing document")
    with transaction.atomic():
        lock(document)
        require(can_edit_outgoing(by, document), "Bạn không được sửa văn bản ở bước này.")
        before = {name: getattr(document, name) for name in OUTGOING_FIELDS if name != "recipient_agencies"}
        old_agencies = set(document.recipient_agencies.values_list("pk", flat=True))
        agencies = _apply(document, data)
        changed = [name for name, value in before.items() if getattr(document, name) != value]
        if agencies is not None and {a.pk for a in agencies} != old_agencies:
            changed.append("recipient_agencies")
        if not changed:
            return document
        document.full_clean()
        document.save()
        if agencies is not None:
            document.recipient_agencies.set(agencies)
        refresh_search_text(document)
        labels = ", ".join(_field_label(name) for name in changed)
        record(
            by=by,
            document=document,
            action="outgoing.update",
            description=f"{person(by)} sửa dự thảo: {labels}.",
            payload={"fields": changed},
        )
    return document


def outgoing_comment(*, by: Any, document: Document, text: str) -> Comment:
    text = str(require_text(text, "Ý kiến không được để trống."))
    with transaction.atomic():
        lock(document)
        require(can_comment(by, document), "Chỉ cán bộ của cơ quan mới góp ý dự thảo, trước khi phát hành.")
        comment = Comment(document=document, author=by, text=text)
        comment.full_clean(exclude=["document", "author"])
        comment.save()
        if document.drafter is not None and document.drafter_id != by.pk:
            notify_about(
                document,
                users=[document.drafter],
                title=f"Góp ý dự thảo: {document.subject[:120]}",
                body=f"{person(by)}: {text}",
            )
        record(
            by=by,
            document=document,
            action="outgoing.comment",
            description=f"{person(by)} góp ý: {text}",
            payload={"comment": comment.pk},
        )
    return comment


def _reviewers(document: Document) -> list[User]:
    heads = unit_heads(document.drafting_unit) if document.drafting_unit is not None else []
    return heads or agency_leaders(document.owner_id)


def _check_complete(document: Document) -> None:
    problems = []
    if document.signer_id is None:
        problems.append("chưa chọn người ký")
    if not document.recipients_text.strip() and not document.recipient_agencies.exists():
        problems.append("chưa có nơi nhận")
    if problems:
        raise ApplicationError(f"Chưa trình được: {', '.join(problems)}.", code="incomplete")
    build_notation(doc_type=document.doc_type, agency=document.owner, drafting_unit=document.drafting_unit)


def outgoing_submit(*, by: Any, document: Document) -> Document:
    """The drafter submits the draft to the head of the drafting unit (IN_REVIEW)."""
    with transaction.atomic():
        lock(document)
        require(
            document.drafter_id == getattr(by, "pk", None) and can_edit_outgoing(by, document),
            "Chỉ người soạn thảo mới trình dự thảo.",
        )
        require_transition(document, DocumentStatus.IN_REVIEW)
        _check_complete(document)
        document.status = DocumentStatus.IN_REVIEW
        document.status_reason = ""
        check_fields(document)
        document.save()
        notify_about(
            document,
            users=_reviewers(document),
            title=f"Dự thảo chờ duyệt: {document.subject[:150]}",
            body=f"{person(by)} trình dự thảo {document.doc_type.lower()} “{document.subject}”.",
        )
        record(
            by=by,
            document=document,
            action="outgoing.submit",
            description=f"{person(by)} trình dự thảo để lãnh đạo đơn vị duyệt.",
        )
    return document


def _send_back(document: Document, *, by: Any, reason: str, step: str) -> None:
    document.status = DocumentStatus.DRAFT
    document.status_reason = reason
    check_fields(document)
    document.save()
    notify_about(
        document,
        users=[document.drafter] if document.drafter is not None else [],
        title=f"Dự thảo bị trả lại: {document.subject[:150]}",
        body=f"{person(by)} ({step}) trả lại dự thảo. Lý do: {reason}",
    )


def outgoing_review(*, by: Any, document: Document, approve: bool, note: str = "") -> Document:
    """The head of the drafting unit approves the content (REVIEWED) or sends it back (DRAFT,
    reason required)."""
    note = note.strip()
    with transaction.atomic():
        lock(document)
        require(can_review(by, document), "Chỉ lãnh đạo đơn vị soạn thảo mới duyệt dự thảo.")
        target = DocumentStatus.REVIEWED if approve else DocumentStatus.DRAFT
        require_transition(document, target)
        if approve:
            document.status = DocumentStatus.REVIEWED
            check_fields(document)
            document.save()
            notify_about(
                document,
                users=[document.signer] if document.signer is not None else [],
                title=f"Văn bản chờ ký duyệt: {document.subject[:150]}",
                body=f"{person(by)} đã duyệt nội dung {document.doc_type.lower()} “{document.subject}”.",
            )
            description = f"{person(by)} duyệt nội dung, chuyển người ký.{f' Ý kiến: {note}' if note else ''}"
        else:
            reason = str(require_text(note, "Phải nêu lý do khi trả lại dự thảo."))
            _send_back(document, by=by, reason=reason, step="duyệt nội dung")
            description = f"{person(by)} trả lại dự thảo cho người soạn thảo. Lý do: {reason}"
        record(
            by=by,
            document=document,
            action="outgoing.review",
            description=description,
            payload={"approve": approve, "note": note},
        )
    return document


def outgoing_approve(*, by: Any, document: Document, approve: bool, note: str = "") -> Document:
    """The signer named on the draft approves it for release (APPROVED) or sends it back."""
    note = note.strip()
    with transaction.atomic():
        lock(document)
        require(can_sign(by, document), "Chỉ người ký được chọn trên dự thảo mới ký duyệt.")
        target = DocumentStatus.APPROVED if approve else DocumentStatus.DRAFT
        require_transition(document, target)
        if approve:
            document.status = DocumentStatus.APPROVED
            check_fields(document)
            document.save()
            notify_about(
                document,
                users=agency_clerks(document.owner_id),
                title=f"Văn bản chờ phát hành: {document.subject[:150]}",
                body=f"{person(by)} đã ký duyệt {document.doc_type.lower()} “{document.subject}”.",
            )
            description = f"{person(by)} ký duyệt văn bản, chuyển văn thư phát hành." + (
                f" Ý kiến: {note}" if note else ""
            )
        else:
            reason = str(require_text(note, "Phải nêu lý do khi trả lại dự thảo."))
            _send_back(document, by=by, reason=reason, step="người ký")
            description = f"{person(by)} không ký, trả lại dự thảo. Lý do: {reason}"
        record(
            by=by,
            document=document,
            action="outgoing.approve",
            description=description,
            payload={"approve": approve, "note": note},
        )
    return document


def outgoing_send_back(*, by: Any, document: Document, reason: str) -> Document:
    """The clerk finds a format or procedure error before release and returns the approved
    document to its drafter (Decree 30 art. 16)."""
    reason = str(require_text(reason, "Phải nêu lý do khi trả lại văn bản."))
    with transaction.atomic():
        lock(document)
        require(can_release(by, document), "Chỉ văn thư của cơ quan mới trả lại văn bản chờ phát hành.")
        if document.status != DocumentStatus.APPROVED:
            raise ApplicationError(
                "Văn thư chỉ trả lại văn bản đã được ký duyệt, đang chờ phát hành.", code="invalid_transition"
            )
        require_transition(document, DocumentStatus.DRAFT)
        _send_back(document, by=by, reason=reason, step="văn thư")
        record(
            by=by,
            document=document,
            action="outgoing.send_back",
            description=f"{person(by)} (văn thư) trả lại văn bản cho người soạn thảo. Lý do: {reason}",
            payload={"reason": reason},
        )
    return document


# --- release ---------------------------------------------------------------------------


def _copy_for(document: Document, recipient: Agency, *, by: Any, now: Any) -> Document:
    """The recipient's incoming copy of a released document, waiting for its clerk."""
    copy = Document(
        owner=recipient,
        direction=Direction.INCOMING,
        status=DocumentStatus.ARRIVED,
        doc_type=document.doc_type,
        number=document.number,
        notation=document.notation,
        issued_on=document.issued_on,
        place=document.place,
        issuing_agency=document.owner,
        issuing_agency_name=document.owner.name,
        subject=document.subject,
        body=document.body,
        urgency=document.urgency,
        signer_authority=document.signer_authority,
        signer_title=document.signer_title,
        signer_name=document.signer_name,
        page_count=document.page_count,
        due_date=document.due_date,
        arrival_date=now,
        is_electronic=True,
        is_digitally_signed=document.is_digitally_signed,
        source=document,
        created_by=by,
    )
    check_fields(copy)
    copy.save()
    DocumentFile.objects.bulk_create(
        DocumentFile(
            document=copy,
            kind=f.kind,
            file=f.file.name,
            original_name=f.original_name,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            text=f.text,
            ocr_done=f.ocr_done,
            uploaded_by=f.uploaded_by,
        )
        # A file superseded by its signed revision stays with the sender: recipients get
        # the signed bytes only (cqs.documents.services.signing).
        for f in document.files.filter(kind__in=DELIVERED_FILE_KINDS, signed_revisions__isnull=True).order_by(
            "id"
        )
    )
    refresh_search_text(copy)
    link_citations(copy)
    DocumentEvent.objects.create(
        document=copy,
        actor=by,
        action="incoming.arrive",
        description=f"Văn bản đến qua nền tảng từ {document.owner.name}, chờ văn thư vào sổ.",
    )
    notify_about(
        copy,
        users=agency_clerks(recipient),
        title=f"Văn bản mới đến: {reference_label(copy)}",
        body=f"{document.owner.name}: {document.subject}",
    )
    return copy


def _deliver(document: Document, *, by: Any, now: Any) -> list[Delivery]:
    deliveries = []
    for agency in document.recipient_agencies.order_by("name", "pk"):
        if document.is_secret:
            delivery = Delivery(
                document=document, recipient=agency, recipient_name=agency.name, status=DeliveryStatus.PAPER
            )
        else:
            delivery = Delivery(
                document=document,
                recipient=agency,
                recipient_name=agency.name,
                received_document=_copy_for(document, agency, by=by, now=now),
                status=DeliveryStatus.ARRIVED,
            )
        deliveries.append(delivery)
    external = DeliveryStatus.PAPER if document.is_secret else DeliveryStatus.EXTERNAL_PENDING
    deliveries.extend(
        Delivery(document=document, recipient_name=name[:200], status=external)
        for name in recipient_lines(document.recipients_text)
    )
    for delivery in deliveries:
        delivery.full_clean(exclude=["document", "recipient", "received_document"])
    return Delivery.objects.bulk_create(deliveries)


def outgoing_release(
    *, by: Any, document: Document, released_on: date | None = None, reauth_ok: bool = False
) -> Document:
    """The clerk releases an approved document: number (gapless per agency, year and series),
    notation, date, the outgoing register, and delivery to every recipient.

    A document the signer has signed digitally is released digitally: the number and date
    are written into its form fields and the agency's signature applied before delivery
    (`cqs.documents.services.signing.release_signatures`), which needs the clerk's recent
    password confirmation (`reauth_ok`); any failure there leaves the document unreleased.
    """
    today = local_today()
    released_on = released_on or today
    if released_on > today:
        raise ApplicationError("Ngày ban hành không thể sau ngày hôm nay.", code="released_on")
    with transaction.atomic():
        lock(document)
        require(can_release(by, document), "Chỉ văn thư của cơ quan mới phát hành văn bản.")
        require_transition(document, DocumentStatus.RELEASED)
        revision = leader_revision(document)
        if revision is not None and not reauth_ok:
            raise ReauthRequired()
        notation = build_notation(
            doc_type=document.doc_type, agency=document.owner, drafting_unit=document.drafting_unit
        )
        series = outgoing_series(document.secrecy)
        number = next_number(agency=document.owner, year=released_on.year, series=series)
        now = timezone.now()
        document.series = series
        document.number = format_number(number)
        document.notation = notation
        document.issued_on = released_on
        document.registered_year = released_on.year
        document.registered_at = now
        document.released_at = now
        document.is_electronic = not document.is_secret
        document.status = DocumentStatus.RELEASED
        document.status_reason = ""
        check_fields(document)
        document.save()
        if revision is not None:
            release_signatures(by=by, document=document, revision=revision, reauth_ok=reauth_ok)
        deliveries = _deliver(document, by=by, now=now)
        verify_delivered(deliveries)
        refresh_search_text(document)
        link_citations(document)
        relink_citations_to(document)
        notify_about(
            document,
            users=[u for u in (document.drafter, document.signer) if u is not None and u.pk != by.pk],
            title=f"Đã phát hành: {reference_label(document)}",
            body=f"{document.subject} — {len(deliveries)} nơi nhận.",
        )
        on_platform = sum(1 for d in deliveries if d.received_document_id is not None)
        record(
            by=by,
            document=document,
            action="outgoing.release",
            description=f"{person(by)} phát hành văn bản số {document.reference} "
            f"ngày {format_day(released_on)}"
            f"{' (sổ văn bản đi mật, gửi bản giấy)' if document.is_secret else ''}; "
            f"{on_platform} nơi nhận trên nền tảng, {len(deliveries) - on_platform} nơi nhận khác.",
            payload={
                "number": number,
                "notation": notation,
                "series": series,
                "year": released_on.year,
                "issued_on": released_on,
                "deliveries": [d.pk for d in deliveries],
                "digitally_signed": document.is_digitally_signed,
            },
        )
    return document


# --- recall ---------------------------------------------------------------------------


def _cancel_copy(copy: Document, *, by: Any, sender: Document, reason: str) -> None:
    """The recipient's copy is cancelled: its content is hidden, the recall's metadata kept."""
    lock(copy)
    if not can_transition(copy, DocumentStatus.CANCELLED):
        return  # already returned to the sender: nothing of it is in use any more
    handlers = [
        u for a in copy.assignments.exclude(status=AssignmentStatus.DONE) for u in assignment_handlers(a)
    ]
    copy.status = DocumentStatus.CANCELLED
    copy.status_reason = reason
    copy.body = ""
    check_fields(copy)
    copy.save()
    copy.search_text = compose_search_text(
        copy.doc_type, copy.reference, copy.subject, copy.issuing_agency_name, copy.signer_name
    )
    copy.save(update_fields=["search_text"])
    delivery_sync(copy)
    DocumentEvent.objects.create(
        document=copy,
        actor=by,
        action="incoming.cancel",
        description=f"{sender.owner.name} thu hồi văn bản; văn bản bị hủy. Lý do: {reason}",
    )
    notify_about(
        copy,
        users=[*agency_clerks(copy.owner_id), *handlers],
        title=f"Văn bản bị thu hồi: {reference_label(copy)}",
        body=f"{sender.owner.name} thu hồi {reference_label(copy)} “{copy.subject}”. Lý do: {reason}",
    )


def outgoing_recall(*, by: Any, document: Document, reason: str) -> Document:
    """Recall a released document (Decree 30 art. 16 and PL VI): the original is frozen with its
    metadata; the recipients' copies on the platform are cancelled; every delivery is RECALLED."""
    reason = str(require_text(reason, "Phải nêu lý do thu hồi văn bản."))
    with transaction.atomic():
        lock(document)
        require(
            can_recall(by, document), "Chỉ lãnh đạo hoặc văn thư của cơ quan ban hành mới thu hồi văn bản."
        )
        require_transition(document, DocumentStatus.RECALLED)
        document.status = DocumentStatus.RECALLED
        document.status_reason = reason
        check_fields(document)
        document.save()
        recalled = 0
        for delivery in document.deliveries.select_related("received_document").order_by("id"):
            if delivery.received_document is not None:
                _cancel_copy(delivery.received_document, by=by, sender=document, reason=reason)
                delivery.refresh_from_db()
            elif delivery.status != DeliveryStatus.RETURNED:
                delivery.status = DeliveryStatus.RECALLED
                delivery.status_reason = reason
                delivery.save(update_fields=["status", "status_reason", "updated_at"])
            recalled += delivery.status == DeliveryStatus.RECALLED
        record(
            by=by,
            document=document,
            action="outgoing.recall",
            description=f"{person(by)} thu hồi văn bản số {document.reference}. Lý do: {reason}",
            payload={"reason": reason, "deliveries_recalled": recalled},
        )
    return document
