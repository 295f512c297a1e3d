"""An outgoing document from the database laid out per Decree 30 (PDF and DOCX)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cqs.documents.files import extract_docx_text
from cqs.documents.models import Direction, Document, DocumentStatus, Secrecy, Urgency
from cqs.documents.render import (
    document_docx,
    document_pdf,
    header_names,
    official_document,
    parse_body,
    signature_block,
)
from cqs.org.models import Agency, AgencyKind, AgencyLevel, Unit
from cqs.org.testing import make_person
from cqs.rendering.model import Bullet, DocumentFormatError, Heading, Paragraph, Section
from cqs.rendering.tests import poppler

BODY = """Căn cứ Kế hoạch số 746/KH-BDT ngày 03/10/2022 của Ban Dân tộc tỉnh Sơn Hà;
Căn cứ tình hình thực tế của đơn vị.
Ban Dân tộc tỉnh báo cáo kết quả ứng dụng công nghệ thông tin năm 2024 như sau:

I. Kết quả thực hiện
1. Văn bản điện tử
- 100% văn bản đi được ký số.
+ Tổng số văn bản đi: 375 văn bản.
II. Kiến nghị
Đề nghị Sở Khoa học và Công nghệ tổng hợp, báo cáo Ủy ban nhân dân tỉnh."""


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def agency(code: str, name: str, kind: str, level: str, parent: Agency | None, notation: str) -> Agency:
    return Agency.objects.create(
        code=code, name=name, kind=kind, level=level, parent=parent, notation=notation, place_name="Sơn Hà"
    )


@pytest.fixture
def son_ha(db: Any) -> dict[str, Any]:
    province = agency(
        "000.00.00.R01",
        "Ủy ban nhân dân tỉnh Sơn Hà",
        AgencyKind.PROVINCIAL_COMMITTEE,
        AgencyLevel.PROVINCE,
        None,
        "UBND",
    )
    board = agency(
        "000.00.21.R01", "Ban Dân tộc tỉnh Sơn Hà", AgencyKind.BOARD, AgencyLevel.DEPARTMENT, province, "BDT"
    )
    return {
        "province": province,
        "board": board,
        "unit": Unit.objects.create(agency=board, name="Văn phòng Ban", notation="VP"),
        "drafter": make_person("soanthao", "Trần Văn Bình"),
    }


def report(son_ha: dict[str, Any], **overrides: Any) -> Document:
    values: dict[str, Any] = {
        "owner": son_ha["board"],
        "direction": Direction.OUTGOING,
        "status": DocumentStatus.RELEASED,
        "doc_type": "Báo cáo",
        "number": "5",
        "notation": "BC-BDT",
        "issued_on": date(2025, 1, 5),
        "registered_year": 2025,
        "issuing_agency_name": "Ban Dân tộc tỉnh Sơn Hà",
        "subject": "Kết quả ứng dụng công nghệ thông tin năm 2024",
        "body": BODY,
        "urgency": Urgency.URGENT,
        "signer_authority": "KT.",
        "signer_title": "Phó Trưởng ban",
        "signer_name": "Nguyễn Thị Ánh",
        "drafter": son_ha["drafter"],
        "drafting_unit": son_ha["unit"],
        "recipients_text": "- Sở Khoa học và Công nghệ;\n- Lãnh đạo Ban;",
        "archive_line": "VT, VP",
        "copies": 3,
    }
    values.update(overrides)
    document = Document.objects.create(**values)
    document.recipient_agencies.set([son_ha["province"]])
    return document


def test_the_pdf_of_an_outgoing_report(son_ha: dict[str, Any], tmp_path: Path) -> None:
    poppler.require_poppler()
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(document_pdf(report(son_ha)))

    text = flat(poppler.text(path))
    for expected in (
        "UBND TỈNH SƠN HÀ",
        "BAN DÂN TỘC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 05/BC-BDT",
        "Sơn Hà, ngày 05 tháng 01 năm 2025",
        "KHẨN",
        "BÁO CÁO",
        "Kết quả ứng dụng công nghệ thông tin năm 2024",
        "Căn cứ Kế hoạch số 746/KH-BDT ngày 03/10/2022 của Ban Dân tộc tỉnh Sơn Hà;",
        "Căn cứ tình hình thực tế của đơn vị.",
        "I. Kết quả thực hiện",
        "1. Văn bản điện tử",
        "- 100% văn bản đi được ký số.",
        "+ Tổng số văn bản đi: 375 văn bản.",
        "II. Kiến nghị",
        "Nơi nhận:",
        "- Ủy ban nhân dân tỉnh Sơn Hà;",
        "- Sở Khoa học và Công nghệ;",
        "- Lãnh đạo Ban;",
        "- Lưu: VT, VP, TVB(3).",
        "KT. TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Nguyễn Thị Ánh",
    ):
        assert expected in text, expected
    assert "BAN DÂN TỘC TỈNH SƠN HÀ" not in text  # the locality is on the parent line
    faces = poppler.fonts(path)
    assert faces and all(face["emb"] == "yes" for face in faces)
    assert poppler.info(path)["Page size"].startswith("595.276 x 841.89")  # A4 portrait


def test_the_docx_carries_the_same_components(son_ha: dict[str, Any]) -> None:
    text = extract_docx_text(document_docx(report(son_ha)))
    for expected in (
        "UBND TỈNH SƠN HÀ",
        "BAN DÂN TỘC",
        "Số: 05/BC-BDT",
        "Sơn Hà, ngày 05 tháng 01 năm 2025",
        "BÁO CÁO",
        "I. Kết quả thực hiện",
        "- Lưu: VT, VP, TVB(3).",
        "KT. TRƯỞNG BAN",
        "Nguyễn Thị Ánh",
    ):
        assert expected in text, expected


def test_an_official_letter_addresses_its_recipients(son_ha: dict[str, Any]) -> None:
    letter = report(
        son_ha,
        doc_type="Công văn",
        number="12",
        notation="BDT-VP",
        subject="V/v đề nghị cung cấp số liệu chuyển đổi số",
        body="Ban Dân tộc tỉnh đề nghị các cơ quan cung cấp số liệu trước ngày 15/01/2025.",
        urgency=Urgency.NORMAL,
        signer_authority="",
        signer_title="Trưởng ban",
        archive_line="",
        drafter=None,
    )
    model = official_document(letter)
    assert model.is_official_letter
    assert model.recipients_to == (
        "Ủy ban nhân dân tỉnh Sơn Hà",
        "Sở Khoa học và Công nghệ",
        "Lãnh đạo Ban",
    )
    assert model.cc == ("Như trên",)
    assert model.archive_line == "Lưu: VT, VP"  # VT and the drafting unit
    assert model.copies is None and model.drafter_code == ""
    assert model.signature.title_lines == ("TRƯỞNG BAN",)


def test_a_committee_signs_on_behalf_of_the_collective(son_ha: dict[str, Any]) -> None:
    decision = report(
        son_ha,
        owner=son_ha["province"],
        doc_type="Quyết định",
        notation="QĐ-UBND",
        issuing_agency_name="",
        signer_authority="TM.",
        signer_title="Phó Chủ tịch UBND tỉnh",
        signer_name="Lê Văn Đạt",
        urgency=Urgency.FLASH,
        secrecy=Secrecy.SECRET,
    )
    model = official_document(decision)
    assert model.parent_agency_name == ""
    assert model.issuing_agency_name == "Ủy ban nhân dân tỉnh Sơn Hà"
    assert model.signature.title_lines == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert model.urgency == "HỎA TỐC" and model.secrecy == "MẬT"
    assert model.type_name == "Quyết định"


def test_an_unnumbered_draft_keeps_blanks(son_ha: dict[str, Any]) -> None:
    draft = report(son_ha, status=DocumentStatus.DRAFT, number="", issued_on=None)
    model = official_document(draft)
    assert model.number is None and model.issued_on is None and model.draft_year == 2025


def test_incoming_documents_are_not_re_rendered(son_ha: dict[str, Any]) -> None:
    received = Document.objects.create(
        owner=son_ha["board"],
        direction=Direction.INCOMING,
        status=DocumentStatus.ARRIVED,
        doc_type="Công văn",
        issuing_agency_name="Sở Nội vụ",
        subject="Về việc tuyển dụng",
    )
    with pytest.raises(DocumentFormatError, match="văn bản đến"):
        document_pdf(received)


def test_a_missing_signer_name_is_a_clear_error(son_ha: dict[str, Any]) -> None:
    with pytest.raises(DocumentFormatError, match="Thiếu họ tên người ký"):
        official_document(report(son_ha, signer_name=""))


@pytest.mark.parametrize(
    ("authority", "title", "lines"),
    [
        ("", "Trưởng ban", ("TRƯỞNG BAN",)),
        ("KT.", "Phó Trưởng ban", ("KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN")),
        ("Q.", "Quyền Trưởng ban", ("Q. TRƯỞNG BAN",)),
        ("TL.", "Chánh Văn phòng", ("TL. TRƯỞNG BAN", "CHÁNH VĂN PHÒNG")),
        ("TL.", "Phó Chánh Văn phòng", ("TL. TRƯỞNG BAN", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG")),
        ("TUQ.", "Chánh Văn phòng", ("TUQ. TRƯỞNG BAN", "CHÁNH VĂN PHÒNG")),
    ],
)
def test_signing_authorities(
    son_ha: dict[str, Any], authority: str, title: str, lines: tuple[str, ...]
) -> None:
    document = Document(
        owner=son_ha["board"], signer_authority=authority, signer_title=title, signer_name="Hà Văn Ký"
    )
    assert signature_block(document).title_lines == lines


def test_header_names_follow_the_local_rules() -> None:
    province = Agency(name="Ủy ban nhân dân tỉnh Sơn Hà", kind=AgencyKind.PROVINCIAL_COMMITTEE)
    commune = Agency(name="Ủy ban nhân dân xã An Lạc", kind=AgencyKind.COMMUNE_COMMITTEE, parent=province)
    board = Agency(name="Ban Dân tộc tỉnh Sơn Hà", kind=AgencyKind.BOARD, parent=province)
    department = Agency(name="Sở Nông nghiệp và Môi trường", kind=AgencyKind.DEPARTMENT, parent=province)
    inspectorate = Agency(name="Thanh tra tỉnh", kind=AgencyKind.INSPECTORATE, parent=province)
    sub_department = Agency(name="Chi cục Kiểm lâm", kind=AgencyKind.PUBLIC_SERVICE_UNIT, parent=department)
    sub_inspectorate = Agency(name="Phòng Thanh tra 1", kind=AgencyKind.OFFICE, parent=inspectorate)

    assert header_names(province) == ("", "Ủy ban nhân dân tỉnh Sơn Hà")
    assert header_names(commune) == ("", "Ủy ban nhân dân xã An Lạc")
    assert header_names(board) == ("UBND tỉnh Sơn Hà", "Ban Dân tộc")
    assert header_names(department) == ("UBND tỉnh Sơn Hà", "Sở Nông nghiệp và Môi trường")
    assert header_names(sub_department) == ("Sở Nông nghiệp và Môi trường tỉnh Sơn Hà", "Chi cục Kiểm lâm")
    assert header_names(sub_inspectorate) == ("Thanh tra tỉnh Sơn Hà", "Phòng Thanh tra 1")


def test_the_body_becomes_blocks() -> None:
    parsed = parse_body(
        "Căn cứ Luật Tổ chức chính quyền địa phương;\n"
        "Kính gửi:\n- Sở Nội vụ\n- Sở Tài chính\n"
        "Chương I\nNHỮNG QUY ĐỊNH CHUNG\n"
        "I. Kết quả\n"
        "1. Các sở, ban, ngành triển khai thực hiện kế hoạch này.\n"
        "a) Dịch vụ công trực tuyến\n"
        "– Gạch đầu dòng kiểu Word\n"
        "Mục Lục là một đoạn văn thường."
    )
    assert parsed.legal_bases == ("Căn cứ Luật Tổ chức chính quyền địa phương;",)
    assert parsed.addressees == ("Sở Nội vụ", "Sở Tài chính")
    assert parsed.blocks == (
        Heading("Chương I", "NHỮNG QUY ĐỊNH CHUNG"),
        Section("I", "Kết quả"),
        Paragraph("1. Các sở, ban, ngành triển khai thực hiện kế hoạch này."),
        Section("a", "Dịch vụ công trực tuyến"),
        Bullet("Gạch đầu dòng kiểu Word"),
        Paragraph("Mục Lục là một đoạn văn thường."),
    )
