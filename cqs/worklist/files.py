"""Evidence files of progress reports: strict type checks, a size limit, SHA-256.

Accepted: PDF, DOCX, XLSX, PNG and JPEG, judged by the content (magic bytes, then a real
parse: poppler for PDF, the Office package parts for DOCX/XLSX, Pillow for images) *and*
the extension, never by the browser's content type. Macro-enabled or password-protected
Office files, encrypted or broken PDFs and images that do not decode are refused, and so is
anything above ``WORKLIST_MAX_UPLOAD_MB`` (default 20). Messages are Vietnamese and name
the file. Nothing here touches the database.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from hashlib import sha256
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, Final

from django.conf import settings
from django.core.files.base import File
from PIL import Image, UnidentifiedImageError

from cqs.core.errors import ApplicationError
from cqs.core.text import fold, format_number, nfc
from cqs.documents import ocr


class EvidenceFormat(StrEnum):
    PDF = "PDF"
    DOCX = "DOCX"
    XLSX = "XLSX"
    PNG = "PNG"
    JPEG = "JPEG"


ALLOWED: Final = "PDF, DOCX, XLSX, PNG, JPEG"
_EXTENSIONS: Final = {
    ".pdf": EvidenceFormat.PDF,
    ".docx": EvidenceFormat.DOCX,
    ".xlsx": EvidenceFormat.XLSX,
    ".png": EvidenceFormat.PNG,
    ".jpg": EvidenceFormat.JPEG,
    ".jpeg": EvidenceFormat.JPEG,
}
CONTENT_TYPES: Final = {
    EvidenceFormat.PDF: "application/pdf",
    EvidenceFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    EvidenceFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    EvidenceFormat.PNG: "image/png",
    EvidenceFormat.JPEG: "image/jpeg",
}
_OFFICE_MAIN_PART: Final = {EvidenceFormat.DOCX: "word/document.xml", EvidenceFormat.XLSX: "xl/workbook.xml"}
_MAX_UNPACKED: Final = 512 * 1024 * 1024
_MAX_PARTS: Final = 10_000
_MAX_IMAGE_PIXELS: Final = 120_000_000
MAX_FILES_PER_REPORT: Final = 10


class EvidenceError(ApplicationError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="upload")


@dataclass(frozen=True)
class CheckedFile:
    name: str
    format: EvidenceFormat
    data: bytes = field(repr=False)
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def storage_name(self) -> str:
        """An ASCII name for the storage ("Biên bản nghiệm thu.pdf" → "bien_ban_nghiem_thu.pdf")."""
        stem = "".join(
            ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_"
            for ch in fold(PurePosixPath(self.name).stem)
        )[:80].strip("_")
        return f"{stem or 'tep'}{PurePosixPath(self.name).suffix.lower()}"


def max_upload_bytes() -> int:
    return int(float(getattr(settings, "WORKLIST_MAX_UPLOAD_MB", 20)) * 1024 * 1024)


def human_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{format_number(max(size, 1) / 1024, 0)} KB"
    megabytes = size / (1024 * 1024)
    return f"{format_number(megabytes, 0 if megabytes == int(megabytes) else 1)} MB"


def _display_name(raw: str | None) -> str:
    name = PureWindowsPath(PurePosixPath(nfc(raw or "").replace("\x00", "")).name).name.strip()
    return name[:255] or "tệp không tên"


def _read(upload: File[Any], name: str, limit: int) -> bytes:
    too_big = EvidenceError(f"Tệp «{name}» vượt quá giới hạn dung lượng {human_size(limit)}.")
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise too_big
    buffer = io.BytesIO()
    for chunk in upload.chunks():
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise too_big
    return buffer.getvalue()


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"PK\x03\x04"):
        return "ZIP"
    if b"%PDF-" in data[:1024]:
        return "PDF"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "OLE"
    return None


def _check_pdf(name: str, data: bytes) -> None:
    try:
        info = ocr.pdf_info(data)
    except ocr.PdfEncryptedError:
        raise EvidenceError(f"Tệp «{name}» được đặt mật khẩu; hãy tải lên bản PDF không mã hóa.") from None
    except ocr.PdfUnreadableError:
        raise EvidenceError(f"Tệp «{name}» bị hỏng hoặc không phải tệp PDF đọc được.") from None
    if info.encrypted:
        raise EvidenceError(f"Tệp «{name}» được mã hóa; hãy tải lên bản PDF không mã hóa.")


def _check_office(name: str, data: bytes, wanted: EvidenceFormat) -> None:
    kind = "Word (DOCX)" if wanted is EvidenceFormat.DOCX else "Excel (XLSX)"
    wrong = EvidenceError(f"Tệp «{name}» không đúng định dạng: không phải tệp {kind} hợp lệ.")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise wrong from None
    with package:
        entries = package.infolist()
        names = {entry.filename for entry in entries}
        if _OFFICE_MAIN_PART[wanted] not in names or "[Content_Types].xml" not in names:
            raise wrong
        if len(entries) > _MAX_PARTS or sum(e.file_size for e in entries) > _MAX_UNPACKED:
            raise EvidenceError(f"Tệp «{name}» có kích thước giải nén bất thường.")
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise EvidenceError(f"Tệp «{name}» được đặt mật khẩu; hãy tải lên bản không mã hóa.")
        try:
            content_types = package.read("[Content_Types].xml")
        except (zipfile.BadZipFile, OSError, RuntimeError):
            raise wrong from None
        if b"macroEnabled" in content_types or any(n.endswith("vbaProject.bin") for n in names):
            raise EvidenceError(f"Tệp «{name}» chứa macro; hãy lưu lại dưới dạng tệp không có macro.")


def _check_image(name: str, data: bytes, wanted: EvidenceFormat) -> None:
    unreadable = EvidenceError(f"Tệp «{name}» bị hỏng hoặc không phải ảnh {wanted} đọc được.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != wanted.value:
                raise unreadable
            width, height = image.size
            if width * height > _MAX_IMAGE_PIXELS:
                raise EvidenceError(f"Tệp «{name}» là ảnh {width}×{height} điểm ảnh, quá lớn để lưu.")
            image.verify()
    except EvidenceError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise unreadable from None


def check_evidence(upload: File[Any]) -> CheckedFile:
    """Read and check one uploaded evidence file; `EvidenceError` (Vietnamese) when refused."""
    name = _display_name(upload.name)
    extension = PurePosixPath(name).suffix.lower()
    expected = _EXTENSIONS.get(extension)
    if expected is None:
        raise EvidenceError(f"Tệp «{name}» không đúng định dạng: chỉ nhận {ALLOWED}.")
    data = _read(upload, name, max_upload_bytes())
    if not data:
        raise EvidenceError(f"Tệp «{name}» rỗng (0 byte).")
    sniffed = _sniff(data)
    matches = sniffed == expected.value or (sniffed == "ZIP" and expected in _OFFICE_MAIN_PART)
    if not matches:
        if sniffed == "OLE":
            raise EvidenceError(
                f"Tệp «{name}» được đặt mật khẩu hoặc là tệp Office cũ (.doc, .xls); "
                "hãy lưu lại dưới dạng .docx/.xlsx không mật khẩu."
            )
        raise EvidenceError(
            f"Tệp «{name}» không đúng định dạng: nội dung không phải {expected} như đuôi tệp {extension}; "
            f"chỉ nhận {ALLOWED}."
        )
    if expected is EvidenceFormat.PDF:
        _check_pdf(name, data)
    elif expected in _OFFICE_MAIN_PART:
        _check_office(name, data, expected)
    else:
        _check_image(name, data, expected)
    return CheckedFile(name=name, format=expected, data=data, sha256=sha256(data).hexdigest())


def check_evidence_files(uploads: list[File[Any]]) -> list[CheckedFile]:
    """Check every file of one report (all or nothing), refusing duplicates and too many files."""
    if len(uploads) > MAX_FILES_PER_REPORT:
        raise EvidenceError(f"Mỗi lần báo cáo đính kèm tối đa {MAX_FILES_PER_REPORT} tệp.")
    checked: list[CheckedFile] = []
    for upload in uploads:
        item = check_evidence(upload)
        twin = next((c for c in checked if c.sha256 == item.sha256), None)
        if twin is not None:
            raise EvidenceError(f"Tệp «{item.name}» trùng nội dung với tệp «{twin.name}».")
        checked.append(item)
    return checked
