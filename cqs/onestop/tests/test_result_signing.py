"""The result PDF signed with the agency certificate by the agency's clerk (PAdES), or stored
unsigned, saying so, when the agency has no certificate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import VN_TZ
from cqs.onestop import services as s
from cqs.signing import pki
from cqs.signing.models import CertificateKind
from cqs.signing.services import add_trust_anchor, store_certificate
from cqs.signing.verify import Verdict, verify_pdf


def approved(world: Any) -> Any:
    dossier = s.receive_at_counter(
        actor=world.officer_a,
        version=world.version,
        agency=world.cast.commune_a,
        applicant=s.ApplicantData(name="Trần Thị Hoa", id_number="051190001234"),
        checked=[c.pk for c in world.version.components.filter(is_required=True)],
    )
    s.dossier_handover(actor=world.officer_a, dossier=dossier, step_name="Thẩm định")
    s.dossier_submit_for_approval(actor=world.officer_a, dossier=dossier, leader=world.leader_a)
    return s.dossier_approve(
        actor=world.leader_a, dossier=dossier, result_summary="Cấp Giấy khai sinh số 125."
    )


def test_without_a_certificate_the_result_is_stored_unsigned_and_says_so(
    world: Any, time_machine: Any
) -> None:
    time_machine.move_to(datetime(2025, 10, 6, 9, 0, tzinfo=VN_TZ), tick=False)
    dossier = approved(world)
    assert dossier.result_digitised and not dossier.result_signed
    assert dossier.result_note == "Cơ quan chưa có chứng thư số; kết quả điện tử được lưu chưa ký số."
    with pytest.raises(ApplicationError, match="chưa có chứng thư số"):
        s.dossier_sign_result(actor=world.cast.clerk_a, dossier=dossier, reauth_ok=True)


def test_the_clerk_signs_the_result_with_the_agency_certificate(world: Any) -> None:
    root = pki.issue_ca(
        pki.subject_name("CA thử nghiệm một cửa", organization="Chính quyền số"), key_type="ec"
    )
    issued = pki.issue_signing_certificate(pki.subject_name("UBND xã An Lạc"), issuer=root, key_type="ec")
    add_trust_anchor(by=None, pem=pki_pem(root), name="CA thử nghiệm một cửa")
    store_certificate(
        by=None,
        owner=world.cast.commune_a,
        kind=CertificateKind.AGENCY,
        key=issued.key,
        certificate=issued.certificate,
        chain=[root.certificate],
    )
    dossier = approved(world)
    assert "chờ văn thư ký số" in dossier.result_note
    with pytest.raises(PermissionDenied):
        s.dossier_sign_result(actor=world.leader_a, dossier=dossier, reauth_ok=True)
    s.dossier_sign_result(actor=world.cast.clerk_a, dossier=dossier, reauth_ok=True)
    dossier.refresh_from_db()
    assert dossier.result_signed
    verdicts = verify_pdf(dossier.result_file.read())
    assert [v.verdict for v in verdicts if not v.is_timestamp] == [Verdict.VALID]


def pki_pem(issued: Any) -> str:
    from cqs.signing.crypto import certificate_pem

    return certificate_pem(issued.certificate)
