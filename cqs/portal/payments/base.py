"""The payment-provider interface (GOV.UK Pay / VNPay style).

The portal creates a `PaymentAttempt`, asks the provider for a checkout URL and sends the
citizen there. The provider sends the citizen back to the portal's return URL with the
outcome and a signature; the portal checks that signature **on the server**
(`PaymentProvider.verify`), then compares the amount and the time with its own record before
anything is written on the dossier. Nothing the browser says is trusted unverified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from cqs.core.errors import ApplicationError

if TYPE_CHECKING:
    from cqs.portal.models import PaymentAttempt


class PaymentVerificationError(ApplicationError):
    """The provider's answer cannot be trusted (bad signature, wrong amount, unknown reference…)."""

    def __init__(self, message: str, *, code: str = "payment_invalid") -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class VerifiedPayment:
    """What the provider's signed answer says, once its signature is checked."""

    reference: str
    amount: int
    succeeded: bool
    provider_reference: str = ""
    paid_at: datetime | None = None
    reason: str = ""
    payload: Mapping[str, str] = field(default_factory=dict)


class PaymentProvider(Protocol):
    code: str
    name: str

    def create_checkout(self, payment: PaymentAttempt) -> str:
        """The URL to send the citizen to, to pay `payment`."""
        ...

    def verify(self, reference: str, params: Mapping[str, str]) -> VerifiedPayment:
        """Check the provider's signed answer about `reference`; `PaymentVerificationError` if forged."""
        ...
