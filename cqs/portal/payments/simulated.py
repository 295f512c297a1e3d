"""The simulated payment provider shipped for the demo ("Cổng thanh toán mô phỏng").

It behaves like a Vietnamese bank gateway (VNPay-style): the portal signs the checkout
request (reference, amount, expiry) with HMAC-SHA512 over the sorted parameters; the
simulated bank's pages (`/dich-vu-cong/thanh-toan-mo-phong/`) check that signature, refuse an
expired checkout, let the citizen pay or cancel, and send the browser back to the portal's
return URL with a signed answer (result code, bank transaction number, paid time). The
portal verifies that answer on the server (`verify`) and then the amount and the expiry
against its own record. The secret is ``CQS_PAYMENT_SIMULATOR_SECRET`` or, when unset, a key
derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cqs.portal.payments.base import PaymentVerificationError, VerifiedPayment

if TYPE_CHECKING:
    from cqs.portal.models import PaymentAttempt

SIGNATURE = "sig"
RESULT_PAID = "00"
RESULT_CANCELLED = "24"
RESULT_EXPIRED = "11"
RESULT_TEXT = {
    RESULT_PAID: "Giao dịch thành công.",
    RESULT_CANCELLED: "Người nộp đã hủy giao dịch.",
    RESULT_EXPIRED: "Giao dịch đã quá thời gian thanh toán.",
}
_SALT = "cqs.portal.payments.simulated"


def sign(params: Mapping[str, str]) -> str:
    """HMAC-SHA512 over the parameters (without the signature) sorted by name."""
    message = urlencode(sorted((k, str(v)) for k, v in params.items() if k != SIGNATURE))
    secret = getattr(settings, "CQS_PAYMENT_SIMULATOR_SECRET", "") or None
    return salted_hmac(_SALT, message, secret=secret, algorithm="sha512").hexdigest()


def check_signature(params: Mapping[str, str]) -> None:
    given = str(params.get(SIGNATURE, ""))
    if not given or not hmac.compare_digest(given, sign(params)):
        raise PaymentVerificationError(
            "Chữ ký của giao dịch không hợp lệ: dữ liệu có thể đã bị sửa.", code="bad_signature"
        )


def _parse_time(raw: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise PaymentVerificationError(f"Thời điểm {what} không hợp lệ.") from None
    if timezone.is_naive(moment):
        raise PaymentVerificationError(f"Thời điểm {what} thiếu múi giờ.")
    return moment


def _parse_amount(raw: str) -> int:
    if not raw.isdigit():
        raise PaymentVerificationError("Số tiền của giao dịch không hợp lệ.")
    return int(raw)


@dataclass(frozen=True)
class CheckoutRequest:
    """A checkout as the simulated bank reads it from the signed URL."""

    reference: str
    amount: int
    expires_at: datetime
    description: str

    def as_params(self) -> dict[str, str]:
        params = {
            "ref": self.reference,
            "amount": str(self.amount),
            "expires": self.expires_at.isoformat(),
            "info": self.description,
        }
        return params | {SIGNATURE: sign(params)}


def read_checkout(params: Mapping[str, str]) -> CheckoutRequest:
    """The bank side: the portal's checkout request, signature checked."""
    check_signature(params)
    return CheckoutRequest(
        reference=str(params.get("ref", "")),
        amount=_parse_amount(str(params.get("amount", ""))),
        expires_at=_parse_time(str(params.get("expires", "")), "hết hạn"),
        description=str(params.get("info", "")),
    )


def bank_answer(request: CheckoutRequest, *, pay: bool, now: datetime | None = None) -> dict[str, str]:
    """The bank side: the signed answer sent back to the portal (a refusal once expired)."""
    now = now or timezone.now()
    if not pay:
        result = RESULT_CANCELLED
    elif now > request.expires_at:
        result = RESULT_EXPIRED
    else:
        result = RESULT_PAID
    params = {
        "ref": request.reference,
        "amount": str(request.amount),
        "result": result,
        "txn": f"MP{now:%y%m%d}{secrets.randbelow(10**8):08d}" if result == RESULT_PAID else "",
        "at": now.isoformat(),
    }
    return params | {SIGNATURE: sign(params)}


class SimulatedProvider:
    code = "mo_phong"
    name = "Cổng thanh toán mô phỏng (dùng cho trình diễn)"

    def create_checkout(self, payment: PaymentAttempt) -> str:
        request = CheckoutRequest(
            reference=payment.reference,
            amount=int(payment.amount),
            expires_at=payment.expires_at,
            description=f"Phí, lệ phí hồ sơ {payment.dossier.code}",
        )
        return f"{reverse('portal:simulated_bank')}?{urlencode(request.as_params())}"

    def return_url(self, params: Mapping[str, str]) -> str:
        return f"{reverse('portal:payment_return', args=[self.code])}?{urlencode(dict(params))}"

    def verify(self, reference: str, params: Mapping[str, str]) -> VerifiedPayment:
        check_signature(params)
        if str(params.get("ref", "")) != reference:
            raise PaymentVerificationError("Mã giao dịch trả về không khớp.", code="bad_reference")
        result = str(params.get("result", ""))
        succeeded = result == RESULT_PAID
        at = _parse_time(str(params.get("at", "")), "thanh toán")
        return VerifiedPayment(
            reference=reference,
            amount=_parse_amount(str(params.get("amount", ""))),
            succeeded=succeeded,
            provider_reference=str(params.get("txn", "")),
            paid_at=at if succeeded else None,
            reason="" if succeeded else RESULT_TEXT.get(result, f"Ngân hàng từ chối (mã {result})."),
            payload={k: str(v) for k, v in params.items()},
        )
