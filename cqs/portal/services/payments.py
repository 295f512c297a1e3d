"""Online payment of a dossier's fee through a `PaymentProvider`.

`payment_start` opens a checkout that expires after 90 minutes (GOV.UK Pay's rule) and
returns the provider's URL. `payment_complete` handles the provider's answer: the signature is
checked on the server by the provider, then the reference, the amount and the time are
compared with the portal's own record; only then is the payment recorded on the dossier
through onestop's `record_payment` (idempotent per reference, so a reloaded return page or a
repeated callback records nothing twice). A forged answer changes nothing and is audited.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.core.text import format_number
from cqs.onestop.models import Dossier, DossierStatus
from cqs.onestop.models import PaymentStatus as DossierPaymentStatus
from cqs.portal.models import PAYMENT_LIFETIME, PaymentAttempt, PaymentStatus
from cqs.portal.payments import PaymentVerificationError, default_provider, get_provider
from cqs.portal.payments.simulated import RESULT_CANCELLED, RESULT_EXPIRED

# A fee cannot be paid online once the dossier ended without a result.
_UNPAYABLE = (DossierStatus.REFUSED, DossierStatus.STOPPED, DossierStatus.WITHDRAWN)


def new_reference(now: datetime) -> str:
    return f"TT{timezone.localtime(now):%y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"


def expire_stale(*, dossier: Dossier, now: datetime | None = None) -> int:
    """Mark the dossier's pending checkouts past their 90 minutes as expired."""
    now = now or timezone.now()
    return PaymentAttempt.objects.filter(
        dossier=dossier, status=PaymentStatus.PENDING, expires_at__lte=now
    ).update(status=PaymentStatus.EXPIRED, completed_at=now, failure_reason="Quá 90 phút chưa thanh toán.")


def payment_start(
    *, actor: Any, dossier: Dossier, provider_code: str | None = None, now: datetime | None = None
) -> tuple[PaymentAttempt, str]:
    """A checkout for the dossier's unpaid fee (an open one is reused) and its URL."""
    now = now or timezone.now()
    provider = get_provider(provider_code) if provider_code else default_provider()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.owner_id != actor.pk:
            raise ApplicationError("Hồ sơ này không thuộc tài khoản của bạn.", code="owner")
        if locked.payment_status != DossierPaymentStatus.UNPAID or locked.fee <= 0:
            raise ApplicationError("Hồ sơ này không còn khoản phí, lệ phí nào phải nộp.", code="nothing_due")
        if locked.status in _UNPAYABLE:
            raise ApplicationError("Hồ sơ đã kết thúc nên không thanh toán được nữa.", code="closed")
        expire_stale(dossier=locked, now=now)
        attempt = PaymentAttempt.objects.filter(
            dossier=locked, provider=provider.code, status=PaymentStatus.PENDING, amount=locked.fee
        ).first()
        if attempt is None:
            from cqs.onestop.services import start_payment

            reference = new_reference(now)
            # onestop's pending Payment (same reference) is what its statistics count; the
            # attempt keeps the portal's side (payer, outcome, reason).
            start_payment(actor=actor, dossier=locked, provider=provider.code, reference=reference)
            attempt = PaymentAttempt.objects.create(
                dossier=locked,
                payer=actor,
                provider=provider.code,
                reference=reference,
                amount=locked.fee,
                created_at=now,
                expires_at=now + PAYMENT_LIFETIME,
            )
            audit_record(
                actor=actor,
                action="portal.payment_start",
                target=attempt,
                agency_id=locked.agency_id,
                payload={"dossier": locked.code, "amount": locked.fee, "provider": provider.code},
            )
    return attempt, provider.create_checkout(attempt)


def _refuse(attempt: PaymentAttempt | None, reason: str, params: Mapping[str, str], *, code: str) -> None:
    """Audit a refused answer (in its own transaction) and raise."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action="portal.payment_refused",
            target=attempt,
            agency_id=attempt.dossier.agency_id if attempt is not None else None,
            payload={"reason": reason, "params": dict(params)},
        )
    raise PaymentVerificationError(reason, code=code)


def _close(
    attempt: PaymentAttempt, status: str, reason: str, now: datetime, payload: Mapping[str, str]
) -> None:
    attempt.status = status
    attempt.failure_reason = reason[:300]
    attempt.completed_at = now
    attempt.payload = dict(payload)
    attempt.save(update_fields=["status", "failure_reason", "completed_at", "payload"])


def payment_complete(
    *, provider_code: str, params: Mapping[str, str], now: datetime | None = None
) -> PaymentAttempt:
    """Handle a provider's answer; returns the attempt (paid, cancelled, failed or expired)."""
    from cqs.onestop.services import record_payment

    now = now or timezone.now()
    provider = get_provider(provider_code)
    reference = str(params.get("ref", ""))
    attempt = (
        PaymentAttempt.objects.select_related("dossier")
        .filter(reference=reference, provider=provider.code)
        .first()
    )
    if attempt is None:
        _refuse(None, "Không tìm thấy giao dịch thanh toán này.", params, code="unknown_reference")
        raise AssertionError  # unreachable: _refuse raises
    try:
        verified = provider.verify(reference, params)
    except PaymentVerificationError as error:
        _refuse(attempt, error.message, params, code=error.code)
        raise
    if verified.amount != attempt.amount:
        _refuse(
            attempt,
            f"Số tiền ngân hàng báo ({format_number(verified.amount)} đồng) khác số tiền phải nộp "
            f"({format_number(attempt.amount)} đồng); giao dịch không được ghi nhận.",
            params,
            code="wrong_amount",
        )
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().select_related("dossier").get(pk=attempt.pk)
        if attempt.status == PaymentStatus.PAID:
            return attempt  # the same answer again (reload, repeated callback)
        if not verified.succeeded:
            result = params.get("result", "")
            status = {RESULT_CANCELLED: PaymentStatus.CANCELLED, RESULT_EXPIRED: PaymentStatus.EXPIRED}.get(
                str(result), PaymentStatus.FAILED
            )
            if attempt.status == PaymentStatus.PENDING:
                _close(attempt, status, verified.reason, now, verified.payload)
                audit_record(
                    actor=attempt.payer,
                    action="portal.payment_not_paid",
                    target=attempt,
                    agency_id=attempt.dossier.agency_id,
                    payload={"status": status, "reason": verified.reason},
                )
            return attempt
        paid_at = verified.paid_at or now
        if paid_at > attempt.expires_at or attempt.status == PaymentStatus.EXPIRED:
            if attempt.status == PaymentStatus.PENDING:
                _close(
                    attempt,
                    PaymentStatus.EXPIRED,
                    "Thanh toán sau khi giao dịch đã hết hạn.",
                    now,
                    verified.payload,
                )
        else:
            record_payment(
                dossier=attempt.dossier,
                provider=provider.code,
                reference=attempt.reference,
                amount=attempt.amount,
                paid_at=paid_at,
                payload=dict(verified.payload),
            )
            attempt.status = PaymentStatus.PAID
            attempt.completed_at = now
            attempt.provider_reference = verified.provider_reference
            attempt.payload = dict(verified.payload)
            attempt.save(update_fields=["status", "completed_at", "provider_reference", "payload"])
            return attempt
    _refuse(attempt, "Giao dịch đã hết hạn (quá 90 phút) nên không được ghi nhận.", params, code="expired")
    raise AssertionError  # unreachable
