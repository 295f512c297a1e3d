"""Where the number and date form fields go: over the lines "Số: …/…" and "…, ngày … tháng …".

A draft is signed before it has a number and a date (the Văn thư numbers it on release,
Nghị định 30/2020 Đ15). The leader's signature therefore creates two text fields, and the
release fills them in. The renderer reports only the signature space, so the fields' boxes
are computed here from the same header table it lays out: the number and the place-date
lines are the first lines of the header's second row, below the taller of the two first-row
columns. `tests/test_placement.py` checks the boxes against the words poppler finds.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm

from cqs.rendering import layout as L
from cqs.rendering.model import OfficialDocument
from cqs.rendering.pdf import SignatureBox
from cqs.rendering.typefaces import register_fonts
from cqs.signing.appearance import FIELD_PAD_PT

__all__ = [
    "DATE_FIELD",
    "NUMBER_FIELD",
    "FieldPlacement",
    "TextFieldSpec",
    "field_placement_for",
    "release_texts",
]

NUMBER_FIELD = "so_van_ban"
DATE_FIELD = "ngay_ban_hanh"
#: The header table's second row starts this far below the first (its TOPPADDING).
_SECOND_ROW_GAP_PT = 6.0


@dataclass(frozen=True)
class TextFieldSpec:
    """A one-line text field: its name, box (PDF points, page from 1) and type."""

    name: str
    box: SignatureBox
    font_size: float
    italic: bool = False
    tooltip: str = ""


@dataclass(frozen=True)
class FieldPlacement:
    number: TextFieldSpec
    date: TextFieldSpec

    @property
    def fields(self) -> tuple[TextFieldSpec, TextFieldSpec]:
        return (self.number, self.date)


def _line_box(top: float, x0: float, x1: float, size: float) -> SignatureBox:
    leading = size * L.LINE_HEIGHT_EM
    return SignatureBox(1, x0, top - leading - FIELD_PAD_PT, x1, top + FIELD_PAD_PT)


def field_placement_for(doc: OfficialDocument) -> FieldPlacement:
    """Boxes over the number line and the place-date line of `doc` as `render_pdf` lays it out."""
    # The renderer's own header table, so wrapping of long agency names is measured the same way.
    from cqs.rendering.pdf import _header

    register_fonts()
    table = _header(doc)
    frame_height = (L.PAGE_HEIGHT_MM - L.MARGIN_TOP_MM - L.MARGIN_BOTTOM_MM) * mm
    table.wrap(L.TEXT_WIDTH_MM * mm, frame_height)
    first_row = float(table._rowHeights[0])  # type: ignore[attr-defined]
    top = (L.PAGE_HEIGHT_MM - L.MARGIN_TOP_MM) * mm - first_row - _SECOND_ROW_GAP_PT
    left = L.MARGIN_LEFT_MM * mm
    padding = L.CELL_PADDING_MM * mm
    split = left + L.HEADER_LEFT_MM * mm
    right = left + L.TEXT_WIDTH_MM * mm
    return FieldPlacement(
        number=TextFieldSpec(
            NUMBER_FIELD,
            _line_box(top, left + padding, split - padding, L.NUMBER_PT),
            L.NUMBER_PT,
            italic=False,
            tooltip="Số, ký hiệu văn bản (Văn thư ghi khi phát hành)",
        ),
        date=TextFieldSpec(
            DATE_FIELD,
            _line_box(top, split + padding, right - padding, L.PLACE_DATE_PT),
            L.PLACE_DATE_PT,
            italic=True,
            tooltip="Địa danh, ngày tháng năm ban hành (Văn thư ghi khi phát hành)",
        ),
    )


def release_texts(doc: OfficialDocument) -> tuple[str, str]:
    """The number line and the place-date line of a numbered, dated document, as printed."""
    if not doc.number or doc.issued_on is None:
        raise ValueError("the document needs its number and issue date")
    return L.number_line(doc), L.place_date_line(doc)
