"""Fees and ratings: online payment records (verified by the portal with the provider on the
server, GOV.UK Pay style, expiring after 90 minutes) and the citizen's satisfaction rating."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from cqs.core.errors import ApplicationError
from cqs.core.text import format_number
from cqs.onestop.models import (
    Dossier,
    DossierStatus,
    EventKind,
    Payment,
    PaymentState,
    PaymentStatus,
    Rating,
    RatingScore,
)
from cqs.onestop.services._common import clean_text, lock, now, record

PAYMENT_LIFETIME = timedelta(minutes=90)


def start_payment(*, actor: Any, dossier: Dossier, provider: str, reference: str) -> Payment:
    """A pending payment of the dossier's fee, valid for 90 minutes."""
    with transaction.atomic():
        lock(dossier)
        if dossier.owner_id is None or getattr(actor, "pk", None) != dossier.owner_id:
            raise ApplicationError("Chỉ người nộp hồ sơ được thanh toán trực tuyến.", code="forbidden")
        if dossier.payment_status != PaymentStatus.UNPAID or dossier.fee <= 0:
            raise ApplicationError("Hồ sơ không có khoản phí, lệ phí cần thanh toán.", code="no_fee")
        moment = now()
        Payment.objects.filter(dossier=dossier, status=PaymentState.PENDING, expires_at__lt=moment).update(
            status=PaymentState.EXPIRED
        )
        return Payment.objects.create(
            dossier=dossier,
            amount=dossier.fee,
            provider=clean_text(provider),
            reference=clean_text(reference),
            status=PaymentState.PENDING,
            created_at=moment,
            expires_at=moment + PAYMENT_LIFETIME,
        )


def record_payment(
    *,
    dossier: Dossier,
    provider: str,
    reference: str,
    amount: int,
    paid_at: datetime,
    payload: Mapping[str, Any],
) -> Payment:
    """A payment the portal verified with the provider. Idempotent per `reference`."""
    ref = clean_text(reference)
    if not ref:
        raise ApplicationError("Thiếu mã giao dịch thanh toán.", code="reference")
    with transaction.atomic():
        lock(dossier)
        existing = Payment.objects.select_for_update().filter(reference=ref).first()
        if existing is not None and existing.dossier_id != dossier.pk:
            raise ApplicationError("Mã giao dịch thuộc hồ sơ khác.", code="reference")
        if existing is not None and existing.status == PaymentState.PAID:
            return existing
        if amount != dossier.fee:
            raise ApplicationError(
                f"Số tiền đã thanh toán ({format_number(amount)} đồng) khác phí, lệ phí của hồ sơ "
                f"({format_number(dossier.fee)} đồng).",
                code="amount",
            )
        moment = now()
        payment = existing or Payment(
            dossier=dossier,
            amount=amount,
            provider=clean_text(provider),
            reference=ref,
            created_at=moment,
            expires_at=moment + PAYMENT_LIFETIME,
        )
        if existing is not None and existing.expires_at < paid_at:
            raise ApplicationError("Giao dịch đã hết hạn (quá 90 phút) trước khi thanh toán.", code="expired")
        payment.status = PaymentState.PAID
        payment.paid_at = paid_at
        payment.verified_at = moment
        payment.provider_payload = dict(payload)
        payment.save()
        dossier.payment_status = PaymentStatus.PAID
        dossier.save(update_fields=["payment_status", "updated_at"])
        record(
            actor=dossier.owner,
            dossier=dossier,
            kind=EventKind.PAID,
            from_status=dossier.status,
            note=f"Đã thanh toán trực tuyến {format_number(amount)} đồng (mã giao dịch {ref}).",
            payload={"reference": ref, "provider": payment.provider, "amount": amount},
        )
    return payment


def rate_dossier(*, actor: Any, dossier: Dossier, score: int, comment: str) -> Rating:
    """The owner rates the service once, after the result was returned."""
    if score not in RatingScore.values:
        raise ApplicationError("Mức đánh giá phải từ 1 (không hài lòng) đến 4 (rất hài lòng).", code="score")
    with transaction.atomic():
        lock(dossier)
        if dossier.owner_id is None or getattr(actor, "pk", None) != dossier.owner_id:
            raise ApplicationError("Chỉ người nộp hồ sơ được đánh giá.", code="forbidden")
        if dossier.status != DossierStatus.RETURNED:
            raise ApplicationError("Chỉ đánh giá được sau khi đã nhận kết quả.", code="not_returned")
        if Rating.objects.filter(dossier=dossier).exists():
            raise ApplicationError("Hồ sơ này đã được đánh giá.", code="rated")
        rating = Rating.objects.create(
            dossier=dossier, score=score, comment=clean_text(comment), rated_by=actor, rated_at=now()
        )
        record(
            actor=actor,
            dossier=dossier,
            kind=EventKind.RATED,
            from_status=dossier.status,
            note=f"Đánh giá: {RatingScore(score).label}.",
            payload={"score": score},
        )
    return rating
