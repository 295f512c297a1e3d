"""Check every signature of a PDF and say, in Vietnamese, whether it holds.

For each signature: integrity (the signed bytes still match), the signer and their
certificate, the chain to the trust store (`cqs.signing.trust`), the certificate's validity
at the signing time (the timestamp's time when a trusted timestamp is attached, otherwise
the time the signer declared), and what changed after the signature (pyHanko's difference
analysis: form filling and further signatures are allowed, anything else is not).

The verdict has three values, as EU DSS has: HỢP LỆ (valid), KHÔNG XÁC ĐỊNH (indeterminate:
nothing is wrong with the document, but the signer cannot be confirmed — typically a chain
that does not reach a trusted CA) and KHÔNG HỢP LỆ (invalid). Indeterminate is never shown
as valid.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any

from cryptography import x509
from django.db import models
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel

from cqs.core.errors import ApplicationError
from cqs.signing.crypto import certificate_facts
from cqs.signing.formats import display_time, vietnam_time
from cqs.signing.trust import trusted_certificates, validation_context

__all__ = ["SignatureVerdict", "Verdict", "verify_pdf"]

REASON_TAMPERED = "Tài liệu đã bị sửa sau khi ký: nội dung đã ký không còn khớp với chữ ký."
REASON_MODIFIED = "Tài liệu đã bị sửa sau khi ký: có thay đổi ngoài việc điền biểu mẫu và ký thêm."
REASON_CRYPTO = "Giá trị chữ ký không khớp với khóa công khai của chứng thư."
REASON_COVERAGE = "Chữ ký không bao trùm toàn bộ phiên bản tài liệu được ký."
REASON_EXPIRED = "Chứng thư đã hết hạn tại thời điểm ký."
REASON_NOT_YET_VALID = "Chứng thư chưa có hiệu lực tại thời điểm ký."
REASON_REVOKED = "Chứng thư đã bị thu hồi."
REASON_UNTRUSTED = "Chuỗi chứng thư không dẫn tới nơi tin cậy."
REASON_UNREADABLE = "Không đọc được chữ ký"

_KEY_USAGE = KeyUsageConstraints(
    key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False
)


class Verdict(models.TextChoices):
    VALID = "hop_le", "HỢP LỆ"
    INDETERMINATE = "khong_xac_dinh", "KHÔNG XÁC ĐỊNH"
    INVALID = "khong_hop_le", "KHÔNG HỢP LỆ"


_MODIFICATION_TEXT = {
    ModificationLevel.NONE: "Không có thay đổi sau khi ký.",
    ModificationLevel.LTA_UPDATES: "Sau khi ký chỉ bổ sung thông tin kiểm tra hiệu lực (được phép).",
    ModificationLevel.FORM_FILLING: "Sau khi ký chỉ có điền biểu mẫu và ký thêm (được phép).",
    ModificationLevel.ANNOTATIONS: "Sau khi ký có thêm ghi chú, chú thích.",
    ModificationLevel.OTHER: "Sau khi ký có thay đổi nội dung.",
}


@dataclass(frozen=True)
class SignatureVerdict:
    field_name: str
    verdict: Verdict
    reasons: tuple[str, ...]
    is_timestamp: bool = False
    signer_name: str = ""
    signer_organization: str = ""
    signer_subject: str = ""
    issuer: str = ""
    certificate_serial: str = ""
    certificate_fingerprint: str = ""
    certificate_not_before: datetime | None = None
    certificate_not_after: datetime | None = None
    signing_time: datetime | None = None
    signing_time_source: str = ""
    timestamp_time: datetime | None = None
    intact: bool = False
    signature_valid: bool = False
    chain_trusted: bool = False
    certificate_valid_at_signing: bool = False
    covers_whole_document: bool = False
    modification: str = ""
    certification: str = ""
    details: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return str(self.verdict.label)

    @property
    def summary(self) -> str:
        who = self.signer_name or "(không rõ người ký)"
        when = f" lúc {display_time(self.signing_time)}" if self.signing_time else ""
        why = f": {' '.join(self.reasons)}" if self.reasons else ""
        return f"{self.label} — {who}{when}{why}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = self.verdict.value
        data["label"] = self.label
        data["summary"] = self.summary
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = vietnam_time(value).isoformat()
        return data


def _certification_text(level: Any) -> str:
    if level is None:
        return ""
    texts = {
        1: "Chứng thực: không cho phép thay đổi.",
        2: "Chứng thực: cho phép điền biểu mẫu và ký thêm.",
        3: "Chứng thực: cho phép điền biểu mẫu, ký thêm và ghi chú.",
    }
    return texts.get(int(level.value), "")


def _signer_facts(cert: x509.Certificate) -> dict[str, Any]:
    facts = certificate_facts(cert)
    return {
        "signer_name": facts.common_name,
        "signer_organization": facts.organization,
        "signer_subject": facts.subject,
        "issuer": facts.issuer,
        "certificate_serial": facts.serial_number,
        "certificate_fingerprint": facts.fingerprint_sha256,
        "certificate_not_before": facts.not_before,
        "certificate_not_after": facts.not_after,
    }


def _to_cryptography(asn1_cert: Any) -> x509.Certificate:
    return x509.load_der_x509_certificate(asn1_cert.dump())


def _judge_signature(embedded: Any, roots: list[x509.Certificate], now: datetime) -> SignatureVerdict:
    field_name = str(embedded.field_name or "")
    cert = _to_cryptography(embedded.signer_cert)
    facts = _signer_facts(cert)
    claimed = embedded.self_reported_timestamp
    context = validation_context(roots, moment=claimed or now)
    status = validate_pdf_signature(
        embedded, signer_validation_context=context, key_usage_settings=_KEY_USAGE
    )
    reasons: list[str] = []
    details: list[str] = []
    invalid = False
    indeterminate = False

    timestamp_time: datetime | None = None
    signing_time = claimed
    source = "thời điểm người ký khai báo (không có dấu thời gian)" if claimed else ""
    ts_status = status.timestamp_validity
    if ts_status is not None:
        timestamp_time = ts_status.timestamp
        if ts_status.intact and ts_status.valid and ts_status.trusted:
            signing_time = ts_status.timestamp
            source = "dấu thời gian của máy chủ cấp dấu thời gian"
        else:
            details.append("Dấu thời gian kèm chữ ký không kiểm tra được (không tin cậy hoặc hỏng).")
    if signing_time is None:
        signing_time = now
        source = "thời điểm kiểm tra (chữ ký không ghi thời điểm ký)"

    if not status.intact:
        invalid = True
        reasons.append(REASON_TAMPERED)
    elif not status.valid:
        invalid = True
        reasons.append(REASON_CRYPTO)
    coverage = status.coverage
    covers = coverage is not None and coverage >= SignatureCoverageLevel.ENTIRE_REVISION
    if status.intact and not covers:
        invalid = True
        reasons.append(REASON_COVERAGE)
    level = status.modification_level
    if isinstance(status.diff_result, SuspiciousModification) or level is None:
        invalid = invalid or status.intact
        if status.intact:
            reasons.append(REASON_MODIFIED)
        modification = "Không phân tích được các thay đổi sau khi ký."
    else:
        modification = _MODIFICATION_TEXT.get(level, "")
        allowed = status.docmdp_ok is not False and level <= ModificationLevel.FORM_FILLING
        if level == ModificationLevel.ANNOTATIONS and status.docmdp_ok:
            allowed = embedded.docmdp_level is not None and int(embedded.docmdp_level.value) >= 3
        if not allowed and status.intact:
            invalid = True
            reasons.append(REASON_MODIFIED)

    valid_then = cert.not_valid_before_utc <= signing_time <= cert.not_valid_after_utc
    if not valid_then:
        invalid = True
        reasons.append(REASON_EXPIRED if signing_time > cert.not_valid_after_utc else REASON_NOT_YET_VALID)
    if status.revoked:
        invalid = True
        reasons.append(REASON_REVOKED)
    trusted = bool(status.trusted)
    if not trusted and not status.revoked and valid_then:
        indeterminate = True
        reasons.append(REASON_UNTRUSTED)
        if status.trust_problem_indic is not None:
            code = getattr(status.trust_problem_indic, "name", status.trust_problem_indic)
            details.append(f"Mã lỗi kiểm tra chuỗi: {code}.")

    verdict = Verdict.INVALID if invalid else Verdict.INDETERMINATE if indeterminate else Verdict.VALID
    return SignatureVerdict(
        field_name=field_name,
        verdict=verdict,
        reasons=tuple(dict.fromkeys(reasons)),
        signing_time=signing_time,
        signing_time_source=source,
        timestamp_time=timestamp_time,
        intact=bool(status.intact),
        signature_valid=bool(status.valid),
        chain_trusted=trusted,
        certificate_valid_at_signing=valid_then,
        covers_whole_document=coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification=modification,
        certification=_certification_text(embedded.docmdp_level),
        details=tuple(details),
        **facts,
    )


def _judge_timestamp(embedded: Any, roots: list[x509.Certificate], now: datetime) -> SignatureVerdict:
    field_name = str(embedded.field_name or "")
    cert = _to_cryptography(embedded.signer_cert)
    status = validate_pdf_timestamp(embedded, validation_context=validation_context(roots, moment=now))
    reasons: list[str] = []
    verdict = Verdict.VALID
    if not status.intact:
        verdict = Verdict.INVALID
        reasons.append(REASON_TAMPERED)
    elif not status.valid:
        verdict = Verdict.INVALID
        reasons.append(REASON_CRYPTO)
    elif not status.trusted:
        verdict = Verdict.INDETERMINATE
        reasons.append(REASON_UNTRUSTED)
    return SignatureVerdict(
        field_name=field_name,
        verdict=verdict,
        reasons=tuple(reasons),
        is_timestamp=True,
        signing_time=status.timestamp,
        signing_time_source="dấu thời gian tài liệu",
        timestamp_time=status.timestamp,
        intact=bool(status.intact),
        signature_valid=bool(status.valid),
        chain_trusted=bool(status.trusted),
        certificate_valid_at_signing=True,
        modification=_MODIFICATION_TEXT.get(status.modification_level, "")
        if status.modification_level is not None
        else "",
        **_signer_facts(cert),
    )


def _unreadable(embedded: Any, error: Exception) -> SignatureVerdict:
    return SignatureVerdict(
        field_name=str(getattr(embedded, "field_name", "") or ""),
        verdict=Verdict.INVALID,
        reasons=(f"{REASON_UNREADABLE}: {error}",),
    )


def verify_pdf(pdf: bytes, *, now: datetime | None = None) -> list[SignatureVerdict]:
    """One verdict per signature (and document timestamp), in the order they were made."""
    moment = now or datetime.now().astimezone()
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        if reader.encrypted:
            raise ApplicationError("Tệp PDF có mật khẩu; không kiểm tra được chữ ký.", code="encrypted_pdf")
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise ApplicationError(f"Tệp PDF hỏng, không đọc được: {error}", code="bad_pdf") from error
    if not signatures:
        return []
    roots = trusted_certificates()
    verdicts: list[SignatureVerdict] = []
    for embedded in signatures:
        try:
            if embedded.sig_object_type == "/DocTimeStamp":
                verdicts.append(_judge_timestamp(embedded, roots, moment))
            else:
                verdicts.append(_judge_signature(embedded, roots, moment))
        except (SignatureValidationError, PdfError, ValueError, KeyError) as error:
            verdicts.append(_unreadable(embedded, error))
    return verdicts
