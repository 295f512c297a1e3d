"""Ký số in the documents workflow: the signer signs the approved document, the Văn thư
releases it with the agency's signature, and every PDF that enters the system is verified.

Decree 30/2020 (regulations.md §1.1, §1.6–1.7): an electronic document has legal value when
it carries the competent person's digital signature and then the agency's. Here:

1. `document_sign` — the signer named on the draft (`permissions.can_sign`), once the
   document is approved (status APPROVED): the system renders the Decree-30 PDF with no
   number and no date (or takes the uploaded PDF draft), stores it as a draft revision, and
   the leader's PAdES signature (blue image between title and name, certifying with "form
   filling and signing allowed", number and date form fields) makes a second revision.
2. `release_signatures` — called by `outgoing_release` between numbering and delivery: the
   number and date are written into their fields and the agency's signature (red seal over
   the left third of the leader's) makes the released main file; every PDF attachment gets
   the agency's signature without image (top right of page 1). The recipients' copies carry
   these bytes unchanged; superseded revisions stay with the sender.
3. `verify_files` — every signature of every PDF is checked (`cqs.signing.verify`) and the
   verdict stored (`cqs.signing.models.FileVerification`) at registration, at delivery and
   for any uploaded PDF the document page finds unchecked.

Bytes are never altered: each revision is a new `DocumentFile` with its SHA-256, linked to
its source by `cqs.signing.models.SignedFile`. Each signature is one ``signing.sign`` audit
event (written by `cqs.signing.services`) and one timeline row. A failure anywhere rolls the
whole step back: the document, its files (stored bytes included) and the records stay as
they were.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from cqs.core.errors import ApplicationError
from cqs.core.text import fold
from cqs.documents.models import Delivery, Direction, Document, DocumentEvent, DocumentFile, DocumentStatus
from cqs.documents.permissions import agency_clerks, can_release, can_sign, require
from cqs.documents.render import official_document
from cqs.documents.services._common import format_day, lock, notify_about, person
from cqs.documents.services.numbering import build_notation
from cqs.rendering.pdf import SignatureBox, render_pdf_with_layout
from cqs.signing.models import (
    BulkJobStatus,
    BulkSigningJob,
    Certificate,
    FileVerification,
    OverallVerdict,
    SignaturePurpose,
    SignedFile,
)
from cqs.signing.placement import FieldPlacement, field_placement_for, release_texts, uploaded_placement
from cqs.signing.services import release_with_agency_signature, sign_as_leader, sign_attachment
from cqs.signing.verify import SignatureVerdict, Verdict, verify_pdf

__all__ = [
    "SigningSource",
    "bulk_job_start",
    "bulk_job_step",
    "document_sign",
    "latest_verifications",
    "leader_revision",
    "overall_verdict",
    "release_signatures",
    "releasable_documents",
    "signable_documents",
    "signing_source",
    "uploaded_draft",
    "verify_unchecked",
    "verify_delivered",
    "verify_files",
    "verify_registered",
]

logger = logging.getLogger(__name__)

PDF = "application/pdf"
NOT_SIGNER = "Chỉ người ký được chọn trên văn bản mới ký số văn bản."
_VERDICT_ORDER = {Verdict.INVALID: 0, Verdict.INDETERMINATE: 1, Verdict.VALID: 2}
_OVERALL = {
    Verdict.VALID: OverallVerdict.VALID,
    Verdict.INDETERMINATE: OverallVerdict.INDETERMINATE,
    Verdict.INVALID: OverallVerdict.INVALID,
}


# ----------------------------------------------------------------------------- revisions


def _approved_at(document: Document) -> Any:
    event = document.events.filter(action="outgoing.approve").order_by("-at", "-id").first()
    return event.at if event is not None else None


def leader_revision(document: Document) -> DocumentFile | None:
    """The leader-signed revision waiting for release: the latest one made since the last
    approval (a document sent back and approved again must be signed again)."""
    files = DocumentFile.objects.filter(document=document, signed_revision__purpose=SignaturePurpose.LEADER)
    approved_at = _approved_at(document)
    if approved_at is not None:
        files = files.filter(uploaded_at__gte=approved_at)
    return files.order_by("-id").first()


def _read(stored: DocumentFile) -> bytes:
    """The stored bytes, checked against their recorded SHA-256."""
    with stored.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise ApplicationError(
            f"Tệp «{stored.original_name}» trên kho lưu trữ không khớp mã SHA-256 đã ghi; không ký được.",
            code="file_changed",
        )
    return bytes(data)


def _storage_stem(text: str) -> str:
    stem = slugify(fold(text))[:80].strip("-_") or "van-ban"
    return re.sub(r"[^A-Za-z0-9_-]", "", stem) or "van-ban"


def _store(*, by: Any, document: Document, data: bytes, name: str, kind: str, text: str = "") -> DocumentFile:
    """A new file row with `data` as is; the bytes are deleted again if the transaction rolls back."""
    # The helper `attach_file` uses to own a stored file until the commit.
    from cqs.documents.files import _DeleteUnlessCommitted

    digest = hashlib.sha256(data).hexdigest()
    stored = DocumentFile(
        document=document,
        kind=kind,
        original_name=name,
        content_type=PDF,
        size=len(data),
        sha256=digest,
        text=text,
        uploaded_by=by,
    )
    stored.file.save(f"{_storage_stem(PurePosixPath(name).stem)}.pdf", ContentFile(data), save=False)
    storage, path = stored.file.storage, stored.file.name
    try:
        stored.save()
    except BaseException:
        storage.delete(path)
        raise
    transaction.on_commit(_DeleteUnlessCommitted(storage, path))
    return stored


def _pdf_text(data: bytes, name: str) -> str:
    """The text layer, as an upload of the same bytes would get it (for search)."""
    from cqs.documents.files import prepare_upload

    return prepare_upload(ContentFile(data, name=name)).text


def _timeline(document: Document, by: Any, action: str, description: str) -> None:
    """A timeline row; the audit event of a signature is the ``signing.sign`` one."""
    DocumentEvent.objects.create(document=document, actor=by, action=action, description=description[:500])


# ----------------------------------------------------------------------------- what is signed


@dataclass(frozen=True)
class SigningSource:
    """The PDF the leader signs and where the signature and the number/date fields go."""

    pdf: bytes
    box: SignatureBox | None
    fields: FieldPlacement
    source_file: DocumentFile | None
    label: str

    @property
    def rendered(self) -> bool:
        return self.source_file is None


def uploaded_draft(document: Document) -> DocumentFile | None:
    """The latest PDF draft uploaded by a person (not one of our own revisions)."""
    return (
        document.files.filter(kind=DocumentFile.Kind.DRAFT, content_type=PDF)
        .filter(signed_revision__isnull=True, signed_revisions__isnull=True)
        .exclude(uploaded_by__isnull=True)
        .order_by("-id")
        .first()
    )


def signing_source(document: Document) -> SigningSource:
    """The uploaded PDF draft when there is one, otherwise the Decree-30 rendering of the
    document's content without number and date (the Văn thư writes them at release)."""
    uploaded = uploaded_draft(document)
    if uploaded is not None:
        data = _read(uploaded)
        placement = uploaded_placement(data)
        return SigningSource(
            pdf=data,
            box=placement.box,
            fields=placement.fields,
            source_file=uploaded,
            label=f"tệp dự thảo «{uploaded.original_name}»",
        )
    # The notation the release will give (it is built from the type, agency and unit).
    preview = copy.copy(document)
    preview.notation = document.notation or build_notation(
        doc_type=document.doc_type, agency=document.owner, drafting_unit=document.drafting_unit
    )
    official = replace(official_document(preview), number=None, issued_on=None)
    rendering = render_pdf_with_layout(official)
    return SigningSource(
        pdf=rendering.content,
        box=rendering.signature_box,
        fields=field_placement_for(official),
        source_file=None,
        label="bản trình bày theo Nghị định 30/2020/NĐ-CP do hệ thống tạo",
    )


def _personal_certificate(user: Any) -> Certificate:
    certificate = Certificate.objects.of_user(user).usable().order_by("-not_after", "-pk").first()
    if certificate is None:
        raise ApplicationError(
            "Bạn chưa có chứng thư số cá nhân còn hiệu lực; liên hệ quản trị để nhập chứng thư (PKCS#12).",
            code="no_certificate",
        )
    return certificate


def _agency_certificate(document: Document) -> Certificate:
    certificate = Certificate.objects.of_agency(document.owner).usable().order_by("-not_after", "-pk").first()
    if certificate is None:
        raise ApplicationError(
            f"{document.owner.name} chưa có chứng thư số cơ quan còn hiệu lực; chưa phát hành được "
            "văn bản đã ký số.",
            code="no_certificate",
        )
    return certificate


def _document_ref(document: Document) -> str:
    return f"documents.document:{document.pk}"


def _file_label(document: Document) -> str:
    return f"{document.doc_type} {document.reference}".strip() if document.number else document.doc_type


# ----------------------------------------------------------------------------- leader


def _require_signable(by: Any, document: Document) -> None:
    require(can_sign(by, document), NOT_SIGNER)
    if document.direction == Direction.INCOMING:
        raise ApplicationError("Văn bản đến không ký số tại đây.", code="invalid_transition")
    if document.status != DocumentStatus.APPROVED:
        raise ApplicationError(
            "Chỉ ký số văn bản đã được ký duyệt, đang chờ phát hành.", code="invalid_transition"
        )
    if document.is_secret:
        raise ApplicationError(
            "Văn bản mật không ký số, không gửi điện tử: phát hành bản giấy.", code="secret"
        )
    if leader_revision(document) is not None:
        raise ApplicationError("Văn bản đã được ký số; đang chờ văn thư phát hành.", code="already_signed")


def document_sign(*, by: Any, document: Document, reauth_ok: bool) -> DocumentFile:
    """The signer's PAdES signature on the approved document; returns the signed revision.

    Preconditions: `by` is the signer named on the document and has confirmed their password
    within ``SIGNING_REAUTH_SECONDS`` (`reauth_ok`); they own a usable personal certificate
    and a signature image.
    """
    with transaction.atomic():
        lock(document)
        _require_signable(by, document)
        certificate = _personal_certificate(by)
        source = signing_source(document)
        source_file = source.source_file
        if source_file is None:
            name = f"{_storage_stem(document.doc_type)}-trinh-ky.pdf"
            source_file = _store(
                by=by,
                document=document,
                data=source.pdf,
                name=f"Bản trình ký — {document.doc_type.lower()}.pdf",
                kind=DocumentFile.Kind.DRAFT,
                text=_pdf_text(source.pdf, name),
            )
        signed = sign_as_leader(
            by=by,
            pdf=source.pdf,
            certificate=certificate,
            box=source.box,
            fields=source.fields,
            reauth_ok=reauth_ok,
            document_ref=_document_ref(document),
            location=document.place or document.owner.place_name or None,
        )
        revision = _store(
            by=by,
            document=document,
            data=signed.content,
            name=f"Bản đã ký số của người có thẩm quyền — {document.doc_type.lower()}.pdf",
            kind=DocumentFile.Kind.DRAFT,
            text=source_file.text,
        )
        SignedFile.objects.create(
            document_file=revision,
            source_file=source_file,
            record_id=signed.record_id,
            purpose=SignaturePurpose.LEADER,
        )
        verify_files([revision])
        notify_about(
            document,
            users=agency_clerks(document.owner_id),
            title=f"Văn bản đã ký số, chờ phát hành: {document.subject[:150]}",
            body=f"{person(by)} đã ký số {document.doc_type.lower()} “{document.subject}”.",
        )
        _timeline(
            document,
            by,
            "signing.leader_sign",
            f"{person(by)} ký số văn bản ({source.label}) bằng chứng thư “{certificate.common_name}”; "
            f"SHA-256 {signed.sha256[:16]}…",
        )
    return revision


# ----------------------------------------------------------------------------- release


def _signed_attachments(document: Document) -> QuerySet[DocumentFile]:
    return (
        document.files.filter(kind=DocumentFile.Kind.ATTACHMENT, content_type=PDF)
        .filter(signed_revision__isnull=True, signed_revisions__isnull=True)
        .order_by("id")
    )


def release_signatures(
    *, by: Any, document: Document, revision: DocumentFile, reauth_ok: bool
) -> DocumentFile:
    """Inside `outgoing_release`, once the number and date are set: fill them into the
    leader-signed `revision` and apply the agency's signature; sign the PDF attachments.

    Returns the released main file. Sets `document.is_digitally_signed` when both signatures
    of the released file verify. Raises (and the release rolls back) on any failure.
    """
    certificate = _agency_certificate(document)
    assert document.issued_on is not None
    official = official_document(document)
    number_text, date_text = release_texts(official)
    signed = release_with_agency_signature(
        by=by,
        pdf=_read(revision),
        certificate=certificate,
        number_text=number_text,
        date_text=date_text,
        reauth_ok=reauth_ok,
        document_ref=_document_ref(document),
        location=document.place or document.owner.place_name or None,
    )
    main = _store(
        by=by,
        document=document,
        data=signed.content,
        name=f"{_file_label(document).replace('/', '-')}.pdf",
        kind=DocumentFile.Kind.MAIN,
        text=revision.text,
    )
    SignedFile.objects.create(
        document_file=main, source_file=revision, record_id=signed.record_id, purpose=SignaturePurpose.AGENCY
    )
    attachments = 0
    for attachment in list(_signed_attachments(document)):
        signed_attachment = sign_attachment(
            by=by,
            pdf=_read(attachment),
            certificate=certificate,
            number_notation=f"Số: {document.reference}",
            reauth_ok=reauth_ok,
            document_ref=_document_ref(document),
        )
        stored = _store(
            by=by,
            document=document,
            data=signed_attachment.content,
            name=f"{PurePosixPath(attachment.original_name).stem} (đã ký số).pdf",
            kind=DocumentFile.Kind.ATTACHMENT,
            text=attachment.text,
        )
        SignedFile.objects.create(
            document_file=stored,
            source_file=attachment,
            record_id=signed_attachment.record_id,
            purpose=SignaturePurpose.ATTACHMENT,
        )
        attachments += 1
    [verification] = verify_files([main])
    document.is_digitally_signed = _both_signatures_valid(verification)
    Document.objects.filter(pk=document.pk).update(is_digitally_signed=document.is_digitally_signed)
    _timeline(
        document,
        by,
        "signing.agency_sign",
        f"{person(by)} ghi số {document.reference}, ngày {format_day(document.issued_on)} và ký số "
        f"của cơ quan bằng chứng thư “{certificate.common_name}”"
        + (f"; ký số {attachments} tệp đính kèm" if attachments else "")
        + f". Kiểm tra: {verification.summary}",
    )
    return main


def _both_signatures_valid(verification: FileVerification) -> bool:
    fields = {row.get("field_name") for row in verification.signatures if row.get("verdict") == Verdict.VALID}
    from cqs.signing.engine import AGENCY_FIELD

    return (
        verification.verdict == OverallVerdict.VALID
        and verification.valid_count >= 2
        and AGENCY_FIELD in fields
    )


# ----------------------------------------------------------------------------- verification


def overall_verdict(verdicts: Sequence[SignatureVerdict]) -> str:
    """The worst verdict of the signatures; UNSIGNED when there are none."""
    if not verdicts:
        return OverallVerdict.UNSIGNED
    worst = min((v.verdict for v in verdicts), key=lambda v: _VERDICT_ORDER[Verdict(v)])
    return _OVERALL[Verdict(worst)]


def _summary(verdict: str, verdicts: Sequence[SignatureVerdict]) -> str:
    if not verdicts:
        return "Tệp không có chữ ký số."
    valid = sum(1 for v in verdicts if v.verdict == Verdict.VALID)
    count = len(verdicts)
    if verdict == OverallVerdict.VALID:
        return f"{count} chữ ký số, tất cả hợp lệ." if count > 1 else "1 chữ ký số hợp lệ."
    label = OverallVerdict(verdict).label.lower()
    reasons = next((" ".join(v.reasons) for v in verdicts if v.verdict != Verdict.VALID and v.reasons), "")
    return f"{count} chữ ký số, {valid} hợp lệ; kết luận: {label}. {reasons}".strip()[:500]


def _check(data: bytes) -> tuple[str, list[SignatureVerdict], str]:
    try:
        verdicts = verify_pdf(data)
    except ApplicationError as error:
        return OverallVerdict.INVALID, [], f"Không kiểm tra được chữ ký: {error.message}"[:500]
    verdict = overall_verdict(verdicts)
    return verdict, verdicts, _summary(verdict, verdicts)


def verify_files(files: Iterable[DocumentFile]) -> list[FileVerification]:
    """Check every signature of each PDF in `files` now and store the verdicts (one row per
    file; files with the same bytes are checked once)."""
    now = timezone.now()
    checked: dict[str, tuple[str, list[SignatureVerdict], str]] = {}
    rows: list[FileVerification] = []
    for stored in files:
        if stored.content_type != PDF:
            continue
        if stored.sha256 not in checked:
            try:
                data = _read(stored)
            except (ApplicationError, OSError) as error:
                message = error.message if isinstance(error, ApplicationError) else "không đọc được tệp"
                checked[stored.sha256] = (OverallVerdict.INVALID, [], f"Không kiểm tra được: {message}"[:500])
            else:
                checked[stored.sha256] = _check(data)
        verdict, verdicts, summary = checked[stored.sha256]
        rows.append(
            FileVerification(
                document_file=stored,
                sha256=stored.sha256,
                verdict=verdict,
                signature_count=len(verdicts),
                valid_count=sum(1 for v in verdicts if v.verdict == Verdict.VALID),
                signatures=[v.as_dict() for v in verdicts],
                summary=summary,
                checked_at=now,
            )
        )
    return FileVerification.objects.bulk_create(rows)


def latest_verifications(document: Document) -> dict[int, FileVerification]:
    """The latest verdict of each file of `document`, by file id."""
    latest: dict[int, FileVerification] = {}
    rows = FileVerification.objects.filter(document_file__document=document).order_by(
        "document_file_id", "-checked_at", "-pk"
    )
    for row in rows:
        latest.setdefault(row.document_file_id, row)
    return latest


def verify_unchecked(document: Document) -> list[FileVerification]:
    """Verify the PDFs of `document` that were uploaded without a check (any upload path)."""
    files = document.files.filter(content_type=PDF, verifications__isnull=True).order_by("id")
    return verify_files(list(files))


def verify_registered(*, by: Any, document: Document) -> list[FileVerification]:
    """At registration of an incoming document: check every PDF, record the verdict on the
    timeline, and set `is_digitally_signed` from the main file's verdict (when it is a PDF)."""
    files = list(document.files.filter(content_type=PDF).order_by("kind", "id"))
    if not files:
        return []
    rows = verify_files(files)
    main = [r for r, f in zip(rows, files, strict=True) if f.kind == DocumentFile.Kind.MAIN]
    if main:
        signed = main[0].verdict == OverallVerdict.VALID
        if document.is_digitally_signed != signed:
            document.is_digitally_signed = signed
            Document.objects.filter(pk=document.pk).update(is_digitally_signed=signed)
    for row in rows:
        _timeline(
            document,
            by,
            "signing.verify",
            f"Kiểm tra chữ ký số tệp «{row.document_file.original_name}»: "
            f"{row.get_verdict_display().lower()} — {row.summary}",
        )
    return rows


def verify_delivered(deliveries: Iterable[Delivery]) -> list[FileVerification]:
    """The recipients' copies are checked on arrival (the same bytes are checked once)."""
    copies = [d.received_document_id for d in deliveries if d.received_document_id is not None]
    if not copies:
        return []
    files = DocumentFile.objects.filter(document_id__in=copies, content_type=PDF).order_by("id")
    return verify_files(list(files))


# ----------------------------------------------------------------------------- bulk


def signable_documents(user: Any, documents: QuerySet[Document]) -> list[Document]:
    """Of `documents`, those `user` may sign now (named signer, approved, not yet signed)."""
    candidates = documents.filter(
        signer=user,
        status=DocumentStatus.APPROVED,
        secrecy=0,
        direction__in=(Direction.OUTGOING, Direction.INTERNAL),
    ).select_related("owner")
    return [
        d for d in candidates.order_by("-urgency", "id") if can_sign(user, d) and leader_revision(d) is None
    ]


def releasable_documents(user: Any, documents: QuerySet[Document]) -> list[Document]:
    """Of `documents`, the signed ones waiting for `user` (a Văn thư) to release them."""
    candidates = documents.filter(
        status=DocumentStatus.APPROVED, direction__in=(Direction.OUTGOING, Direction.INTERNAL)
    ).select_related("owner")
    return [
        d
        for d in candidates.order_by("-urgency", "id")
        if can_release(user, d) and leader_revision(d) is not None
    ]


def _label(document: Document) -> str:
    return f"{document.doc_type}: {document.subject[:120]}"


def bulk_job_start(*, by: Any, mode: str, documents: Sequence[Document]) -> BulkSigningJob:
    """Queue `documents` (already filtered by the selectors above) for signing by `by`."""
    if not documents:
        raise ApplicationError("Chưa chọn văn bản nào để ký số.", code="empty")
    job = BulkSigningJob(
        created_by=by,
        mode=mode,
        items=[{"document": d.pk, "label": _label(d), "state": "cho", "message": ""} for d in documents],
    )
    job.full_clean(exclude=["created_by"])
    job.save()
    return job


def _bulk_one(by: Any, job: BulkSigningJob, document_id: int, reauth_ok: bool) -> str:
    """Sign or release one document; returns the success text. Raises on refusal."""
    # Imported here: outgoing imports this module for its release hook.
    from cqs.documents.permissions import access_document
    from cqs.documents.services.outgoing import outgoing_release

    document = access_document(by, document_id, for_write=True)
    if job.mode == BulkSigningJob.Mode.LEADER:
        document_sign(by=by, document=document, reauth_ok=reauth_ok)
        return "Đã ký số."
    if leader_revision(document) is None:
        raise ApplicationError("Văn bản chưa có chữ ký số của người có thẩm quyền.", code="not_signed")
    outgoing_release(by=by, document=document, reauth_ok=reauth_ok)
    document.refresh_from_db()
    return f"Đã phát hành, số {document.reference}."


def bulk_job_step(
    *, by: Any, job: BulkSigningJob, reauth_ok: bool, budget_seconds: float = 1.0
) -> BulkSigningJob:
    """Sign the job's next documents for about `budget_seconds`; each in its own transaction,
    a failure recorded with its reason and that document left as it was."""
    if job.created_by_id != getattr(by, "pk", None):
        raise PermissionDenied("Đây không phải lượt ký số của bạn.")
    started = time.monotonic()
    while True:
        with transaction.atomic():
            job = BulkSigningJob.objects.select_for_update().get(pk=job.pk)
            pending = next((item for item in job.items if item["state"] == "cho"), None)
            if pending is None:
                if job.status != BulkJobStatus.DONE:
                    job.status = BulkJobStatus.DONE
                    job.finished_at = timezone.now()
                    job.save(update_fields=["status", "finished_at"])
                return job
            if not reauth_ok:
                return job
            try:
                with transaction.atomic():
                    pending["message"] = _bulk_one(by, job, int(pending["document"]), reauth_ok)
                    pending["state"] = "ok"
            except (ApplicationError, PermissionDenied, Http404) as error:
                pending["state"] = "loi"
                pending["message"] = (
                    error.message
                    if isinstance(error, ApplicationError)
                    else "Không tìm thấy văn bản hoặc bạn không có quyền ký văn bản này."
                )
            except Exception as error:  # one broken document must not stop the others
                logger.warning(
                    "bulk signing: document %s failed: %s", pending["document"], type(error).__name__
                )
                pending["state"] = "loi"
                pending["message"] = f"Không ký được (lỗi {type(error).__name__}); văn bản giữ nguyên."
            job.save(update_fields=["items"])
        if time.monotonic() - started >= budget_seconds:
            return job
