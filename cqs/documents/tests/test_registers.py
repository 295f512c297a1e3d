"""The Decree-30 registers as PDF (A4 landscape, embedded fonts, repeated headings) and XLSX."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cqs.documents.registers import (
    RegisterKind,
    columns,
    register_filename,
    register_pdf,
    register_title,
    register_xlsx,
    row_values,
)
from cqs.documents.selectors import FollowUpRow, IncomingRegisterRow, OutgoingRegisterRow
from cqs.rendering.tests import poppler

AGENCY = "Ban Dân tộc tỉnh Sơn Hà"
MM = 72 / 25.4

OUTGOING_HEADERS = (
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
INCOMING_HEADERS = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
FOLLOW_UP_HEADERS = (
    "Số đến",
    "Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan, tổ chức ban hành văn bản",
    "Đơn vị hoặc người nhận",
    "Thời hạn giải quyết",
    "Tiến độ giải quyết",
    "Số, ký hiệu văn bản trả lời",
    "Ghi chú",
)


def outgoing(number: int = 5, **overrides: object) -> OutgoingRegisterRow:
    values: dict[str, object] = {
        "reference": f"{number:02d}/BC-BDT",
        "issued_on": date(2025, 1, 5),
        "type_and_subject": "Báo cáo: Kết quả ứng dụng công nghệ thông tin Quý IV năm 2024",
        "signer": "Nguyễn Thị Ánh (KT. Phó Trưởng ban)",
        "recipients": "Sở Khoa học và Công nghệ; Ủy ban nhân dân tỉnh Sơn Hà",
        "archive_holder": "VT, VP",
        "copies": 3,
        "transferred_on": date(2025, 1, 6),
        "receipt_signature": "",
        "note": "Hỏa tốc",
    }
    values.update(overrides)
    return OutgoingRegisterRow(**values)  # type: ignore[arg-type]


def incoming(number: int = 1) -> IncomingRegisterRow:
    return IncomingRegisterRow(
        arrival_date=date(2025, 3, 10),
        arrival_number=number,
        author="Ủy ban nhân dân tỉnh Sơn Hà",
        reference="125/UBND-KGVX",
        issued_on=date(2025, 3, 7),
        type_and_subject="Công văn: Về việc triển khai chuyển đổi số năm 2025",
        receivers="Phòng Tổng hợp (chủ trì, giao Đặng Văn Đức)",
        transferred_on=date(2025, 3, 11),
        receipt_signature="",
        note="Khẩn",
    )


def follow_up() -> FollowUpRow:
    return FollowUpRow(
        arrival_number=7,
        document="Công văn số 125/UBND-KGVX ngày 07/03/2025 của Ủy ban nhân dân tỉnh Sơn Hà",
        receivers="Phòng Tổng hợp (chủ trì)",
        deadline=date(2025, 3, 20),
        progress="Đang xử lý: đã dự thảo văn bản trả lời",
        reply_reference="45/BDT-TH",
        note="",
    )


def flat(text: str) -> str:
    """Extracted text with every run of white space as one space (cells wrap their lines)."""
    return re.sub(r"\s+", " ", text)


def column_texts(path: Path, kind: str, *, page: int | None = None) -> list[str]:
    """The text inside each column of the register's table (A4 landscape, margins 20/15 mm),
    so that a wrapped cell is read whole and in its own column."""
    widths = [column.width for column in columns(kind)]
    left, usable = 20 * MM, 841.89 - 35 * MM
    texts, x = [], left
    for width in widths:
        share = width / sum(widths) * usable
        texts.append(flat(poppler.text(path, page=page, crop=(x + 1, 0, share - 2, 595.28))))
        x += share
    return texts


def pdf_file(tmp_path: Path, data: bytes) -> Path:
    poppler.require_poppler()
    path = tmp_path / "so.pdf"
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- PDF


def test_outgoing_register_pdf(tmp_path: Path) -> None:
    rows = [outgoing(5), outgoing(6, note="", signer="Lê Văn Đạt (Trưởng ban)")]
    path = pdf_file(tmp_path, register_pdf(RegisterKind.OUTGOING, AGENCY, 2025, rows))

    text = flat(poppler.text(path))
    assert "BAN DÂN TỘC TỈNH SƠN HÀ" in text
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI — Năm 2025" in text
    assert "Trang 1" in text
    cells = column_texts(path, "di")
    for number, (header, cell) in enumerate(zip(OUTGOING_HEADERS, cells, strict=True), start=1):
        assert header in cell and f"({number})" in cell, (header, cell)
    expected = (
        ("05/BC-BDT", "06/BC-BDT"),
        ("05/01/2025",),
        ("Báo cáo: Kết quả ứng dụng công nghệ thông tin Quý IV năm 2024",),
        ("Nguyễn Thị Ánh (KT. Phó Trưởng ban)", "Lê Văn Đạt (Trưởng ban)"),
        ("Sở Khoa học và Công nghệ; Ủy ban nhân dân tỉnh Sơn Hà",),
        ("VT, VP",),
        ("3",),
        ("06/01/2025",),
        (),
        ("Hỏa tốc",),
    )
    for cell, values in zip(cells, expected, strict=True):
        for value in values:
            assert value in cell, (value, cell)
    # Row order: the 05 row above the 06 row in every column that differs.
    assert cells[0].index("05/BC-BDT") < cells[0].index("06/BC-BDT")
    assert cells[3].index("Nguyễn Thị Ánh") < cells[3].index("Lê Văn Đạt")
    info = poppler.info(path)
    assert info["Page size"].startswith("841.89 x 595.276 pts")  # A4 landscape
    faces = poppler.fonts(path)
    assert faces and all(face["emb"] == "yes" for face in faces)
    assert {face["name"].split("+")[-1] for face in faces} <= {
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic",
    }


def test_the_headings_repeat_on_every_page(tmp_path: Path) -> None:
    rows = [outgoing(number) for number in range(1, 61)]
    path = pdf_file(tmp_path, register_pdf("di", AGENCY, 2025, rows))
    pages = int(poppler.info(path)["Pages"])
    assert pages >= 3
    for page in range(1, pages + 1):
        cells = column_texts(path, "di", page=page)
        for header, cell in zip(OUTGOING_HEADERS, cells, strict=True):
            assert header in cell, (page, header)
        assert f"Trang {page}" in flat(poppler.text(path, page=page))
    last = flat(poppler.text(path, page=pages))
    assert "60/BC-BDT" in last
    assert f"{AGENCY} — SỔ ĐĂNG KÝ VĂN BẢN ĐI — Năm 2025" in last  # running title after page 1


def test_incoming_register_pdf(tmp_path: Path) -> None:
    path = pdf_file(tmp_path, register_pdf(RegisterKind.INCOMING, AGENCY, 2025, [incoming(1), incoming(12)]))
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN — Năm 2025" in flat(poppler.text(path))
    cells = column_texts(path, "den")
    expected = (
        ("10/03/2025",),
        ("01", "12"),
        ("Ủy ban nhân dân tỉnh Sơn Hà",),
        ("125/UBND-KGVX",),
        ("07/03/2025",),
        ("Công văn: Về việc triển khai chuyển đổi số năm 2025",),
        ("Phòng Tổng hợp (chủ trì, giao Đặng Văn Đức)",),
        ("11/03/2025",),
        (),
        ("Khẩn",),
    )
    for header, cell, values in zip(INCOMING_HEADERS, cells, expected, strict=True):
        assert header in cell, (header, cell)
        for value in values:
            assert value in cell, (value, cell)


def test_follow_up_register_pdf(tmp_path: Path) -> None:
    path = pdf_file(tmp_path, register_pdf(RegisterKind.FOLLOW_UP, AGENCY, 2025, [follow_up()]))
    assert "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN — Năm 2025" in flat(poppler.text(path))
    cells = column_texts(path, "theo_doi")
    expected = (
        ("07",),
        ("Công văn số 125/UBND-KGVX ngày 07/03/2025 của Ủy ban nhân dân tỉnh Sơn Hà",),
        ("Phòng Tổng hợp (chủ trì)",),
        ("20/03/2025",),
        ("Đang xử lý: đã dự thảo văn bản trả lời",),
        ("45/BDT-TH",),
        (),
    )
    for header, cell, values in zip(FOLLOW_UP_HEADERS, cells, expected, strict=True):
        assert header in cell, (header, cell)
        for value in values:
            assert value in cell, (value, cell)


def test_an_empty_register_says_so(tmp_path: Path) -> None:
    path = pdf_file(tmp_path, register_pdf("den", AGENCY, 2026, [], secret=True))
    text = flat(poppler.text(path))
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN MẬT — Năm 2026" in text
    assert "Không có văn bản nào trong sổ năm 2026." in text


def test_markup_in_the_data_is_printed_as_text(tmp_path: Path) -> None:
    row = outgoing(
        type_and_subject="Báo cáo: <b>Dự án</b> & chương trình", recipients="Sở Nội vụ\nSở Tài chính"
    )
    path = pdf_file(tmp_path, register_pdf("di", AGENCY, 2025, [row]))
    cells = column_texts(path, "di")
    assert "Báo cáo: <b>Dự án</b> & chương trình" in cells[2]
    assert "Sở Nội vụ Sở Tài chính" in cells[4]


def test_rows_must_match_the_register() -> None:
    with pytest.raises(TypeError, match="IncomingRegisterRow"):
        register_pdf(RegisterKind.INCOMING, AGENCY, 2025, [outgoing()])
    with pytest.raises(TypeError):
        register_xlsx(RegisterKind.FOLLOW_UP, AGENCY, 2025, [incoming()])


def test_columns_follow_phu_luc_iv() -> None:
    assert tuple(c.header for c in columns("di")) == OUTGOING_HEADERS
    assert tuple(c.header for c in columns("den")) == INCOMING_HEADERS
    assert tuple(c.header for c in columns("theo_doi")) == FOLLOW_UP_HEADERS
    assert register_title("di", 2025) == "SỔ ĐĂNG KÝ VĂN BẢN ĐI — Năm 2025"
    assert register_filename("den", 2025, "xlsx", secret=True) == "so-dang-ky-van-ban-den-mat-2025.xlsx"
    values = row_values(incoming(3))
    assert values[0] == date(2025, 3, 10) and values[1] == 3 and len(values) == 10


# --------------------------------------------------------------------------- XLSX


def test_outgoing_register_xlsx() -> None:
    formula = '=HYPERLINK("http://example.com","bấm vào")'
    data = register_xlsx("di", AGENCY, 2025, [outgoing(5), outgoing(6, note=formula)])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet["A1"].value == "BAN DÂN TỘC TỈNH SƠN HÀ" and sheet["A1"].font.b
    assert sheet["A2"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐI — Năm 2025"
    assert tuple(cell.value for cell in sheet[4]) == OUTGOING_HEADERS
    assert all(cell.font.b for cell in sheet[4])
    assert tuple(cell.value for cell in sheet[5]) == tuple(f"({n})" for n in range(1, 11))
    first = [cell.value for cell in sheet[6]]
    assert first[0] == "05/BC-BDT"
    assert first[1] == datetime(2025, 1, 5)
    assert sheet["B6"].number_format == "dd/mm/yyyy"
    assert first[2] == "Báo cáo: Kết quả ứng dụng công nghệ thông tin Quý IV năm 2024"
    assert first[3] == "Nguyễn Thị Ánh (KT. Phó Trưởng ban)"
    assert first[6] == 3
    assert first[7] == datetime(2025, 1, 6)
    assert first[9] == "Hỏa tốc"
    assert sheet["C6"].alignment.wrap_text
    assert sheet.freeze_panes == "A6"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["G"].width
    assert sheet.page_setup.orientation == "landscape"
    # Text that looks like a formula stays text.
    assert sheet["J7"].value == formula and sheet["J7"].data_type == "s"


def test_incoming_and_follow_up_xlsx() -> None:
    sheet = load_workbook(io.BytesIO(register_xlsx("den", AGENCY, 2025, [incoming(1)]))).active
    assert sheet is not None
    assert tuple(cell.value for cell in sheet[4]) == INCOMING_HEADERS
    assert sheet["A6"].value == datetime(2025, 3, 10) and sheet["A6"].number_format == "dd/mm/yyyy"
    assert sheet["B6"].value == 1 and sheet["B6"].number_format == "00"
    assert sheet["C6"].value == "Ủy ban nhân dân tỉnh Sơn Hà"

    sheet = load_workbook(io.BytesIO(register_xlsx("theo_doi", AGENCY, 2025, [follow_up()]))).active
    assert sheet is not None
    assert tuple(cell.value for cell in sheet[4]) == FOLLOW_UP_HEADERS
    assert [cell.value for cell in sheet[6]] == [
        7,
        "Công văn số 125/UBND-KGVX ngày 07/03/2025 của Ủy ban nhân dân tỉnh Sơn Hà",
        "Phòng Tổng hợp (chủ trì)",
        datetime(2025, 3, 20),
        "Đang xử lý: đã dự thảo văn bản trả lời",
        "45/BDT-TH",
        None,
    ]


def test_an_empty_xlsx_register_says_so() -> None:
    sheet = load_workbook(io.BytesIO(register_xlsx("den", AGENCY, 2025, []))).active
    assert sheet is not None
    assert sheet["A6"].value == "Không có văn bản nào trong sổ năm 2025."
