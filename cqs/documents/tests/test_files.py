"""Uploads: strict format checks, stored bytes never altered, text (and OCR), nothing left on failure."""

from __future__ import annotations

import gc
import hashlib
import io
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from cqs.audit.models import AuditEvent
from cqs.core.text import fold
from cqs.documents import files, ocr
from cqs.documents.files import UploadError, attach_file, prepare_upload, validate_upload
from cqs.documents.models import Direction, Document, DocumentEvent, DocumentFile, DocumentStatus
from cqs.documents.tests.fixtures import (
    EXE_BYTES,
    SCAN_LINES,
    SECOND_PAGE_LINES,
    docx_file,
    encrypted_pdf,
    macro_docx,
    recall,
    require_tesseract,
    scanned_pdf,
    scanned_png,
    text_pdf,
    zip_without_document,
)
from cqs.rendering.tests import poppler

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    # The browser's content type is deliberately misleading in several tests: it must not matter.
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def tesseract() -> None:
    require_tesseract()


@pytest.fixture
def incoming(cast: Any) -> Document:
    poppler.require_poppler()
    return Document.objects.create(
        owner=cast.commune_a,
        direction=Direction.INCOMING,
        status=DocumentStatus.ARRIVED,
        doc_type="Báo cáo",
        number="05",
        notation="BC-BDT",
        issuing_agency_name="Ban Dân tộc tỉnh Sơn Hà",
        subject="Kết quả ứng dụng công nghệ thông tin Quý III năm 2023",
        created_by=cast.clerk_a,
    )


def another_incoming(cast: Any) -> Document:
    return Document.objects.create(
        owner=cast.commune_a,
        direction=Direction.INCOMING,
        status=DocumentStatus.ARRIVED,
        doc_type="Công văn",
        issuing_agency_name="Sở Nội vụ",
        subject="Về việc số hóa tài liệu lưu trữ",
        created_by=cast.clerk_a,
    )


# --------------------------------------------------------------------------- refused uploads


def test_an_unknown_extension_is_refused_with_the_files_name() -> None:
    with pytest.raises(UploadError) as caught:
        validate_upload(upload("cai-dat.exe", EXE_BYTES, "application/pdf"))
    assert caught.value.message == (
        "Tệp «cai-dat.exe» không đúng định dạng: chỉ nhận PDF, DOCX, PNG, JPEG, TIFF."
    )


def test_an_executable_renamed_to_pdf_is_refused() -> None:
    with pytest.raises(UploadError) as caught:
        validate_upload(upload("bao-cao.pdf", EXE_BYTES, "application/pdf"))
    message = caught.value.message
    assert message.startswith("Tệp «bao-cao.pdf» không đúng định dạng: nội dung không phải PDF")
    assert "chỉ nhận PDF, DOCX, PNG, JPEG, TIFF" in message


def test_the_content_must_match_the_extension() -> None:
    with pytest.raises(UploadError) as caught:
        validate_upload(upload("anh-chup.jpg", scanned_png(), "image/jpeg"))
    assert caught.value.message == (
        "Tệp «anh-chup.jpg» không đúng định dạng: đuôi tệp là .jpg nhưng nội dung là PNG; "
        "hãy đổi đuôi tệp thành .png."
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (zip_without_document(), "không phải tệp Word (DOCX) hợp lệ"),
        (b"PK\x03\x04 this is not a zip archive at all", "không phải tệp Word (DOCX) hợp lệ"),
        (macro_docx(), "chứa macro"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "được đặt mật khẩu hoặc là tệp Word cũ (.doc)"),
        ("Chỉ là văn bản thuần".encode(), "nội dung không phải DOCX"),
    ],
    ids=["zip-without-word-document", "broken-zip", "macro", "ole-doc", "plain-text"],
)
def test_a_fake_docx_is_refused(data: bytes, expected: str) -> None:
    with pytest.raises(UploadError) as caught:
        validate_upload(upload("to-trinh.docx", data, "application/vnd.openxmlformats"))
    assert "«to-trinh.docx»" in caught.value.message
    assert expected in caught.value.message


def test_encrypted_and_broken_pdfs_are_refused() -> None:
    poppler.require_poppler()
    with pytest.raises(UploadError, match="«mat.pdf» được đặt mật khẩu"):
        validate_upload(upload("mat.pdf", encrypted_pdf()))
    with pytest.raises(UploadError, match="«hong.pdf» bị hỏng"):
        validate_upload(upload("hong.pdf", text_pdf()[:400]))


def test_a_broken_image_is_refused() -> None:
    with pytest.raises(UploadError, match="«trang-1.png» bị hỏng hoặc không phải ảnh PNG"):
        validate_upload(upload("trang-1.png", scanned_png()[:200], "image/png"))


def test_oversize_and_empty_files_are_refused(settings: Any) -> None:
    settings.DOCUMENT_MAX_UPLOAD_MB = 0.01  # 10 KB
    with pytest.raises(UploadError) as caught:
        validate_upload(upload("lon.pdf", scanned_pdf(dpi=200)))
    assert caught.value.message.startswith("Tệp «lon.pdf» có dung lượng ")
    assert caught.value.message.endswith("vượt quá giới hạn 10 KB.")
    with pytest.raises(UploadError, match="«rong.pdf» rỗng"):
        validate_upload(upload("rong.pdf", b""))


def test_the_default_limit_is_50_mb() -> None:
    assert files.max_upload_bytes() == 50 * 1024 * 1024


def test_jpeg_and_multi_page_tiff_are_accepted() -> None:
    with Image.open(io.BytesIO(scanned_png())) as page:
        page.load()
    jpeg, tiff = io.BytesIO(), io.BytesIO()
    page.save(jpeg, "JPEG", quality=85)
    page.save(tiff, "TIFF", save_all=True, append_images=[page.convert("L")], compression="tiff_deflate")

    checked = validate_upload(upload("Trang 1.JPEG", jpeg.getvalue(), "application/pdf"))
    assert (checked.format, checked.content_type, checked.pages) == ("JPEG", "image/jpeg", 1)
    checked = validate_upload(upload("ho-so.tif", tiff.getvalue(), "image/png"))
    assert (checked.format, checked.content_type, checked.pages) == ("TIFF", "image/tiff", 2)


def test_a_path_in_the_name_is_dropped() -> None:
    poppler.require_poppler()
    checked = validate_upload(upload("C:\\Users\\vanthu\\Báo cáo quý 3.pdf", text_pdf()))
    assert checked.name == "Báo cáo quý 3.pdf"


# --------------------------------------------------------------------------- accepted uploads


def test_a_pdf_is_stored_unchanged_with_its_hash_and_text(incoming: Document, cast: Any) -> None:
    data = text_pdf()
    before = AuditEvent.objects.filter(action="documents.file.attach").count()

    stored = attach_file(by=cast.clerk_a, document=incoming, upload=upload("Báo cáo.pdf", data, "text/plain"))

    stored.refresh_from_db()
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    assert stored.content_type == "application/pdf"
    assert stored.original_name == "Báo cáo.pdf"
    with stored.file.open("rb") as handle:
        assert handle.read() == data
    assert stored.file.name.endswith("-bao_cao.pdf")
    assert "Ban Dân tộc tỉnh Sơn Hà báo cáo kết quả ứng dụng" in stored.text
    assert "Đề nghị Sở Thông tin và Truyền thông tổng hợp." in stored.text
    assert unicodedata.is_normalized("NFC", stored.text)
    assert stored.ocr_done is False
    assert stored.uploaded_by == cast.clerk_a
    incoming.refresh_from_db()
    assert incoming.page_count == 1
    assert "dan toc tinh son ha bao cao" in incoming.search_text
    assert AuditEvent.objects.filter(action="documents.file.attach").count() == before + 1
    event = AuditEvent.objects.filter(action="documents.file.attach").latest("id")
    assert event.payload["sha256"] == stored.sha256 and event.payload["name"] == "Báo cáo.pdf"
    assert DocumentEvent.objects.filter(document=incoming, action="file.attach").count() == 1


def test_a_docx_gives_its_paragraphs_and_tables(incoming: Document, cast: Any) -> None:
    decomposed = unicodedata.normalize("NFD", "Ủy ban nhân dân xã An Lạc đề nghị báo cáo.")
    data = docx_file(
        (decomposed, "Thời hạn: trước ngày 15 tháng 10 năm 2025."),
        (("Chỉ tiêu", "Kết quả"), ("Văn bản đi được ký số", "375/375")),
    )

    stored = attach_file(
        by=cast.clerk_a, document=incoming, upload=upload("ke-hoach.docx", data, "text/html")
    )

    assert stored.content_type.endswith("wordprocessingml.document")
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    lines = stored.text.splitlines()
    assert "Ủy ban nhân dân xã An Lạc đề nghị báo cáo." in lines  # NFC, as typed
    assert "Chỉ tiêu | Kết quả" in lines
    assert "Văn bản đi được ký số | 375/375" in lines
    with stored.file.open("rb") as handle:
        assert handle.read() == data


def test_a_png_is_recognised(incoming: Document, cast: Any, tesseract: None) -> None:
    data = scanned_png()
    stored = attach_file(
        by=cast.clerk_a, document=incoming, upload=upload("trang-1.png", data, "application/octet-stream")
    )
    assert stored.ocr_done is True
    assert stored.content_type == "image/png"
    assert recall(SCAN_LINES, stored.text) >= 0.9, stored.text
    with stored.file.open("rb") as handle:
        assert handle.read() == data


def test_a_scanned_pdf_is_recognised_and_kept_as_scanned(
    incoming: Document, cast: Any, tesseract: None
) -> None:
    data = scanned_pdf(dpi=200)

    stored = attach_file(by=cast.clerk_a, document=incoming, upload=upload("scan.pdf", data))

    assert stored.ocr_done is True
    assert recall(SCAN_LINES, stored.text) >= 0.9, stored.text
    assert stored.sha256 == hashlib.sha256(data).hexdigest()  # the original, not the OCR output
    with stored.file.open("rb") as handle:
        assert handle.read() == data
    incoming.refresh_from_db()
    assert "dan toc" in incoming.search_text and "son ha" in incoming.search_text


def test_scan_quality_warnings_go_into_the_audit_event(
    incoming: Document, cast: Any, tesseract: None
) -> None:
    attach_file(
        by=cast.clerk_a, document=incoming, upload=upload("scan-xam.pdf", scanned_pdf(dpi=100, mode="L"))
    )
    payload = AuditEvent.objects.filter(action="documents.file.attach").latest("id").payload
    assert payload["warnings"] == [
        "Độ phân giải 100 dpi thấp hơn mức tối thiểu 200 dpi",
        "Bản quét đen trắng, quy định yêu cầu bản màu",
    ]


def test_ocr_that_cannot_run_now_does_not_refuse_the_upload(
    incoming: Document, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(_data: bytes, **_kwargs: Any) -> ocr.OcrResult:
        raise ocr.ToolMissingError("Máy chủ chưa cài Tesseract OCR.")

    monkeypatch.setattr(ocr, "ocr_pdf", missing)
    stored = attach_file(by=cast.clerk_a, document=incoming, upload=upload("scan.pdf", scanned_pdf(dpi=200)))
    assert stored.ocr_done is False and stored.text == ""
    payload = AuditEvent.objects.filter(action="documents.file.attach").latest("id").payload
    assert payload["warnings"] == ["Chưa nhận dạng được chữ: Máy chủ chưa cài Tesseract OCR."]


def test_a_scan_is_recognised_once(incoming: Document, cast: Any, tesseract: None, monkeypatch: Any) -> None:
    data = scanned_pdf(dpi=200)
    first = attach_file(by=cast.clerk_a, document=incoming, upload=upload("scan.pdf", data))

    def must_not_run(_data: bytes, **_kwargs: Any) -> ocr.OcrResult:
        raise AssertionError("the same bytes were recognised twice")

    monkeypatch.setattr(ocr, "ocr_pdf", must_not_run)
    second = attach_file(by=cast.clerk_a, document=another_incoming(cast), upload=upload("ban-sao.pdf", data))
    assert second.ocr_done is True and second.text == first.text


# --------------------------------------------------------------------------- duplicates, rights


def test_the_same_content_twice_on_one_document_is_refused(incoming: Document, cast: Any) -> None:
    data = text_pdf()
    attach_file(by=cast.clerk_a, document=incoming, upload=upload("lan-1.pdf", data))
    with pytest.raises(UploadError) as caught:
        attach_file(
            by=cast.clerk_a,
            document=incoming,
            upload=upload("lan-2.pdf", data),
            kind=DocumentFile.Kind.ATTACHMENT,
        )
    assert caught.value.message == (
        "Tệp «lan-2.pdf» trùng nội dung với tệp «lan-1.pdf» đã đính kèm văn bản này."
    )
    assert incoming.files.count() == 1
    assert len(stored_files()) == 1


def test_only_the_agencys_clerk_attaches_to_an_incoming_document(incoming: Document, cast: Any) -> None:
    with pytest.raises(PermissionDenied):
        attach_file(by=cast.clerk_b, document=incoming, upload=upload("x.pdf", text_pdf()))
    assert stored_files() == []


def test_the_drafter_attaches_to_an_outgoing_draft(cast: Any) -> None:
    poppler.require_poppler()
    draft = Document.objects.create(
        owner=cast.commune_a,
        direction=Direction.OUTGOING,
        status=DocumentStatus.DRAFT,
        doc_type="Báo cáo",
        notation="BC-UBND",
        issuing_agency_name=cast.commune_a.name,
        subject="Kết quả chuyển đổi số",
        drafter=cast.officer_a,
        created_by=cast.officer_a,
    )
    stored = attach_file(
        by=cast.officer_a,
        document=draft,
        upload=upload("du-thao.pdf", text_pdf()),
        kind=DocumentFile.Kind.DRAFT,
    )
    assert stored.kind == DocumentFile.Kind.DRAFT
    draft.refresh_from_db()
    assert draft.page_count == 0  # only the main file sets the page count
    with pytest.raises(PermissionDenied):
        attach_file(by=cast.clerk_b, document=draft, upload=upload("khac.pdf", text_pdf(stamp=False)))


# --------------------------------------------------------------------------- nothing left behind


def test_a_failed_database_write_deletes_the_stored_file(
    incoming: Document, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_record(**_kwargs: Any) -> None:
        assert len(stored_files()) == 1  # the bytes were written before the rows
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(files, "record", failing_record)
    with pytest.raises(RuntimeError, match="database unavailable"):
        attach_file(by=cast.clerk_a, document=incoming, upload=upload("a.pdf", text_pdf()))
    assert stored_files() == []
    assert not DocumentFile.objects.filter(document=incoming).exists()


def test_a_rollback_of_the_callers_transaction_deletes_the_stored_file(incoming: Document, cast: Any) -> None:
    with pytest.raises(RuntimeError, match="caller failed"), transaction.atomic():
        attach_file(by=cast.clerk_a, document=incoming, upload=upload("a.pdf", text_pdf()))
        assert len(stored_files()) == 1
        raise RuntimeError("caller failed")
    gc.collect()
    assert stored_files() == []
    assert not DocumentFile.objects.filter(document=incoming).exists()


def test_a_committed_file_stays(
    incoming: Document, cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        stored = attach_file(by=cast.clerk_a, document=incoming, upload=upload("a.pdf", text_pdf()))
    assert len(callbacks) == 1
    del callbacks
    gc.collect()
    assert [path.name for path in stored_files()] == [Path(stored.file.name).name]


def test_pages_stay_separated_by_form_feeds() -> None:
    poppler.require_poppler()
    prepared = prepare_upload(upload("hai-trang.pdf", text_pdf((SCAN_LINES, SECOND_PAGE_LINES))))
    first, second = prepared.text.split("\f")
    assert first.startswith("Ban Dân tộc tỉnh Sơn Hà") and second.startswith("Phòng Tổng hợp đôn đốc")
    assert prepared.pages == 2


def test_prepare_upload_runs_before_the_transaction(incoming: Document, cast: Any) -> None:
    prepared = prepare_upload(upload("Ban Dân tộc.pdf", text_pdf()))
    assert prepared.extracted and "Sơn Hà" in prepared.text and prepared.pages == 1
    assert not DocumentFile.objects.exists()  # no database write yet
    stored = attach_file(by=cast.clerk_a, document=incoming, upload=prepared)
    assert stored.text == prepared.text
    assert fold("Ban Dân tộc") in fold(stored.text)
