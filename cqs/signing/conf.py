"""The signing settings and their defaults, read at call time (tests override them).

| Setting | Default | Meaning |
|---|---|---|
| ``SIGNING_KEY_ENCRYPTION_KEY`` | derived from ``SECRET_KEY`` | secret the at-rest key is derived from |
| ``SIGNING_KEY_ENCRYPTION_KEY_FALLBACKS`` | ``[]`` | older secrets still accepted for decryption |
| ``SIGNING_TSA_URL`` | ``""`` | RFC 3161 timestamp server; set → PAdES B-T, empty → B-B |
| ``SIGNING_TSA_TIMEOUT_SECONDS`` | ``10`` | timeout of one timestamp request |
| ``SIGNING_TRUSTED_CA_FILES`` | ``[]`` | PEM files of CA certificates trusted besides the TrustAnchor rows |
| ``SIGNING_REAUTH_SECONDS`` | ``300`` | how long a password confirmation lets the user sign |
| ``SIGNING_BACKENDS`` | ``{}`` | extra key backends, name → dotted path of a ``SigningBackend`` class |
| ``SIGNING_VALIDATION_ALLOW_FETCHING`` | ``False`` | fetch CRL/OCSP/AIA over the network when verifying |
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

DEFAULT_REAUTH_SECONDS = 300
DEFAULT_TSA_TIMEOUT_SECONDS = 10.0


def key_encryption_secret() -> str:
    """The secret the private-key encryption key is derived from (SECRET_KEY unless set)."""
    value = getattr(settings, "SIGNING_KEY_ENCRYPTION_KEY", "") or ""
    return str(value) if value else str(settings.SECRET_KEY)


def key_encryption_fallbacks() -> list[str]:
    """Older secrets, tried when a key was encrypted before a rotation."""
    return [str(v) for v in getattr(settings, "SIGNING_KEY_ENCRYPTION_KEY_FALLBACKS", []) or [] if v]


def key_encryption_key_configured() -> bool:
    return bool(getattr(settings, "SIGNING_KEY_ENCRYPTION_KEY", ""))


def tsa_url() -> str:
    return str(getattr(settings, "SIGNING_TSA_URL", "") or "")


def tsa_timeout_seconds() -> float:
    return float(getattr(settings, "SIGNING_TSA_TIMEOUT_SECONDS", DEFAULT_TSA_TIMEOUT_SECONDS))


def trusted_ca_files() -> list[Path]:
    return [Path(p) for p in getattr(settings, "SIGNING_TRUSTED_CA_FILES", []) or [] if p]


def reauth_seconds() -> int:
    return int(getattr(settings, "SIGNING_REAUTH_SECONDS", DEFAULT_REAUTH_SECONDS))


def extra_backends() -> dict[str, str]:
    return dict(getattr(settings, "SIGNING_BACKENDS", {}) or {})


def validation_allows_fetching() -> bool:
    return bool(getattr(settings, "SIGNING_VALIDATION_ALLOW_FETCHING", False))
