"""Key encryption at rest, PKCS#12 parsing and certificate facts.

Private keys are stored as PKCS#8 DER encrypted with AES-256-GCM. The AES key is derived
with HKDF-SHA256 from ``SIGNING_KEY_ENCRYPTION_KEY`` (``SECRET_KEY`` when unset); the
certificate's SHA-256 fingerprint is the associated data, so a blob only decrypts for the
certificate it was stored with. A blob starts with a version tag and an 8-byte key
identifier, so a rotated secret (kept in ``SIGNING_KEY_ENCRYPTION_KEY_FALLBACKS``) is found
without trial decryption. Nothing here logs key material.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from cqs.core.errors import ApplicationError
from cqs.signing import conf
from cqs.signing.formats import display_date

__all__ = [
    "CertificateFacts",
    "KeyDecryptionError",
    "ParsedPkcs12",
    "SigningPrivateKey",
    "certificate_facts",
    "certificate_pem",
    "decrypt_private_key",
    "encrypt_private_key",
    "fingerprint_sha256",
    "load_certificate_pem",
    "load_certificates_pem",
    "load_pkcs12",
    "load_private_key_der",
    "name_attribute",
    "private_key_der",
]

SigningPrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_BLOB_VERSION = b"CQSK1"
_KEY_ID_BYTES = 8
_NONCE_BYTES = 12
_HKDF_SALT = b"cqs.signing.private-key-encryption"
_HKDF_INFO = b"AES-256-GCM v1"
#: Smallest RSA modulus accepted for a signing key.
MIN_RSA_BITS = 2048


class KeyDecryptionError(RuntimeError):
    """A stored key could not be decrypted: wrong or missing encryption secret, or a damaged blob."""


# ----------------------------------------------------------------------------- encryption


def _derive(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(
        secret.encode("utf-8")
    )


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"key-id" + key).digest()[:_KEY_ID_BYTES]


def encrypt_private_key(key_der: bytes, *, associated_data: bytes) -> bytes:
    """Encrypt PKCS#8 DER with the current key; `associated_data` binds it to its certificate."""
    key = _derive(conf.key_encryption_secret())
    nonce = os.urandom(_NONCE_BYTES)
    return _BLOB_VERSION + _key_id(key) + nonce + AESGCM(key).encrypt(nonce, key_der, associated_data)


def decrypt_private_key(blob: bytes, *, associated_data: bytes) -> bytes:
    """The PKCS#8 DER inside `blob` (current secret first, then the fallbacks)."""
    header = len(_BLOB_VERSION)
    if not blob.startswith(_BLOB_VERSION) or len(blob) <= header + _KEY_ID_BYTES + _NONCE_BYTES:
        raise KeyDecryptionError("Khóa bí mật lưu trữ không đúng định dạng.")
    key_id = blob[header : header + _KEY_ID_BYTES]
    nonce = blob[header + _KEY_ID_BYTES : header + _KEY_ID_BYTES + _NONCE_BYTES]
    ciphertext = blob[header + _KEY_ID_BYTES + _NONCE_BYTES :]
    for secret in (conf.key_encryption_secret(), *conf.key_encryption_fallbacks()):
        key = _derive(secret)
        if _key_id(key) != key_id:
            continue
        try:
            return AESGCM(key).decrypt(nonce, ciphertext, associated_data)
        except InvalidTag:
            break
    raise KeyDecryptionError(
        "Không giải mã được khóa bí mật: khóa mã hóa (SIGNING_KEY_ENCRYPTION_KEY) đã đổi "
        "hoặc dữ liệu khóa bị hỏng."
    )


# ----------------------------------------------------------------------------- keys


def private_key_der(key: SigningPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private_key_der(der: bytes, *, authenticated: bool = False) -> SigningPrivateKey:
    """Load PKCS#8 DER. `authenticated`: the bytes come out of our AES-GCM storage (checked when
    imported, tamper-evident since), so the slow RSA consistency check is skipped."""
    key = serialization.load_der_private_key(der, password=None, unsafe_skip_rsa_key_validation=authenticated)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ApplicationError("Chỉ hỗ trợ khóa RSA hoặc ECDSA.", code="unsupported_key")
    return key


def describe_key(public_key: object) -> str:
    if isinstance(public_key, rsa.RSAPublicKey):
        return f"RSA {public_key.key_size}"
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return f"ECDSA {public_key.curve.name}"
    return type(public_key).__name__


# ----------------------------------------------------------------------------- certificates


def fingerprint_sha256(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def certificate_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def load_certificates_pem(text: str | bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle (or one DER certificate)."""
    data = text.encode("ascii", errors="ignore") if isinstance(text, str) else text
    try:
        if b"-----BEGIN" in data:
            return list(x509.load_pem_x509_certificates(data))
        return [x509.load_der_x509_certificate(data)]
    except ValueError as error:
        raise ApplicationError(
            "Không đọc được chứng thư số (cần tệp PEM hoặc DER).", code="bad_certificate"
        ) from error


def load_certificate_pem(text: str | bytes) -> x509.Certificate:
    certificates = load_certificates_pem(text)
    if len(certificates) != 1:
        raise ApplicationError("Cần đúng một chứng thư số.", code="bad_certificate")
    return certificates[0]


def name_attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    common_name: str
    organization: str
    issuer: str
    issuer_common_name: str
    serial_number: str
    not_before: datetime
    not_after: datetime
    fingerprint_sha256: str
    key_description: str
    is_ca: bool

    def valid_at(self, moment: datetime) -> bool:
        return self.not_before <= moment <= self.not_after


def certificate_facts(cert: x509.Certificate) -> CertificateFacts:
    try:
        is_ca = bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        is_ca = False
    return CertificateFacts(
        subject=cert.subject.rfc4514_string(),
        common_name=name_attribute(cert.subject, NameOID.COMMON_NAME),
        organization=name_attribute(cert.subject, NameOID.ORGANIZATION_NAME),
        issuer=cert.issuer.rfc4514_string(),
        issuer_common_name=name_attribute(cert.issuer, NameOID.COMMON_NAME),
        serial_number=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint_sha256=fingerprint_sha256(cert),
        key_description=describe_key(cert.public_key()),
        is_ca=is_ca,
    )


# ----------------------------------------------------------------------------- PKCS#12


@dataclass(frozen=True)
class ParsedPkcs12:
    key: SigningPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


def _check_key(key: object, certificate: x509.Certificate) -> SigningPrivateKey:
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ApplicationError(
            "Tệp PKCS#12 chứa loại khóa không được hỗ trợ (chỉ nhận RSA hoặc ECDSA).", code="unsupported_key"
        )
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < MIN_RSA_BITS:
        raise ApplicationError(
            f"Khóa RSA {key.key_size} bit quá ngắn (tối thiểu {MIN_RSA_BITS} bit).", code="weak_key"
        )
    public = certificate.public_key()
    mine = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    theirs = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if mine != theirs:
        raise ApplicationError("Khóa bí mật trong tệp không khớp với chứng thư số.", code="key_mismatch")
    return key


def load_pkcs12(data: bytes, password: str, *, now: datetime | None = None) -> ParsedPkcs12:
    """Parse a .p12/.pfx file; refuse a wrong password, a missing key or an expired certificate."""
    if not data:
        raise ApplicationError("Tệp chứng thư số rỗng.", code="empty")
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(
            data, password.encode("utf-8") if password else None
        )
    except ValueError as error:
        raise ApplicationError(
            "Mật khẩu tệp chứng thư số không đúng, hoặc tệp không phải PKCS#12 (.p12/.pfx).",
            code="wrong_password",
        ) from error
    if key is None:
        if certificate is None and not extra:
            raise ApplicationError("Tệp PKCS#12 không chứa chứng thư số.", code="no_certificate")
        raise ApplicationError(
            "Tệp PKCS#12 không chứa khóa bí mật: cần tệp xuất kèm khóa bí mật.", code="no_private_key"
        )
    if certificate is None:
        raise ApplicationError("Tệp PKCS#12 không chứa chứng thư số của khóa.", code="no_certificate")
    checked = _check_key(key, certificate)
    facts = certificate_facts(certificate)
    moment = now or datetime.now(UTC)
    if facts.not_after < moment:
        raise ApplicationError(
            f"Chứng thư số đã hết hạn từ ngày {display_date(facts.not_after)}.", code="expired"
        )
    if facts.not_before > moment:
        raise ApplicationError(
            f"Chứng thư số chưa có hiệu lực (từ ngày {display_date(facts.not_before)}).",
            code="not_yet_valid",
        )
    chain = tuple(c for c in extra if fingerprint_sha256(c) != facts.fingerprint_sha256)
    return ParsedPkcs12(key=checked, certificate=certificate, chain=chain)


def order_chain(leaf: x509.Certificate, pool: Iterable[x509.Certificate]) -> list[x509.Certificate]:
    """The issuers of `leaf` found in `pool`, nearest first (stops at a self-issued one)."""
    by_subject: dict[bytes, x509.Certificate] = {}
    for cert in pool:
        by_subject.setdefault(cert.subject.public_bytes(), cert)
    chain: list[x509.Certificate] = []
    current = leaf
    seen = {fingerprint_sha256(leaf)}
    while current.issuer != current.subject:
        issuer = by_subject.get(current.issuer.public_bytes())
        if issuer is None or fingerprint_sha256(issuer) in seen:
            break
        chain.append(issuer)
        seen.add(fingerprint_sha256(issuer))
        current = issuer
    return chain
