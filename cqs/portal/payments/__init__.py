"""Payment providers of the portal; `get_provider(code)` returns a configured one."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from cqs.portal.payments.base import PaymentProvider, PaymentVerificationError, VerifiedPayment

__all__ = [
    "PaymentProvider",
    "PaymentVerificationError",
    "VerifiedPayment",
    "default_provider",
    "get_provider",
    "providers",
]

DEFAULT_PROVIDERS = ["cqs.portal.payments.simulated.SimulatedProvider"]


def providers() -> dict[str, PaymentProvider]:
    """Every configured provider by code (setting ``CQS_PAYMENT_PROVIDERS``, dotted paths)."""
    paths = getattr(settings, "CQS_PAYMENT_PROVIDERS", None) or DEFAULT_PROVIDERS
    found: dict[str, PaymentProvider] = {}
    for path in paths:
        provider: PaymentProvider = import_string(path)()
        found[provider.code] = provider
    return found


def get_provider(code: str) -> PaymentProvider:
    try:
        return providers()[code]
    except KeyError:
        raise PaymentVerificationError(
            f"Không có đơn vị thanh toán «{code}».", code="payment_provider"
        ) from None


def default_provider() -> PaymentProvider:
    return next(iter(providers().values()))
