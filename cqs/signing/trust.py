"""The trust store: CA certificates an administrator accepts, as pyHanko validation contexts.

Two sources, both configuration: the active `TrustAnchor` rows (admin site) and the PEM
files listed in ``SIGNING_TRUSTED_CA_FILES`` (for example the national root CA of the
Ministry's NEAC and the Government Cipher Committee's CA, deployed with the server).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from cryptography import x509
from pyhanko_certvalidator import ValidationContext

from cqs.core.errors import ApplicationError
from cqs.signing import conf
from cqs.signing.backends import to_asn1
from cqs.signing.crypto import fingerprint_sha256, load_certificates_pem
from cqs.signing.models import TrustAnchor

__all__ = ["trusted_certificates", "validation_context"]

logger = logging.getLogger(__name__)


def trusted_certificates() -> list[x509.Certificate]:
    """Every trusted CA certificate, without duplicates."""
    found: dict[str, x509.Certificate] = {}
    for pem in TrustAnchor.objects.filter(is_active=True).values_list("certificate_pem", flat=True):
        for cert in load_certificates_pem(pem):
            found.setdefault(fingerprint_sha256(cert), cert)
    for path in conf.trusted_ca_files():
        try:
            certificates = load_certificates_pem(path.read_bytes())
        except (OSError, ApplicationError):
            logger.warning("SIGNING_TRUSTED_CA_FILES: không đọc được %s", path)
            continue
        for cert in certificates:
            found.setdefault(fingerprint_sha256(cert), cert)
    return list(found.values())


def validation_context(
    roots: list[x509.Certificate], *, moment: datetime | None = None, other_certs: list[Any] | None = None
) -> ValidationContext:
    """A context that trusts exactly `roots` (never the operating system's TLS roots)."""
    return ValidationContext(
        trust_roots=[to_asn1(c) for c in roots],
        other_certs=other_certs or [],
        moment=moment,
        allow_fetching=conf.validation_allows_fetching(),
        revocation_mode="soft-fail",
    )
