"""The demo PKI: a test root CA, certificates for the leaders and agencies in the database,
their signature and seal images, and the root in the trust store — so the demo signs out
of the box. Idempotent: a second run reuses the CA and skips every owner that already has
an active certificate from it (valid for at least another 30 days) and an image.

Never use these keys for real documents: the CA is a test CA that no one else trusts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cqs.audit.services import audit_record
from cqs.org.models import Agency, Position, Role
from cqs.signing.crypto import decrypt_private_key, load_private_key_der
from cqs.signing.images import draw_seal, draw_signature
from cqs.signing.models import Certificate, CertificateKind, TrustAnchor
from cqs.signing.pki import IssuedCertificate, KeyType, issue_ca, issue_signing_certificate, subject_name
from cqs.signing.services import active_image, add_trust_anchor, save_signature_image, store_certificate

__all__ = ["AFTER_PKI_STEPS", "DEMO_ROOT_NAME", "DemoPkiReport", "ensure_demo_pki", "run_after_pki"]

DEMO_ROOT_NAME = "CA Chính quyền số thử nghiệm"
DEMO_ORGANIZATION = "Chính quyền số (thử nghiệm)"
_RENEW_BEFORE = timedelta(days=30)


#: Steps other apps add (from their ``AppConfig.ready``) to run once the demo PKI exists, such
#: as signing the demo documents: `make demo` runs ``seed_demo`` before ``make_demo_pki``.
#: A step returns a line for the command's report, or "" when it changed nothing.
AFTER_PKI_STEPS: list[Callable[[], str]] = []


def run_after_pki() -> list[str]:
    return [line for line in (step() for step in AFTER_PKI_STEPS) if line]


@dataclass
class DemoPkiReport:
    root_fingerprint: str = ""
    root_created: bool = False
    trust_anchor_created: bool = False
    personal: list[dict[str, str]] = field(default_factory=list)
    agency: list[dict[str, str]] = field(default_factory=list)
    images_created: int = 0

    @property
    def changed(self) -> bool:
        return (
            self.root_created or self.trust_anchor_created or bool(self.created) or bool(self.images_created)
        )

    @property
    def created(self) -> list[dict[str, str]]:
        return [row for row in (*self.personal, *self.agency) if row["status"] == "created"]


def _issuer(row: Certificate) -> IssuedCertificate:
    blob = bytes(row.encrypted_private_key or b"")
    key = load_private_key_der(decrypt_private_key(blob, associated_data=row.fingerprint_sha256.encode()))
    return IssuedCertificate(key=key, certificate=row.x509_cert)


def _root(report: DemoPkiReport, key_type: KeyType) -> IssuedCertificate:
    now = timezone.now()
    row = (
        Certificate.objects.filter(
            kind=CertificateKind.AUTHORITY,
            common_name=DEMO_ROOT_NAME,
            is_active=True,
            not_after__gt=now + timedelta(days=365),
        )
        .order_by("-not_after")
        .first()
    )
    if row is None:
        issued = issue_ca(subject_name(DEMO_ROOT_NAME, organization=DEMO_ORGANIZATION), key_type=key_type)
        row = store_certificate(
            by=None,
            owner=None,
            kind=CertificateKind.AUTHORITY,
            key=issued.key,
            certificate=issued.certificate,
        )
        report.root_created = True
    else:
        issued = _issuer(row)
    report.root_fingerprint = row.fingerprint_sha256
    if not TrustAnchor.objects.filter(fingerprint_sha256=row.fingerprint_sha256).exists():
        add_trust_anchor(
            by=None,
            pem=row.certificate_pem,
            name=DEMO_ROOT_NAME,
            note="CA thử nghiệm do make_demo_pki tạo; không dùng cho văn bản thật.",
        )
        report.trust_anchor_created = True
    return issued


def _has_current(qs: Any, root: IssuedCertificate) -> bool:
    issuer = root.certificate.subject.rfc4514_string()
    horizon = timezone.now() + _RENEW_BEFORE
    return bool(qs.filter(is_active=True, issuer=issuer, not_after__gt=horizon).exists())


def ensure_demo_pki(*, key_type: KeyType = "rsa", on: date | None = None) -> DemoPkiReport:
    """Create what is missing of the demo PKI (see the module docstring)."""
    report = DemoPkiReport()
    province = str(settings.DEMO_PROVINCE_NAME)
    day = on or timezone.localdate()
    with transaction.atomic():
        root = _root(report, key_type)
        leaders: dict[int, Position] = {}
        positions = Position.objects.current(day).with_role(Role.LEADER).select_related("user", "agency")
        for position in positions.order_by("agency__tree_path", "pk"):
            leaders.setdefault(position.user_id, position)
        for position in leaders.values():
            user = position.user
            name = user.get_full_name()
            status = "kept"
            if not _has_current(Certificate.objects.of_user(user), root):
                issued = issue_signing_certificate(
                    subject_name(
                        name, organization=position.agency.name, title=position.title, province=province
                    ),
                    issuer=root,
                    email=user.email,
                    key_type=key_type,
                )
                store_certificate(
                    by=None,
                    owner=user,
                    kind=CertificateKind.PERSONAL,
                    key=issued.key,
                    certificate=issued.certificate,
                    chain=[root.certificate],
                )
                status = "created"
            if active_image(user) is None:
                save_signature_image(by=None, owner=user, png=draw_signature(name))
                report.images_created += 1
            report.personal.append(
                {
                    "username": user.get_username(),
                    "name": name,
                    "agency": position.agency.name,
                    "status": status,
                }
            )
        for agency in Agency.objects.valid_on(day).order_by("tree_path"):
            status = "kept"
            if not _has_current(Certificate.objects.of_agency(agency), root):
                issued = issue_signing_certificate(
                    subject_name(agency.name, organization=agency.name, province=province),
                    issuer=root,
                    email=agency.email,
                    key_type=key_type,
                )
                store_certificate(
                    by=None,
                    owner=agency,
                    kind=CertificateKind.AGENCY,
                    key=issued.key,
                    certificate=issued.certificate,
                    chain=[root.certificate],
                )
                status = "created"
            if active_image(agency) is None:
                save_signature_image(by=None, owner=agency, png=draw_seal(agency.name))
                report.images_created += 1
            report.agency.append({"code": agency.code, "name": agency.name, "status": status})
        if report.changed:
            audit_record(
                actor=None,
                action="signing.demo_pki",
                payload={
                    "root_fingerprint": report.root_fingerprint,
                    "root_created": report.root_created,
                    "certificates_created": len(report.created),
                    "images_created": report.images_created,
                },
            )
    return report
