"""Where a certificate's private key lives, and the one adapter pyHanko signs through.

A backend opens the key of a `Certificate` (chosen by its ``backend`` field) and returns a
`SigningKey`, whose only job is to sign a message digest. Everything else — the CMS
structure, the PDF, the appearance — is built here, so every backend produces the same
PAdES signatures.

Built in: ``local``, the key stored on the server encrypted at rest (imported from a
PKCS#12 file). Other kinds plug in without touching the signing services:

* **USB token (PKCS#11)** — ``open()`` loads the vendor's PKCS#11 module, logs in with the
  PIN the user typed (never stored), finds the key by ``Certificate.key_reference`` (slot
  label / key id) and returns a key whose ``sign_digest`` calls ``C_Sign`` with ``CKM_RSA_PKCS``
  over the DER DigestInfo (or ``CKM_ECDSA`` over the digest, converting r‖s to DER). The
  token must sit in the server (tokens on the user's computer sign through a remote
  backend talking to a local agent instead).
* **HSM** — the same PKCS#11 code with the HSM's module, or the HSM vendor's REST API.
* **Remote signing by a CA** (ký số từ xa, e.g. a CSC-style ``signHash`` API) —
  ``open()`` authenticates with the credential named by ``key_reference`` (the user approves
  on their phone) and ``sign_digest`` sends the digest, returning the raw signature.

Register one with ``@register_backend`` in an installed module, or list it in the setting
``SIGNING_BACKENDS = {"name": "package.module.ClassName"}``; then set ``Certificate.backend``
to that name (and ``key_reference``; ``encrypted_private_key`` stays empty).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from django.utils.module_loading import import_string
from pyhanko.sign.signers import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from cqs.core.errors import ApplicationError
from cqs.signing import conf
from cqs.signing.crypto import KeyDecryptionError, decrypt_private_key, load_private_key_der
from cqs.signing.models import Certificate

__all__ = [
    "CertificateSigner",
    "LocalKeyBackend",
    "SigningBackend",
    "SigningKey",
    "get_backend",
    "open_signer",
    "register_backend",
]

_HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
    "sha512": hashes.SHA512(),
}


def hash_algorithm(name: str) -> hashes.HashAlgorithm:
    try:
        return _HASHES[name]
    except KeyError:
        raise ApplicationError(f"Thuật toán băm {name} không được hỗ trợ.", code="digest") from None


class SigningKey(ABC):
    """An opened private key. It signs digests until `close()`; it never hands the key out."""

    def __init__(self, certificate: x509.Certificate) -> None:
        self.certificate = certificate

    @abstractmethod
    def sign_digest(self, digest: bytes, *, digest_algorithm: str) -> bytes:
        """The raw signature of an already computed digest (PKCS#1 v1.5 for RSA, DER for ECDSA)."""

    def max_signature_size(self) -> int:
        """An upper bound of the signature's length, for reserving room in the PDF."""
        public = self.certificate.public_key()
        if isinstance(public, rsa.RSAPublicKey):
            return (public.key_size + 7) // 8
        if isinstance(public, ec.EllipticCurvePublicKey):
            scalar = (public.curve.key_size + 7) // 8
            content = 2 * (2 + scalar + 1)
            return content + (2 if content < 128 else 3)
        raise ApplicationError("Chỉ hỗ trợ khóa RSA hoặc ECDSA.", code="unsupported_key")

    def close(self) -> None:  # noqa: B027 - optional hook: most keys have nothing to release
        """Release the key (log out of a token, drop a session)."""

    def __enter__(self) -> SigningKey:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SigningBackend(ABC):
    """Opens the private key of a certificate kept by this backend."""

    name: ClassVar[str]
    label: ClassVar[str]
    #: True when the key itself is stored (encrypted) in `Certificate.encrypted_private_key`.
    stores_key: ClassVar[bool] = False

    @abstractmethod
    def open(self, certificate: Certificate) -> SigningKey:
        """Open the key for signing; raise ApplicationError (Vietnamese) when it cannot be used."""


_REGISTRY: dict[str, type[SigningBackend]] = {}


def register_backend(cls: type[SigningBackend]) -> type[SigningBackend]:
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"signing backend {cls.name!r} is already registered")
    _REGISTRY[cls.name] = cls
    return cls


def get_backend(name: str) -> SigningBackend:
    cls = _REGISTRY.get(name)
    if cls is None:
        path = conf.extra_backends().get(name)
        if path is None:
            raise ApplicationError(
                f"Chưa cấu hình nơi giữ khóa “{name}” (SIGNING_BACKENDS).", code="unknown_backend"
            )
        loaded = import_string(path)
        if not (isinstance(loaded, type) and issubclass(loaded, SigningBackend)):
            raise TypeError(f"{path} is not a SigningBackend")
        cls = loaded
    return cls()


# ----------------------------------------------------------------------------- local keys


class _LocalKey(SigningKey):
    def __init__(self, certificate: x509.Certificate, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        super().__init__(certificate)
        self._key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | None = key

    def sign_digest(self, digest: bytes, *, digest_algorithm: str) -> bytes:
        if self._key is None:
            raise RuntimeError("the signing key is closed")
        algorithm = hash_algorithm(digest_algorithm)
        if len(digest) != algorithm.digest_size:
            raise ValueError("digest length does not match the algorithm")
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(digest, padding.PKCS1v15(), Prehashed(algorithm))
        return self._key.sign(digest, ec.ECDSA(Prehashed(algorithm)))

    def close(self) -> None:
        self._key = None

    def __repr__(self) -> str:  # never show key material
        return f"<local signing key for {self.certificate.subject.rfc4514_string()}>"


@register_backend
class LocalKeyBackend(SigningBackend):
    """The key imported from PKCS#12, AES-GCM encrypted in the database."""

    name = "local"
    label = "Khóa lưu trên máy chủ (mã hóa)"
    stores_key = True

    def open(self, certificate: Certificate) -> SigningKey:
        blob = certificate.encrypted_private_key
        if not blob:
            raise ApplicationError("Chứng thư này không có khóa bí mật lưu trên máy chủ.", code="no_key")
        try:
            der = decrypt_private_key(bytes(blob), associated_data=certificate.fingerprint_sha256.encode())
        except KeyDecryptionError as error:
            raise ApplicationError(str(error), code="key_decryption") from error
        key = load_private_key_der(der, authenticated=True)
        public = certificate.x509_cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        mine = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if mine != public:
            raise ApplicationError("Khóa bí mật không khớp với chứng thư.", code="key_mismatch")
        return _LocalKey(certificate.x509_cert, key)


# ----------------------------------------------------------------------------- pyHanko adapter


def to_asn1(cert: x509.Certificate) -> Any:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class CertificateSigner(Signer):
    """pyHanko's `Signer` over any `SigningKey`: pyHanko builds the CMS, the key signs its digest."""

    def __init__(self, key: SigningKey, chain: list[x509.Certificate]) -> None:
        self._signing_key = key
        signing_cert = to_asn1(key.certificate)
        store = SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
            [signing_cert, *(to_asn1(c) for c in chain)]
        )
        super().__init__(signing_cert=signing_cert, cert_registry=store, embed_roots=True)

    def reserved_bytes(self) -> int:
        """Room for the CMS in the PDF (hex digits) when nothing of unknown size (a timestamp) is added:
        the certificates, the signature, and generously for the signed attributes."""
        certificates = sum(len(c.dump()) for c in self.cert_registry)
        return 2 * (certificates + self._signing_key.max_signature_size() + 4096)

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:
            return bytes(self._signing_key.max_signature_size())
        digest = hashlib.new(digest_algorithm, data).digest()
        return self._signing_key.sign_digest(digest, digest_algorithm=digest_algorithm)

    def close(self) -> None:
        self._signing_key.close()


def open_signer(certificate: Certificate) -> CertificateSigner:
    """Open `certificate`'s key through its backend; call `close()` on the result when done."""
    key = get_backend(certificate.backend).open(certificate)
    return CertificateSigner(key, certificate.chain)
