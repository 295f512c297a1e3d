"""A small certificate factory for the demo PKI and the tests (never for production keys).

Signing certificates carry key usage digitalSignature + nonRepudiation (what pyHanko and
Adobe expect of a document signer) and extended key usage documentSigning (RFC 9336) plus
emailProtection (which NSS, and so poppler's ``pdfsig``, requires of a signer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from cqs.signing.crypto import SigningPrivateKey

__all__ = [
    "DOCUMENT_SIGNING",
    "KeyType",
    "IssuedCertificate",
    "generate_key",
    "issue_ca",
    "issue_signing_certificate",
    "subject_name",
    "to_pkcs12",
]

KeyType = Literal["rsa", "ec"]
#: id-kp-documentSigning (RFC 9336).
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")


def generate_key(key_type: KeyType = "rsa") -> SigningPrivateKey:
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


#: X.520 upper bounds, which `cryptography` counts in UTF-8 bytes.
_MAX_NAME_BYTES = 64
_ABBREVIATIONS = (("Ủy ban nhân dân", "UBND"), ("Hội đồng nhân dân", "HĐND"))


def fit_name(text: str, limit: int = _MAX_NAME_BYTES) -> str:
    """`text` within `limit` UTF-8 bytes: usual abbreviations first, then cut at a character."""
    for long, short in _ABBREVIATIONS:
        if len(text.encode("utf-8")) <= limit:
            break
        text = text.replace(long, short)
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text.strip()


def subject_name(
    common_name: str,
    *,
    organization: str = "",
    organizational_unit: str = "",
    title: str = "",
    province: str = "",
    country: str = "VN",
) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)]
    if province:
        attributes.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, province))
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, fit_name(organization)))
    if organizational_unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, fit_name(organizational_unit)))
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, fit_name(title)))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, fit_name(common_name)))
    return x509.Name(attributes)


@dataclass(frozen=True)
class IssuedCertificate:
    key: SigningPrivateKey
    certificate: x509.Certificate


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def issue_ca(
    subject: x509.Name,
    *,
    key: SigningPrivateKey | None = None,
    issuer: IssuedCertificate | None = None,
    days: int = 3650,
    not_before: datetime | None = None,
    key_type: KeyType = "rsa",
) -> IssuedCertificate:
    """A root CA (self-signed) or, with `issuer`, an intermediate CA."""
    key = key or generate_key(key_type)
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    signer_key = issuer.key if issuer is not None else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer is not None else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()), critical=False
        )
    )
    return IssuedCertificate(key=key, certificate=builder.sign(signer_key, hashes.SHA256()))


def issue_signing_certificate(
    subject: x509.Name,
    *,
    issuer: IssuedCertificate,
    key: SigningPrivateKey | None = None,
    days: int = 3 * 365,
    not_before: datetime | None = None,
    email: str = "",
    key_type: KeyType = "rsa",
) -> IssuedCertificate:
    """An end-entity certificate for signing documents."""
    key = key or generate_key(key_type)
    start = not_before or datetime.now(UTC) - timedelta(minutes=5)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    )
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    return IssuedCertificate(key=key, certificate=builder.sign(issuer.key, hashes.SHA256()))


def to_pkcs12(
    issued: IssuedCertificate, password: str, *, chain: list[x509.Certificate] | None = None, name: str = ""
) -> bytes:
    """The key, certificate and chain as a password-protected .p12 file."""
    return pkcs12.serialize_key_and_certificates(
        name=name.encode("utf-8") or None,
        key=issued.key,
        cert=issued.certificate,
        cas=chain or None,
        encryption_algorithm=BestAvailableEncryption(password.encode("utf-8")),
    )
