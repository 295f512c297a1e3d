"""The Decree-30 registers (Nghị định 30/2020, Phụ lục IV; regulations.md §1.11), printed and exported.

* sổ đăng ký văn bản đi — 10 columns, one `OutgoingRegisterRow` per outgoing document;
* sổ đăng ký văn bản đến — 10 columns, one `IncomingRegisterRow` per incoming document;
* sổ theo dõi giải quyết văn bản đến — 7 columns, one `FollowUpRow` per routed document.

`register_pdf` lays a register out on A4 landscape with the agency and the year on top, the
column headings (and the column numbers of the printed form) repeated on every page, page
numbers, and Liberation Serif (Times New Roman metrics) embedded. `register_xlsx` writes the
same register for Excel/LibreOffice: title rows, bold headings, fixed column widths, real
dates shown dd/mm/yyyy, wrapped text and frozen headings.

The rows are plain data: `cqs.documents.selectors` builds them from the database; this
module only formats what it is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from io import BytesIO
from typing import Any, Final, Literal, TypeAlias
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, LongTable, PageTemplate, Spacer, TableStyle
from reportlab.platypus import Paragraph as RLParagraph

from cqs.core.text import format_date_short, nfc
from cqs.core.workcalendar import VN_TZ
from cqs.documents.selectors import FollowUpRow, IncomingRegisterRow, OutgoingRegisterRow
from cqs.rendering.typefaces import DOCX_FONT_NAME, face, register_fonts, text_width

__all__ = [
    "Column",
    "RegisterKind",
    "RegisterRow",
    "columns",
    "register_filename",
    "register_pdf",
    "register_title",
    "register_xlsx",
    "row_values",
]

Cell: TypeAlias = str | int | date | None
RegisterRow: TypeAlias = OutgoingRegisterRow | IncomingRegisterRow | FollowUpRow
Align: TypeAlias = Literal["left", "center"]


class RegisterKind(StrEnum):
    OUTGOING = "di"
    INCOMING = "den"
    FOLLOW_UP = "theo_doi"


def _date(value: date | None) -> date | None:
    """A calendar date; an aware datetime is taken in Vietnam time."""
    if isinstance(value, datetime):
        return value.astimezone(VN_TZ).date() if value.tzinfo is not None else value.date()
    return value


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """A register column: the heading of Phụ lục IV, a width and how its values are shown."""

    header: str
    #: Width in Excel characters; the PDF shares the page width in the same proportions.
    width: float
    align: Align = "left"
    #: Excel number format of an integer column ("00" prints 1 as 01, like the printed registers).
    number_format: str = "0"


# Headings worded as in Nghị định 30/2020, Phụ lục IV (I.2, VI.2, VIII.2).
_OUTGOING_COLUMNS: Final = (
    Column("Số, ký hiệu văn bản", 20, "center"),
    Column("Ngày tháng văn bản", 12, "center"),
    Column("Tên loại và trích yếu nội dung văn bản", 34),
    Column("Người ký", 15),
    Column("Nơi nhận văn bản", 22),
    Column("Đơn vị, người nhận bản lưu", 15),
    Column("Số lượng bản", 7, "center"),
    Column("Ngày chuyển", 12, "center"),
    Column("Ký nhận", 10),
    Column("Ghi chú", 11),
)
_INCOMING_COLUMNS: Final = (
    Column("Ngày đến", 12, "center"),
    Column("Số đến", 7, "center", "00"),
    Column("Tác giả", 19),
    Column("Số, ký hiệu văn bản", 20, "center"),
    Column("Ngày tháng văn bản", 12, "center"),
    Column("Tên loại và trích yếu nội dung văn bản", 33),
    Column("Đơn vị hoặc người nhận", 18),
    Column("Ngày chuyển", 12, "center"),
    Column("Ký nhận", 10),
    Column("Ghi chú", 11),
)
_FOLLOW_UP_COLUMNS: Final = (
    Column("Số đến", 7, "center", "00"),
    Column("Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan, tổ chức ban hành văn bản", 36),
    Column("Đơn vị hoặc người nhận", 22),
    Column("Thời hạn giải quyết", 12, "center"),
    Column("Tiến độ giải quyết", 30),
    Column("Số, ký hiệu văn bản trả lời", 20, "center"),
    Column("Ghi chú", 13),
)


@dataclass(frozen=True)
class _Spec:
    title: str
    sheet: str
    file_stem: str
    row_type: type[RegisterRow]
    columns: tuple[Column, ...]


_SPECS: Final[dict[RegisterKind, _Spec]] = {
    RegisterKind.OUTGOING: _Spec(
        "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
        "Sổ văn bản đi",
        "so-dang-ky-van-ban-di",
        OutgoingRegisterRow,
        _OUTGOING_COLUMNS,
    ),
    RegisterKind.INCOMING: _Spec(
        "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
        "Sổ văn bản đến",
        "so-dang-ky-van-ban-den",
        IncomingRegisterRow,
        _INCOMING_COLUMNS,
    ),
    RegisterKind.FOLLOW_UP: _Spec(
        "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
        "Sổ theo dõi giải quyết",
        "so-theo-doi-giai-quyet-van-ban-den",
        FollowUpRow,
        _FOLLOW_UP_COLUMNS,
    ),
}


def columns(kind: RegisterKind | str) -> tuple[Column, ...]:
    """The register's columns, in the order of Phụ lục IV."""
    return _SPECS[RegisterKind(kind)].columns


def row_values(row: RegisterRow) -> tuple[Cell, ...]:
    """The row's values in column order, typed (dates as dates, numbers as numbers).

    A row is a selectors dataclass whose fields are its register's columns, in order.
    """
    values: list[Cell] = []
    for item in fields(row):
        value = getattr(row, item.name)
        if value is not None and not isinstance(value, str | int | date):
            raise TypeError(f"{type(row).__name__}.{item.name} is a {type(value).__name__}, not a cell value")
        values.append(_date(value) if isinstance(value, date) else value)
    return tuple(values)


def register_title(kind: RegisterKind | str, year: int, *, secret: bool = False) -> str:
    """'SỔ ĐĂNG KÝ VĂN BẢN ĐI — Năm 2025' ('… ĐI MẬT …' for the secret series)."""
    kind = RegisterKind(kind)
    title = _SPECS[kind].title
    if secret and kind is not RegisterKind.FOLLOW_UP:
        title += " MẬT"
    return f"{title} — Năm {year}"


def register_filename(kind: RegisterKind | str, year: int, extension: str, *, secret: bool = False) -> str:
    """An ASCII download name: 'so-dang-ky-van-ban-di-2025.pdf'."""
    stem = _SPECS[RegisterKind(kind)].file_stem + ("-mat" if secret else "")
    return f"{stem}-{year}.{extension.lstrip('.')}"


def _prepare(kind: RegisterKind | str, agency_name: str, rows: Sequence[RegisterRow]) -> tuple[_Spec, str]:
    spec = _SPECS[RegisterKind(kind)]
    for row in rows:
        if not isinstance(row, spec.row_type):
            raise TypeError(f"{spec.title} needs {spec.row_type.__name__} rows, not {type(row).__name__}")
    if len(fields(spec.row_type)) != len(spec.columns):
        raise TypeError(f"{spec.row_type.__name__} must have one field per column ({len(spec.columns)})")
    name = nfc(agency_name).strip()
    if not name:
        raise ValueError("agency_name is required")
    return spec, name


def _empty_message(year: int) -> str:
    return f"Không có văn bản nào trong sổ năm {year}."


# --------------------------------------------------------------------------- PDF

_PAGE: Final = landscape(A4)
_MARGIN_LEFT: Final = 20 * mm
_MARGIN_RIGHT: Final = 15 * mm
_MARGIN_TOP: Final = 15 * mm
_MARGIN_BOTTOM: Final = 15 * mm
_TEXT_WIDTH: Final = _PAGE[0] - _MARGIN_LEFT - _MARGIN_RIGHT
_CELL_PT: Final = 10.0
_TITLE_PT: Final = 14.0
_AGENCY_PT: Final = 13.0
_FOOTER_PT: Final = 10.0
_CELL_PADDING: Final = 3.0
_ALIGN: Final[dict[Align, Literal[0, 1]]] = {"left": TA_LEFT, "center": TA_CENTER}


def _style(
    size: float, *, bold: bool = False, italic: bool = False, align: Align = "center"
) -> ParagraphStyle:
    return ParagraphStyle(
        name=f"register-{size}-{bold}-{italic}-{align}",
        fontName=face(bold=bold, italic=italic),
        fontSize=size,
        leading=size * 1.2,
        alignment=_ALIGN[align],
    )


def _plain(value: Cell, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date_short(value)
    if isinstance(value, int):
        return f"{value:0{len(column.number_format)}d}" if set(column.number_format) == {"0"} else str(value)
    return "\n".join(nfc(line).strip() for line in value.splitlines())


def _pdf_cell(value: Cell, column: Column, width: float, style: ParagraphStyle) -> str | RLParagraph:
    """A plain string when every line fits the column (much faster to lay out), else a wrapping paragraph."""
    text = _plain(value, column)
    if all(text_width(line, _CELL_PT) <= width for line in text.splitlines()):
        return text
    return RLParagraph("<br/>".join(escape(line) for line in text.splitlines()), style)


def _page_furniture(title: str, agency: str) -> Callable[[Canvas, BaseDocTemplate], None]:
    def draw(canvas: Canvas, template: BaseDocTemplate) -> None:
        canvas.saveState()
        number = canvas.getPageNumber()
        canvas.setFont(face(), _FOOTER_PT)
        canvas.drawCentredString(_PAGE[0] / 2, _MARGIN_BOTTOM / 2, f"Trang {number}")
        if number > 1:
            canvas.setFont(face(italic=True), _FOOTER_PT)
            canvas.drawString(_MARGIN_LEFT, _PAGE[1] - _MARGIN_TOP / 2 - 3, f"{agency} — {title}")
        canvas.restoreState()

    return draw


def register_pdf(
    kind: RegisterKind | str,
    agency_name: str,
    year: int,
    rows: Sequence[RegisterRow],
    *,
    secret: bool = False,
) -> bytes:
    """The register as a PDF on A4 landscape; see the module docstring."""
    spec, agency = _prepare(kind, agency_name, rows)
    register_fonts()
    title = register_title(kind, year, secret=secret)
    buffer = BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=_PAGE,
        leftMargin=_MARGIN_LEFT,
        rightMargin=_MARGIN_RIGHT,
        topMargin=_MARGIN_TOP,
        bottomMargin=_MARGIN_BOTTOM,
        title=f"{title} — {agency}",
        author=agency,
        subject=title,
        creator="Chính quyền số — cqs.documents.registers",
        lang="vi-VN",
        initialFontName=face(),
        initialFontSize=_CELL_PT,
    )
    frame = Frame(
        _MARGIN_LEFT,
        _MARGIN_BOTTOM,
        _TEXT_WIDTH,
        _PAGE[1] - _MARGIN_TOP - _MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template.addPageTemplates(
        [PageTemplate(id="register", frames=[frame], onPage=_page_furniture(title, agency))]
    )

    cols = spec.columns
    total = sum(column.width for column in cols)
    widths = [column.width / total * _TEXT_WIDTH for column in cols]
    header_style = _style(_CELL_PT, bold=True)
    number_style = _style(_CELL_PT, italic=True)
    cell_styles = [_style(_CELL_PT, align=column.align) for column in cols]
    data: list[list[str | RLParagraph]] = [
        [RLParagraph(escape(column.header), header_style) for column in cols],
        [RLParagraph(f"({number})", number_style) for number in range(1, len(cols) + 1)],
    ]
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), face()),
        ("FONTSIZE", (0, 0), (-1, -1), _CELL_PT),
        ("LEADING", (0, 0), (-1, -1), _CELL_PT * 1.2),
        *(("ALIGN", (index, 2), (index, -1), column.align.upper()) for index, column in enumerate(cols)),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, 1), "MIDDLE"),
        ("VALIGN", (0, 2), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
        ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    inner = [width - 2 * _CELL_PADDING for width in widths]
    for row in rows:
        data.append(
            [
                _pdf_cell(value, cols[index], inner[index], cell_styles[index])
                for index, value in enumerate(row_values(row))
            ]
        )
    if not rows:
        empty: list[str | RLParagraph] = [
            RLParagraph(escape(_empty_message(year)), _style(_CELL_PT, italic=True))
        ]
        data.append(empty + [""] * (len(cols) - 1))
        commands.append(("SPAN", (0, 2), (-1, 2)))
    table = LongTable(data, colWidths=widths, repeatRows=2, hAlign="CENTER")
    table.setStyle(TableStyle(commands))
    story = [
        RLParagraph(escape(agency.upper()), _style(_AGENCY_PT, bold=True)),
        Spacer(1, 4),
        RLParagraph(escape(title), _style(_TITLE_PT, bold=True)),
        Spacer(1, 10),
        table,
    ]
    template.build(story)
    return buffer.getvalue()


# --------------------------------------------------------------------------- XLSX

# Excel refuses control characters other than tab, newline and carriage return.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ROW: Final = 4
_FIRST_DATA_ROW: Final = _HEADER_ROW + 2
_DATE_FORMAT: Final = "dd/mm/yyyy"


def _put(sheet: Worksheet, row: int, column: int, value: Cell, spec: Column | None = None) -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _ILLEGAL_XML.sub("", nfc(value))
        # A subject such as "=HYPERLINK(…)" must stay text, never become a formula.
        cell.data_type = "s"
    else:
        cell.value = value
        if isinstance(value, date):
            cell.number_format = _DATE_FORMAT
        elif isinstance(value, int) and spec is not None:
            cell.number_format = spec.number_format


def register_xlsx(
    kind: RegisterKind | str,
    agency_name: str,
    year: int,
    rows: Sequence[RegisterRow],
    *,
    secret: bool = False,
) -> bytes:
    """The register as an Excel workbook (one sheet); see the module docstring."""
    spec, agency = _prepare(kind, agency_name, rows)
    title = register_title(kind, year, secret=secret)
    cols = spec.columns
    last = get_column_letter(len(cols))
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = f"{spec.sheet} {year}"
    workbook.properties.title = f"{title} — {agency}"
    workbook.properties.creator = "Chính quyền số"

    font = Font(name=DOCX_FONT_NAME, size=11)
    bold = Font(name=DOCX_FONT_NAME, size=11, bold=True)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row_number, text, size in ((1, agency.upper(), 13), (2, title, 14)):
        sheet.merge_cells(f"A{row_number}:{last}{row_number}")
        _put(sheet, row_number, 1, text)
        cell = sheet.cell(row=row_number, column=1)
        cell.font = Font(name=DOCX_FONT_NAME, size=size, bold=True)
        cell.alignment = centred
    sheet.row_dimensions[2].height = 22

    for index, column in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        for row_number, heading in ((_HEADER_ROW, column.header), (_HEADER_ROW + 1, f"({index})")):
            _put(sheet, row_number, index, heading)
            cell = sheet.cell(row=row_number, column=index)
            cell.font = bold if row_number == _HEADER_ROW else Font(name=DOCX_FONT_NAME, size=10, italic=True)
            cell.alignment = centred
            cell.border = _BORDER
    sheet.row_dimensions[_HEADER_ROW].height = 45

    alignments = [Alignment(horizontal=column.align, vertical="top", wrap_text=True) for column in cols]
    for offset, register_row in enumerate(rows):
        row_number = _FIRST_DATA_ROW + offset
        for index, value in enumerate(row_values(register_row), start=1):
            _put(sheet, row_number, index, value, cols[index - 1])
            cell = sheet.cell(row=row_number, column=index)
            cell.font = font
            cell.alignment = alignments[index - 1]
            cell.border = _BORDER
    if not rows:
        sheet.merge_cells(f"A{_FIRST_DATA_ROW}:{last}{_FIRST_DATA_ROW}")
        _put(sheet, _FIRST_DATA_ROW, 1, _empty_message(year))
        sheet.cell(row=_FIRST_DATA_ROW, column=1).font = Font(name=DOCX_FONT_NAME, size=11, italic=True)

    sheet.freeze_panes = f"A{_FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    footer = sheet.oddFooter
    if footer is not None:  # always present on a new sheet; the stubs allow None
        footer.center.text = "Trang &P/&N"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
