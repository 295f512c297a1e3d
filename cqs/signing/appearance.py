"""What the signatures and the filled-in fields look like, drawn with reportlab.

Each appearance is drawn as a one-page PDF the size of its box, with Liberation Serif (every
Vietnamese letter, metric-compatible with Times New Roman) embedded as a subset, and then
imported into the signed PDF as the widget's form XObject. Geometry is in PDF points.

* leader (PL I §II.7.d): the blue signature image centred in the space between the title
  and the name, and two small lines under it — "Ký bởi: …" and "Thời gian ký: …";
* agency: the red seal at real size, overlapping the left third of the leader's image;
* attachment (PL I §II.8): no image, top right of page 1, number/notation and the ISO 8601
  signing time, 10 pt, black, upright;
* number and date fields: the line as printed, on white, over the draft's blank line.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO

from PIL import Image
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from cqs.rendering.pdf import SignatureBox
from cqs.rendering.typefaces import face, register_fonts, text_width

__all__ = [
    "ATTACHMENT_FONT_PT",
    "FIELD_PAD_PT",
    "SEAL_DIAMETER_MM",
    "LeaderLayout",
    "attachment_appearance",
    "attachment_box",
    "leader_image_layer",
    "leader_layout",
    "leader_text_layer",
    "seal_appearance",
    "seal_box",
    "text_field_appearance",
]

#: Real size of an agency seal (the common 35–36 mm of provincial and department seals).
SEAL_DIAMETER_MM = 35.0
#: Size of the two lines under the leader's signature image.
LEADER_TEXT_PT = 7.0
#: PL I §II.8: the attachment's signature text is Times New Roman 10 pt.
ATTACHMENT_FONT_PT = 10.0
ATTACHMENT_MARGIN_RIGHT_MM = 15.0
ATTACHMENT_MARGIN_TOP_MM = 6.0
_LINE_HEIGHT_EM = 1.2
_LEADER_TEXT_COLOUR = (0.08, 0.12, 0.35)


def _draw_pdf(width: float, height: float, paint: Callable[[Canvas], None]) -> bytes:
    register_fonts()
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=1)
    paint(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def image_aspect(png: bytes) -> float:
    """Width / height of a PNG."""
    with Image.open(BytesIO(png)) as image:
        width, height = image.size
    return width / height


# ----------------------------------------------------------------------------- leader


@dataclass(frozen=True)
class LeaderLayout:
    """Where the leader's image and text go in the signature space, and where the seal goes."""

    box: SignatureBox
    image: SignatureBox
    text_lines_bottom: float

    def seal(self, diameter_mm: float = SEAL_DIAMETER_MM) -> SignatureBox:
        return seal_box(self.image, diameter_mm=diameter_mm)


def _text_band(lines: int) -> float:
    return lines * LEADER_TEXT_PT * _LINE_HEIGHT_EM + 2.0


def leader_layout(box: SignatureBox, *, aspect: float, text_lines: int = 2) -> LeaderLayout:
    """The signature image as large as fits above the text lines, centred horizontally."""
    band = _text_band(text_lines)
    room_w = box.width * 0.9
    room_h = max(1.0, box.height - band - 2.0)
    width = min(room_w, room_h * aspect)
    height = width / aspect
    x0 = box.x0 + (box.width - width) / 2
    y0 = box.y0 + band + (room_h - height) / 2 + 1.0
    image = SignatureBox(box.page, x0, y0, x0 + width, y0 + height)
    return LeaderLayout(box=box, image=image, text_lines_bottom=box.y0 + 1.0)


def seal_box(image: SignatureBox, *, diameter_mm: float = SEAL_DIAMETER_MM) -> SignatureBox:
    """The seal's square: its right edge a third of the way into the image, centred on it vertically."""
    diameter = diameter_mm * mm
    right = image.x0 + image.width / 3
    centre_y = (image.y0 + image.y1) / 2
    return SignatureBox(image.page, right - diameter, centre_y - diameter / 2, right, centre_y + diameter / 2)


def leader_image_layer(layout: LeaderLayout, image_png: bytes) -> bytes:
    """The signature image in the signature space (cached: it is the same for every document)."""
    box, image = layout.box, layout.image
    return _image_layer(
        image_png, box.width, box.height, (image.x0 - box.x0, image.y0 - box.y0, image.width, image.height)
    )


def leader_text_layer(layout: LeaderLayout, lines: Sequence[str]) -> bytes:
    """The small lines under the image: who signed and when."""
    box = layout.box

    def paint(canvas: Canvas) -> None:
        canvas.setFillColorRGB(*_LEADER_TEXT_COLOUR)
        canvas.setFont(face(), LEADER_TEXT_PT)
        leading = LEADER_TEXT_PT * _LINE_HEIGHT_EM
        baseline = layout.text_lines_bottom - box.y0 + 0.25 * LEADER_TEXT_PT + leading * (len(lines) - 1)
        for line in lines:
            canvas.drawCentredString(box.width / 2, baseline, line)
            baseline -= leading

    return _draw_pdf(box.width, box.height, paint)


_LAYER_CACHE: OrderedDict[tuple[str, float, float, tuple[float, float, float, float]], bytes] = OrderedDict()
_LAYER_CACHE_SIZE = 32
_LAYER_LOCK = threading.Lock()


def _image_layer(
    png: bytes, width: float, height: float, placement: tuple[float, float, float, float]
) -> bytes:
    """A page of `width` × `height` with the PNG at `placement`; the last few are kept, by digest."""
    key = (hashlib.sha256(png).hexdigest(), width, height, placement)
    with _LAYER_LOCK:
        cached = _LAYER_CACHE.get(key)
        if cached is not None:
            _LAYER_CACHE.move_to_end(key)
            return cached
    x, y, w, h = placement

    def paint(canvas: Canvas) -> None:
        canvas.drawImage(ImageReader(BytesIO(png)), x, y, width=w, height=h, mask="auto")

    drawn = _draw_pdf(width, height, paint)
    with _LAYER_LOCK:
        _LAYER_CACHE[key] = drawn
        while len(_LAYER_CACHE) > _LAYER_CACHE_SIZE:
            _LAYER_CACHE.popitem(last=False)
    return drawn


# ----------------------------------------------------------------------------- agency


def seal_appearance(size: float, *, seal_png: bytes) -> bytes:
    """The seal image filling a square of `size` points (cached per image and size)."""
    return _image_layer(seal_png, size, size, (0.0, 0.0, size, size))


# ----------------------------------------------------------------------------- attachment


def attachment_box(
    page_box: tuple[float, float, float, float], lines: Sequence[str], *, page: int = 1
) -> SignatureBox:
    """Top right of the page (inside its visible area), just big enough for `lines` at 10 pt."""
    left, bottom, right, top = page_box
    width = max(text_width(line, ATTACHMENT_FONT_PT) for line in lines) + 4.0
    height = len(lines) * ATTACHMENT_FONT_PT * _LINE_HEIGHT_EM + 4.0
    x1 = right - ATTACHMENT_MARGIN_RIGHT_MM * mm
    y1 = top - ATTACHMENT_MARGIN_TOP_MM * mm
    return SignatureBox(page, max(left, x1 - width), max(bottom, y1 - height), x1, y1)


def attachment_appearance(box: SignatureBox, lines: Sequence[str]) -> bytes:
    def paint(canvas: Canvas) -> None:
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(face(), ATTACHMENT_FONT_PT)
        leading = ATTACHMENT_FONT_PT * _LINE_HEIGHT_EM
        baseline = box.height - 2.0 - 0.891 * ATTACHMENT_FONT_PT
        for line in lines:
            canvas.drawRightString(box.width - 2.0, baseline, line)
            baseline -= leading

    return _draw_pdf(box.width, box.height, paint)


# ----------------------------------------------------------------------------- text fields


#: Room above and below a field's line of text (its box is the line's box plus this).
FIELD_PAD_PT = 1.5


def text_field_appearance(width: float, height: float, text: str, *, size: float, italic: bool) -> bytes:
    """`text` centred on white; the baseline `size` below the line's top, as reportlab sets it."""

    def paint(canvas: Canvas) -> None:
        canvas.setFillColorRGB(1, 1, 1)
        canvas.rect(0, 0, width, height, stroke=0, fill=1)
        canvas.setFillColorRGB(0, 0, 0)
        fitted = size
        while fitted > 6 and text_width(text, fitted, italic=italic) > width - 2:
            fitted -= 0.5
        canvas.setFont(face(italic=italic), fitted)
        canvas.drawCentredString(width / 2, height - FIELD_PAD_PT - size, text)

    return _draw_pdf(width, height, paint)
