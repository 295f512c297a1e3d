"""Attachments, re-authentication, permissions, bulk signing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cqs.accounts.models import LoginThrottle
from cqs.audit.models import AuditEvent
from cqs.core.errors import ApplicationError
from cqs.org.testing import CAST_PASSWORD
from cqs.signing import engine
from cqs.signing.backends import SigningBackend, SigningKey, hash_algorithm
from cqs.signing.crypto import certificate_pem
from cqs.signing.formats import iso_time
from cqs.signing.models import SignatureRecord
from cqs.signing.reauth import ReauthRequired, require_recent_auth
from cqs.signing.services import BulkItem, bulk_sign, sign_as_leader, sign_attachment
from cqs.signing.tests.conftest import pdfsig, pdftext
from cqs.signing.verify import Verdict, verify_pdf

pytestmark = pytest.mark.django_db

ISO_8601_VN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00")


def test_attachment_signature_top_right_with_number_and_iso_time(world, draft, nss_dir, tmp_path):
    signed = sign_attachment(
        by=world.clerk,
        pdf=draft.content,
        certificate=world.agency_certificate,
        number_notation="05/BC-SNV",
        reauth_ok=True,
    )
    assert signed.field_name == engine.ATTACHMENT_FIELD
    [verdict] = verify_pdf(signed.content)
    assert verdict.verdict == Verdict.VALID
    text = pdftext(signed.content, tmp_path, page=1, raw=True)
    assert "05/BC-SNV" in text
    assert ISO_8601_VN.search(text)
    assert iso_time(signed.signing_time) in text
    # Top right of page 1, 10 pt, black, upright: check the words' boxes.
    boxes = pdftext(signed.content, tmp_path, page=1, bbox=True)
    [word] = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">05/BC-SNV</word>', boxes
    )
    x_min, y_min, x_max, y_max = (float(v) for v in word)
    assert x_max > 595.28 - 60 and y_min < 40  # near the top right corner (y grows downward here)
    assert 8.5 < y_max - y_min < 12  # a 10 pt line
    [fields] = [
        f
        for name, f in pdfsig(signed.content, tmp_path, nss_dir=nss_dir).items()
        if name == engine.ATTACHMENT_FIELD
    ]
    assert fields["Signature Validation"] == "Signature is Valid."


def test_only_the_agency_clerk_signs_with_the_agency_certificate(world, draft):
    with pytest.raises(PermissionDenied):
        sign_attachment(
            by=world.leader,
            pdf=draft.content,
            certificate=world.agency_certificate,
            number_notation="1/X",
            reauth_ok=True,
        )
    with pytest.raises(PermissionDenied):
        sign_as_leader(
            by=world.clerk, pdf=draft.content, certificate=world.leader_certificate, box=None, reauth_ok=True
        )
    with pytest.raises(ApplicationError, match="Cần chứng thư loại"):
        sign_as_leader(
            by=world.leader, pdf=draft.content, certificate=world.agency_certificate, box=None, reauth_ok=True
        )
    world.leader_certificate.is_active = False
    world.leader_certificate.save()
    with pytest.raises(ApplicationError, match="ngừng sử dụng"):
        sign_as_leader(
            by=world.leader, pdf=draft.content, certificate=world.leader_certificate, box=None, reauth_ok=True
        )
    assert not SignatureRecord.objects.exists()


def test_signing_requires_a_recent_password_confirmation(world, draft):
    session: dict[str, object] = {}
    leader = world.leader
    assert require_recent_auth(session, leader) is False
    with pytest.raises(ReauthRequired, match="Cần nhập lại mật khẩu"):
        sign_as_leader(
            by=leader,
            pdf=draft.content,
            certificate=world.leader_certificate,
            box=None,
            reauth_ok=require_recent_auth(session, leader),
        )
    with pytest.raises(ApplicationError, match="Mật khẩu xác nhận không đúng"):
        require_recent_auth(session, leader, password="sai mật khẩu")
    assert LoginThrottle.objects.filter(key=f"user:{leader.username}").get().failures == 1
    assert AuditEvent.objects.filter(action="signing.reauth_failed", actor_id=leader.pk).count() == 1
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert require_recent_auth(session, leader, password=CAST_PASSWORD) is True
        assert not LoginThrottle.objects.filter(key=f"user:{leader.username}").exists()
        traveller.shift(timedelta(minutes=4, seconds=59))
        assert require_recent_auth(session, leader) is True
        signed = sign_as_leader(
            by=leader,
            pdf=draft.content,
            certificate=world.leader_certificate,
            box=None,
            reauth_ok=require_recent_auth(session, leader),
        )
        assert signed.content
        traveller.shift(timedelta(seconds=2))  # five minutes and one second after the confirmation
        assert require_recent_auth(session, leader) is False
        with pytest.raises(ReauthRequired):
            sign_as_leader(
                by=leader,
                pdf=draft.content,
                certificate=world.leader_certificate,
                box=None,
                reauth_ok=require_recent_auth(session, leader),
            )
    # The confirmation belongs to one user.
    assert (
        require_recent_auth({"cqs.signing.reauth": {"user": leader.pk, "at": start.timestamp()}}, world.clerk)
        is False
    )


def test_bulk_signing_isolates_a_broken_document(world, draft, draft_fields):
    items = [
        BulkItem(
            "van-ban-1", draft.content, box=draft.signature_box, fields=draft_fields, document_ref="d:1"
        ),
        BulkItem("hong", draft.content[: len(draft.content) // 2], box=draft.signature_box),
        BulkItem("van-ban-3", draft.content, box=draft.signature_box, fields=draft_fields),
        BulkItem("khong-vi-tri", draft.content),  # visible, but no box
        BulkItem("khong-phai-pdf", b"hello", box=draft.signature_box),
    ]
    calls: list[tuple[int, int]] = []
    outcomes = bulk_sign(
        by=world.leader,
        items=items,
        certificate=world.leader_certificate,
        visible=True,
        reauth_ok=True,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert [(o.key, o.ok) for o in outcomes] == [
        ("van-ban-1", True),
        ("hong", False),
        ("van-ban-3", True),
        ("khong-vi-tri", False),
        ("khong-phai-pdf", False),
    ]
    broken, no_box, not_pdf = outcomes[1], outcomes[3], outcomes[4]
    assert broken.result is None
    assert broken.error.startswith("Tệp PDF hỏng, không đọc được")
    assert no_box.error == "Thiếu vị trí đặt chữ ký trên văn bản."
    assert not_pdf.error == "Tệp không phải PDF."
    for outcome in (outcomes[0], outcomes[2]):
        assert outcome.result is not None
        assert [v.verdict for v in verify_pdf(outcome.result.content)] == [Verdict.VALID]
    assert SignatureRecord.objects.count() == 2
    assert AuditEvent.objects.filter(action="signing.sign").count() == 2


def test_bulk_signing_with_the_agency_certificate(world, draft):
    outcomes = bulk_sign(
        by=world.clerk,
        items=[("a", draft.content), ("b", draft.content)],
        certificate=world.agency_certificate,
        visible=False,
        reauth_ok=True,
    )
    assert all(o.ok for o in outcomes)
    signed = outcomes[0].result
    assert signed is not None and signed.field_name == engine.INVISIBLE_FIELD
    with pytest.raises(ReauthRequired):
        bulk_sign(
            by=world.clerk,
            items=[("a", draft.content)],
            certificate=world.agency_certificate,
            visible=False,
            reauth_ok=False,
        )


# A key kept outside the database, as a token or HSM keeps it: the plug-in path for real.
_OUTSIDE_KEYS: dict[str, object] = {}


class OutsideKeyBackend(SigningBackend):
    name = "ngoai"
    label = "Khóa giữ ngoài cơ sở dữ liệu (kiểm thử)"

    def open(self, certificate):
        key = _OUTSIDE_KEYS[certificate.key_reference]

        class _Key(SigningKey):
            def sign_digest(self, digest: bytes, *, digest_algorithm: str) -> bytes:
                assert isinstance(key, ec.EllipticCurvePrivateKey)
                return key.sign(digest, ec.ECDSA(Prehashed(hash_algorithm(digest_algorithm))))

        return _Key(certificate.x509_cert)


def test_a_backend_named_in_settings_signs(world, test_pki, draft, settings):
    settings.SIGNING_BACKENDS = {"ngoai": f"{__name__}.OutsideKeyBackend"}
    _OUTSIDE_KEYS["token-1"] = test_pki.stranger.key
    row = world.leader_certificate
    row.backend, row.key_reference, row.encrypted_private_key = "ngoai", "token-1", None
    row.certificate_pem = certificate_pem(test_pki.stranger.certificate)
    row.chain_pem = certificate_pem(test_pki.other_root.certificate)
    row.save()
    row = type(row).objects.get(pk=row.pk)
    signed = sign_as_leader(by=world.leader, pdf=draft.content, certificate=row, box=None, reauth_ok=True)
    [verdict] = verify_pdf(signed.content)
    assert verdict.intact and verdict.signature_valid and verdict.signer_name == "Lê Văn Lạ"
    settings.SIGNING_BACKENDS = {}
    with pytest.raises(ApplicationError, match="Chưa cấu hình nơi giữ khóa"):
        sign_as_leader(by=world.leader, pdf=draft.content, certificate=row, box=None, reauth_ok=True)
