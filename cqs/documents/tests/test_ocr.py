"""OCR of scans with Tesseract's Vietnamese model, the searchable PDF, and the Decree-30 scan check.

The scans are generated (tests/fixtures): Vietnamese text typeset, rasterised at a given dpi
and colour mode, wrapped as an image-only PDF. Tests that run Tesseract fail, not skip,
when it is missing: the OCR is part of the product.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cqs.documents import ocr
from cqs.documents.tests.fixtures import (
    SCAN_LINES,
    SECOND_PAGE_LINES,
    encrypted_pdf,
    recall,
    require_tesseract,
    scanned_pdf,
    scanned_png,
    text_pdf,
)
from cqs.rendering.tests import poppler


@pytest.fixture
def tesseract() -> None:
    require_tesseract()


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return poppler.text(path)


def test_ocr_pdf_reads_a_vietnamese_scan_and_returns_a_searchable_pdf(
    tesseract: None, tmp_path: Path
) -> None:
    scan = scanned_pdf(dpi=200)
    assert pdftotext(scan, tmp_path).strip() == ""  # the scan has no text layer

    result = ocr.ocr_pdf(scan)

    assert recall(SCAN_LINES, result.text) >= 0.9, result.text
    assert "Sơn Hà" in result.text  # diacritics survive, not just the folded words
    assert result.pages == 1
    assert result.dpi == 200
    assert result.is_colour is True
    assert result.warnings == ()
    layer = pdftotext(result.searchable_pdf_bytes, tmp_path)
    assert recall(SCAN_LINES, layer) >= 0.9, layer
    path = tmp_path / "out.pdf"
    assert poppler.info(path)["Pages"] == "1"
    # The page keeps its size (A6 landscape, 419.5 × 297.6 pt) and its image.
    width, _, height = poppler.info(path)["Page size"].split()[:3]
    assert abs(float(width) - 419.5) < 2 and abs(float(height) - 297.6) < 2
    assert ocr.scan_quality(result.searchable_pdf_bytes).scans  # the image is still there


def test_ocr_pdf_merges_several_pages(tesseract: None, tmp_path: Path) -> None:
    scan = scanned_pdf(dpi=200, pages=(SCAN_LINES, SECOND_PAGE_LINES))

    result = ocr.ocr_pdf(scan)

    assert result.pages == 2
    first, second = result.text.split("\f")
    assert recall(SCAN_LINES, first) >= 0.9
    assert recall(SECOND_PAGE_LINES, second) >= 0.9
    path = tmp_path / "merged.pdf"
    path.write_bytes(result.searchable_pdf_bytes)
    assert poppler.info(path)["Pages"] == "2"
    assert recall(SECOND_PAGE_LINES, poppler.text(path, page=2)) >= 0.9


def test_ocr_image_reads_a_png(tesseract: None) -> None:
    text = ocr.ocr_image(scanned_png(dpi=300), suffix=".png")
    assert recall(SCAN_LINES, text) >= 0.9, text


def test_scan_quality_reports_resolution_and_colour() -> None:
    poppler.require_poppler()
    colour = ocr.scan_quality(scanned_pdf(dpi=300))
    assert colour.dpi == 300 and colour.is_colour and colour.warnings == ()
    assert [scan.colour for scan in colour.scans] == ["colour"]

    grey = ocr.scan_quality(scanned_pdf(dpi=200, mode="L"))
    assert grey.dpi == 200
    assert [scan.colour for scan in grey.scans] == ["grey"]
    assert grey.warnings == ("Bản quét đen trắng, quy định yêu cầu bản màu",)

    bilevel = ocr.scan_quality(scanned_pdf(dpi=200, mode="1"))
    assert [scan.colour for scan in bilevel.scans] == ["bw"]
    assert not bilevel.is_colour


def test_a_100_dpi_scan_is_flagged() -> None:
    poppler.require_poppler()
    assert ocr.check_scan_quality(scanned_pdf(dpi=100)) == [
        "Độ phân giải 100 dpi thấp hơn mức tối thiểu 200 dpi"
    ]
    assert ocr.check_scan_quality(scanned_pdf(dpi=200)) == []


def test_low_resolution_names_the_pages_when_not_all_are_affected() -> None:
    poppler.require_poppler()
    good, bad = scanned_pdf(dpi=200), scanned_pdf(dpi=100)
    merged = _unite(good, bad)
    assert ocr.check_scan_quality(merged) == ["Độ phân giải 100 dpi thấp hơn mức tối thiểu 200 dpi (trang 2)"]


def test_a_born_digital_pdf_is_not_a_scan() -> None:
    poppler.require_poppler()
    quality = ocr.scan_quality(text_pdf())
    assert not quality.is_scan and quality.dpi is None and quality.warnings == ()


def test_encrypted_and_broken_pdfs_are_refused() -> None:
    poppler.require_poppler()
    with pytest.raises(ocr.PdfEncryptedError):
        ocr.pdf_info(encrypted_pdf())
    with pytest.raises(ocr.PdfUnreadableError):
        ocr.pdf_info(b"%PDF-1.4\nnot really a pdf")


def test_pdf_text_keeps_vietnamese_diacritics() -> None:
    poppler.require_poppler()
    text = ocr.pdf_text(text_pdf())
    assert "Ban Dân tộc tỉnh Sơn Hà báo cáo kết quả ứng dụng" in text
    assert ocr.pdf_info(text_pdf((SCAN_LINES, SECOND_PAGE_LINES))).pages == 2


def test_missing_tesseract_is_a_clear_vietnamese_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(
        "cqs.documents.ocr.shutil.which", lambda tool: None if tool == "tesseract" else real_which(tool)
    )
    with pytest.raises(ocr.ToolMissingError) as caught:
        ocr.ocr_pdf(scanned_pdf(dpi=200))
    assert "Máy chủ chưa cài Tesseract OCR" in caught.value.message
    assert "scripts/system-deps.sh" in caught.value.message


def test_missing_vietnamese_model_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "tesseract_languages", lambda: ("eng", "osd"))
    with pytest.raises(ocr.ToolMissingError, match="mô hình tiếng Việt"):
        ocr.ocr_image(b"not used")
    # An optional extra model may be missing: Vietnamese alone is used.
    monkeypatch.setattr(ocr, "tesseract_languages", lambda: ("vie",))
    assert ocr._language("vie+eng") == "vie"


def test_every_tool_runs_with_a_timeout(settings: Any, tesseract: None) -> None:
    settings.DOCUMENT_OCR_PAGE_TIMEOUT = 0.01
    with pytest.raises(ocr.OcrError, match="vượt quá thời gian cho phép"):
        ocr.ocr_pdf(scanned_pdf(dpi=200))


def test_page_limit(settings: Any, tesseract: None) -> None:
    settings.DOCUMENT_OCR_MAX_PAGES = 1
    with pytest.raises(ocr.OcrError, match="vượt quá giới hạn 1 trang"):
        ocr.ocr_pdf(scanned_pdf(dpi=200, pages=(SCAN_LINES, SECOND_PAGE_LINES)))


def test_page_limit_for_images(settings: Any, tesseract: None) -> None:
    settings.DOCUMENT_OCR_MAX_PAGES = 3
    with pytest.raises(ocr.OcrError, match="Tệp có 4 trang, vượt quá giới hạn 3 trang"):
        ocr.ocr_image(scanned_png(), suffix=".tif", pages=4)


def test_huge_pages_are_rasterised_at_a_lower_resolution() -> None:
    a4 = (595.28, 841.89)
    a0 = (2383.94, 3370.39)
    assert ocr._render_dpi(a4, 300) == 300
    lowered = ocr._render_dpi(a0, 300)
    assert 72 <= lowered < 150
    pixels = (a0[0] / 72 * lowered) * (a0[1] / 72 * lowered)
    assert pixels <= ocr._MAX_PAGE_PIXELS


def _unite(*pdfs: bytes) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for number, pdf in enumerate(pdfs):
            path = Path(tmp) / f"{number}.pdf"
            path.write_bytes(pdf)
            paths.append(str(path))
        out = Path(tmp) / "all.pdf"
        subprocess.run(["pdfunite", *paths, str(out)], check=True, capture_output=True, timeout=30)
        return out.read_bytes()
