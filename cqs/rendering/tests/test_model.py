"""The structured content and the Nghị định 30/2020 header rules it enforces."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date

import pytest

from cqs.core.errors import ApplicationError
from cqs.rendering import layout
from cqs.rendering.model import (
    NATIONAL_MOTTO,
    NATIONAL_NAME,
    Bullet,
    DocumentFormatError,
    Heading,
    Paragraph,
    Section,
    SignatureBlock,
    Table,
    format_number,
)
from cqs.rendering.samples import sample_it_report, sample_official_letter


def _doc(**changes):
    return dataclasses.replace(sample_it_report(), **changes)


def test_national_name_and_motto_are_the_exact_texts():
    assert NATIONAL_NAME == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert NATIONAL_MOTTO == "Độc lập - Tự do - Hạnh phúc"
    for text in (NATIONAL_NAME, NATIONAL_MOTTO):
        assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 1, 5), "ngày 05 tháng 01 năm 2024"),
        (date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (date(2023, 3, 1), "ngày 01 tháng 3 năm 2023"),
        (date(2023, 9, 25), "ngày 25 tháng 9 năm 2023"),
        (date(2023, 12, 10), "ngày 10 tháng 12 năm 2023"),
    ],
)
def test_date_line_pads_days_below_ten_and_only_january_and_february(day, expected):
    assert layout.place_date_line(_doc(issued_on=day)) == f"Sơn Hà, {expected}"


@pytest.mark.parametrize(
    ("given", "printed"), [("5", "05"), ("05", "05"), (7, "07"), ("12", "12"), ("1234", "1234")]
)
def test_number_is_zero_padded_below_ten(given, printed):
    assert format_number(given) == printed
    assert _doc(number=str(given)).number == printed


@pytest.mark.parametrize("bad", ["0", "-3", "5a", "V", "５"])
def test_number_must_be_a_positive_integer(bad):
    with pytest.raises(DocumentFormatError):
        _doc(number=bad)


@pytest.mark.parametrize("empty", [None, ""])
def test_unnumbered_draft_keeps_the_number_blank(empty):
    doc = _doc(number=empty)
    assert doc.number is None
    assert layout.number_line(doc) == "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-BDT"


@pytest.mark.parametrize(
    "notation", ["BC-BDT", "QĐ-UBND", "UBND-VX", "STTTT-BCVT&CNTT", "TTr-UBND", "QyĐ-BNV", "SY-VP"]
)
def test_valid_notations(notation):
    assert _doc(notation=notation).notation == notation


@pytest.mark.parametrize("notation", ["bc-BDT", "BC-Bdt", "BC - BDT", "BC BDT", "BC--BDT", "", "BC/BDT"])
def test_notation_must_be_upper_case_groups_joined_by_hyphens(notation):
    with pytest.raises(DocumentFormatError):
        _doc(notation=notation)


def test_format_errors_are_application_errors_with_a_vietnamese_message():
    with pytest.raises(ApplicationError) as caught:
        _doc(notation="bc-bdt")
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "document_format"
    assert "Ký hiệu" in caught.value.message


def test_texts_are_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Ban Dân tộc")
    assert decomposed != "Ban Dân tộc"
    doc = _doc(issuing_agency_name=decomposed, cc=[unicodedata.normalize("NFD", "Lãnh đạo Ban")])
    assert doc.issuing_agency_name == "Ban Dân tộc"
    assert doc.cc == ("Lãnh đạo Ban",)
    assert Paragraph(unicodedata.normalize("NFD", "Hạnh phúc")).text == "Hạnh phúc"


def test_documents_are_immutable_and_hashable():
    doc = sample_it_report()
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.subject = "khác"  # type: ignore[misc]
    assert isinstance(doc.body, tuple)
    assert isinstance(doc.cc, tuple)
    assert hash(doc) == hash(sample_it_report())
    assert doc == sample_it_report()


def test_a_bare_string_is_refused_where_lines_are_expected():
    with pytest.raises(DocumentFormatError):
        _doc(cc="Lãnh đạo Ban")


@pytest.mark.parametrize(
    ("signature", "lines"),
    [
        (SignatureBlock("TM.", "Ủy ban nhân dân", "Chủ tịch", "A"), ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
        (SignatureBlock("KT.", "Trưởng ban", "Phó Trưởng ban", "A"), ("KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN")),
        (SignatureBlock("", "", "Giám đốc", "A"), ("GIÁM ĐỐC",)),
        (SignatureBlock("Q.", "Giám đốc", "", "A"), ("Q. GIÁM ĐỐC",)),
        (SignatureBlock("TL.", "Giám đốc", "Chánh Văn phòng", "A"), ("TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG")),
        (
            SignatureBlock("TUQ.", "Chủ tịch", "Giám đốc Sở Nội vụ", "A"),
            ("TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ NỘI VỤ"),
        ),
        (
            SignatureBlock("TM.", "Ủy ban nhân dân", "Phó Chủ tịch", "A", deputy_for="Chủ tịch"),
            ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        ),
    ],
)
def test_signature_authority_lines(signature, lines):
    assert signature.title_lines == lines


@pytest.mark.parametrize(
    "kwargs",
    [
        {"authority": "KT", "collective_or_head_title": "Trưởng ban", "signer_title": "Phó"},
        {"authority": "KT.", "collective_or_head_title": "", "signer_title": "Phó Trưởng ban"},
        {"authority": "KT.", "collective_or_head_title": "Trưởng ban", "signer_title": ""},
        {"authority": "", "collective_or_head_title": "Ủy ban nhân dân", "signer_title": "Chủ tịch"},
        {"authority": "", "collective_or_head_title": "", "signer_title": ""},
        {
            "authority": "KT.",
            "collective_or_head_title": "Trưởng ban",
            "signer_title": "Phó",
            "deputy_for": "X",
        },
    ],
)
def test_signature_rules(kwargs):
    with pytest.raises(DocumentFormatError):
        SignatureBlock(signer_name="Trần Minh Quang", **kwargs)


def test_signer_name_is_required():
    with pytest.raises(DocumentFormatError):
        SignatureBlock("KT.", "Trưởng ban", "Phó Trưởng ban", "")


def test_section_labels():
    assert Section("I", "Kết quả").label == "I. Kết quả"
    assert Section("2", "Nhận thức số").label == "2. Nhận thức số"
    assert Section("1.2", "Hạ tầng").label == "1.2. Hạ tầng"
    assert Section("a", "Dịch vụ công").label == "a) Dịch vụ công"
    assert Section("đ", "Khác").label == "đ) Khác"
    for bad in ("", "IIII", "1a", "A", "0"):
        with pytest.raises(DocumentFormatError):
            Section(bad, "x")


def test_bullets_and_headings():
    assert Bullet("Tổng số văn bản").label == "- Tổng số văn bản"
    assert Bullet("Cấp xã", marker="+").label == "+ Cấp xã"
    with pytest.raises(DocumentFormatError):
        Bullet("x", marker="*")  # type: ignore[arg-type]
    with pytest.raises(DocumentFormatError):
        Heading("")


def test_table_shape_is_checked():
    table = Table(header=["STT", "Nội dung"], rows=[["1", "A"]], widths=[1, 3], align=["center", "left"])
    assert table.fractions() == (0.25, 0.75)
    assert table.alignment(0) == "center"
    assert Table(header=["a", "b"], rows=[]).fractions() == (0.5, 0.5)
    with pytest.raises(DocumentFormatError):
        Table(header=["STT", "Nội dung"], rows=[["1"]])
    with pytest.raises(DocumentFormatError):
        Table(header=["STT", "Nội dung"], rows=[], widths=[1])
    with pytest.raises(DocumentFormatError):
        Table(header=["STT", "Nội dung"], rows=[], align=["middle", "left"])  # type: ignore[list-item]
    with pytest.raises(DocumentFormatError):
        Table(header=[], rows=[])


def test_urgency_secrecy_and_archive_line_are_checked():
    with pytest.raises(DocumentFormatError):
        _doc(urgency="GẤP")
    with pytest.raises(DocumentFormatError):
        _doc(secrecy="BÍ MẬT")
    with pytest.raises(DocumentFormatError):
        _doc(archive_line="VT, VP")
    with pytest.raises(DocumentFormatError):
        _doc(copies=0)
    assert _doc(archive_line="- Lưu: VT, VP.").archive_line == "Lưu: VT, VP"


def test_required_header_components():
    for field in ("issuing_agency_name", "place", "subject"):
        with pytest.raises(DocumentFormatError):
            _doc(**{field: " "})
    with pytest.raises(DocumentFormatError):
        _doc(cc=["Sở Thông tin và Truyền thông", ""])
    with pytest.raises(DocumentFormatError):
        _doc(body=["not a block"])


def test_official_letter_has_no_type_name():
    letter = sample_official_letter()
    assert letter.is_official_letter
    assert not sample_it_report().is_official_letter
    assert _doc(type_name="").is_official_letter
    assert (
        layout.official_letter_subject(letter)
        == "V/v cung cấp số liệu chấm điểm chỉ số chuyển đổi số năm 2023"
    )


def test_document_title_for_metadata():
    assert layout.document_title(sample_it_report()) == (
        "Báo cáo Kết quả ứng dụng công nghệ thông tin Quý III năm 2023"
    )
    assert layout.document_title(sample_official_letter()).startswith("Công văn V/v cung cấp")


def test_recipient_and_distribution_punctuation():
    one = _doc(recipients_to=["Sở Thông tin và Truyền thông"])
    assert layout.addressee_lines(one) == ("Sở Thông tin và Truyền thông.",)
    several = _doc(recipients_to=["- Sở Nội vụ;", "Sở Tài chính.", "Sở Tư pháp"])
    assert layout.addressee_lines(several) == ("- Sở Nội vụ;", "- Sở Tài chính;", "- Sở Tư pháp.")
    assert layout.distribution_lines(sample_it_report()) == (
        "- Sở Thông tin và Truyền thông;",
        "- Lãnh đạo Ban;",
        "- Lưu: VT, VP.",
    )
    assert layout.distribution_lines(sample_official_letter())[-1] == "- Lưu: VT, VP, NTH(6)."
    bases = _doc(legal_bases=["Căn cứ Luật A.", "Căn cứ Nghị định B;", "Theo đề nghị của C,"])
    assert layout.legal_basis_lines(bases) == ("Căn cứ Luật A;", "Căn cứ Nghị định B;", "Theo đề nghị của C.")


def test_place_date_line_of_dated_and_undated_documents():
    assert layout.place_date_line(_doc(issued_on=date(2024, 1, 5))) == "Sơn Hà, ngày 05 tháng 01 năm 2024"
    blank = "\u00a0" * 6
    assert layout.place_date_line(_doc(issued_on=None)) == f"Sơn Hà, ngày {blank} tháng {blank} năm 2023"
    assert layout.place_date_line(_doc(issued_on=None, draft_year=None)).endswith(f"năm {blank}")
