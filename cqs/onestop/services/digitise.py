"""Digitising a dossier component at reception (regulations.md §4.3, §4.6).

Runs before the service's transaction and touches no database: the upload is checked
(`cqs.documents.files.validate_upload`: format by content, not by name; size; unreadable
files), an image is wrapped into a PDF at its own resolution, a scan is recognised by
Tesseract with the Vietnamese model into a searchable PDF (`cqs.documents.ocr.ocr_pdf`), and
the scan is compared with the digitisation standard (colour, at least 200 dpi). A component
counts as digitised when its file is searchable and meets the standard; otherwise the
reason is kept in `quality_note` and the officer can scan it again.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import File
from PIL import Image

from cqs.core.text import nfc
from cqs.documents import ocr
from cqs.documents.files import FileFormat, PreparedUpload, UploadError, validate_upload

logger = logging.getLogger(__name__)

#: Uploads of dossier components: PDF or a photo/scan (NĐ 45/2020), at most 20 MB.
MAX_COMPONENT_BYTES = 20 * 1024 * 1024
ACCEPTED_FORMATS = (FileFormat.PDF, FileFormat.JPEG, FileFormat.PNG)
ACCEPTED_LABEL = "PDF, JPEG, PNG"
_MIN_TEXT = 10


@dataclass(frozen=True)
class DigitisedFile:
    name: str
    pdf: bytes = field(repr=False)
    sha256: str
    text: str = field(repr=False)
    digitised: bool
    quality_note: str


def check_upload(upload: File[Any], *, component: str) -> PreparedUpload:
    """`validate_upload` narrowed to the formats and size allowed for dossier components."""
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > MAX_COMPONENT_BYTES:
        raise UploadError(
            f"Tệp «{upload.name}» ({component}) có dung lượng {size / 1024 / 1024:.1f} MB".replace(".", ",")
            + ", vượt quá giới hạn 20 MB."
        )
    prepared = validate_upload(upload)
    if prepared.format not in ACCEPTED_FORMATS:
        raise UploadError(
            f"Tệp «{prepared.name}» ({component}) không đúng định dạng: chỉ nhận {ACCEPTED_LABEL}."
        )
    if prepared.size > MAX_COMPONENT_BYTES:
        raise UploadError(f"Tệp «{prepared.name}» ({component}) vượt quá giới hạn 20 MB.")
    return prepared


def image_to_pdf(data: bytes) -> bytes:
    """A one-page PDF holding the image at its recorded resolution (300 dpi when none)."""
    with Image.open(io.BytesIO(data)) as image:
        dpi_info = image.info.get("dpi")
        dpi = float(dpi_info[0]) if dpi_info and dpi_info[0] else 300.0
        converted = image.convert("RGB") if image.mode not in ("RGB", "L", "1") else image.copy()
    out = io.BytesIO()
    converted.save(out, format="PDF", resolution=dpi)
    return out.getvalue()


def _has_text(text: str) -> bool:
    return sum(ch.isalnum() for ch in text) >= _MIN_TEXT


def digitise(prepared: PreparedUpload) -> DigitisedFile:
    """The searchable PDF, its text and the quality verdict for a checked upload."""
    pdf = prepared.data if prepared.format is FileFormat.PDF else image_to_pdf(prepared.data)
    stem = PurePosixPath(prepared.name).stem or "thanh-phan"
    name = f"{stem}.pdf"
    try:
        layer = ocr.pdf_text(pdf)
        quality = ocr.scan_quality(pdf)
    except ocr.OcrError as exc:
        raise UploadError(f"Tệp «{prepared.name}» bị hỏng hoặc không đọc được: {exc.message}") from None
    if not quality.is_scan and _has_text(layer):
        # A born-digital PDF (an e-form, a signed electronic copy): digitised as it is.
        return DigitisedFile(
            name=name,
            pdf=pdf,
            sha256=sha256(pdf).hexdigest(),
            text=nfc(layer).strip(),
            digitised=True,
            quality_note="",
        )
    try:
        result = ocr.ocr_pdf(pdf)
    except ocr.OcrError as exc:
        logger.warning("OCR of component %s failed: %s", prepared.name, exc.message)
        return DigitisedFile(
            name=name,
            pdf=pdf,
            sha256=sha256(pdf).hexdigest(),
            text=nfc(layer).strip(),
            digitised=False,
            quality_note=f"Chưa nhận dạng được chữ: {exc.message}",
        )
    notes = list(result.warnings)
    if result.dpi is not None:
        notes.insert(0, f"Bản quét {result.dpi} dpi, {'màu' if result.is_colour else 'không màu'}")
    searchable = result.searchable_pdf_bytes
    return DigitisedFile(
        name=name,
        pdf=searchable,
        sha256=sha256(searchable).hexdigest(),
        text=nfc(result.text).strip(),
        digitised=not result.warnings,
        quality_note="; ".join(notes)[:500],
    )


def prepare_component(upload: File[Any], *, component: str) -> DigitisedFile:
    return digitise(check_upload(upload, component=component))
