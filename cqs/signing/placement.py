"""Where the number and date form fields go: over the lines "Số: …/…" and "…, ngày … tháng …".

A draft is signed before it has a number and a date (the Văn thư numbers it on release,
Nghị định 30/2020 Đ15). The leader's signature therefore creates two text fields, and the
release fills them in. The renderer reports only the signature space, so the fields' boxes
are computed here from the same header table it lays out: the number and the place-date
lines are the first lines of the header's second row, below the taller of the two first-row
columns. `tests/test_placement.py` checks the boxes against the words poppler finds.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader
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
    "uploaded_placement",
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


# ----------------------------------------------------------------------------- uploaded PDFs
# A PDF drafted elsewhere (Word, another system) has no layout we know. Its signature goes
# below the last line of text on its last page, in the right half, when there is room (else
# it is invisible); the number and date fields go in the top margin of page 1, right side,
# where Decree 30 puts nothing and an attachment's signature goes (PL I §II.8).

UPLOADED_BOX_WIDTH_PT = 80 * mm
UPLOADED_BOX_HEIGHT_PT = 32 * mm
UPLOADED_FIELD_PT = 11.0
_BOTTOM_MARGIN_PT = 15 * mm
_RIGHT_MARGIN_PT = 15 * mm
_TOP_MARGIN_PT = 4 * mm
_GAP_PT = 6.0
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">')


@dataclass(frozen=True)
class UploadedPlacement:
    box: SignatureBox | None
    fields: FieldPlacement


def _page_sizes(pdf: bytes) -> list[tuple[float, float, float, float]]:
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    sizes = []
    for index in range(int(reader.root["/Pages"]["/Count"])):
        page = reader.find_page_for_modification(index)[0].get_object()  # type: ignore[no-untyped-call]
        node = page
        box = None
        while node is not None and box is None:
            box = node.get("/CropBox") or node.get("/MediaBox")
            node = node.get("/Parent")
        if box is None:
            raise ValueError("page without MediaBox")
        x0, y0, x1, y1 = (float(v) for v in box)
        sizes.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    return sizes


def _lowest_text_top(pdf: bytes, page: int, height: float) -> float | None:
    """The PDF y (from the bottom) of the lowest word's bottom on `page`, by poppler; None if blank."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "draft.pdf"
        path.write_bytes(pdf)
        command = [tool, "-bbox", "-f", str(page), "-l", str(page), str(path), "-"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    bottoms = [float(match.group(4)) for match in _WORD.finditer(result.stdout)]
    return height - max(bottoms) if bottoms else None


def uploaded_placement(pdf: bytes) -> UploadedPlacement:
    """Where the leader's signature and the number/date fields go on an uploaded PDF draft."""
    sizes = _page_sizes(pdf)
    last = len(sizes)
    x0, y0, x1, y1 = sizes[-1]
    lowest = _lowest_text_top(pdf, last, y1 - y0)
    top = (y1 - _GAP_PT) if lowest is None else (y0 + lowest - _GAP_PT)
    box: SignatureBox | None = None
    if top - UPLOADED_BOX_HEIGHT_PT >= y0 + _BOTTOM_MARGIN_PT:
        right = x1 - _RIGHT_MARGIN_PT
        box = SignatureBox(last, right - UPLOADED_BOX_WIDTH_PT, top - UPLOADED_BOX_HEIGHT_PT, right, top)
    fx0, _fy0, fx1, fy1 = sizes[0]
    width = min(95 * mm, (fx1 - fx0) / 2)
    right = fx1 - _RIGHT_MARGIN_PT
    leading = UPLOADED_FIELD_PT * L.LINE_HEIGHT_EM + 2 * FIELD_PAD_PT
    number_top = fy1 - _TOP_MARGIN_PT
    date_top = number_top - leading
    return UploadedPlacement(
        box=box,
        fields=FieldPlacement(
            number=TextFieldSpec(
                NUMBER_FIELD,
                SignatureBox(1, right - width, number_top - leading, right, number_top),
                UPLOADED_FIELD_PT,
                tooltip="Số, ký hiệu văn bản (Văn thư ghi khi phát hành)",
            ),
            date=TextFieldSpec(
                DATE_FIELD,
                SignatureBox(1, right - width, date_top - leading, right, date_top),
                UPLOADED_FIELD_PT,
                italic=True,
                tooltip="Địa danh, ngày tháng năm ban hành (Văn thư ghi khi phát hành)",
            ),
        ),
    )
