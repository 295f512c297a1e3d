import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cqs.core.citations import find_citations
from cqs.core.doctypes import ADMINISTRATIVE_TYPES, DOCUMENT_TYPES, type_by_code, type_by_name

SAMPLES_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples"


def read_sample(name):
    path = SAMPLES_DIR / name
    if not path.is_file():
        pytest.fail(
            f"Thiếu báo cáo mẫu {path.resolve()}: thư mục shared/samples phải nằm cạnh repo "
            "(kiểm thử trích dẫn dựa vào các báo cáo thật này)."
        )
    return path.read_text(encoding="utf-8")


def fields(citation):
    return (
        citation.type_name,
        citation.type_code,
        citation.number,
        citation.year,
        citation.notation,
        citation.date_text,
        citation.date,
    )


D = dt.date

# Every citation in the three real reports, read by hand, in document order:
# (type_name, type_code, number, year, notation, date_text, date).
# Deliberately absent: the blank "Số: /BC-…" headings of the drafts themselves, unnumbered
# mentions ("Kế hoạch nâng cao chất lượng…", "03 Kế hoạch¹ và 01 Quyết định", "Quy chế …",
# "Đề án phát triển…") and ratios or dates ("37/37 TTHC", "423/489 hồ sơ", "15/6/2023").
EXPECTED = {
    "bao-cao-ung-dung-cntt-quy-iii-2023-ban-dan-toc.txt": [
        ("Kế hoạch", "KH", "61", 2019, "KH-UBND", "10/4/2019", D(2019, 4, 10)),
        ("Nghị quyết", "NQ", "17", 2019, "NQ-CP", "07/3/2019", D(2019, 3, 7)),
        ("Kế hoạch", "KH", "151", 2020, "KH-UBND", "21/12/2020", D(2020, 12, 21)),
        ("Kế hoạch", "KH", "746", 2022, "KH-BDT", "03/10/2022", D(2022, 10, 3)),
        ("Kế hoạch", "KH", "746", 2022, "KH-BDT", "03/10/2022", D(2022, 10, 3)),
        ("Kế hoạch", "KH", "860", 2023, "KH-BDT", "30/8/2023", D(2023, 8, 30)),
        ("Quyết định", "QĐ", "569", 2023, "QĐ-UBND", "26/6/2023", D(2023, 6, 26)),
        ("Nghị định", "NĐ", "43", 2011, "NĐ-CP", "13/6/2011", D(2011, 6, 13)),
    ],
    "bao-cao-ung-dung-cntt-2021-xa-son-giang.txt": [],
    "bao-cao-chuyen-doi-so-quy-i-2024-huyen-ba-to.txt": [
        ("Kế hoạch", "KH", "219", 2023, "KH-UBND", "20/12/2023", D(2023, 12, 20)),
        ("Kế hoạch", "KH", "38", 2023, "KH-UBND", "28/02/2023", D(2023, 2, 28)),
        ("Kế hoạch", "KH", "38", 2024, "KH-UBND", "28/02/2024", D(2024, 2, 28)),
        ("Kế hoạch", "KH", "18", 2024, "KH-UBND", "25/01/2024", D(2024, 1, 25)),
        ("Kế hoạch", "KH", "44", 2024, "KH-UBND", "08/3/2024", D(2024, 3, 8)),
        ("Quyết định", "QĐ", "25", 2024, "QĐ-UBND", "07/3/2024", D(2024, 3, 7)),
        ("Công văn", None, "392", 2024, "UBND", "05/3/2024", D(2024, 3, 5)),
        ("Công văn", None, "386", 2023, "UBND", "05/3/2023", D(2023, 3, 5)),
        ("Nghị quyết", "NQ", "76", 2021, "NQ-CP", "15/7/2021", D(2021, 7, 15)),
        ("Nghị quyết", "NQ", "76", 2021, "NQ-CP", "15/7/2021", D(2021, 7, 15)),
        ("Quyết định", "QĐ", "144", 2022, "QĐ-STTTT", "21/11/2022", D(2022, 11, 21)),
        ("Quyết định", "QĐ", "4679", 2022, "QĐ-UBND", "28/12/2022", D(2022, 12, 28)),
        ("Quyết định", "QĐ", "25", 2024, "QĐ-UBND", "25/3/2024", D(2024, 3, 25)),
        ("Công văn", None, "1616", 2022, "STTTT-BCVT&CNTT", "07/11/2022", D(2022, 11, 7)),
        ("Kế hoạch", "KH", "144", 2022, "KH-UBND", "13/9/2022", D(2022, 9, 13)),
    ],
}

# The exact spans, which also pin the lower-case "quyết định"/"công văn"/"kế hoạch" and the
# comma before "ngày".
EXPECTED_TEXTS = {
    "bao-cao-chuyen-doi-so-quy-i-2024-huyen-ba-to.txt": [
        "Kế hoạch số 219/KH-UBND ngày 20/12/2023",
        "Kế hoạch số 38/KH-UBND ngày 28/02/2023",
        "Kế hoạch số 38/KH-UBND ngày 28/02/2024",
        "Kế hoạch số 18/KH-UBND ngày 25/01/2024",
        "Kế hoạch số 44/KH-UBND ngày 08/3/2024",
        "Quyết định số 25/QĐ-UBND ngày 07/3/2024",
        "Công văn số 392/UBND ngày 05/3/2024",
        "Công văn số 386/UBND ngày 05/3/2023",
        "Nghị quyết số 76/NQ-CP, ngày 15/7/2021",
        "Nghị quyết số 76/NQ-CP, ngày 15/7/2021",
        "quyết định số 144/QĐ-STTTT ngày 21/11/2022",
        "Quyết định số 4679/QĐ-UBND ngày 28/12/2022",
        "Quyết định số 25/QĐ-UBND ngày 25/3/2024",
        "công văn số 1616/STTTT-BCVT&CNTT ngày 07/11/2022",
        "kế hoạch số 144/KH-UBND ngày 13/9/2022",
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_reports_exact_citation_lists(name):
    text = read_sample(name)
    citations = find_citations(text)
    assert [fields(c) for c in citations] == EXPECTED[name]
    for citation in citations:
        assert text[citation.start : citation.end] == citation.text
    if name in EXPECTED_TEXTS:
        assert [c.text for c in citations] == EXPECTED_TEXTS[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_numbered_notation_in_the_samples_is_covered(name):
    """Independent net: each "digits/LETTERS" in a report lies inside some citation."""
    text = read_sample(name)
    spans = [(c.start, c.end) for c in find_citations(text)]
    for m in re.finditer(r"\d+\s*/\s*(?:\d{4}/)?[A-ZĐ]", text):
        assert any(start <= m.start() < end for start, end in spans), text[m.start() - 40 : m.end() + 20]


def test_sample_reports_in_nfd_give_the_same_citations():
    for name, expected in EXPECTED.items():
        text = unicodedata.normalize("NFD", read_sample(name))
        citations = find_citations(text)
        assert [fields(c) for c in citations] == expected
        for citation in citations:
            assert text[citation.start : citation.end] == citation.text
            assert unicodedata.is_normalized("NFD", citation.text)


def test_blank_number_headings_are_not_citations():
    assert find_citations("Số: /BC-BDT\n\nQuảng Ngãi, ngày tháng 9 năm 2023") == []
    assert find_citations("Số:       /BC-UBND") == []


# ------------------------------------------------------------ individual shapes


def one(text):
    citations = find_citations(text)
    assert len(citations) == 1, citations
    return citations[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kế hoạch số 61/KH-UBND ngày 10/4/2019",
            ("Kế hoạch", "KH", "61", 2019, "KH-UBND", "10/4/2019", D(2019, 4, 10)),
        ),
        ("Nghị quyết số 17-NQ/CP", ("Nghị quyết", "NQ", "17", None, "NQ/CP", None, None)),
        (
            "Nghị quyết số 36-NQ/TW ngày 01/7/2014",
            ("Nghị quyết", "NQ", "36", 2014, "NQ/TW", "01/7/2014", D(2014, 7, 1)),
        ),
        (
            "Quyết định số 44/2022/QĐ-UBND ngày 24/11/2022",
            ("Quyết định", "QĐ", "44", 2022, "QĐ-UBND", "24/11/2022", D(2022, 11, 24)),
        ),
        (
            "Kế hoạch số: 12 /KH-SNV, ngày 15/3/2021",
            ("Kế hoạch", "KH", "12", 2021, "KH-SNV", "15/3/2021", D(2021, 3, 15)),
        ),
        (
            "Công văn số 2584/BTTTT-THH ngày 05 tháng 8 năm 2019",
            ("Công văn", None, "2584", 2019, "BTTTT-THH", "05 tháng 8 năm 2019", D(2019, 8, 5)),
        ),
        ("Nghị định số 09/2019/NĐ-CP", ("Nghị định", "NĐ", "09", 2019, "NĐ-CP", None, None)),
        ("Chỉ thị 02/CT-TTg", ("Chỉ thị", "CT", "02", None, "CT-TTg", None, None)),
        ("KẾ HOẠCH SỐ 61/KH-UBND", ("Kế hoạch", "KH", "61", None, "KH-UBND", None, None)),
        ("kế hoạch số 61/KH-UBND", ("Kế hoạch", "KH", "61", None, "KH-UBND", None, None)),
        ("Tờ trình số 05/TTr-SNV", ("Tờ trình", "TTr", "05", None, "TTr-SNV", None, None)),
        ("TỜ TRÌNH SỐ 05/TTR-SNV", ("Tờ trình", "TTr", "05", None, "TTR-SNV", None, None)),
        (
            "Thông tư liên tịch số 01/2015/TTLT-BTTTT-BNV",
            ("Thông tư liên tịch", "TTLT", "01", 2015, "TTLT-BTTTT-BNV", None, None),
        ),
        ("Thông tư số 01/2011/TT-BNV", ("Thông tư", "TT", "01", 2011, "TT-BNV", None, None)),
        ("Luật số 20/2023/QH15", ("Luật", None, "20", 2023, "QH15", None, None)),
        ("Pháp lệnh số 02/2022/UBTVQH15", ("Pháp lệnh", None, "02", 2022, "UBTVQH15", None, None)),
        ("Công văn số 392/UBND", ("Công văn", None, "392", None, "UBND", None, None)),
        ("văn bản số 392/UBND", (None, None, "392", None, "UBND", None, None)),
        ("theo 61/KH-UBND của tỉnh", (None, "KH", "61", None, "KH-UBND", None, None)),
        ("theo 17-NQ/TW của Bộ Chính trị", (None, "NQ", "17", None, "NQ/TW", None, None)),
        ("theo 09/2019/NĐ-CP", (None, "NĐ", "09", 2019, "NĐ-CP", None, None)),
        ("Kế hoạch số 7/KH–UBND", ("Kế hoạch", "KH", "7", None, "KH-UBND", None, None)),
    ],
)
def test_citation_shapes(text, expected):
    assert fields(one(text)) == expected


@pytest.mark.parametrize(
    ("date_text", "expected"),
    [
        ("10/4/2019", D(2019, 4, 10)),
        ("10/04/2019", D(2019, 4, 10)),
        ("10-4-2019", D(2019, 4, 10)),
        ("10.4.2019", D(2019, 4, 10)),
        ("05 tháng 8 năm 2019", D(2019, 8, 5)),
        ("5 tháng 08 năm 2019", D(2019, 8, 5)),
        ("05 THÁNG 8 NĂM 2019", D(2019, 8, 5)),
    ],
)
def test_date_forms(date_text, expected):
    citation = one(f"Quyết định số 1/QĐ-UBND ngày {date_text} của UBND tỉnh")
    assert citation.date_text == date_text
    assert citation.date == expected
    assert citation.year == expected.year
    assert citation.text == f"Quyết định số 1/QĐ-UBND ngày {date_text}"


def test_upper_case_ngay_and_mixed_separators():
    assert one("QUYẾT ĐỊNH SỐ 1/QĐ-UBND NGÀY 02/3/2024").date == D(2024, 3, 2)
    # Mixed separators are not a date: the citation stops before "ngày".
    citation = one("Quyết định số 1/QĐ-UBND ngày 02/3-2024")
    assert citation.date is None and citation.date_text is None
    assert citation.text == "Quyết định số 1/QĐ-UBND"


def test_impossible_date_keeps_the_written_text_and_year():
    citation = one("Tờ trình số 7/TTr-UBND ngày 31/02/2024")
    assert (citation.date_text, citation.date, citation.year) == ("31/02/2024", None, 2024)


def test_year_in_the_number_wins_over_the_date():
    citation = one("Quyết định số 44/2022/QĐ-UBND ngày 03/01/2023")
    assert (citation.year, citation.date) == (2022, D(2023, 1, 3))


def test_luat_with_title():
    citation = one("theo Luật Giao dịch điện tử số 20/2023/QH15 ngày 22/6/2023")
    assert citation.type_name == "Luật"
    assert citation.text == "Luật Giao dịch điện tử số 20/2023/QH15 ngày 22/6/2023"
    assert one("LUẬT AN TOÀN THÔNG TIN MẠNG SỐ 86/2015/QH13").type_name == "Luật"
    # "pháp luật" is not a law's title; the citation stays untyped.
    assert one("chính sách pháp luật của Nhà nước số 5/ABC").type_name is None
    assert one("Luật Đất đai và Luật Xây dựng số 50/2014/QH13").text == "Luật Xây dựng số 50/2014/QH13"


def test_citation_across_a_line_break():
    text = "thực hiện Kế hoạch\nsố 61/KH-UBND\nngày 10/4/2019 của UBND tỉnh"
    citation = one(text)
    assert citation.type_name == "Kế hoạch"
    assert citation.date == D(2019, 4, 10)
    assert citation.text == "Kế hoạch\nsố 61/KH-UBND\nngày 10/4/2019"


@pytest.mark.parametrize(
    "text",
    [
        "Số: /BC-BDT",
        "xử lý 37/37 TTHC dịch vụ công",
        "đạt 19 máy/19 cán bộ",
        "là 423/489 hồ sơ",
        "từ ngày 15/6/2023- ngày 14/9/2023",
        "giai đoạn 2019 - 2020, 2021-2025",
        "theo 392/UBND",  # issuer-only notation needs a type word or "số"
        "ban hành 03 Kế hoạch¹ và 01 Quyết định và 02 Công văn²",
        "Kế hoạch nâng cao chất lượng",
        "tại địa chỉ: <https://bato.quangngai.gov.vn>",
        "VP HĐND&UBND huyện; Lưu: VT, VH&TT.",
        "tỷ lệ 99,17% và 86,5%",
        "Tổng số văn bản đi là 375 văn bản",
        "số hóa 100%",
        "covid-19/2021",
    ],
)
def test_not_citations(text):
    assert find_citations(text) == []


def test_offsets_and_several_citations():
    text = "Căn cứ Nghị định số 30/2020/NĐ-CP; Chỉ thị 02/CT-TTg và văn bản số 5/UBND."
    citations = find_citations(text)
    assert [c.text for c in citations] == [
        "Nghị định số 30/2020/NĐ-CP",
        "Chỉ thị 02/CT-TTg",
        "số 5/UBND",
    ]
    for citation in citations:
        assert text[citation.start : citation.end] == citation.text


def test_nfd_input_keeps_offsets_into_the_input():
    text = unicodedata.normalize("NFD", "Ủy ban: Quyết định số 25/QĐ-UBND ngày 07/3/2024.")
    citation = one(text)
    assert citation.type_name == "Quyết định"
    assert citation.type_code == "QĐ"
    assert citation.notation == "QĐ-UBND"
    assert text[citation.start : citation.end] == citation.text
    assert citation.text == unicodedata.normalize("NFD", "Quyết định số 25/QĐ-UBND ngày 07/3/2024")


# ------------------------------------------------------------- document types


def test_catalogue():
    assert len(ADMINISTRATIVE_TYPES) == 29
    assert len(DOCUMENT_TYPES) == 34
    names = [t.name for t in DOCUMENT_TYPES]
    codes = [t.code for t in DOCUMENT_TYPES if t.code]
    assert len(set(names)) == len(names)
    assert len({c.upper() for c in codes}) == len(codes)
    assert {t.name for t in DOCUMENT_TYPES if t.code is None} == {"Công văn", "Thư công", "Luật", "Pháp lệnh"}
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert type_by_code("QYĐ") == next(t for t in DOCUMENT_TYPES if t.name == "Quy định")
    assert type_by_code("ttr") == next(t for t in DOCUMENT_TYPES if t.name == "Tờ trình")
    assert type_by_name("kế hoạch") == next(t for t in DOCUMENT_TYPES if t.code == "KH")
    assert type_by_code("UBND") is None


OLD_TONE_PLACEMENT = {"thỏa": "thoả", "ủy": "uỷ"}


def spellings(name):
    yield name
    yield name.lower()
    yield name.upper()
    old = name
    for new_style, old_style in OLD_TONE_PLACEMENT.items():
        old = old.replace(new_style, old_style)
    yield old
    yield old.upper()
    yield unicodedata.normalize("NFD", name)


@pytest.mark.parametrize("doc_type", DOCUMENT_TYPES, ids=lambda t: t.name)
def test_every_document_type_is_recognised(doc_type):
    notation = f"{doc_type.code}-UBND" if doc_type.code else "UBND"
    for spelling in spellings(doc_type.name):
        citation = one(f"Căn cứ {spelling} số 12/{notation} ngày 03/02/2024 của UBND tỉnh.")
        assert citation.type_name == doc_type.name, spelling
        assert citation.type_code == doc_type.code
        assert citation.notation == notation
        assert citation.date == D(2024, 2, 3)


def test_both_tone_placements_match():
    assert one("Bản thoả thuận số 3/BTT-UBND").type_name == "Bản thỏa thuận"
    assert one("Bản thỏa thuận số 3/BTT-UBND").type_name == "Bản thỏa thuận"
    assert one("Giấy uỷ quyền số 4/GUQ-UBND").type_name == "Giấy ủy quyền"
    assert one("GIẤY ỦY QUYỀN SỐ 4/GUQ-UBND").type_name == "Giấy ủy quyền"


# ------------------------------------------------------------------- property


segment = st.text(alphabet="ABCDĐEGHKLMNPQRSTUVXY", min_size=1, max_size=6)
filler = st.text(alphabet="abcdeghiklmnoqrstuvxyàáảãạăâđêôơư ,;.()\n", max_size=40)


@given(
    doc_type=st.sampled_from(DOCUMENT_TYPES),
    number=st.integers(min_value=1, max_value=99999),
    issuer=segment,
    year_in_number=st.booleans(),
    day=st.dates(min_value=D(1990, 1, 1), max_value=D(2099, 12, 31)),
    before=filler,
    after=filler,
)
def test_generated_citations_parse_back(doc_type, number, issuer, year_in_number, day, before, after):
    code = doc_type.code or ""
    notation = f"{code}-{issuer}" if code else issuer
    year_part = f"{day.year}/" if year_in_number else ""
    cited = f"{doc_type.name} số {number}/{year_part}{notation} ngày {day.day}/{day.month}/{day.year}"
    text = f"{before} {cited} {after}"
    citations = find_citations(text)
    assert [c.text for c in citations] == [cited]
    citation = citations[0]
    assert citation.type_name == doc_type.name
    assert citation.number == str(number)
    assert citation.notation == notation
    assert citation.date == day
    assert citation.year == day.year
    assert text[citation.start : citation.end] == cited
