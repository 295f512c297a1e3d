"""The Times-compatible typeface shared by the renderers.

Nghị định 30/2020 prescribes Times New Roman. The PDF renderer embeds Liberation Serif
(metric-compatible with Times New Roman, covers every Vietnamese letter, SIL OFL 1.1),
vendored in ``fonts/`` so that rendering never depends on the fonts of the host. The DOCX
renderer names Times New Roman and uses the same metrics to size the rules under the
agency name, the motto and the subject.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

__all__ = [
    "BOLD",
    "BOLD_ITALIC",
    "DOCX_FONT_NAME",
    "FONT_DIR",
    "FONT_FILES",
    "ITALIC",
    "REGULAR",
    "face",
    "register_fonts",
    "text_width",
]

FONT_DIR = Path(__file__).resolve().parent / "fonts"

#: The family name written into DOCX runs.
DOCX_FONT_NAME = "Times New Roman"

REGULAR = "LiberationSerif"
BOLD = "LiberationSerif-Bold"
ITALIC = "LiberationSerif-Italic"
BOLD_ITALIC = "LiberationSerif-BoldItalic"

FONT_FILES: dict[str, str] = {
    REGULAR: "LiberationSerif-Regular.ttf",
    BOLD: "LiberationSerif-Bold.ttf",
    ITALIC: "LiberationSerif-Italic.ttf",
    BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the four faces and their family with reportlab (once per process)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in FONT_FILES.items():
            # TTFont embeds only the glyphs a document uses (a subset) in each PDF.
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        _registered = True


def face(*, bold: bool = False, italic: bool = False) -> str:
    """The registered face name for a style."""
    if bold:
        return BOLD_ITALIC if italic else BOLD
    return ITALIC if italic else REGULAR


def text_width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """Width of one line of `text` in points, as Times New Roman (or Liberation Serif) sets it."""
    register_fonts()
    return float(pdfmetrics.stringWidth(text, face(bold=bold, italic=italic), size))
