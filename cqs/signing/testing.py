"""Test helpers for other apps' signing tests: a small PKI (made once, in memory) and the
certificates, images and trust anchor a leader and an agency need to sign in the database.

Keys are P-256 (fast to make); never use them outside tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cqs.signing import images, pki
from cqs.signing.crypto import certificate_pem
from cqs.signing.models import Certificate, CertificateKind, TrustAnchor
from cqs.signing.services import active_image, add_trust_anchor, save_signature_image, store_certificate

TEST_ROOT_NAME = "CA thử nghiệm ký số văn bản"


@dataclass(frozen=True)
class SigningMaterial:
    root: pki.IssuedCertificate
    stranger_root: pki.IssuedCertificate

    @property
    def root_pem(self) -> str:
        return certificate_pem(self.root.certificate)


def make_material() -> SigningMaterial:
    return SigningMaterial(
        root=pki.issue_ca(pki.subject_name(TEST_ROOT_NAME, organization="Chính quyền số"), key_type="ec"),
        stranger_root=pki.issue_ca(pki.subject_name("CA tự lập không được tin cậy"), key_type="ec"),
    )


def trust(material: SigningMaterial) -> None:
    if not TrustAnchor.objects.filter(name=TEST_ROOT_NAME).exists():
        add_trust_anchor(by=None, pem=material.root_pem, name=TEST_ROOT_NAME)


def equip_person(
    material: SigningMaterial,
    user: Any,
    *,
    organization: str = "",
    issuer: pki.IssuedCertificate | None = None,
) -> Certificate:
    """A personal certificate (from the test root unless `issuer`) and a blue signature image."""
    root = issuer or material.root
    name = user.get_full_name() or user.get_username()
    issued = pki.issue_signing_certificate(
        pki.subject_name(name, organization=organization), issuer=root, key_type="ec"
    )
    certificate = store_certificate(
        by=None,
        owner=user,
        kind=CertificateKind.PERSONAL,
        key=issued.key,
        certificate=issued.certificate,
        chain=[root.certificate],
    )
    if active_image(user) is None:
        save_signature_image(by=None, owner=user, png=images.draw_signature(name))
    return certificate


def equip_agency(material: SigningMaterial, agency: Any) -> Certificate:
    """An agency certificate from the test root and a red seal image."""
    issued = pki.issue_signing_certificate(
        pki.subject_name(agency.name, organization=agency.name), issuer=material.root, key_type="ec"
    )
    certificate = store_certificate(
        by=None,
        owner=agency,
        kind=CertificateKind.AGENCY,
        key=issued.key,
        certificate=issued.certificate,
        chain=[material.root.certificate],
    )
    if active_image(agency) is None:
        save_signature_image(by=None, owner=agency, png=images.draw_seal(agency.name))
    return certificate
