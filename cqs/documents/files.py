"""Files of a document: strict upload checks, storage, text extraction and OCR.

* `validate_upload` accepts PDF, DOCX, PNG, JPEG and TIFF only, judged by the content (magic
  bytes, then a real parse) *and* the extension, never by the browser's content type; it
  refuses encrypted or broken PDFs, DOCX that is not a Word zip package (or carries macros),
  images that do not decode, and anything above ``DOCUMENT_MAX_UPLOAD_MB`` (default 50).
  Messages are Vietnamese and name the file: "Tệp «x.exe» không đúng định dạng: …".
* `prepare_upload` adds the text: ``pdftotext -layout`` for PDF (OCR with Tesseract for
  pages without a text layer), python-docx paragraphs and tables for DOCX, OCR for images.
  It touches no database, so callers can run it *before* opening a transaction.
* `attach_file` stores the bytes exactly as uploaded (never altered), refuses the same
  content twice on one document, fills `document.page_count` when empty, refreshes the
  search text and writes one timeline + audit event. If the transaction does not commit
  (an error here or a rollback of the caller's transaction) the stored file is deleted.

OCR that cannot run now (Tesseract missing, too many pages, a timeout) does not refuse the
upload: the file is stored with ``ocr_done=False`` and the reason goes into the audit event,
so a worker can recognise it later with `cqs.documents.ocr`.
"""

from __future__ import annotations

import io
import logging
import re
import weakref
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from hashlib import sha256
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, Final

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from docx import Document as open_docx
from docx.opc.exceptions import OpcError
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from PIL import Image, UnidentifiedImageError

from cqs.core.errors import ApplicationError
from cqs.core.text import fold, format_number, nfc, to_unicode
from cqs.documents import ocr
from cqs.documents.links import link_citations
from cqs.documents.models import Direction, Document, DocumentFile
from cqs.documents.permissions import can_edit_outgoing, can_register, can_release, require
from cqs.documents.search import refresh_search_text
from cqs.documents.services._common import lock, person, record

__all__ = [
    "ALLOWED_FORMATS",
    "FileFormat",
    "PreparedUpload",
    "UploadError",
    "attach_file",
    "can_attach",
    "detect_format",
    "extract_docx_text",
    "max_upload_bytes",
    "prepare_upload",
    "validate_upload",
]

logger = logging.getLogger(__name__)


class FileFormat(StrEnum):
    PDF = "PDF"
    DOCX = "DOCX"
    PNG = "PNG"
    JPEG = "JPEG"
    TIFF = "TIFF"


ALLOWED_FORMATS: Final = "PDF, DOCX, PNG, JPEG, TIFF"

_EXTENSIONS: Final[dict[str, FileFormat]] = {
    ".pdf": FileFormat.PDF,
    ".docx": FileFormat.DOCX,
    ".png": FileFormat.PNG,
    ".jpg": FileFormat.JPEG,
    ".jpeg": FileFormat.JPEG,
    ".tif": FileFormat.TIFF,
    ".tiff": FileFormat.TIFF,
}
_CONTENT_TYPES: Final[dict[FileFormat, str]] = {
    FileFormat.PDF: "application/pdf",
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileFormat.PNG: "image/png",
    FileFormat.JPEG: "image/jpeg",
    FileFormat.TIFF: "image/tiff",
}
_PREFERRED_EXTENSION: Final[dict[FileFormat, str]] = {
    FileFormat.PDF: ".pdf",
    FileFormat.DOCX: ".docx",
    FileFormat.PNG: ".png",
    FileFormat.JPEG: ".jpg",
    FileFormat.TIFF: ".tif",
}
_PIL_FORMATS: Final[dict[FileFormat, str]] = {
    FileFormat.PNG: "PNG",
    FileFormat.JPEG: "JPEG",
    FileFormat.TIFF: "TIFF",
}
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, and any password-protected Office file

# Limits against decompression bombs: an image's pixels, a DOCX's unpacked size and parts.
_MAX_IMAGE_PIXELS: Final = 120_000_000
_MAX_DOCX_UNPACKED: Final = 512 * 1024 * 1024
_MAX_DOCX_PARTS: Final = 10_000
# Text kept per file (characters); beyond it the rest of a huge file is not searchable.
_MAX_TEXT_CHARS: Final = 5_000_000
# A page whose text layer has fewer letters and digits than this is taken to be a scan.
_MIN_PAGE_TEXT: Final = 10

_NAMESPACE_W: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class UploadError(ApplicationError):
    """An upload was refused; the message names the file and says why, in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="upload")


def max_upload_bytes() -> int:
    return int(float(getattr(settings, "DOCUMENT_MAX_UPLOAD_MB", 50)) * 1024 * 1024)


def _megabytes(size: int) -> str:
    """A size as people read it: "820 KB", "1,5 MB", "50 MB"."""
    if size < 1024 * 1024:
        return f"{format_number(max(size, 1) / 1024, 0)} KB"
    megabytes = size / (1024 * 1024)
    return f"{format_number(megabytes, 0 if megabytes == int(megabytes) else 1)} MB"


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class PreparedUpload:
    """A checked upload and, once `prepare_upload` has run, its text.

    `data` are the bytes exactly as uploaded; `pages` is the page count (PDF pages, TIFF
    frames, the page count Word saved in a DOCX, or None when unknown).
    """

    name: str
    format: FileFormat
    data: bytes = field(repr=False)
    sha256: str
    pages: int | None
    text: str = field(default="", repr=False)
    ocr_done: bool = False
    extracted: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self.format]


def _display_name(raw: str | None) -> str:
    """The file's own name: NFC, without any directory part a browser may send, ≤ 255 characters."""
    name = nfc(raw or "").replace("\x00", "")
    name = PureWindowsPath(PurePosixPath(name).name).name.strip()
    if not name:
        return "tệp không tên"
    if len(name) > 255:
        suffix = PurePosixPath(name).suffix[:20]
        name = name[: 255 - len(suffix)] + suffix
    return name


def detect_format(head: bytes) -> FileFormat | None:
    """The format the magic bytes say (a DOCX is only "a zip" at this point)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileFormat.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return FileFormat.JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return FileFormat.TIFF
    if head.startswith(b"PK\x03\x04"):
        return FileFormat.DOCX
    # The PDF header may follow some junk, within the first 1024 bytes (ISO 32000-1, annex H).
    if b"%PDF-" in head[:1024]:
        return FileFormat.PDF
    return None


def _read(upload: File[Any], name: str, limit: int) -> bytes:
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise UploadError(
            f"Tệp «{name}» có dung lượng {_megabytes(declared)}, vượt quá giới hạn {_megabytes(limit)}."
        )
    buffer = io.BytesIO()
    for chunk in upload.chunks():
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise UploadError(f"Tệp «{name}» vượt quá giới hạn dung lượng {_megabytes(limit)}.")
    return buffer.getvalue()


def _wrong_format(name: str, detail: str) -> UploadError:
    return UploadError(f"Tệp «{name}» không đúng định dạng: {detail}.")


def _check_pdf(name: str, data: bytes) -> int:
    try:
        info = ocr.pdf_info(data)
    except ocr.PdfEncryptedError:
        raise UploadError(f"Tệp «{name}» được đặt mật khẩu; hãy tải lên bản PDF không mã hóa.") from None
    except ocr.PdfUnreadableError:
        raise UploadError(f"Tệp «{name}» bị hỏng hoặc không phải tệp PDF đọc được.") from None
    if info.encrypted:
        raise UploadError(f"Tệp «{name}» được mã hóa; hãy tải lên bản PDF không mã hóa.")
    return info.pages


def _docx_pages(package: zipfile.ZipFile) -> int | None:
    """The page count Word saved in docProps/app.xml (absent when another program wrote the file)."""
    try:
        info = package.getinfo("docProps/app.xml")
    except KeyError:
        return None
    if info.file_size > 1024 * 1024:
        return None
    match = re.search(rb"<(?:\w+:)?Pages>\s*(\d+)\s*</", package.read(info))
    return int(match.group(1)) if match else None


def _check_docx(name: str, data: bytes) -> int | None:
    not_word = _wrong_format(name, "không phải tệp Word (DOCX) hợp lệ")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_word from None
    with package:
        entries = package.infolist()
        names = {entry.filename for entry in entries}
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            raise not_word
        if len(entries) > _MAX_DOCX_PARTS or sum(entry.file_size for entry in entries) > _MAX_DOCX_UNPACKED:
            raise _wrong_format(name, "tệp nén DOCX có kích thước giải nén bất thường")
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise UploadError(f"Tệp «{name}» được đặt mật khẩu; hãy tải lên bản không mã hóa.")
        try:
            content_types = package.read("[Content_Types].xml")
        except (zipfile.BadZipFile, OSError, RuntimeError):
            raise not_word from None
        if b"macroEnabled" in content_types or "word/vbaProject.bin" in names:
            raise UploadError(
                f"Tệp «{name}» chứa macro; hãy lưu lại dưới dạng tài liệu Word (.docx) không có macro."
            )
        return _docx_pages(package)


def _check_image(name: str, data: bytes, wanted: FileFormat) -> int:
    unreadable = UploadError(f"Tệp «{name}» bị hỏng hoặc không phải ảnh {wanted} đọc được.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != _PIL_FORMATS[wanted]:
                raise unreadable
            width, height = image.size
            if width * height > _MAX_IMAGE_PIXELS:
                raise UploadError(
                    f"Tệp «{name}» là ảnh {width}×{height} điểm ảnh, quá lớn để xử lý "
                    f"(tối đa {format_number(_MAX_IMAGE_PIXELS)} điểm ảnh)."
                )
            frames = int(getattr(image, "n_frames", 1))
            image.verify()
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise unreadable from None
    return frames


def validate_upload(upload: File[Any]) -> PreparedUpload:
    """Check an uploaded file and read it; `UploadError` (Vietnamese) when it is refused."""
    name = _display_name(upload.name)
    extension = PurePosixPath(name).suffix.lower()
    expected = _EXTENSIONS.get(extension)
    if expected is None:
        raise _wrong_format(name, f"chỉ nhận {ALLOWED_FORMATS}")
    limit = max_upload_bytes()
    data = _read(upload, name, limit)
    if not data:
        raise UploadError(f"Tệp «{name}» rỗng (0 byte).")
    actual = detect_format(data[:1024])
    if actual is None:
        if expected is FileFormat.DOCX and data.startswith(_OLE_MAGIC):
            raise UploadError(
                f"Tệp «{name}» được đặt mật khẩu hoặc là tệp Word cũ (.doc); "
                "hãy lưu lại dưới dạng .docx không mật khẩu."
            )
        raise _wrong_format(
            name, f"nội dung không phải {expected} như đuôi tệp {extension}; chỉ nhận {ALLOWED_FORMATS}"
        )
    if actual is not expected:
        raise _wrong_format(
            name,
            f"đuôi tệp là {extension} nhưng nội dung là {actual}; "
            f"hãy đổi đuôi tệp thành {_PREFERRED_EXTENSION[actual]}",
        )
    pages: int | None
    if actual is FileFormat.PDF:
        pages = _check_pdf(name, data)
    elif actual is FileFormat.DOCX:
        pages = _check_docx(name, data)
    else:
        pages = _check_image(name, data, actual)
    return PreparedUpload(name=name, format=actual, data=data, sha256=sha256(data).hexdigest(), pages=pages)


# --------------------------------------------------------------------------- text


def _clean_text(text: str) -> str:
    """NFC, legacy TCVN3/VNI text converted, no NUL (PostgreSQL refuses it), no trailing blanks.

    Form feeds between pages are kept.
    """
    text = to_unicode(nfc(text[:_MAX_TEXT_CHARS])).replace("\x00", "")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip(" \t\u00a0") for line in lines).strip()


def _paragraph_text(paragraph: DocxParagraph) -> str:
    return paragraph.text.strip()


def _table_lines(table: DocxTable) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is repeated once per grid column it spans
                continue
            seen.add(id(cell._tc))
            parts: list[str] = []
            for item in cell.iter_inner_content():
                if isinstance(item, DocxParagraph):
                    if text := _paragraph_text(item):
                        parts.append(text)
                else:
                    parts.extend(_table_lines(item))
            if parts:
                cells.append(" ".join(parts))
        if cells:
            yield " | ".join(cells)


def extract_docx_text(data: bytes) -> str:
    """The paragraphs and tables of a DOCX body in document order, one paragraph or row a line."""
    document = open_docx(io.BytesIO(data))
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            if text := _paragraph_text(item):
                lines.append(text)
        else:
            lines.extend(_table_lines(item))
    return "\n".join(lines)


def _has_text(page: str) -> bool:
    return sum(ch.isalnum() for ch in page) >= _MIN_PAGE_TEXT


def _deferred(name: str, error: ocr.OcrError) -> str:
    logger.warning("OCR of %s deferred: %s", name, error.message)
    return f"Chưa nhận dạng được chữ: {error.message}"


def _pdf_text(upload: PreparedUpload) -> tuple[str, bool, tuple[str, ...]]:
    layer = ocr.pdf_text(upload.data).split("\f")
    try:
        warnings = ocr.check_scan_quality(upload.data)
    except ocr.OcrError as exc:  # the quality check is advice; it never blocks the upload
        logger.warning("Scan quality check of %s failed: %s", upload.name, exc.message)
        warnings = [f"Chưa kiểm tra được chất lượng bản quét: {exc.message}"]
    pages = layer[: upload.pages] if upload.pages else layer
    if all(_has_text(page) for page in pages):
        return "\f".join(pages), False, tuple(warnings)
    try:
        result = ocr.ocr_pdf(upload.data)
    except ocr.OcrError as exc:
        return "\f".join(pages), False, (*warnings, _deferred(upload.name, exc))
    recognised = result.text.split("\f")
    merged = [
        page if _has_text(page) or index >= len(recognised) else recognised[index]
        for index, page in enumerate(pages)
    ]
    return "\f".join(merged), True, tuple(warnings)


def _extract(upload: PreparedUpload) -> tuple[str, bool, tuple[str, ...]]:
    """(text, ocr_done, warnings) for a validated upload."""
    if upload.format is FileFormat.PDF:
        return _pdf_text(upload)
    if upload.format is FileFormat.DOCX:
        try:
            return extract_docx_text(upload.data), False, ()
        except (ValueError, KeyError, SyntaxError, zipfile.BadZipFile, OpcError) as exc:
            raise _wrong_format(upload.name, "không phải tệp Word (DOCX) hợp lệ") from exc
    try:
        text = ocr.ocr_image(upload.data, suffix=_PREFERRED_EXTENSION[upload.format], pages=upload.pages or 1)
    except ocr.OcrError as exc:
        return "", False, (_deferred(upload.name, exc),)
    return text, True, ()


def _reusable(upload: PreparedUpload) -> DocumentFile | None:
    """A stored file with the same bytes that was recognised already (its OCR need not run again)."""
    return DocumentFile.objects.filter(sha256=upload.sha256, ocr_done=True).order_by("id").first()


def prepare_upload(upload: File[Any] | PreparedUpload) -> PreparedUpload:
    """`validate_upload` plus the text (and OCR when needed). No database writes.

    Text already extracted from the same bytes (any document) is reused, so a scan is
    recognised once.
    """
    prepared = upload if isinstance(upload, PreparedUpload) else validate_upload(upload)
    if prepared.extracted:
        return prepared
    known = _reusable(prepared)
    if known is not None:
        text, ocr_done = known.text, known.ocr_done
        warnings: tuple[str, ...] = ()
        if prepared.format is FileFormat.PDF:
            try:
                warnings = tuple(ocr.check_scan_quality(prepared.data))
            except ocr.OcrError as exc:
                warnings = (f"Chưa kiểm tra được chất lượng bản quét: {exc.message}",)
    else:
        text, ocr_done, warnings = _extract(prepared)
    return PreparedUpload(
        name=prepared.name,
        format=prepared.format,
        data=prepared.data,
        sha256=prepared.sha256,
        pages=prepared.pages,
        text=_clean_text(text),
        ocr_done=ocr_done,
        extracted=True,
        warnings=warnings,
    )


# --------------------------------------------------------------------------- storing


def can_attach(user: Any, document: Document) -> bool:
    """Clerks attach files to incoming documents; whoever may edit an outgoing draft, or
    release it (the clerk), attaches to an outgoing or internal one."""
    if document.direction == Direction.INCOMING:
        return can_register(user, document.owner_id)
    return can_edit_outgoing(user, document) or can_release(user, document)


def _storage_name(upload: PreparedUpload) -> str:
    """An ASCII file name for the storage ("Báo cáo quý 3.pdf" → "bao_cao_quy_3.pdf")."""
    stem = get_valid_filename(fold(PurePosixPath(upload.name).stem)[:80].strip() or "tep")
    stem = re.sub(r"[^A-Za-z0-9._-]", "", stem).strip("._") or "tep"
    return f"{stem}{_PREFERRED_EXTENSION[upload.format]}"


def _delete_unless_committed(storage: Storage, name: str, state: dict[str, bool]) -> None:
    if state["committed"]:
        return
    try:
        storage.delete(name)
    except Exception:  # a finaliser must not raise; the orphan is logged for the administrator
        logger.exception("Could not delete uncommitted file %s", name)


class _DeleteUnlessCommitted:
    """A ``transaction.on_commit`` callback that owns a stored file until the commit.

    Django runs the callback when the transaction commits and drops it, unrun, when the
    transaction (or the savepoint it was registered in) rolls back. Dropping it releases the
    last reference, and the finaliser then deletes the file: a rolled-back attachment leaves
    nothing behind in the storage, even when the rollback is the caller's.
    """

    def __init__(self, storage: Storage, name: str) -> None:
        self._state = {"committed": False}
        finaliser = weakref.finalize(self, _delete_unless_committed, storage, name, self._state)
        finaliser.atexit = False

    def __call__(self) -> None:
        self._state["committed"] = True


def _duplicate_error(upload: PreparedUpload, existing: DocumentFile) -> UploadError:
    return UploadError(
        f"Tệp «{upload.name}» trùng nội dung với tệp «{existing.original_name}» đã đính kèm văn bản này."
    )


def attach_file(
    *,
    by: Any,
    document: Document,
    upload: File[Any] | PreparedUpload,
    kind: str = DocumentFile.Kind.MAIN,
) -> DocumentFile:
    """Validate, extract and store `upload` as a file of `document`; see the module docstring.

    `document` is reloaded from the database under its row lock (unsaved changes to the
    instance are discarded). `by` None is the system (no permission check). Pass a
    `PreparedUpload` from `prepare_upload` to keep slow extraction and OCR out of the
    caller's transaction.
    Raises `UploadError` for a refused or duplicate file, `PermissionDenied` for a user who
    may not attach files to `document`.
    """
    if by is not None:
        require(can_attach(by, document), "Bạn không có quyền đính kèm tệp vào văn bản này.")
    if kind not in DocumentFile.Kind.values:
        raise ValueError(f"Unknown file kind {kind!r}")
    # Cheap checks first: the duplicate is refused before any OCR runs.
    prepared = upload if isinstance(upload, PreparedUpload) else validate_upload(upload)
    if document.pk is not None:
        existing = document.files.filter(sha256=prepared.sha256).first()
        if existing is not None:
            raise _duplicate_error(prepared, existing)
    prepared = prepare_upload(prepared)

    stored = DocumentFile(
        document=document,
        kind=kind,
        original_name=prepared.name,
        content_type=prepared.content_type,
        size=prepared.size,
        sha256=prepared.sha256,
        text=prepared.text,
        ocr_done=prepared.ocr_done,
        uploaded_by=by,
    )
    stored.file.save(_storage_name(prepared), ContentFile(prepared.data), save=False)
    storage, name = stored.file.storage, stored.file.name
    try:
        with transaction.atomic():
            lock(document)
            existing = document.files.filter(sha256=prepared.sha256).first()
            if existing is not None:
                raise _duplicate_error(prepared, existing)
            stored.save()
            if kind == DocumentFile.Kind.MAIN and prepared.pages and not document.page_count:
                document.page_count = min(prepared.pages, 32767)
                Document.objects.filter(pk=document.pk).update(
                    page_count=document.page_count, updated_at=timezone.now()
                )
            refresh_search_text(document)
            link_citations(document)
            record(
                by=by,
                document=document,
                action="file.attach",
                description=(
                    f"{person(by)} đính kèm tệp «{prepared.name}» "
                    f"({DocumentFile.Kind(kind).label.lower()}, {_megabytes(prepared.size)}"
                    f"{', đã nhận dạng chữ OCR' if prepared.ocr_done else ''})."
                ),
                payload={
                    "file_id": stored.pk,
                    "name": prepared.name,
                    "kind": kind,
                    "format": prepared.format.value,
                    "size": prepared.size,
                    "sha256": prepared.sha256,
                    "pages": prepared.pages,
                    "ocr_done": prepared.ocr_done,
                    "warnings": list(prepared.warnings),
                },
            )
    except BaseException:
        storage.delete(name)
        raise
    transaction.on_commit(_DeleteUnlessCommitted(storage, name))
    return stored
