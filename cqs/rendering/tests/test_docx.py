"""The DOCX, reopened with python-docx: every component, its font, size and style, the page."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import unicodedata
from datetime import date

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from cqs.rendering import layout
from cqs.rendering.docx import DOCX_CONTENT_TYPE, render_docx
from cqs.rendering.model import NATIONAL_MOTTO, NATIONAL_NAME, Heading, Paragraph, Section
from cqs.rendering.samples import sample_it_report, sample_official_letter

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _report():
    doc = sample_it_report(issued_on=date(2024, 1, 5))
    body = (
        Heading("Phần I", "Tình hình chung"),
        *doc.body,
    )
    return dataclasses.replace(doc, body=body, legal_bases=["Căn cứ Kế hoạch số 746/KH-BDT ngày 03/10/2022"])


@pytest.fixture(scope="module")
def report():
    return docx.Document(io.BytesIO(render_docx(_report())))


@pytest.fixture(scope="module")
def letter():
    return docx.Document(io.BytesIO(render_docx(sample_official_letter())))


def _paragraphs(container):
    """Every paragraph, including those in (nested) table cells, in document order."""
    yield from container.paragraphs
    for table in container.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from _paragraphs(cell)


def _find(document, text):
    matches = [p for p in _paragraphs(document) if p.text == text]
    assert matches, f"no paragraph reads {text!r}"
    return matches[0]


def _run_style(paragraph):
    """(size in pt, bold, italic) of the paragraph's single run."""
    assert len(paragraph.runs) == 1, paragraph.text
    font = paragraph.runs[0].font
    return font.size.pt, bool(font.bold), bool(font.italic)


def test_every_component_is_present(report):
    texts = {p.text for p in _paragraphs(report)}
    expected = [
        NATIONAL_NAME,
        NATIONAL_MOTTO,
        "UBND TỈNH SƠN HÀ",
        "BAN DÂN TỘC",
        "Số: 05/BC-BDT",
        "Sơn Hà, ngày 05 tháng 01 năm 2024",
        "BÁO CÁO",
        "Kết quả ứng dụng công nghệ thông tin Quý III năm 2023",
        "Phần I",
        "TÌNH HÌNH CHUNG",
        "Căn cứ Kế hoạch số 746/KH-BDT ngày 03/10/2022.",
        "I. Kết quả thực hiện mục tiêu, chỉ tiêu",
        "II. Kết quả thực hiện các nhiệm vụ, giải pháp theo Kế hoạch",
        "V. Các kiến nghị, đề xuất",
        "+ Tổng số văn bản đi được ký số (trừ văn bản mật): 375 văn bản, đạt 100%.",
        "KT. TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Trần Minh Quang",
        "Nơi nhận:",
        "- Sở Thông tin và Truyền thông;",
        "- Lãnh đạo Ban;",
        "- Lưu: VT, VP.",
    ]
    for text in expected:
        assert text in texts, text
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)


def test_every_run_is_times_new_roman(report, letter):
    for document in (report, letter):
        runs = [run for p in _paragraphs(document) for run in p.runs]
        runs += [run for p in document.sections[0].header.paragraphs for run in p.runs]
        assert runs
        for run in runs:
            assert run.font.name == "Times New Roman", run.text
            fonts = run._r.rPr.rFonts
            for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
                assert fonts.get(qn(f"w:{attribute}")) == "Times New Roman"
        assert document.styles["Normal"].font.name == "Times New Roman"


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("UBND TỈNH SƠN HÀ", (13, False, False)),
        ("BAN DÂN TỘC", (13, True, False)),
        ("Số: 05/BC-BDT", (13, False, False)),
        (NATIONAL_NAME, (13, True, False)),
        (NATIONAL_MOTTO, (14, True, False)),
        ("Sơn Hà, ngày 05 tháng 01 năm 2024", (14, False, True)),
        ("BÁO CÁO", (14, True, False)),
        ("Kết quả ứng dụng công nghệ thông tin Quý III năm 2023", (14, True, False)),
        ("Căn cứ Kế hoạch số 746/KH-BDT ngày 03/10/2022.", (14, False, True)),
        ("I. Kết quả thực hiện mục tiêu, chỉ tiêu", (14, True, False)),
        ("Phần I", (14, True, False)),
        ("KT. TRƯỞNG BAN", (14, True, False)),
        ("PHÓ TRƯỞNG BAN", (14, True, False)),
        ("Trần Minh Quang", (14, True, False)),
        ("Nơi nhận:", (12, True, True)),
        ("- Sở Thông tin và Truyền thông;", (11, False, False)),
        ("- Lưu: VT, VP.", (11, False, False)),
        ("STT", (12, True, False)),
        ("Văn bản đi được ký số", (12, False, False)),
    ],
)
def test_component_sizes_and_styles(report, text, style):
    assert _run_style(_find(report, text)) == style


def test_centred_components(report):
    for text in (
        NATIONAL_NAME,
        NATIONAL_MOTTO,
        "BAN DÂN TỘC",
        "BÁO CÁO",
        "Phần I",
        "KT. TRƯỞNG BAN",
        "Trần Minh Quang",
    ):
        assert _find(report, text).alignment == WD_ALIGN_PARAGRAPH.CENTER, text
    assert _find(report, "Nơi nhận:").alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_body_paragraphs_are_justified_indented_and_spaced(report):
    doc = _report()
    body_texts = [b.text for b in doc.body if isinstance(b, Paragraph)] + [
        b.label for b in doc.body if isinstance(b, Section)
    ]
    assert len(body_texts) > 5
    for text in body_texts:
        paragraph = _find(report, text)
        fmt = paragraph.paragraph_format
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY, text
        assert fmt.first_line_indent == Cm(1.27)
        assert fmt.space_before >= Pt(6)
        assert _run_style(paragraph)[0] == 14


def test_page_is_a4_with_the_decree_margins(report):
    section = report.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    assert abs(section.top_margin - Mm(20)) < Mm(0.1)
    assert abs(section.bottom_margin - Mm(20)) < Mm(0.1)
    assert abs(section.left_margin - Mm(30)) < Mm(0.1)
    assert abs(section.right_margin - Mm(15)) < Mm(0.1)


def test_page_numbers_from_page_two(report):
    section = report.sections[0]
    assert section.different_first_page_header_footer
    assert not section.first_page_header.is_linked_to_previous
    assert all(p.text == "" for p in section.first_page_header.paragraphs)
    number = section.header.paragraphs[0]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    instructions = [e.text.strip() for e in number._p.iter(f"{W}instrText")]
    assert instructions == ["PAGE"]
    assert [e.get(f"{W}fldCharType") for e in number._p.iter(f"{W}fldChar")] == ["begin", "separate", "end"]
    assert number.runs[0].font.size == Pt(layout.PAGE_NUMBER_PT)


def _borders(table):
    borders = table._tbl.tblPr.find(f"{W}tblBorders")
    return {child.tag.removeprefix(W): child.get(f"{W}val") for child in borders}


def test_header_and_closing_tables_have_no_borders(report):
    header, data_one, data_two, closing = report.tables
    for table in (header, closing):
        assert set(_borders(table).values()) == {"nil"}
    assert header.rows[0].cells[1].paragraphs[0].text == NATIONAL_NAME
    assert closing.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:"
    assert closing.rows[0].cells[1].paragraphs[0].text == "KT. TRƯỞNG BAN"
    # Data tables are ruled and repeat their header row on every page.
    for table in (data_one, data_two):
        assert table.style.name == "Table Grid"
        assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    assert [c.text for c in data_two.rows[0].cells][:3] == ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì"]


def _rules(cell):
    """(left indent, right indent) of each paragraph of `cell` drawn as a bottom rule."""
    rules = []
    for paragraph in cell.paragraphs:
        ppr = paragraph._p.pPr
        if ppr is not None and ppr.find(f"{W}pBdr/{W}bottom") is not None:
            rules.append((paragraph.paragraph_format.left_indent, paragraph.paragraph_format.right_indent))
    return rules


def test_rules_under_agency_name_and_motto(report):
    header = report.tables[0]
    agency, national = header.rows[0].cells
    (agency_rule,) = _rules(agency)
    (motto_rule,) = _rules(national)
    # Centred: equal indents; the motto's rule is as long as the motto, the agency's 1/3–1/2 of its name.
    assert agency_rule[0] == agency_rule[1]
    assert motto_rule[0] == motto_rule[1]
    column = (layout.HEADER_RIGHT_MM - 2 * layout.CELL_PADDING_MM) * 72 / 25.4
    motto_length = column - 2 * motto_rule[0].pt
    assert motto_length == pytest.approx(layout.rule_width_pt(NATIONAL_MOTTO, 14, column), abs=1)
    agency_column = (layout.HEADER_LEFT_MM - 2 * layout.CELL_PADDING_MM) * 72 / 25.4
    agency_length = agency_column - 2 * agency_rule[0].pt
    name_length = layout.rule_width_pt("BAN DÂN TỘC", 13, agency_column)
    assert name_length / 3 <= agency_length <= name_length / 2


def test_signature_leaves_room_for_the_signature_image(report):
    name = _find(report, "Trần Minh Quang")
    assert name.paragraph_format.space_before >= Mm(30)


def test_core_properties(report):
    props = report.core_properties
    assert props.title == "Báo cáo Kết quả ứng dụng công nghệ thông tin Quý III năm 2023"
    assert props.author == "Ban Dân tộc"
    assert props.language == "vi-VN"
    assert props.keywords == "05/BC-BDT"


def test_official_letter_components(letter):
    header = letter.tables[0]
    number_cell = header.rows[1].cells[0]
    assert number_cell.paragraphs[0].text == "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/UBND-VP"
    subject = number_cell.paragraphs[1]
    assert subject.text == "V/v cung cấp số liệu chấm điểm chỉ số chuyển đổi số năm 2023"
    assert _run_style(subject) == (12, False, False)
    assert header.rows[0].cells[0].paragraphs[0].text == "ỦY BAN NHÂN DÂN XÃ SƠN GIANG"
    date_line = header.rows[1].cells[1].paragraphs[0].text
    assert date_line.startswith("Sơn Giang, ngày ") and date_line.endswith(" năm 2024")
    texts = [p.text for p in _paragraphs(letter)]
    assert "BÁO CÁO" not in texts
    assert "Kính gửi:\t- Văn phòng HĐND và UBND xã;" in texts
    assert "- Trạm Y tế xã;" in texts
    assert "- Trường Tiểu học Sơn Giang." in texts
    titles = [p.text for p in letter.tables[-1].rows[0].cells[1].paragraphs[:3]]
    assert titles == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert "Lê Thị Hoa" in texts
    assert "- Lưu: VT, VP, NTH(6)." in texts


def test_urgency_stamp_is_a_bold_red_box(letter):
    (stamp,) = letter.tables[0].rows[1].cells[0].tables
    cell = stamp.rows[0].cells[0]
    assert cell.paragraphs[0].text == "KHẨN"
    run = cell.paragraphs[0].runs[0]
    assert run.font.bold and run.font.size == Pt(13)
    assert str(run.font.color.rgb) == layout.STAMP_COLOR_HEX
    assert set(_borders(stamp).values()) == {"single"}
    assert abs(stamp.columns[0].width - Mm(20)) < Mm(0.1)
    assert abs(stamp.rows[0].height - Mm(8)) < Mm(0.1)


def test_footer_on_the_first_page_only(letter):
    section = letter.sections[0]
    footer = [p.text for p in section.first_page_footer.paragraphs]
    assert footer == list(sample_official_letter().footer)
    assert section.first_page_footer.paragraphs[0]._p.pPr.find(f"{W}pBdr/{W}top") is not None
    assert all(p.text == "" for p in section.footer.paragraphs)


# Child order of the property elements, from ECMA-376 Part 1 (CT_PPrBase, CT_RPr, CT_TblPrBase,
# CT_TcPr, CT_TrPrBase), written out here independently of the renderer.
SCHEMA_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
    "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
    "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
    "vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign "
    "hideMark",
    "trPr": "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing "
    "jc hidden",
}


def _check_order(element, order):
    position = {qn(tag): index for index, tag in enumerate(order)}
    seen = [position[child.tag] for child in element if child.tag in position]
    unknown = [child.tag for child in element if child.tag not in position]
    assert not unknown, unknown
    assert seen == sorted(seen), [child.tag for child in element]


def test_property_elements_follow_the_schema_order():
    """Word refuses files whose property elements are out of schema order; LibreOffice does not care."""
    for doc in (_report(), sample_official_letter()):
        with io.BytesIO(render_docx(doc)) as stream:
            document = docx.Document(stream)
        parts = [document.element, *(s.header._element for s in document.sections)]
        parts += [document.sections[0].first_page_footer._element, document.styles.element]
        checked = 0
        for part in parts:
            for tag, names in SCHEMA_ORDER.items():
                order = tuple(f"w:{name}" for name in names.split())
                for element in part.iter(f"{W}{tag}"):
                    _check_order(element, order)
                    checked += 1
        assert checked > 50


def test_content_type_constant():
    assert DOCX_CONTENT_TYPE.endswith("wordprocessingml.document")


@pytest.mark.skipif(
    os.environ.get("CQS_TEST_LIBREOFFICE") != "1" or shutil.which("soffice") is None,
    reason="opt-in (about 2 s): set CQS_TEST_LIBREOFFICE=1 with LibreOffice installed",
)
def test_libreoffice_opens_and_paginates_it(tmp_path):  # pragma: no cover - optional tool
    source = tmp_path / "report.docx"
    source.write_bytes(render_docx(_report()))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    converted = tmp_path / "report.pdf"
    text = subprocess.run(["pdftotext", str(converted), "-"], check=True, capture_output=True).stdout.decode()
    text = unicodedata.normalize("NFC", text)
    assert NATIONAL_NAME in text
    assert "Nơi nhận:" in text
    pages = text.count("\f")
    assert pages >= 2


def test_secrecy_and_urgency_stamps_and_markup_characters():
    doc = dataclasses.replace(
        sample_official_letter(), secrecy="TỐI MẬT", subject="phối hợp <khẩn> & báo cáo"
    )
    document = docx.Document(io.BytesIO(render_docx(doc)))
    number_cell = document.tables[0].rows[1].cells[0]
    assert [t.rows[0].cells[0].text for t in number_cell.tables] == ["TỐI MẬT", "KHẨN"]
    assert number_cell.paragraphs[1].text == "V/v phối hợp <khẩn> & báo cáo"
