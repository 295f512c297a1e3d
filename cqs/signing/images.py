"""Signature and seal images (PL I §II.7.d of Nghị định 30/2020): checks and demo drawings.

An uploaded image must be a PNG with a transparent background. The demo drawings are made
with Pillow and the vendored Liberation Serif: a blue handwritten-looking signature from a
person's given name (slanted italic letters and a pen flourish, shaped by a hash of the
name so each person keeps their own), and a red round seal with the agency name around the
ring and a star in the middle.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from cqs.core.errors import ApplicationError
from cqs.rendering.typefaces import BOLD, FONT_DIR, FONT_FILES, ITALIC

__all__ = [
    "MAX_IMAGE_BYTES",
    "ImageInfo",
    "draw_seal",
    "draw_signature",
    "inspect_png",
]

MAX_IMAGE_BYTES = 1024 * 1024
MIN_SIDE_PX = 40
MAX_SIDE_PX = 4000
SIGNATURE_BLUE = (22, 48, 158)
SEAL_RED = (206, 17, 38)
_SUPERSAMPLE = 3


@dataclass(frozen=True)
class ImageInfo:
    width: int
    height: int
    sha256: str


def inspect_png(data: bytes) -> ImageInfo:
    """Check an uploaded signature or seal image: PNG, sensible size, transparent background."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ApplicationError("Ảnh quá lớn (tối đa 1 MB).", code="image_too_large")
    try:
        with Image.open(BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ApplicationError("Tệp không phải ảnh PNG đọc được.", code="image_unreadable") from error
    if image.format != "PNG":
        raise ApplicationError("Ảnh chữ ký, con dấu phải là tệp PNG.", code="image_not_png")
    width, height = image.size
    if not (MIN_SIDE_PX <= width <= MAX_SIDE_PX and MIN_SIDE_PX <= height <= MAX_SIDE_PX):
        raise ApplicationError(
            f"Kích thước ảnh phải từ {MIN_SIDE_PX} đến {MAX_SIDE_PX} điểm ảnh mỗi chiều.", code="image_size"
        )
    if image.mode not in ("RGBA", "LA") and "transparency" not in image.info:
        raise ApplicationError(
            "Ảnh phải có nền trong suốt (PNG có kênh alpha).", code="image_not_transparent"
        )
    alpha = image.convert("RGBA").getchannel("A")
    low, high = alpha.getextrema()  # type: ignore[misc]
    if low == 255:
        raise ApplicationError(
            "Ảnh phải có nền trong suốt (PNG có kênh alpha).", code="image_not_transparent"
        )
    if high == 0:
        raise ApplicationError("Ảnh trong suốt hoàn toàn, không có nét nào.", code="image_empty")
    return ImageInfo(width=width, height=height, sha256=hashlib.sha256(data).hexdigest())


def _font(face: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / FONT_FILES[face]), size)


def _png(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _colourise(mask: Image.Image, colour: tuple[int, int, int], opacity: float = 1.0) -> Image.Image:
    solid = Image.new("RGBA", mask.size, (*colour, 0))
    solid.putalpha(mask.point(lambda v: int(v * opacity)))
    return solid


# ----------------------------------------------------------------------------- signature


def _given_name(full_name: str) -> str:
    words = full_name.split()
    return words[-1] if words else full_name


def _bezier(points: list[tuple[float, float]], steps: int) -> list[tuple[float, float]]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    out = []
    for i in range(steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
        out.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return out


def _stroke(draw: ImageDraw.ImageDraw, path: list[tuple[float, float]], width: float) -> None:
    """A pen stroke along `path` that swells in the middle and thins at both ends."""
    count = len(path)
    for i in range(count - 1):
        t = i / max(1, count - 2)
        thickness = max(1.0, width * (0.3 + 0.7 * math.sin(math.pi * t)))
        (x0, y0), (x1, y1) = path[i], path[i + 1]
        draw.line((x0, y0, x1, y1), fill=255, width=int(round(thickness)))
        radius = thickness / 2
        draw.ellipse((x1 - radius, y1 - radius, x1 + radius, y1 + radius), fill=255)


def draw_signature(full_name: str, *, width_px: int = 600, height_px: int = 240) -> bytes:
    """A blue handwritten-looking signature of `full_name` (PNG, transparent background)."""
    seed = int.from_bytes(hashlib.sha256(full_name.encode("utf-8")).digest()[:8], "big")
    rng = random.Random(seed)
    scale = _SUPERSAMPLE
    canvas_w, canvas_h = width_px * scale, height_px * scale
    text = _given_name(full_name)
    font = _font(ITALIC, int(canvas_h * 0.46))
    # Letters: italic, slanted further and tilted up a little, as a hurried hand writes.
    left_edge, top_edge, right_edge, bottom_edge = (
        int(v) for v in font.getbbox(text, stroke_width=scale + 1)
    )
    margin = int(font.size * 0.6)
    letters = Image.new("L", (right_edge - left_edge + 2 * margin, bottom_edge - top_edge + 2 * margin), 0)
    draw = ImageDraw.Draw(letters)
    draw.text(
        (margin - left_edge, margin - top_edge),
        text,
        font=font,
        fill=255,
        stroke_width=scale + 1,
        stroke_fill=255,
    )
    shear = 0.28 + rng.random() * 0.12
    letters = letters.transform(
        letters.size,
        Image.Transform.AFFINE,
        (1, shear, -shear * letters.height, 0, 1, 0),
        resample=Image.Resampling.BICUBIC,
    )
    letters = letters.rotate(4 + rng.random() * 5, resample=Image.Resampling.BICUBIC, expand=True)
    box = letters.getbbox()
    if box is None:  # pragma: no cover - the font always draws something
        raise ApplicationError("Không vẽ được chữ ký.", code="image_empty")
    letters = letters.crop(box)
    fit = min((canvas_w * 0.78) / letters.width, (canvas_h * 0.62) / letters.height)
    letters = letters.resize(
        (max(1, int(letters.width * fit)), max(1, int(letters.height * fit))), Image.Resampling.LANCZOS
    )
    mask = Image.new("L", (canvas_w, canvas_h), 0)
    left = int(canvas_w * 0.06)
    top = int(canvas_h * 0.12)
    mask.paste(letters, (left, top), letters)
    # The flourish: from the end of the name, a swoop back under it and out to the right.
    pen = ImageDraw.Draw(mask)
    end_x, base_y = left + letters.width, top + letters.height * 0.8
    swoop = _bezier(
        [
            (end_x - canvas_w * 0.02, base_y - canvas_h * 0.05),
            (end_x + canvas_w * (0.05 + rng.random() * 0.05), base_y + canvas_h * 0.25),
            (left - canvas_w * 0.02, base_y + canvas_h * (0.12 + rng.random() * 0.08)),
            (canvas_w * (0.88 + rng.random() * 0.08), base_y + canvas_h * (0.02 + rng.random() * 0.06)),
        ],
        steps=400,
    )
    _stroke(pen, swoop, width=3.2 * scale)
    dot_x = left + letters.width * (0.2 + rng.random() * 0.5)
    _stroke(
        pen,
        _bezier([(dot_x, base_y + canvas_h * 0.02)] * 2 + [(dot_x + canvas_w * 0.12, base_y)] * 2, 60),
        1.8 * scale,
    )
    mask = mask.resize((width_px, height_px), Image.Resampling.LANCZOS)
    return _png(_colourise(mask, SIGNATURE_BLUE))


# ----------------------------------------------------------------------------- seal


def _star(centre: tuple[float, float], outer: float, inner: float) -> list[tuple[float, float]]:
    cx, cy = centre
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _ring_text(
    image: Image.Image, text: str, *, centre: float, radius: float, font: ImageFont.FreeTypeFont, span: float
) -> None:
    """Write `text` clockwise along a circle, centred at the top, tops of the letters outward."""
    gap = font.size * 0.08
    widths = [font.getlength(ch) + gap for ch in text]
    total = sum(widths)
    angle = -math.pi / 2 - min(span, total / radius) / 2
    stretch = min(span, total / radius) / (total / radius)
    for ch, width in zip(text, widths, strict=True):
        step = width / radius * stretch
        middle = angle + step / 2
        angle += step
        if ch.isspace():
            continue
        side = int(font.size * 2.2)
        glyph = Image.new("L", (side, side), 0)
        ImageDraw.Draw(glyph).text((side / 2, side / 2), ch, font=font, fill=255, anchor="mm")
        rotated = glyph.rotate(-math.degrees(middle + math.pi / 2), resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(middle) - side / 2
        y = centre + radius * math.sin(middle) - side / 2
        image.paste(255, (int(round(x)), int(round(y))), rotated)


def draw_seal(agency_name: str, *, size_px: int = 600) -> bytes:
    """A red round seal: double ring, `agency_name` around it, a star in the centre (PNG, transparent)."""
    scale = 2
    side = size_px * scale
    centre = side / 2
    mask = Image.new("L", (side, side), 0)
    pen = ImageDraw.Draw(mask)
    outer = side * 0.485
    pen.ellipse(
        (centre - outer, centre - outer, centre + outer, centre + outer), outline=255, width=int(side * 0.03)
    )
    inner = side * 0.315
    pen.ellipse(
        (centre - inner, centre - inner, centre + inner, centre + inner), outline=255, width=int(side * 0.01)
    )
    text = " ".join(agency_name.upper().split())
    band_radius = (outer - side * 0.03 + inner) / 2
    span = math.radians(300)
    font_size = int(side * 0.085)
    font = _font(BOLD, font_size)
    while font_size > side * 0.04 and sum(font.getlength(ch) * 1.08 for ch in text) / band_radius > span:
        font_size -= 2
        font = _font(BOLD, font_size)
    _ring_text(mask, text, centre=centre, radius=band_radius, font=font, span=span)
    star_y = centre + side * 0.01
    pen.polygon(_star((centre, star_y), side * 0.16, side * 0.065), fill=255)
    mask = mask.resize((size_px, size_px), Image.Resampling.LANCZOS)
    return _png(_colourise(mask, SEAL_RED, opacity=0.92))
