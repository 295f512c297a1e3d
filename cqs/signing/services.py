"""Use cases of ký số: certificates, images, trust anchors and the signatures themselves.

Every function takes keyword arguments and the acting user `by`. Refusals raise
`ApplicationError` (or `PermissionDenied`) with a Vietnamese message. A signing function
works on PDF bytes and returns the signed bytes; it records one `SignatureRecord` (the
SHA-256 before and after) and one ``signing.sign`` audit event, in one transaction, and
never returns bytes whose signature was not recorded.

Who may sign:

* a personal certificate — only its owner, with a signature image for a visible signature
  (which document a person may sign is the documents workflow's decision);
* an agency certificate — a Văn thư (clerk role) of that agency, who keeps the agency's
  key (Nghị định 30/2020 Đ4); the agency signature goes only on a document whose existing
  signatures all verify (PL I §II.7: the agency signs after the competent person).

Signing needs a recent password confirmation: callers pass ``reauth_ok`` from
`cqs.signing.reauth.require_recent_auth`.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.org.models import Agency, Position, Role
from cqs.org.permissions import can_manage_agency
from cqs.rendering.pdf import SignatureBox
from cqs.signing import engine
from cqs.signing.backends import CertificateSigner, open_signer
from cqs.signing.crypto import (
    certificate_facts,
    certificate_pem,
    encrypt_private_key,
    load_pkcs12,
    order_chain,
    private_key_der,
)
from cqs.signing.images import inspect_png
from cqs.signing.models import (
    Certificate,
    CertificateKind,
    ImageKind,
    SignatureImage,
    SignaturePurpose,
    SignatureRecord,
    TrustAnchor,
)
from cqs.signing.placement import DATE_FIELD, NUMBER_FIELD, FieldPlacement
from cqs.signing.reauth import ReauthRequired, require_recent_auth
from cqs.signing.timestamping import configured_timestamper
from cqs.signing.verify import Verdict, verify_pdf

__all__ = [
    "BulkItem",
    "BulkOutcome",
    "SignedResult",
    "add_trust_anchor",
    "bulk_sign",
    "deactivate_certificate",
    "import_pkcs12",
    "release_with_agency_signature",
    "require_recent_auth",
    "save_signature_image",
    "set_signature_image",
    "sign_as_leader",
    "sign_attachment",
    "store_certificate",
]

logger = logging.getLogger(__name__)

LEADER_REASON = "Người có thẩm quyền ký văn bản"
AGENCY_REASON = "Văn thư cơ quan phát hành văn bản"
ATTACHMENT_REASON = "Văn thư cơ quan ký tệp đính kèm"
_MAX_LINE = 160

#: The owner of a certificate or image: an `Agency`, or a user (``AUTH_USER_MODEL``).
Owner = Any


@dataclass(frozen=True)
class SignedResult:
    """The signed PDF (the input plus one incremental revision) and what was recorded."""

    content: bytes
    sha256: str
    field_name: str
    signing_time: datetime
    pades_level: str
    record_id: int


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _is_agency(owner: Owner) -> bool:
    return isinstance(owner, Agency)


def _current_agency_ids(user: Any, *, role: str | None = None) -> list[int]:
    qs = Position.objects.current().filter(user=user)
    if role is not None:
        qs = qs.with_role(role)
    return list(qs.values_list("agency_id", flat=True).distinct())


def _require_owner_manager(by: Any, owner: Owner) -> None:
    """Certificates and images of a person: that person or an administrator over their
    agency; of an agency: its clerk or an administrator over it."""
    if not getattr(by, "is_authenticated", False) or not getattr(by, "is_active", False):
        raise PermissionDenied("Bạn cần đăng nhập.")
    if by.is_superuser:
        return
    if _is_agency(owner):
        if can_manage_agency(by, owner) or owner.pk in _current_agency_ids(by, role=Role.CLERK):
            return
        raise PermissionDenied(
            "Chỉ văn thư hoặc quản trị của cơ quan được quản lý chứng thư, con dấu của cơ quan."
        )
    if owner.pk == by.pk:
        return
    agencies = Agency.objects.filter(pk__in=_current_agency_ids(owner))
    if any(can_manage_agency(by, agency) for agency in agencies):
        return
    raise PermissionDenied("Bạn không có quyền quản lý chứng thư, chữ ký của người này.")


def _audit_agency(certificate: Certificate, by: Any) -> int | None:
    if certificate.owner_agency_id is not None:
        return int(certificate.owner_agency_id)
    ids = _current_agency_ids(by)
    return ids[0] if ids else None


# ----------------------------------------------------------------------------- certificates


def store_certificate(
    *,
    by: Any,
    owner: Owner | None,
    kind: str,
    key: Any,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
) -> Certificate:
    """Store a certificate and its key (encrypted with the at-rest key). No checks of `by`."""
    facts = certificate_facts(certificate)
    if Certificate.objects.filter(fingerprint_sha256=facts.fingerprint_sha256).exists():
        raise ApplicationError("Chứng thư số này đã được nhập trước đây.", code="duplicate")
    ordered = order_chain(certificate, chain) or list(chain)
    row = Certificate(
        kind=kind,
        owner_user=None if owner is None or _is_agency(owner) else owner,
        owner_agency=owner if owner is not None and _is_agency(owner) else None,
        subject=facts.subject[:500],
        common_name=facts.common_name[:200] or facts.subject[:200],
        organization=facts.organization[:200],
        issuer=facts.issuer[:500],
        serial_number=facts.serial_number[:64],
        not_before=facts.not_before,
        not_after=facts.not_after,
        fingerprint_sha256=facts.fingerprint_sha256,
        key_description=facts.key_description,
        certificate_pem=certificate_pem(certificate),
        chain_pem="".join(certificate_pem(c) for c in ordered),
        backend="local",
        encrypted_private_key=encrypt_private_key(
            private_key_der(key), associated_data=facts.fingerprint_sha256.encode()
        ),
        created_by=by if getattr(by, "pk", None) else None,
    )
    try:
        row.full_clean(exclude=["encrypted_private_key", "created_by"])
    except ValidationError as error:
        raise ApplicationError("; ".join(error.messages), code="invalid") from error
    row.save()
    return row


def _check_signing_usage(certificate: x509.Certificate) -> None:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise ApplicationError(
            "Chứng thư không dùng để ký số (thiếu digitalSignature/nonRepudiation).", code="not_signing"
        )


def import_pkcs12(*, by: Any, owner: Owner, data: bytes, password: str) -> Certificate:
    """Import a personal (owner = user) or agency (owner = Agency) certificate from a .p12/.pfx."""
    _require_owner_manager(by, owner)
    parsed = load_pkcs12(data, password)
    _check_signing_usage(parsed.certificate)
    kind = CertificateKind.AGENCY if _is_agency(owner) else CertificateKind.PERSONAL
    with transaction.atomic():
        row = store_certificate(
            by=by, owner=owner, kind=kind, key=parsed.key, certificate=parsed.certificate, chain=parsed.chain
        )
        audit_record(
            actor=by,
            action="signing.certificate_import",
            target=row,
            agency_id=row.owner_agency_id,
            payload={
                "kind": row.kind,
                "owner": row.owner_label,
                "subject": row.subject,
                "issuer": row.issuer,
                "serial_number": row.serial_number,
                "fingerprint_sha256": row.fingerprint_sha256,
                "not_after": row.not_after.isoformat(),
            },
        )
    return row


def deactivate_certificate(*, by: Any, certificate: Certificate) -> Certificate:
    owner: Owner = certificate.owner_agency if certificate.owner_agency_id else certificate.owner_user
    if certificate.kind == CertificateKind.AUTHORITY:
        if not getattr(by, "is_superuser", False):
            raise PermissionDenied("Chỉ quản trị hệ thống được tắt chứng thư CA.")
    else:
        _require_owner_manager(by, owner)
    with transaction.atomic():
        certificate.is_active = False
        certificate.save(update_fields=["is_active"])
        audit_record(
            actor=by,
            action="signing.certificate_deactivate",
            target=certificate,
            agency_id=certificate.owner_agency_id,
            payload={"fingerprint_sha256": certificate.fingerprint_sha256},
        )
    return certificate


def set_signature_image(*, by: Any, owner: Owner, png: bytes) -> SignatureImage:
    """A person's signature image (blue) or an agency's seal (red); PNG with transparency."""
    _require_owner_manager(by, owner)
    return save_signature_image(by=by, owner=owner, png=png)


def save_signature_image(*, by: Any, owner: Owner, png: bytes) -> SignatureImage:
    """Store the image as `owner`'s active one (the previous one is kept, inactive). No checks of `by`."""
    info = inspect_png(png)
    agency = _is_agency(owner)
    kind = ImageKind.SEAL if agency else ImageKind.SIGNATURE
    lookup: dict[str, Any] = {"owner_agency": owner} if agency else {"owner_user": owner}
    with transaction.atomic():
        SignatureImage.objects.filter(kind=kind, is_active=True, **lookup).update(is_active=False)
        image = SignatureImage.objects.create(
            kind=kind,
            png=png,
            width_px=info.width,
            height_px=info.height,
            sha256=info.sha256,
            created_by=by if getattr(by, "pk", None) else None,
            **lookup,
        )
        audit_record(
            actor=by,
            action="signing.image_set",
            target=image,
            agency_id=owner.pk if agency else None,
            payload={
                "kind": kind,
                "owner": str(owner),
                "sha256": info.sha256,
                "size": [info.width, info.height],
            },
        )
    return image


def active_image(owner: Owner) -> SignatureImage | None:
    if _is_agency(owner):
        return SignatureImage.objects.filter(kind=ImageKind.SEAL, owner_agency=owner, is_active=True).first()
    return SignatureImage.objects.filter(kind=ImageKind.SIGNATURE, owner_user=owner, is_active=True).first()


def add_trust_anchor(*, by: Any, pem: str, name: str = "", note: str = "") -> TrustAnchor:
    """Trust a CA certificate (root or intermediate); only a system administrator may."""
    if by is not None and not getattr(by, "is_superuser", False):
        raise PermissionDenied("Chỉ quản trị hệ thống được thay đổi danh sách CA tin cậy.")
    anchor = TrustAnchor(name=_nfc(name), certificate_pem=pem, note=_nfc(note), created_by=by)
    try:
        anchor.full_clean()
    except ValidationError as error:
        raise ApplicationError("; ".join(error.messages), code="invalid") from error
    with transaction.atomic():
        anchor.save()
        audit_record(
            actor=by,
            action="signing.trust_anchor_add",
            target=anchor,
            payload={
                "name": anchor.name,
                "subject": anchor.subject,
                "fingerprint_sha256": anchor.fingerprint_sha256,
            },
        )
    return anchor


# ----------------------------------------------------------------------------- checks before signing


def _require_reauth(reauth_ok: bool) -> None:
    if not reauth_ok:
        raise ReauthRequired()


def _require_usable(certificate: Certificate, kind: str) -> None:
    now = timezone.now()
    if certificate.kind != kind:
        expected = CertificateKind(kind).label
        raise ApplicationError(f"Cần chứng thư loại “{expected}”.", code="wrong_kind")
    if not certificate.is_active:
        raise ApplicationError("Chứng thư số này đã ngừng sử dụng.", code="inactive")
    if certificate.not_after < now:
        raise ApplicationError(
            f"Chứng thư số đã hết hạn từ ngày {timezone.localtime(certificate.not_after):%d/%m/%Y}.",
            code="expired",
        )
    if certificate.not_before > now:
        raise ApplicationError("Chứng thư số chưa có hiệu lực.", code="not_yet_valid")


def _require_personal_signer(by: Any, certificate: Certificate) -> None:
    _require_usable(certificate, CertificateKind.PERSONAL)
    if not getattr(by, "is_active", False) or certificate.owner_user_id != by.pk:
        raise PermissionDenied("Chỉ người sở hữu chứng thư cá nhân được ký bằng chứng thư đó.")


def _require_agency_clerk(by: Any, certificate: Certificate) -> None:
    _require_usable(certificate, CertificateKind.AGENCY)
    if not getattr(by, "is_active", False) or certificate.owner_agency_id not in _current_agency_ids(
        by, role=Role.CLERK
    ):
        raise PermissionDenied("Chỉ văn thư của cơ quan được ký bằng chứng thư của cơ quan.")


def _require_signed_by_competent_person(pdf: bytes) -> None:
    verdicts = [v for v in verify_pdf(pdf) if not v.is_timestamp]
    if not verdicts:
        raise ApplicationError(
            "Văn bản chưa có chữ ký số của người có thẩm quyền; cơ quan chỉ ký sau người có thẩm quyền.",
            code="not_signed",
        )
    for verdict in verdicts:
        if verdict.verdict != Verdict.VALID:
            raise ApplicationError(
                f"Chữ ký “{verdict.field_name}” {verdict.label.lower()}: {' '.join(verdict.reasons)}",
                code="prior_signature_not_valid",
            )


def _line(text: str, what: str) -> str:
    value = _nfc(text)
    if not value:
        raise ApplicationError(f"Cần ghi {what}.", code="required")
    if len(value) > _MAX_LINE or "\n" in value:
        raise ApplicationError(
            f"{what.capitalize()} phải là một dòng, tối đa {_MAX_LINE} ký tự.", code="too_long"
        )
    return value


# ----------------------------------------------------------------------------- recording


def _record(
    *,
    by: Any,
    certificate: Certificate,
    purpose: str,
    before: bytes,
    result: engine.EngineResult,
    document_ref: str,
) -> SignedResult:
    digest = _sha256(result.content)
    with transaction.atomic():
        record = SignatureRecord.objects.create(
            document_ref=document_ref[:100],
            purpose=purpose,
            field_name=result.field_name,
            certificate=certificate,
            certificate_fingerprint=certificate.fingerprint_sha256,
            signed_by=by,
            signing_time=result.signing_time,
            pades_level=result.pades_level,
            sha256_before=_sha256(before),
            sha256_after=digest,
            size_before=len(before),
            size_after=len(result.content),
        )
        audit_record(
            actor=by,
            action="signing.sign",
            target=record,
            agency_id=_audit_agency(certificate, by),
            payload={
                "purpose": purpose,
                "document_ref": record.document_ref,
                "field_name": record.field_name,
                "certificate_fingerprint": certificate.fingerprint_sha256,
                "signer": certificate.common_name,
                "certified": result.certified,
                "pades_level": result.pades_level,
                "signing_time": result.signing_time.isoformat(),
                "sha256_before": record.sha256_before,
                "sha256_after": digest,
            },
        )
    return SignedResult(
        content=result.content,
        sha256=digest,
        field_name=result.field_name,
        signing_time=result.signing_time,
        pades_level=result.pades_level,
        record_id=record.pk,
    )


# ----------------------------------------------------------------------------- signing


def _leader_sign(
    signer: CertificateSigner,
    certificate: Certificate,
    pdf: bytes,
    *,
    box: SignatureBox | None,
    image_png: bytes | None,
    fields: FieldPlacement | None,
    timestamper: Any,
    location: str | None,
) -> engine.EngineResult:
    return engine.sign_leader(
        pdf,
        signer,
        signer_name=certificate.common_name,
        box=box,
        image_png=image_png,
        text_fields=fields.fields if fields is not None else (),
        timestamper=timestamper,
        reason=LEADER_REASON,
        location=location,
    )


def sign_as_leader(
    *,
    by: Any,
    pdf: bytes,
    certificate: Certificate,
    box: SignatureBox | None,
    reauth_ok: bool,
    fields: FieldPlacement | None = None,
    document_ref: str = "",
    location: str | None = None,
) -> SignedResult:
    """The competent person's signature (PAdES B-B, or B-T with ``SIGNING_TSA_URL``).

    With `box` (the renderer's signature space) the signature image is placed there,
    otherwise the signature is invisible. The first signature certifies the document,
    allowing only form filling and signing afterwards; `fields` adds the number and date
    fields the release fills in (see `cqs.signing.placement.field_placement_for`).
    """
    _require_reauth(reauth_ok)
    _require_personal_signer(by, certificate)
    image = active_image(by)
    if box is not None and image is None:
        raise ApplicationError(
            "Chưa có ảnh chữ ký: tải lên ảnh chữ ký (PNG nền trong suốt) trước khi ký.", code="no_image"
        )
    signer = open_signer(certificate)
    try:
        result = _leader_sign(
            signer,
            certificate,
            pdf,
            box=box,
            image_png=bytes(image.png) if image is not None else None,
            fields=fields,
            timestamper=configured_timestamper(),
            location=location,
        )
    finally:
        signer.close()
    return _record(
        by=by,
        certificate=certificate,
        purpose=SignaturePurpose.LEADER,
        before=pdf,
        result=result,
        document_ref=document_ref,
    )


def release_with_agency_signature(
    *,
    by: Any,
    pdf: bytes,
    certificate: Certificate,
    number_text: str,
    date_text: str,
    reauth_ok: bool,
    document_ref: str = "",
    location: str | None = None,
) -> SignedResult:
    """Release: write the number and date lines into their fields, then the agency's signature
    with the seal over the left third of the leader's signature image.

    `number_text` and `date_text` are the lines as printed, e.g. "Số: 05/BC-BDT" and
    "Sơn Hà, ngày 05 tháng 01 năm 2024" (`cqs.signing.placement.release_texts`).
    """
    _require_reauth(reauth_ok)
    _require_agency_clerk(by, certificate)
    number_line = _line(number_text, "số, ký hiệu văn bản")
    date_line = _line(date_text, "địa danh và ngày tháng năm ban hành")
    assert certificate.owner_agency is not None
    seal = active_image(certificate.owner_agency)
    if seal is None:
        raise ApplicationError("Chưa có ảnh con dấu của cơ quan (PNG nền trong suốt).", code="no_seal")
    _require_signed_by_competent_person(pdf)
    signer = open_signer(certificate)
    try:
        result = engine.sign_agency(
            pdf,
            signer,
            seal_png=bytes(seal.png),
            fills={NUMBER_FIELD: number_line, DATE_FIELD: date_line},
            timestamper=configured_timestamper(),
            reason=AGENCY_REASON,
            location=location,
        )
    finally:
        signer.close()
    return _record(
        by=by,
        certificate=certificate,
        purpose=SignaturePurpose.AGENCY,
        before=pdf,
        result=result,
        document_ref=document_ref,
    )


def sign_attachment(
    *,
    by: Any,
    pdf: bytes,
    certificate: Certificate,
    number_notation: str,
    reauth_ok: bool,
    document_ref: str = "",
) -> SignedResult:
    """The agency's signature on a separate attachment file: no image, top right of page 1,
    the number/notation and the ISO 8601 signing time in 10 pt (PL I §II.8)."""
    _require_reauth(reauth_ok)
    _require_agency_clerk(by, certificate)
    text = _line(number_notation, "số, ký hiệu văn bản")
    signer = open_signer(certificate)
    try:
        result = engine.sign_attachment(
            pdf, signer, number_notation=text, timestamper=configured_timestamper(), reason=ATTACHMENT_REASON
        )
    finally:
        signer.close()
    return _record(
        by=by,
        certificate=certificate,
        purpose=SignaturePurpose.ATTACHMENT,
        before=pdf,
        result=result,
        document_ref=document_ref,
    )


# ----------------------------------------------------------------------------- bulk signing


@dataclass(frozen=True)
class BulkItem:
    """One document of a bulk signing. `box`/`fields` are for a leader's visible signature,
    `number_notation` for an agency's visible (attachment-style) signature."""

    key: str
    pdf: bytes
    box: SignatureBox | None = None
    fields: FieldPlacement | None = None
    number_notation: str = ""
    document_ref: str = ""


@dataclass(frozen=True)
class BulkOutcome:
    key: str
    ok: bool
    result: SignedResult | None = None
    error: str = ""


def _as_item(item: BulkItem | tuple[str, bytes]) -> BulkItem:
    if isinstance(item, BulkItem):
        return item
    key, pdf = item
    return BulkItem(key=str(key), pdf=pdf)


def bulk_sign(
    *,
    by: Any,
    items: Sequence[BulkItem | tuple[str, bytes]],
    certificate: Certificate,
    visible: bool,
    reauth_ok: bool,
    progress: Callable[[int, int], None] | None = None,
) -> list[BulkOutcome]:
    """Sign many documents with one certificate, each on its own: a failure leaves that
    document unsigned (with the reason) and the others signed.

    A personal certificate gives each document the leader's signature (visible in the
    item's `box`, certifying, with the number and date fields of `fields`); an agency
    certificate gives the attachment signature (visible: number/notation and time at the
    top right) or an invisible one. `progress(done, total)` is called after each document.
    """
    _require_reauth(reauth_ok)
    personal = certificate.kind == CertificateKind.PERSONAL
    if personal:
        _require_personal_signer(by, certificate)
    else:
        _require_agency_clerk(by, certificate)
    image = active_image(by) if personal else None
    if personal and visible and image is None:
        raise ApplicationError(
            "Chưa có ảnh chữ ký: tải lên ảnh chữ ký (PNG nền trong suốt) trước khi ký.", code="no_image"
        )
    prepared = [_as_item(item) for item in items]
    total = len(prepared)
    outcomes: list[BulkOutcome] = []
    timestamper = configured_timestamper()
    signer = open_signer(certificate)
    try:
        for done, item in enumerate(prepared, start=1):
            outcomes.append(
                _bulk_one(
                    by, certificate, signer, item, visible=visible, image=image, timestamper=timestamper
                )
            )
            if progress is not None:
                progress(done, total)
    finally:
        signer.close()
    return outcomes


def _bulk_one(
    by: Any,
    certificate: Certificate,
    signer: CertificateSigner,
    item: BulkItem,
    *,
    visible: bool,
    image: SignatureImage | None,
    timestamper: Any,
) -> BulkOutcome:
    try:
        if certificate.kind == CertificateKind.PERSONAL:
            if visible and item.box is None:
                raise ApplicationError("Thiếu vị trí đặt chữ ký trên văn bản.", code="no_box")
            result = _leader_sign(
                signer,
                certificate,
                item.pdf,
                box=item.box if visible else None,
                image_png=bytes(image.png) if image is not None and visible else None,
                fields=item.fields,
                timestamper=timestamper,
                location=None,
            )
            purpose = SignaturePurpose.LEADER
        else:
            if visible:
                text = _line(item.number_notation, "số, ký hiệu văn bản")
                result = engine.sign_attachment(
                    item.pdf, signer, number_notation=text, timestamper=timestamper, reason=ATTACHMENT_REASON
                )
            else:
                result = engine.sign_invisible(
                    item.pdf, signer, timestamper=timestamper, reason=ATTACHMENT_REASON
                )
            purpose = SignaturePurpose.ATTACHMENT
        signed = _record(
            by=by,
            certificate=certificate,
            purpose=purpose,
            before=item.pdf,
            result=result,
            document_ref=item.document_ref,
        )
    except ApplicationError as error:
        return BulkOutcome(key=item.key, ok=False, error=error.message)
    except Exception as error:  # one broken file must not stop the batch
        logger.warning("bulk signing: %s failed: %s", item.key, type(error).__name__)
        return BulkOutcome(
            key=item.key,
            ok=False,
            error=f"Không ký được tệp này (lỗi {type(error).__name__}); tệp giữ nguyên.",
        )
    return BulkOutcome(key=item.key, ok=True, result=signed)
