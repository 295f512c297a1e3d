"""The PDF, read back with poppler-utils: texts, embedded fonts, page geometry, page numbers,
the signature area, and page 1 compared with a reference image.

Set CQS_UPDATE_REFERENCE=1 to rewrite the reference image after an intended layout change
(and look at it before committing it).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import string
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat
from reportlab.pdfbase.ttfonts import TTFont

from cqs.core.text import vietnamese_letters
from cqs.rendering import layout
from cqs.rendering.model import NATIONAL_MOTTO, NATIONAL_NAME, Heading, Table
from cqs.rendering.pdf import render_pdf, render_pdf_with_layout
from cqs.rendering.samples import sample_it_report, sample_official_letter
from cqs.rendering.tests import poppler
from cqs.rendering.typefaces import FONT_DIR, FONT_FILES

MM = 72 / 25.4
REFERENCE_DIR = Path(__file__).parent / "reference"
#: Mean absolute grey-level difference (0–255) allowed between page 1 and the reference.
#: The same layout renders to exactly the same pixels (0). Shifting the left or top margin by
#: 0.5–2 mm gives 6–22, moving the header's column split by 3 mm about 2.
MAX_MEAN_DIFFERENCE = 1.0

# Every letter of Vietnamese, lower and upper case, with every tone mark, and the plain ones.
VIETNAMESE_LETTERS = "".join(vietnamese_letters()) + string.ascii_letters


@pytest.fixture(scope="module", autouse=True)
def _poppler():
    poppler.require_poppler()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    doc = sample_it_report(issued_on=date(2024, 1, 5))
    doc = dataclasses.replace(
        doc,
        body=(Heading("Phần I", "Tình hình chung"), *doc.body),
        legal_bases=["Căn cứ Kế hoạch số 746/KH-BDT ngày 03/10/2022"],
    )
    rendering = render_pdf_with_layout(doc)
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(rendering.content)
    return path, rendering


@pytest.fixture(scope="module")
def letter(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "letter.pdf"
    path.write_bytes(render_pdf(sample_official_letter()))
    return path


def _lines(text):
    return {line.strip() for line in text.splitlines()}


def test_every_component_is_extracted_with_its_diacritics(report):
    path, rendering = report
    first = _lines(poppler.text(path, page=1))
    for expected in (
        NATIONAL_NAME,
        NATIONAL_MOTTO,
        "UBND TỈNH SƠN HÀ",
        "BAN DÂN TỘC",
        "Số: 05/BC-BDT",
        "Sơn Hà, ngày 05 tháng 01 năm 2024",
        "BÁO CÁO",
        "Kết quả ứng dụng công nghệ thông tin Quý III năm 2023",
        "Căn cứ Kế hoạch số 746/KH-BDT ngày 03/10/2022.",
        "Phần I",
        "TÌNH HÌNH CHUNG",
        "I. Kết quả thực hiện mục tiêu, chỉ tiêu",
        "+ Tổng số văn bản đi được ký số (trừ văn bản mật): 375 văn bản, đạt 100%.",
    ):
        assert expected in first, expected
    whole = _lines(poppler.text(path))
    for expected in (
        "II. Kết quả thực hiện các nhiệm vụ, giải pháp theo Kế hoạch",
        "III. Một số tồn tại, hạn chế, khó khăn",
        "IV. Định hướng nhiệm vụ, giải pháp",
        "V. Các kiến nghị, đề xuất",
        "STT",
        "Nội dung nhiệm vụ",
        "Cơ quan chủ trì",
    ):
        assert expected in whole, expected
    last = _lines(poppler.text(path, page=rendering.page_count))
    for expected in (
        "Nơi nhận:",
        "- Sở Thông tin và Truyền thông;",
        "- Lãnh đạo Ban;",
        "- Lưu: VT, VP.",
        "KT. TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Trần Minh Quang",
    ):
        assert expected in last, expected


def test_every_font_is_embedded_liberation_serif(report, letter):
    for path in (report[0], letter):
        rows = poppler.fonts(path)
        assert len(rows) >= 3  # regular, bold, italic at least
        for row in rows:
            assert row["emb"] == "yes", row
            assert row["uni"] == "yes", row  # a ToUnicode map, so text extraction is exact
            assert re.fullmatch(r"[A-Z]{6}\+LiberationSerif(-Bold|-Italic|-BoldItalic)?", row["name"]), row


def test_page_size_version_and_metadata(report):
    path, rendering = report
    info = poppler.info(path)
    width, height = (float(v) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width), round(height)) == (595, 842)
    assert float(info["PDF version"]) >= 1.4
    assert int(info["Pages"]) == rendering.page_count > 1
    assert info["Title"] == "Báo cáo Kết quả ứng dụng công nghệ thông tin Quý III năm 2023"
    assert info["Author"] == "Ban Dân tộc"
    assert path.read_bytes()[:8] in (b"%PDF-1.4", b"%PDF-1.5", b"%PDF-1.6", b"%PDF-1.7")


def test_page_numbers_start_on_page_two_centred_in_the_top_margin(report):
    path, rendering = report
    top_margin = (0, 0, 595, layout.MARGIN_TOP_MM * MM)
    assert poppler.text(path, page=1, crop=top_margin).strip() == ""
    for page in range(2, rendering.page_count + 1):
        assert poppler.text(path, page=page, crop=top_margin).strip() == str(page)
        centre = (layout.MARGIN_LEFT_MM + layout.TEXT_WIDTH_MM / 2) * MM
        middle_band = (centre - 15, 0, 30, layout.MARGIN_TOP_MM * MM)
        assert poppler.text(path, page=page, crop=middle_band).strip() == str(page)


def test_text_stays_inside_the_margins(report):
    path, rendering = report
    left = layout.MARGIN_LEFT_MM * MM
    right = (layout.PAGE_WIDTH_MM - layout.MARGIN_RIGHT_MM) * MM
    for page in range(1, rendering.page_count + 1):
        assert poppler.text(path, page=page, crop=(0, 0, left - 1, 842)).strip() == ""
        assert poppler.text(path, page=page, crop=(right + 1, 0, 595 - right, 842)).strip() == ""
        bottom = (layout.PAGE_HEIGHT_MM - layout.MARGIN_BOTTOM_MM) * MM
        assert poppler.text(path, page=page, crop=(0, bottom + 1, 595, 842 - bottom)).strip() == ""


def test_signature_area_is_blank_and_at_least_30_mm_high(report):
    path, rendering = report
    box = rendering.signature_box
    assert box.page == rendering.page_count
    assert box.height >= 30 * MM
    assert box.x0 >= (layout.MARGIN_LEFT_MM + layout.CLOSING_LEFT_MM) * MM - 1
    top = 842 - box.y1  # poppler's crop counts from the top
    assert poppler.text(path, page=box.page, crop=(box.x0, top, box.width, box.height)).strip() == ""
    above = poppler.text(path, page=box.page, crop=(box.x0, top - 20, box.width, 20))
    below = poppler.text(path, page=box.page, crop=(box.x0, top + box.height, box.width, 20))
    assert above.strip().splitlines()[-1] == "PHÓ TRƯỞNG BAN"
    assert below.strip().splitlines()[0] == "Trần Minh Quang"


def test_official_letter(letter):
    text = poppler.text(letter)
    lines = _lines(text)
    assert text.count("\f") == 1  # one page
    assert poppler.text(letter, page=1, crop=(0, 0, 595, layout.MARGIN_TOP_MM * MM)).strip() == ""
    for expected in (
        "ỦY BAN NHÂN DÂN XÃ",
        "SƠN GIANG",
        "KHẨN",
        "- Trường Tiểu học Sơn Giang.",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Thị Hoa",
        "- Lưu: VT, VP, NTH(6).",
        "Địa chỉ: thôn Hà Thành, xã Sơn Giang, tỉnh Sơn Hà",
    ):
        assert expected in lines, expected
    assert "BÁO CÁO" not in lines
    flat = " ".join(text.replace("\u00a0", " ").split())
    assert "V/v cung cấp số liệu chấm điểm chỉ số chuyển đổi số năm 2023" in flat
    assert re.search(r"Số: +/UBND-VP", flat)
    assert re.search(r"Sơn Giang, ngày +tháng +năm 2024", flat)
    assert "Kính gửi: - Văn phòng HĐND và UBND xã;" in flat


def test_vendored_fonts_carry_every_vietnamese_letter():
    assert len(VIETNAMESE_LETTERS) == 134 + 52
    for filename in FONT_FILES.values():
        path = FONT_DIR / filename
        assert path.is_file() and path.parent.parent.name == "rendering"
        cmap = TTFont(filename, str(path)).face.charToGlyph
        missing = [c for c in VIETNAMESE_LETTERS + "\u00a0" if ord(c) not in cmap]
        assert not missing, (filename, missing)
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT_DIR / "OFL.txt").read_text()


def test_invariant_rendering_is_reproducible():
    first = render_pdf_with_layout(sample_official_letter(), invariant=True).content
    second = render_pdf_with_layout(sample_official_letter(), invariant=True).content
    assert first == second


REFERENCES = {
    "sample_it_report_page1.png": sample_it_report,
    "sample_official_letter_page1.png": sample_official_letter,
}


def _page_one_png(tmp_path, make_document):
    path = tmp_path / "page.pdf"
    path.write_bytes(render_pdf(make_document()))
    return poppler.render_page(path, 1, tmp_path / "page1")


def _mean_difference(image, reference):
    with Image.open(image) as opened, Image.open(reference) as expected:
        a, b = opened.convert("L"), expected.convert("L")
    if a.size != b.size:
        return 255.0
    return float(ImageStat.Stat(ImageChops.difference(a, b)).mean[0])


@pytest.mark.parametrize("name", REFERENCES)
def test_first_page_matches_the_reference_image(tmp_path, name):
    png = _page_one_png(tmp_path, REFERENCES[name])
    reference = REFERENCE_DIR / name
    if os.environ.get("CQS_UPDATE_REFERENCE") == "1":
        shutil.copyfile(png, reference)
    with Image.open(png) as image:
        assert image.size == (414, 585)  # A4 at 50 dpi
    difference = _mean_difference(png, reference)
    assert difference < MAX_MEAN_DIFFERENCE, f"page 1 differs from {name} by {difference:.2f}"


@pytest.mark.parametrize("name", REFERENCES)
def test_the_reference_comparison_notices_a_shifted_margin(tmp_path, monkeypatch, name):
    monkeypatch.setattr(layout, "MARGIN_LEFT_MM", layout.MARGIN_LEFT_MM + 2)
    difference = _mean_difference(_page_one_png(tmp_path, REFERENCES[name]), REFERENCE_DIR / name)
    assert difference > 3 * MAX_MEAN_DIFFERENCE


def test_long_tables_repeat_their_header_and_markup_characters_are_text(tmp_path):
    rows = [[str(n), f"Nhiệm vụ số {n} <ưu tiên> & phối hợp", "Văn phòng"] for n in range(1, 61)]
    doc = dataclasses.replace(
        sample_official_letter(),
        subject="phối hợp <khẩn> & báo cáo",
        secrecy="MẬT",
        body=(Table(header=["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì"], rows=rows, widths=[1, 6, 3]),),
    )
    path = tmp_path / "long.pdf"
    rendering = render_pdf_with_layout(doc)
    path.write_bytes(rendering.content)
    assert rendering.page_count >= 3
    for page in range(1, rendering.page_count):
        assert "Nội dung nhiệm vụ" in _lines(poppler.text(path, page=page)), page
    text = poppler.text(path)
    assert "Nhiệm vụ số 60 <ưu tiên> & phối hợp" in _lines(text)
    assert "V/v phối hợp <khẩn> & báo cáo" in _lines(text)
    first = _lines(poppler.text(path, page=1))
    assert {"MẬT", "KHẨN"} <= first
