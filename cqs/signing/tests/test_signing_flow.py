"""Leader signs, Văn thư releases, both signatures hold — by our verifier, by pyHanko's
difference analysis and by poppler's pdfsig; a tampered copy and a foreign chain do not."""

from __future__ import annotations

import hashlib
import re
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature

from cqs.audit.models import AuditEvent
from cqs.rendering.samples import sample_it_report
from cqs.signing import engine
from cqs.signing.backends import open_signer, to_asn1
from cqs.signing.formats import display_time
from cqs.signing.models import CertificateKind, SignatureRecord
from cqs.signing.placement import release_texts
from cqs.signing.services import release_with_agency_signature, sign_as_leader, store_certificate
from cqs.signing.tests.conftest import pdfsig, pdftext
from cqs.signing.trust import validation_context
from cqs.signing.verify import (
    REASON_EXPIRED,
    REASON_MODIFIED,
    REASON_TAMPERED,
    REASON_UNTRUSTED,
    Verdict,
    verify_pdf,
)

pytestmark = pytest.mark.django_db

NUMBER_LINE, DATE_LINE = release_texts(sample_it_report())


def _lead(world, draft, draft_fields):
    return sign_as_leader(
        by=world.leader,
        pdf=draft.content,
        certificate=world.leader_certificate,
        box=draft.signature_box,
        fields=draft_fields,
        reauth_ok=True,
        document_ref="documents.document:7",
    )


def _release(world, pdf):
    return release_with_agency_signature(
        by=world.clerk,
        pdf=pdf,
        certificate=world.agency_certificate,
        number_text=NUMBER_LINE,
        date_text=DATE_LINE,
        reauth_ok=True,
        document_ref="documents.document:7",
    )


def test_leader_then_release_both_signatures_valid(world, draft, draft_fields, test_pki, nss_dir, tmp_path):
    signed = _lead(world, draft, draft_fields)
    assert signed.content.startswith(draft.content)  # an incremental update: the draft is untouched
    assert signed.sha256 == hashlib.sha256(signed.content).hexdigest()
    assert signed.field_name == engine.LEADER_FIELD
    assert signed.pades_level == "B-B"
    leader_only = verify_pdf(signed.content)
    assert [v.verdict for v in leader_only] == [Verdict.VALID]
    assert leader_only[0].certification == "Chứng thực: cho phép điền biểu mẫu và ký thêm."

    released = _release(world, signed.content)
    assert released.content.startswith(signed.content)
    assert released.field_name == engine.AGENCY_FIELD

    verdicts = verify_pdf(released.content)
    assert [(v.field_name, v.verdict) for v in verdicts] == [
        (engine.LEADER_FIELD, Verdict.VALID),
        (engine.AGENCY_FIELD, Verdict.VALID),
    ]
    leader, agency = verdicts
    assert leader.signer_name == "Nguyễn Văn Ánh" and agency.signer_name == "Sở Nội vụ tỉnh Thử Nghiệm"
    assert leader.label == "HỢP LỆ" and leader.reasons == ()
    assert leader.modification == "Sau khi ký chỉ có điền biểu mẫu và ký thêm (được phép)."
    assert agency.covers_whole_document and not leader.covers_whole_document
    assert leader.chain_trusted and leader.certificate_valid_at_signing

    # pyHanko's own difference analysis: the release is form filling for the leader's signature.
    reader = PdfFileReader(BytesIO(released.content))
    context = validation_context([test_pki.root.certificate])
    statuses = {s.field_name: validate_pdf_signature(s, context) for s in reader.embedded_signatures}
    assert statuses[engine.LEADER_FIELD].modification_level == ModificationLevel.FORM_FILLING
    assert statuses[engine.LEADER_FIELD].docmdp_ok
    assert all(s.bottom_line for s in statuses.values())
    assert to_asn1(test_pki.leader.certificate).dump() == statuses[engine.LEADER_FIELD].signing_cert.dump()

    # poppler, an independent validator.
    report = pdfsig(released.content, tmp_path, nss_dir=nss_dir)
    assert set(report) == {engine.LEADER_FIELD, engine.AGENCY_FIELD}
    for fields in report.values():
        assert fields["Signature Validation"] == "Signature is Valid."
        assert fields["Signature Type"] == "ETSI.CAdES.detached"
        if nss_dir is not None:
            assert fields["Certificate Validation"] == "Certificate is Trusted."
    assert "Total document signed" in report[engine.AGENCY_FIELD]
    assert "Not total document signed" in report[engine.LEADER_FIELD]

    # What a reader sees: the number and date written in, the appearance text with every diacritic.
    first_page = pdftext(released.content, tmp_path, page=1, raw=True)
    assert NUMBER_LINE in first_page and DATE_LINE in first_page
    last_page = pdftext(released.content, tmp_path, page=draft.signature_box.page)
    assert "Ký bởi: Nguyễn Văn Ánh" in last_page
    assert re.search(r"Thời gian ký: \d\d/\d\d/\d{4} \d\d:\d\d:\d\d \+07:00", last_page)
    assert leader.signing_time is not None
    assert f"Thời gian ký: {display_time(leader.signing_time)}" in last_page

    # One record per revision, chained by their hashes, and one audit event per signature.
    records = list(SignatureRecord.objects.order_by("pk"))
    assert [(r.purpose, r.field_name) for r in records] == [
        ("lanh_dao", "chu_ky_lanh_dao"),
        ("co_quan", "chu_ky_co_quan"),
    ]
    assert records[0].sha256_before == hashlib.sha256(draft.content).hexdigest()
    assert records[0].sha256_after == records[1].sha256_before == signed.sha256
    assert records[1].sha256_after == released.sha256
    assert records[0].document_ref == "documents.document:7"
    events = list(AuditEvent.objects.filter(action="signing.sign").order_by("pk"))
    assert [e.actor_id for e in events] == [world.leader.pk, world.clerk.pk]
    assert events[1].agency_id == world.agency.pk
    assert events[0].payload["sha256_after"] == signed.sha256
    assert events[0].payload["certified"] is True
    for event in events:
        text = repr(event.payload).lower()
        assert "private" not in text and "begin" not in text


def test_seal_overlaps_left_third_of_the_signature_image(world, draft, draft_fields):
    released = _release(world, _lead(world, draft, draft_fields).content)
    reader = PdfFileReader(BytesIO(released.content))
    page = reader.root["/Pages"]["/Kids"][draft.signature_box.page - 1].get_object()
    rects = {}
    for annot in page["/Annots"]:
        annot = annot.get_object()
        rects[str(annot["/T"])] = [float(v) for v in annot["/Rect"]]
    names = [str(a.get_object()["/T"]) for a in page["/Annots"]]
    assert names.index(engine.AGENCY_FIELD) > names.index(engine.LEADER_FIELD)  # the seal is drawn on top
    box = draft.signature_box
    assert rects[engine.LEADER_FIELD] == pytest.approx([box.x0, box.y0, box.x1, box.y1], abs=0.01)
    seal = rects[engine.AGENCY_FIELD]
    assert seal[2] - seal[0] == pytest.approx(35 * 72 / 25.4, abs=0.01)  # real size, 35 mm
    assert box.x0 - 10 < seal[0] and seal[2] < (box.x0 + box.x1) / 2  # left part of the signature space


def test_tampered_copy_is_invalid_for_us_and_for_pdfsig(world, draft, draft_fields, nss_dir, tmp_path):
    released = _release(world, _lead(world, draft, draft_fields).content).content
    # Flip bytes inside the signed range (the draft's Producer entry), same length.
    position = released.index(b"ReportLab PDF Library")
    assert position < len(draft.content)
    tampered = released.replace(b"ReportLab PDF Library", b"ReportLab PDF Librarx", 1)
    verdicts = verify_pdf(tampered)
    assert [v.verdict for v in verdicts] == [Verdict.INVALID, Verdict.INVALID]
    assert all(REASON_TAMPERED in v.reasons for v in verdicts)
    assert verdicts[0].label == "KHÔNG HỢP LỆ" and not verdicts[0].intact
    report = pdfsig(tampered, tmp_path, nss_dir=nss_dir)
    assert {f["Signature Validation"] for f in report.values()} == {"Digest Mismatch."}


def test_content_added_after_signing_is_invalid(world, draft, draft_fields):
    """An incremental update that draws on a page is not form filling: the leader's signature fails."""
    from pyhanko.pdf_utils.content import RawContent
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.layout import BoxConstraints

    signed = _lead(world, draft, draft_fields).content
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    writer.add_stream_to_page(
        0, writer.add_object(RawContent(b"0 0 m 100 100 l S", box=BoxConstraints(100, 100)).as_form_xobject())
    )
    out = BytesIO()
    writer.write(out)
    [verdict] = verify_pdf(out.getvalue())
    assert verdict.verdict == Verdict.INVALID
    assert REASON_MODIFIED in verdict.reasons
    assert verdict.intact  # the signed bytes themselves are unchanged


def test_untrusted_chain_is_indeterminate(world, test_pki, draft, nss_dir, tmp_path):
    stranger = store_certificate(
        by=None,
        owner=world.leader,
        kind=CertificateKind.PERSONAL,
        key=test_pki.stranger.key,
        certificate=test_pki.stranger.certificate,
        chain=[test_pki.other_root.certificate],
    )
    signed = sign_as_leader(
        by=world.leader, pdf=draft.content, certificate=stranger, box=None, reauth_ok=True
    )
    [verdict] = verify_pdf(signed.content)
    assert verdict.verdict == Verdict.INDETERMINATE and verdict.label == "KHÔNG XÁC ĐỊNH"
    assert verdict.reasons == (REASON_UNTRUSTED,)
    assert verdict.intact and verdict.signature_valid and not verdict.chain_trusted
    report = pdfsig(signed.content, tmp_path, nss_dir=nss_dir)
    fields = report[engine.LEADER_FIELD]
    assert fields["Signature Validation"] == "Signature is Valid."
    # pdfsig says "Certificate issuer isn't Trusted." (the other CA is in no NSS database).
    assert fields["Certificate Validation"] == "Certificate issuer isn't Trusted."


def test_certificate_expired_at_signing_time_is_invalid(world, test_pki, draft):
    expired = store_certificate(
        by=None,
        owner=world.leader,
        kind=CertificateKind.PERSONAL,
        key=test_pki.expired.key,
        certificate=test_pki.expired.certificate,
        chain=[test_pki.root.certificate],
    )
    signer = open_signer(expired)  # the services refuse an expired certificate; sign below them
    try:
        result = engine.sign_invisible(draft.content, signer)
    finally:
        signer.close()
    [verdict] = verify_pdf(result.content)
    assert verdict.verdict == Verdict.INVALID
    assert REASON_EXPIRED in verdict.reasons
    assert not verdict.certificate_valid_at_signing
    assert "người ký khai báo" in verdict.signing_time_source


def test_unsigned_and_broken_files(world, draft):
    assert verify_pdf(draft.content) == []
    with pytest.raises(Exception, match="Tệp PDF hỏng"):
        verify_pdf(b"%PDF-1.7\nnot really a PDF")


def test_release_refuses_unsigned_or_already_released_documents(world, draft, draft_fields):
    from cqs.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="chưa có chữ ký số của người có thẩm quyền"):
        _release(world, draft.content)
    released = _release(world, _lead(world, draft, draft_fields).content)
    with pytest.raises(ApplicationError, match="đã có chữ ký của cơ quan"):
        _release(world, released.content)


def test_a_second_leader_signs_invisibly_and_both_stay_valid(world, draft, draft_fields, test_pki):
    from cqs.core.errors import ApplicationError

    first = _lead(world, draft, draft_fields)
    with pytest.raises(ApplicationError, match="chỉ có thể là chữ ký không hiển thị"):
        sign_as_leader(
            by=world.leader,
            pdf=first.content,
            certificate=world.leader_certificate,
            box=draft.signature_box,
            reauth_ok=True,
        )
    second = sign_as_leader(
        by=world.leader, pdf=first.content, certificate=world.leader_certificate, box=None, reauth_ok=True
    )
    assert second.field_name == "chu_ky_lanh_dao_2"
    released = _release(world, second.content)
    verdicts = verify_pdf(released.content)
    assert [(v.field_name, v.verdict) for v in verdicts] == [
        ("chu_ky_lanh_dao", Verdict.VALID),
        ("chu_ky_lanh_dao_2", Verdict.VALID),
        ("chu_ky_co_quan", Verdict.VALID),
    ]


def test_trust_from_settings_files_and_switched_off_anchors(world, draft, test_pki, settings, tmp_path):
    from cqs.signing.models import TrustAnchor

    signed = sign_as_leader(
        by=world.leader, pdf=draft.content, certificate=world.leader_certificate, box=None, reauth_ok=True
    )
    TrustAnchor.objects.update(is_active=False)
    [untrusted] = verify_pdf(signed.content)
    assert untrusted.verdict == Verdict.INDETERMINATE
    bundle = tmp_path / "ca-bundle.pem"
    bundle.write_text(test_pki.root_pem, encoding="ascii")
    settings.SIGNING_TRUSTED_CA_FILES = [str(tmp_path / "missing.pem"), str(bundle)]
    [trusted] = verify_pdf(signed.content)
    assert trusted.verdict == Verdict.VALID
