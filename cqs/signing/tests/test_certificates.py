"""Importing PKCS#12 files, keys encrypted at rest, trust anchors, images."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, Encoding, pkcs12
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from cqs.audit.models import AuditEvent
from cqs.core.errors import ApplicationError
from cqs.signing import crypto, pki
from cqs.signing.backends import get_backend, open_signer
from cqs.signing.crypto import KeyDecryptionError, private_key_der
from cqs.signing.models import Certificate, CertificateKind, SignatureImage, TrustAnchor
from cqs.signing.services import add_trust_anchor, import_pkcs12, set_signature_image
from cqs.signing.tests.conftest import P12_PASSWORD

pytestmark = pytest.mark.django_db


def _p12(test_pki, issued=None, *, password=P12_PASSWORD):
    return pki.to_pkcs12(
        issued or test_pki.leader, password, chain=[test_pki.root.certificate], name="lanh dao"
    )


def test_import_with_the_right_password(cast, test_pki):
    leader = cast.department_leader
    row = import_pkcs12(by=leader, owner=leader, data=_p12(test_pki), password=P12_PASSWORD)
    assert row.kind == CertificateKind.PERSONAL and row.owner_user == leader and row.owner_agency is None
    assert row.common_name == "Nguyễn Văn Ánh"
    assert row.issuer == test_pki.root.certificate.subject.rfc4514_string()
    assert row.fingerprint_sha256 == crypto.fingerprint_sha256(test_pki.leader.certificate)
    assert row.key_description == "RSA 2048"
    assert [crypto.fingerprint_sha256(c) for c in row.chain] == [
        crypto.fingerprint_sha256(test_pki.root.certificate)
    ]
    assert row.backend == "local"
    event = AuditEvent.objects.get(action="signing.certificate_import")
    assert event.payload["fingerprint_sha256"] == row.fingerprint_sha256
    assert "key" not in " ".join(event.payload)
    # The key signs through the backend and matches the certificate.
    signer = open_signer(row)
    assert signer.signing_cert is not None
    assert signer.signing_cert.dump() == test_pki.leader.certificate.public_bytes(Encoding.DER)
    signer.close()


def test_key_is_encrypted_at_rest(cast, test_pki):
    leader = cast.department_leader
    row = import_pkcs12(by=leader, owner=leader, data=_p12(test_pki), password=P12_PASSWORD)
    raw = Certificate.objects.values_list("encrypted_private_key", flat=True).get(pk=row.pk)
    assert raw is not None
    stored = bytes(raw)
    der = private_key_der(test_pki.leader.key)
    assert der not in stored
    assert der[40:72] not in stored  # not even a piece of it
    assert stored.startswith(b"CQSK1")
    # Bound to its certificate: the same blob does not open for another fingerprint.
    with pytest.raises(KeyDecryptionError):
        crypto.decrypt_private_key(stored, associated_data=b"0" * 64)
    assert crypto.decrypt_private_key(stored, associated_data=row.fingerprint_sha256.encode()) == der


def test_rotated_encryption_key_uses_the_fallback(cast, test_pki):
    with override_settings(SIGNING_KEY_ENCRYPTION_KEY="khóa cũ — old key"):
        row = import_pkcs12(
            by=cast.department_leader,
            owner=cast.department_leader,
            data=_p12(test_pki),
            password=P12_PASSWORD,
        )
    with override_settings(
        SIGNING_KEY_ENCRYPTION_KEY="khóa mới", SIGNING_KEY_ENCRYPTION_KEY_FALLBACKS=["khóa cũ — old key"]
    ):
        get_backend("local").open(row).close()
    with (
        override_settings(SIGNING_KEY_ENCRYPTION_KEY="khóa mới"),
        pytest.raises(ApplicationError, match="Không giải mã được khóa bí mật"),
    ):
        get_backend("local").open(row)


def test_wrong_password(cast, test_pki):
    with pytest.raises(ApplicationError) as caught:
        import_pkcs12(
            by=cast.department_leader, owner=cast.department_leader, data=_p12(test_pki), password="sai"
        )
    assert caught.value.code == "wrong_password"
    assert "Mật khẩu tệp chứng thư số không đúng" in caught.value.message
    assert not Certificate.objects.exists()


def test_expired_certificate(cast, test_pki):
    data = _p12(test_pki, test_pki.expired)
    with pytest.raises(ApplicationError) as caught:
        import_pkcs12(
            by=cast.department_leader, owner=cast.department_leader, data=data, password=P12_PASSWORD
        )
    assert caught.value.code == "expired"
    assert "Chứng thư số đã hết hạn từ ngày" in caught.value.message


def test_file_without_private_key(cast, test_pki):
    data = pkcs12.serialize_key_and_certificates(
        name=None,
        key=None,
        cert=test_pki.leader.certificate,
        cas=None,
        encryption_algorithm=BestAvailableEncryption(P12_PASSWORD.encode()),
    )
    with pytest.raises(ApplicationError) as caught:
        import_pkcs12(
            by=cast.department_leader, owner=cast.department_leader, data=data, password=P12_PASSWORD
        )
    assert caught.value.code == "no_private_key"
    assert "không chứa khóa bí mật" in caught.value.message


def test_not_a_pkcs12_file_and_duplicates(cast, test_pki):
    leader = cast.department_leader
    with pytest.raises(ApplicationError, match="không phải PKCS#12"):
        import_pkcs12(by=leader, owner=leader, data=b"%PDF-1.7 no", password="x")
    import_pkcs12(by=leader, owner=leader, data=_p12(test_pki), password=P12_PASSWORD)
    with pytest.raises(ApplicationError, match="đã được nhập"):
        import_pkcs12(by=leader, owner=leader, data=_p12(test_pki), password=P12_PASSWORD)


def test_who_may_import(cast, test_pki):
    # A colleague in another agency may not; the province administrator (over the department) may.
    with pytest.raises(PermissionDenied):
        import_pkcs12(
            by=cast.clerk_a, owner=cast.department_leader, data=_p12(test_pki), password=P12_PASSWORD
        )
    row = import_pkcs12(
        by=cast.province_admin, owner=cast.department_leader, data=_p12(test_pki), password=P12_PASSWORD
    )
    assert row.created_by == cast.province_admin
    # An agency certificate: the agency's clerk (clerk_a for commune A), not a clerk elsewhere.
    agency_p12 = _p12(test_pki, test_pki.agency)
    with pytest.raises(PermissionDenied):
        import_pkcs12(by=cast.clerk_b, owner=cast.commune_a, data=agency_p12, password=P12_PASSWORD)
    row = import_pkcs12(by=cast.clerk_a, owner=cast.commune_a, data=agency_p12, password=P12_PASSWORD)
    assert row.kind == CertificateKind.AGENCY and row.owner_agency == cast.commune_a


def test_trust_anchor_is_configuration(cast, test_pki):
    with pytest.raises(PermissionDenied):
        add_trust_anchor(by=cast.clerk_a, pem=test_pki.root_pem)
    cast.province_admin.is_superuser = True
    anchor = add_trust_anchor(by=cast.province_admin, pem=test_pki.root_pem)
    assert anchor.kind == "goc" and anchor.name == "CA thử nghiệm của bộ kiểm thử"
    assert anchor.not_after - anchor.not_before > timedelta(days=3000)
    with pytest.raises(ApplicationError, match="đã có trong danh sách"):
        add_trust_anchor(by=None, pem=test_pki.root_pem)
    with pytest.raises(ApplicationError, match="không phải chứng thư của CA"):
        add_trust_anchor(by=None, pem=crypto.certificate_pem(test_pki.leader.certificate))
    assert TrustAnchor.objects.count() == 1


def test_signature_images_must_be_transparent_png(cast, test_pki):
    from io import BytesIO

    from PIL import Image

    leader = cast.department_leader
    opaque = BytesIO()
    Image.new("RGB", (300, 120), (255, 255, 255)).save(opaque, format="PNG")
    with pytest.raises(ApplicationError, match="nền trong suốt"):
        set_signature_image(by=leader, owner=leader, png=opaque.getvalue())
    jpeg = BytesIO()
    Image.new("RGB", (300, 120)).save(jpeg, format="JPEG")
    with pytest.raises(ApplicationError, match="PNG"):
        set_signature_image(by=leader, owner=leader, png=jpeg.getvalue())
    first = set_signature_image(by=leader, owner=leader, png=test_pki.signature_png)
    second = set_signature_image(by=leader, owner=leader, png=test_pki.signature_png)
    first.refresh_from_db()
    assert not first.is_active and second.is_active
    assert SignatureImage.objects.filter(owner_user=leader, is_active=True).count() == 1
    with pytest.raises(PermissionDenied):
        set_signature_image(by=cast.clerk_a, owner=cast.department, png=test_pki.seal_png)
