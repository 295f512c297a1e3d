"""Ký số in the documents workflow: the signer signs, the Văn thư releases, the recipient
sees two valid signatures — by our verifier, pyHanko's difference analysis and poppler's
pdfsig; a tampered copy is invalid, a foreign chain indeterminate; a crash mid-way and a
refusal leave every record as it was; only the named signer signs, only the clerk releases."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from reportlab.pdfgen.canvas import Canvas

from cqs.audit.models import AuditEvent
from cqs.core.errors import ApplicationError
from cqs.documents.files import attach_file
from cqs.documents.models import Document, DocumentFile, DocumentStatus
from cqs.documents.services import incoming_register, incoming_register_arrived, outgoing_release
from cqs.documents.services import signing as document_signing
from cqs.documents.services.signing import bulk_job_start, bulk_job_step, document_sign, leader_revision
from cqs.documents.tests.test_services_common import World, approved, copy_of, incoming_data, world
from cqs.signing import engine
from cqs.signing.models import (
    BulkSigningJob,
    FileVerification,
    OverallVerdict,
    SignaturePurpose,
    SignatureRecord,
    SignedFile,
)
from cqs.signing.reauth import ReauthRequired
from cqs.signing.testing import SigningMaterial, equip_agency, equip_person, make_material, trust
from cqs.signing.tests.conftest import pdfsig, pdftext
from cqs.signing.trust import validation_context

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def material() -> SigningMaterial:
    return make_material()


def signing_world(cast: Any, material: SigningMaterial) -> World:
    """Commune A's chairman and commune A itself can sign; the test root is trusted."""
    w = world(cast)
    trust(material)
    equip_person(material, w.leader_a, organization=w.commune_a.name)
    equip_agency(material, w.commune_a)
    return w


@pytest.fixture
def signers(cast: Any, material: SigningMaterial) -> World:
    return signing_world(cast, material)


def read(stored: DocumentFile) -> bytes:
    with stored.file.open("rb") as handle:
        return bytes(handle.read())


def sign_and_release(w: World, **overrides: Any) -> tuple[Document, DocumentFile]:
    document = approved(w, **overrides)
    revision = document_sign(by=w.leader_a, document=document, reauth_ok=True)
    outgoing_release(by=w.clerk_a, document=document, reauth_ok=True)
    document.refresh_from_db()
    return document, revision


def main_file(document: Document) -> DocumentFile:
    return document.files.get(kind=DocumentFile.Kind.MAIN)


def small_pdf(text: str = "Phu luc: danh sach cac xa") -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 760, text)
    canvas.save()
    return buffer.getvalue()


# ----------------------------------------------------------------------------- the flow


def test_sign_release_deliver_gives_the_recipient_two_valid_signatures(signers, material, tmp_path):
    w = signers
    document = approved(w)
    records_before = SignatureRecord.objects.count()

    revision = document_sign(by=w.leader_a, document=document, reauth_ok=True)

    # Two new revisions: the rendered draft as signed, and the leader's signed revision.
    draft, signed = document.files.order_by("id")
    assert (draft.kind, signed.kind) == (DocumentFile.Kind.DRAFT, DocumentFile.Kind.DRAFT)
    assert signed == revision and leader_revision(document) == revision
    assert read(signed).startswith(read(draft))  # an incremental update: the draft untouched
    assert signed.sha256 == hashlib.sha256(read(signed)).hexdigest()
    assert SignedFile.objects.get(document_file=signed).source_file == draft
    assert SignatureRecord.objects.count() == records_before + 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED and not document.is_digitally_signed

    outgoing_release(by=w.clerk_a, document=document, reauth_ok=True)
    document.refresh_from_db()
    assert document.status == DocumentStatus.RELEASED and document.number == "01"
    assert document.is_digitally_signed

    released = main_file(document)
    content = read(released)
    assert content.startswith(read(signed))
    assert released.sha256 == hashlib.sha256(content).hexdigest()
    link = SignedFile.objects.get(document_file=released)
    assert (link.source_file, link.purpose) == (signed, SignaturePurpose.AGENCY)

    # The number and date are written into the document.
    first_page = pdftext(content, tmp_path, page=1, raw=True)
    assert f"Số: {document.reference}" in first_page
    assert (
        f"ngày {document.issued_on:%d} tháng {document.issued_on:%m} năm {document.issued_on:%Y}"
        in first_page
    )

    # The recipient's copy carries exactly the released bytes, and was verified on arrival.
    copy = copy_of(document, w.commune_b)
    assert copy.is_digitally_signed
    [copied] = copy.files.all()
    assert copied.sha256 == released.sha256 and read(copied) == content
    verification = FileVerification.objects.get(document_file=copied)
    assert verification.verdict == OverallVerdict.VALID
    assert (verification.signature_count, verification.valid_count) == (2, 2)
    assert verification.summary == "2 chữ ký số, tất cả hợp lệ."
    assert [s["field_name"] for s in verification.signatures] == [engine.LEADER_FIELD, engine.AGENCY_FIELD]
    assert [s["signer_name"] for s in verification.signatures] == [
        w.leader_a.get_full_name(),
        w.commune_a.name,
    ]

    # Registered by the recipient's clerk: checked again, still two valid signatures.
    incoming_register_arrived(by=w.clerk_b, document=copy)
    latest = FileVerification.objects.filter(document_file=copied).order_by("-checked_at", "-pk").first()
    assert latest is not None and latest.pk != verification.pk and latest.valid_count == 2

    # pyHanko: the release is form filling for the leader's signature, both hold.
    reader = PdfFileReader(io.BytesIO(content))
    context = validation_context([material.root.certificate])
    statuses = {s.field_name: validate_pdf_signature(s, context) for s in reader.embedded_signatures}
    assert statuses[engine.LEADER_FIELD].modification_level == ModificationLevel.FORM_FILLING
    assert all(s.bottom_line for s in statuses.values())

    # poppler's pdfsig, an independent validator (read its text: the exit code is 0 anyway).
    report = pdfsig(content, tmp_path, nss_dir=None)
    assert set(report) == {engine.LEADER_FIELD, engine.AGENCY_FIELD}
    assert all(fields["Signature Validation"] == "Signature is Valid." for fields in report.values())
    assert "Total document signed" in report[engine.AGENCY_FIELD]

    # One signing.sign audit event per signature, and the timeline shows both.
    sign_events = AuditEvent.objects.filter(action="signing.sign").order_by("id")
    assert [e.payload["purpose"] for e in sign_events] == [SignaturePurpose.LEADER, SignaturePurpose.AGENCY]
    assert {e.payload["document_ref"] for e in sign_events} == {f"documents.document:{document.pk}"}
    actions = list(document.events.values_list("action", flat=True))
    assert actions.index("signing.leader_sign") < actions.index("signing.agency_sign")


def test_pdf_attachments_get_the_agency_signature_and_only_signed_bytes_travel(signers, tmp_path):
    w = signers
    document = approved(w)
    data = small_pdf()
    original = attach_file(
        by=w.clerk_a,
        document=document,
        upload=SimpleUploadedFile("phu-luc.pdf", data),
        kind=DocumentFile.Kind.ATTACHMENT,
    )
    document_sign(by=w.leader_a, document=document, reauth_ok=True)
    outgoing_release(by=w.clerk_a, document=document, reauth_ok=True)
    document.refresh_from_db()
    signed_attachment = SignedFile.objects.get(source_file=original).document_file
    assert signed_attachment.kind == DocumentFile.Kind.ATTACHMENT
    assert read(original) == data  # the original's bytes are kept as they were
    text = pdftext(read(signed_attachment), tmp_path, page=1)
    assert f"Số: {document.reference}" in text
    copy = copy_of(document, w.commune_b)
    assert sorted(copy.files.values_list("sha256", flat=True)) == sorted(
        [main_file(document).sha256, signed_attachment.sha256]
    )
    verdict = FileVerification.objects.get(document_file__document=copy, sha256=signed_attachment.sha256)
    assert verdict.verdict == OverallVerdict.VALID and verdict.signature_count == 1


def test_an_uploaded_pdf_draft_is_signed_where_there_is_room(signers):
    w = signers
    document = approved(w)
    # The draft as a PDF made elsewhere, attached by the clerk while the document waits.
    upload = attach_file(
        by=w.clerk_a,
        document=document,
        upload=SimpleUploadedFile("du-thao.pdf", small_pdf("Du thao cong van")),
        kind=DocumentFile.Kind.DRAFT,
    )
    source = document_signing.signing_source(document)
    assert source.source_file == upload and source.box is not None
    assert source.box.y1 < 760  # below the only line of text
    revision = document_sign(by=w.leader_a, document=document, reauth_ok=True)
    assert SignedFile.objects.get(document_file=revision).source_file == upload
    outgoing_release(by=w.clerk_a, document=document, reauth_ok=True)
    document.refresh_from_db()
    assert document.is_digitally_signed
    verification = FileVerification.objects.filter(document_file=main_file(document)).get()
    assert verification.valid_count == 2


# ----------------------------------------------------------------------------- verification


def test_tampered_copy_registered_as_incoming_is_invalid(signers):
    w = signers
    document, _ = sign_and_release(w)
    content = bytearray(read(main_file(document)))
    offset = content.index(b"/Contents", len(content) // 3)
    at = content.index(b"BT", max(0, offset - 40_000))  # a byte inside signed page content
    content[at] = ord("b")
    tampered = bytes(content)
    copy = incoming_register(
        by=w.clerk_b,
        owner=w.commune_b,
        data=incoming_data(number=document.number, notation=document.notation, is_digitally_signed=True),
        files=[SimpleUploadedFile("ban-sao.pdf", tampered)],
    )
    copy.refresh_from_db()
    assert not copy.is_digitally_signed
    verification = FileVerification.objects.get(document_file__document=copy)
    assert verification.verdict == OverallVerdict.INVALID
    assert verification.valid_count < verification.signature_count
    assert "đã bị sửa sau khi ký" in verification.summary
    assert "signing.verify" in list(copy.events.values_list("action", flat=True))


def test_untrusted_chain_is_indeterminate(cast, material):
    w = world(cast)
    trust(material)
    equip_person(material, w.leader_a, issuer=material.stranger_root)
    document = approved(w)
    revision = document_sign(by=w.leader_a, document=document, reauth_ok=True)
    verification = FileVerification.objects.get(document_file=revision)
    assert verification.verdict == OverallVerdict.INDETERMINATE
    assert verification.get_verdict_display() == "Chưa xác định"
    assert "Chuỗi chứng thư không dẫn tới nơi tin cậy." in verification.summary
    # Release refuses to add the agency's signature over a signature it cannot confirm.
    equip_agency(material, w.commune_a)
    with pytest.raises(ApplicationError) as refused:
        outgoing_release(by=w.clerk_a, document=document, reauth_ok=True)
    assert refused.value.code == "prior_signature_not_valid"
    document.refresh_from_db()
    assert (document.status, document.number) == (DocumentStatus.APPROVED, "")


def test_unsigned_pdf_registers_as_unsigned(signers):
    w = signers
    document = incoming_register(
        by=w.clerk_a,
        owner=w.commune_a,
        data=incoming_data(is_digitally_signed=True),
        files=[SimpleUploadedFile("cong-van.pdf", small_pdf())],
    )
    document.refresh_from_db()
    assert not document.is_digitally_signed
    assert FileVerification.objects.get(document_file__document=document).verdict == OverallVerdict.UNSIGNED


# ----------------------------------------------------------------------------- failures


def _snapshot(document: Document) -> tuple[Any, ...]:
    document.refresh_from_db()
    return (
        document.status,
        document.number,
        document.is_digitally_signed,
        list(document.files.values_list("sha256", flat=True)),
        SignatureRecord.objects.count(),
        AuditEvent.objects.count(),
        FileVerification.objects.count(),
        document.events.count(),
    )


def test_a_crash_while_storing_the_signed_revision_leaves_everything_as_it_was(
    signers, monkeypatch, settings
):
    w = signers
    document = approved(w)
    before = _snapshot(document)
    stored_names: list[str] = []
    real_store = document_signing._store

    def store_then_crash(**kwargs: Any) -> DocumentFile:
        stored = real_store(**kwargs)
        stored_names.append(stored.file.name)
        if len(stored_names) == 2:  # the signed revision: the signature is already recorded
            raise OSError("disk full")
        return stored

    monkeypatch.setattr(document_signing, "_store", store_then_crash)
    with pytest.raises(OSError):
        document_sign(by=w.leader_a, document=document, reauth_ok=True)
    assert _snapshot(document) == before
    storage = DocumentFile._meta.get_field("file").storage  # type: ignore[attr-defined]
    assert stored_names and not [name for name in stored_names if storage.exists(name)]


def test_a_failed_agency_signature_leaves_the_document_unreleased_and_numbers_unused(signers, monkeypatch):
    w = signers
    document = approved(w)
    document_sign(by=w.leader_a, document=document, reauth_ok=True)
    before = _snapshot(document)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ApplicationError("Không ký được tệp PDF: thiết bị ký không phản hồi.", code="signing_failed")

    monkeypatch.setattr(document_signing, "release_with_agency_signature", broken)
    with pytest.raises(ApplicationError):
        outgoing_release(by=w.clerk_a, document=document, reauth_ok=True)
    assert _snapshot(document) == before
    monkeypatch.undo()
    outgoing_release(by=w.clerk_a, document=document, reauth_ok=True)
    document.refresh_from_db()
    assert document.number == "01"  # the failed attempt used no number


def test_release_of_a_signed_document_needs_a_recent_password(signers):
    w = signers
    document = approved(w)
    document_sign(by=w.leader_a, document=document, reauth_ok=True)
    with pytest.raises(ReauthRequired):
        outgoing_release(by=w.clerk_a, document=document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED


# ----------------------------------------------------------------------------- who may


def test_only_the_named_signer_signs_and_only_once(signers, material):
    w = signers
    document = approved(w)
    equip_person(material, w.head_a)
    for who in (w.head_a, w.clerk_a, w.leader_b):
        with pytest.raises(PermissionDenied):
            document_sign(by=who, document=document, reauth_ok=True)
    with pytest.raises(ReauthRequired):
        document_sign(by=w.leader_a, document=document, reauth_ok=False)
    assert not document.files.exists()
    document_sign(by=w.leader_a, document=document, reauth_ok=True)
    with pytest.raises(ApplicationError) as again:
        document_sign(by=w.leader_a, document=document, reauth_ok=True)
    assert again.value.code == "already_signed"


def test_signing_needs_an_approved_document_and_a_certificate(cast, material):
    w = world(cast)
    trust(material)
    document = approved(w)
    with pytest.raises(ApplicationError) as missing:
        document_sign(by=w.leader_a, document=document, reauth_ok=True)
    assert missing.value.code == "no_certificate"
    equip_person(material, w.leader_a)
    outgoing_release(by=w.clerk_a, document=document)  # released on paper, unsigned
    with pytest.raises(ApplicationError) as late:
        document_sign(by=w.leader_a, document=document, reauth_ok=True)
    assert late.value.message == "Chỉ ký số văn bản đã được ký duyệt, đang chờ phát hành."


def test_only_the_agencys_clerk_releases_a_signed_document(signers):
    w = signers
    document = approved(w)
    document_sign(by=w.leader_a, document=document, reauth_ok=True)
    for who in (w.leader_a, w.clerk_b, w.officer_a):
        with pytest.raises(PermissionDenied):
            outgoing_release(by=who, document=document, reauth_ok=True)


# ----------------------------------------------------------------------------- bulk


def test_bulk_signing_signs_each_and_reports_failures_without_touching_them(signers):
    w = signers
    good = [approved(w, subject=f"Về việc báo cáo số liệu tháng {month}") for month in (1, 2)]
    secret = approved(w, subject="Về việc bảo vệ bí mật nhà nước", secrecy=1)
    job = bulk_job_start(by=w.leader_a, mode=BulkSigningJob.Mode.LEADER, documents=[*good, secret])
    job = bulk_job_step(by=w.leader_a, job=job, reauth_ok=True, budget_seconds=60)
    assert job.status == "xong" and (job.succeeded, job.failed, job.percent) == (2, 1, 100)
    states = {item["document"]: (item["state"], item["message"]) for item in job.items}
    assert states[secret.pk] == ("loi", "Văn bản mật không ký số, không gửi điện tử: phát hành bản giấy.")
    assert not secret.files.exists()
    assert all(leader_revision(d) is not None for d in good)

    release = bulk_job_start(by=w.clerk_a, mode=BulkSigningJob.Mode.RELEASE, documents=[*good, secret])
    with pytest.raises(PermissionDenied):
        bulk_job_step(by=w.leader_a, job=release, reauth_ok=True)
    release = bulk_job_step(by=w.clerk_a, job=release, reauth_ok=True, budget_seconds=60)
    assert (release.succeeded, release.failed) == (2, 1)
    for document in good:
        document.refresh_from_db()
        assert document.status == DocumentStatus.RELEASED and document.is_digitally_signed
    assert sorted(d.number for d in good) == ["01", "02"]


def test_bulk_signing_waits_for_the_password(signers):
    w = signers
    document = approved(w)
    job = bulk_job_start(by=w.leader_a, mode=BulkSigningJob.Mode.LEADER, documents=[document])
    job = bulk_job_step(by=w.leader_a, job=job, reauth_ok=False)
    assert job.done == 0 and job.status == "dang_ky"
