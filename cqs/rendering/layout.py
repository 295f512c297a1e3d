"""What both renderers print and where: the page geometry, the type sizes and the texts.

Everything the DOCX and the PDF must agree on lives here, so that the two outputs of one
document carry the same words in the same sizes. Sizes follow the table of Nghị định
30/2020, Phụ lục I (the sample column where it gives a range).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from cqs.core.text import format_date_long
from cqs.rendering.model import NATIONAL_MOTTO, OfficialDocument, SignatureBlock
from cqs.rendering.typefaces import text_width

__all__ = [
    "BLANK",
    "addressee_lines",
    "distribution_lines",
    "document_title",
    "legal_basis_lines",
    "number_line",
    "official_letter_subject",
    "place_date_line",
    "punctuate",
    "rule_width_pt",
    "signature_lines",
    "stamp_width_mm",
]

# ----------------------------------------------------------------------------- page (PL I §I)
PAGE_WIDTH_MM: Final = 210.0
PAGE_HEIGHT_MM: Final = 297.0
MARGIN_TOP_MM: Final = 20.0
MARGIN_BOTTOM_MM: Final = 20.0
MARGIN_LEFT_MM: Final = 30.0
MARGIN_RIGHT_MM: Final = 15.0
TEXT_WIDTH_MM: Final = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
#: Distance from the top edge to the page number (centred in the top margin).
HEADER_DISTANCE_MM: Final = 10.0

# Two-column header (boxes 2, 3, 5b, 10 left; 1 and 4 right) and closing (9b left, 7 right).
HEADER_LEFT_MM: Final = 62.0
HEADER_RIGHT_MM: Final = TEXT_WIDTH_MM - HEADER_LEFT_MM
CLOSING_LEFT_MM: Final = 72.0
CLOSING_RIGHT_MM: Final = TEXT_WIDTH_MM - CLOSING_LEFT_MM
CELL_PADDING_MM: Final = 1.0

# "Kính gửi:" with several recipients: label and list start this far from the left margin.
ADDRESSEE_OFFSET_MM: Final = 30.0
ADDRESSEE_LABEL_MM: Final = 24.0

# ----------------------------------------------------------------------------- type sizes (pt)
AGENCY_PT: Final = 13.0  # box 2: parent upright, issuing agency bold, both UPPER
NUMBER_PT: Final = 13.0  # box 3
NATIONAL_NAME_PT: Final = 13.0  # box 1, bold UPPER
MOTTO_PT: Final = 14.0  # box 1, bold, rule underneath
PLACE_DATE_PT: Final = 14.0  # box 4, italic
LETTER_SUBJECT_PT: Final = 12.0  # box 5b, "V/v …" of a Công văn
TYPE_NAME_PT: Final = 14.0  # box 5a, bold UPPER
SUBJECT_PT: Final = 14.0  # box 5a, bold
BODY_PT: Final = 14.0  # box 6
TABLE_PT: Final = 12.0
DISTRIBUTION_LABEL_PT: Final = 12.0  # "Nơi nhận:" bold italic
DISTRIBUTION_PT: Final = 11.0
SIGNATURE_PT: Final = 14.0  # box 7: authority and title bold UPPER, name bold
STAMP_PT: Final = 13.0  # box 10, bold UPPER in a box
FOOTER_PT: Final = 11.0  # box 13
PAGE_NUMBER_PT: Final = 14.0

FIRST_LINE_INDENT_CM: Final = 1.27
PARAGRAPH_SPACING_PT: Final = 6.0
#: Word's "single" line for Times New Roman: ascender + descender + line gap = 1.149 em.
LINE_HEIGHT_EM: Final = 1.149
#: Room between the signer's title and name for the signature image (PL I §II.7.d).
SIGNATURE_SPACE_MM: Final = 32.0
RULE_THICKNESS_PT: Final = 0.75

# Box 10b sizes (PL I): the urgency stamp is a box 8 mm high of a fixed width.
STAMP_HEIGHT_MM: Final = 8.0
URGENCY_BOX_WIDTH_MM: Final[dict[str, float]] = {"KHẨN": 20.0, "THƯỢNG KHẨN": 40.0, "HỎA TỐC": 30.0}
STAMP_COLOR_HEX: Final = "E00000"  # bright red ink

# Rules: 1/3–1/2 of the text above them (agency name, subject); the motto's is full length.
SHORT_RULE_FRACTION: Final = 0.4

#: Non-breaking spaces that hold the room for a number or a day written in on issue.
BLANK: Final = "\u00a0" * 6


def rule_width_pt(text: str, size: float, available_pt: float, *, fraction: float = 1.0) -> float:
    """Length of the rule under `text` (bold, `size` pt) set in a column `available_pt` wide."""
    return fraction * min(text_width(text, size, bold=True), available_pt)


def motto_rule_pt() -> float:
    return rule_width_pt(NATIONAL_MOTTO, MOTTO_PT, HEADER_RIGHT_MM * 72 / 25.4)


def stamp_width_mm(text: str) -> float:
    """Width of the urgency or secrecy box: the fixed PL I size, else the text plus 3 mm each side."""
    fixed = URGENCY_BOX_WIDTH_MM.get(text)
    if fixed is not None:
        return fixed
    return text_width(text, STAMP_PT, bold=True) * 25.4 / 72 + 6.0


# ----------------------------------------------------------------------------- texts


def number_line(doc: OfficialDocument) -> str:
    """The number line, "Số: 05/BC-BDT"; an unnumbered draft keeps a blank before the slash."""
    return f"Số: {doc.number or BLANK}/{doc.notation}"


def place_date_line(doc: OfficialDocument) -> str:
    """Box 4, "Sơn Hà, ngày 05 tháng 01 năm 2024"; an undated draft keeps blanks for day and month."""
    if doc.issued_on is not None:
        return f"{doc.place}, {format_date_long(doc.issued_on)}"
    year = str(doc.draft_year) if doc.draft_year else BLANK
    return f"{doc.place}, ngày {BLANK} tháng {BLANK} năm {year}"


def official_letter_subject(doc: OfficialDocument) -> str:
    """Box 5b of a Công văn: "V/v …"."""
    subject = doc.subject.removeprefix("V/v").strip()
    return f"V/v {subject}"


def document_title(doc: OfficialDocument) -> str:
    """The title written into the file's metadata: the type name and the subject."""
    if doc.type_name is None:
        return f"Công văn {official_letter_subject(doc)}"
    return f"{doc.type_name} {doc.subject}"


def _strip_item(line: str) -> str:
    return line.removeprefix("-").strip().rstrip(";.,").rstrip()


def punctuate(lines: Sequence[str], *, prefix: str = "") -> tuple[str, ...]:
    """Each line ends with ";", the last with "."; `prefix` ("- ") is put in front of each."""
    items = [_strip_item(line) for line in lines]
    return tuple(
        f"{prefix}{item}{'.' if number == len(items) else ';'}" for number, item in enumerate(items, start=1)
    )


def addressee_lines(doc: OfficialDocument) -> tuple[str, ...]:
    """The recipients after "Kính gửi:": one inline, several as "- …;" lines ending "."."""
    if len(doc.recipients_to) == 1:
        return punctuate(doc.recipients_to)
    return punctuate(doc.recipients_to, prefix="- ")


def legal_basis_lines(doc: OfficialDocument) -> tuple[str, ...]:
    """The căn cứ lines, each ending ";" and the last "."."""
    return punctuate(doc.legal_bases)


def distribution_lines(doc: OfficialDocument) -> tuple[str, ...]:
    """The list under "Nơi nhận:", ending with "- Lưu: VT, VP." (and box 12 when given)."""
    archive = doc.archive_line
    marker = doc.drafter_code + (f"({doc.copies})" if doc.copies else "")
    if marker:
        archive = f"{archive}, {marker}"
    return punctuate([*doc.cc, archive], prefix="- ")


def signature_lines(signature: SignatureBlock) -> tuple[str, ...]:
    """The authority and title lines above the signature, in capitals."""
    return signature.title_lines
