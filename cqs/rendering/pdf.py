"""Lay out an `OfficialDocument` as a PDF (reportlab platypus), Nghị định 30/2020 format.

A4 portrait, margins 20/20/30/15 mm, Liberation Serif (Times New Roman metrics) embedded as
subsets, page numbers centred in the top margin from page 2. The signature area leaves
`layout.SIGNATURE_SPACE_MM` between the signer's title and name, and `render_pdf_with_layout`
reports where it is, for stamping the visible signature image later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Literal, TypeAlias
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from cqs.rendering import layout as L
from cqs.rendering.model import (
    NATIONAL_MOTTO,
    NATIONAL_NAME,
    Block,
    Bullet,
    Heading,
    OfficialDocument,
    Paragraph,
    Section,
    Table,
)
from cqs.rendering.typefaces import face, register_fonts

__all__ = ["PdfRendering", "SignatureBox", "render_pdf", "render_pdf_with_layout"]

_Alignment: TypeAlias = Literal[0, 1, 2, 4]
_ALIGN: dict[str, _Alignment] = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
_STAMP_COLOR = colors.HexColor(f"#{L.STAMP_COLOR_HEX}")
_TEXT_WIDTH = L.TEXT_WIDTH_MM * mm
_PADDING = L.CELL_PADDING_MM * mm
_PDF_CREATOR = "Chính quyền số — cqs.rendering"


@dataclass(frozen=True)
class SignatureBox:
    """The empty area between the signer's title and name, in PDF points (origin bottom left)."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class PdfRendering:
    content: bytes
    page_count: int
    signature_box: SignatureBox


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as PDF bytes."""
    return render_pdf_with_layout(doc).content


def render_pdf_with_layout(doc: OfficialDocument, *, invariant: bool = False) -> PdfRendering:
    """The PDF and where its signature area landed. `invariant` omits the creation time."""
    register_fonts()
    boxes: list[SignatureBox] = []
    buffer = BytesIO()
    footer = tuple(doc.footer)
    footer_height = _footer_height(footer)

    def first_page(canvas: Canvas, _template: BaseDocTemplate) -> None:
        _draw_footer(canvas, footer)

    def later_pages(canvas: Canvas, _template: BaseDocTemplate) -> None:
        _draw_page_number(canvas)

    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=L.MARGIN_LEFT_MM * mm,
        rightMargin=L.MARGIN_RIGHT_MM * mm,
        topMargin=L.MARGIN_TOP_MM * mm,
        bottomMargin=L.MARGIN_BOTTOM_MM * mm,
        title=L.document_title(doc),
        author=doc.issuing_agency_name,
        subject=doc.subject,
        creator=_PDF_CREATOR,
        keywords=[f"{doc.number or ''}/{doc.notation}"],
        lang="vi-VN",
        initialFontName=face(),
        initialFontSize=L.BODY_PT,
        invariant=1 if invariant else 0,
    )
    frame_height = (L.PAGE_HEIGHT_MM - L.MARGIN_TOP_MM - L.MARGIN_BOTTOM_MM) * mm
    template.addPageTemplates(
        [
            PageTemplate(
                id="first",
                frames=[_frame("first", footer_height, frame_height - footer_height)],
                onPage=first_page,
                autoNextPageTemplate="later",
            ),
            PageTemplate(id="later", frames=[_frame("later", 0, frame_height)], onPage=later_pages),
        ]
    )
    template.build(_story(doc, boxes))
    if not boxes:  # pragma: no cover - the closing block is always drawn
        raise RuntimeError("the signature area was not laid out")
    return PdfRendering(content=buffer.getvalue(), page_count=template.page, signature_box=boxes[-1])


# ----------------------------------------------------------------------------- page furniture


def _frame(name: str, bottom_reserve: float, height: float) -> Frame:
    return Frame(
        L.MARGIN_LEFT_MM * mm,
        L.MARGIN_BOTTOM_MM * mm + bottom_reserve,
        _TEXT_WIDTH,
        height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=name,
    )


def _draw_page_number(canvas: Canvas) -> None:
    """Arabic numeral, upright, centred over the text block in the top margin."""
    canvas.saveState()
    canvas.setFont(face(), L.PAGE_NUMBER_PT)
    baseline = (L.PAGE_HEIGHT_MM - L.HEADER_DISTANCE_MM) * mm - 0.891 * L.PAGE_NUMBER_PT
    canvas.drawCentredString(
        (L.MARGIN_LEFT_MM + L.TEXT_WIDTH_MM / 2) * mm, baseline, str(canvas.getPageNumber())
    )
    canvas.restoreState()


def _footer_rule_height(lines: Sequence[str]) -> float:
    """Height of the footer's rule above the bottom margin."""
    return len(lines) * L.FOOTER_PT * L.LINE_HEIGHT_EM + 3.0


def _footer_height(lines: Sequence[str]) -> float:
    """Room the footer takes from the first page's frame, with a gap above its rule."""
    return _footer_rule_height(lines) + 9.0 if lines else 0.0


def _draw_footer(canvas: Canvas, lines: Sequence[str]) -> None:
    """Box 13: the agency's address and contacts under a full-width rule at the foot of page 1."""
    if not lines:
        return
    canvas.saveState()
    left = L.MARGIN_LEFT_MM * mm
    top = L.MARGIN_BOTTOM_MM * mm + _footer_rule_height(lines)
    canvas.setLineWidth(L.RULE_THICKNESS_PT)
    canvas.line(left, top, left + _TEXT_WIDTH, top)
    canvas.setFont(face(), L.FOOTER_PT)
    leading = L.FOOTER_PT * L.LINE_HEIGHT_EM
    for number, line in enumerate(lines, start=1):
        canvas.drawCentredString(left + _TEXT_WIDTH / 2, top - number * leading + 1.0, line)
    canvas.restoreState()


class _SignatureSpace(Flowable):
    """Blank room for the signature image; records its absolute position when drawn."""

    def __init__(self, width: float, height: float, sink: list[SignatureBox]) -> None:
        super().__init__()
        self.width = width
        self.height = height
        self._sink = sink

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self._sink.append(SignatureBox(self.canv.getPageNumber(), x, y, x + self.width, y + self.height))


# ----------------------------------------------------------------------------- styles


def _style(
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    align: _Alignment = TA_CENTER,
    space_before: float = 0.0,
    first_indent: float = 0.0,
    keep_with_next: bool = False,
    color: Any = colors.black,
) -> ParagraphStyle:
    return ParagraphStyle(
        name=f"cqs-{size}-{int(bold)}{int(italic)}-{align}",
        fontName=face(bold=bold, italic=italic),
        fontSize=size,
        leading=size * L.LINE_HEIGHT_EM,
        alignment=align,
        spaceBefore=space_before,
        spaceAfter=0,
        firstLineIndent=first_indent,
        keepWithNext=int(keep_with_next),
        textColor=color,
        allowWidows=0,
        allowOrphans=0,
    )


def _table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A table style whose cells default to the embedded face (reportlab's default is Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), face()), *commands])


def _p(text: str, style: ParagraphStyle) -> RLParagraph:
    return RLParagraph(escape(text), style)


class _Rule(Flowable):
    """A horizontal rule of a given length, centred in whatever width it is set in.

    It takes `before` + thickness + `after` points of height, so the text above never
    touches it, in a frame as well as in a table cell.
    """

    def __init__(self, length: float, *, before: float = 4.0, after: float = 0.0) -> None:
        super().__init__()
        self.length = length
        self.before = before
        self.after = after
        self._avail = length

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self._avail = aW
        return aW, self.before + L.RULE_THICKNESS_PT + self.after

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setLineWidth(L.RULE_THICKNESS_PT)
        canvas.setLineCap(0)
        canvas.setStrokeColor(colors.black)
        x0 = (self._avail - self.length) / 2
        y = self.after + L.RULE_THICKNESS_PT / 2
        canvas.line(x0, y, x0 + self.length, y)
        canvas.restoreState()


def _body_style(*, bold: bool = False, italic: bool = False, keep_with_next: bool = False) -> ParagraphStyle:
    return _style(
        L.BODY_PT,
        bold=bold,
        italic=italic,
        align=TA_JUSTIFY,
        space_before=L.PARAGRAPH_SPACING_PT,
        first_indent=L.FIRST_LINE_INDENT_CM * cm,
        keep_with_next=keep_with_next,
    )


# ----------------------------------------------------------------------------- the story


def _story(doc: OfficialDocument, boxes: list[SignatureBox]) -> list[Flowable]:
    story: list[Flowable] = [_header(doc)]
    if doc.is_official_letter:
        story.append(Spacer(1, 12))
    else:
        story.extend(_title(doc))
    story.extend(_addressees(doc))
    for line in L.legal_basis_lines(doc):
        story.append(_p(line, _body_style(italic=True)))
    for block in doc.body:
        story.extend(_block(block))
    closing = _closing(doc, boxes)
    if story and not isinstance(story[-1], RLTable | Spacer):
        last = story.pop()
        story.append(KeepTogether([last, Spacer(1, L.PARAGRAPH_SPACING_PT), closing]))
    else:
        story.extend([Spacer(1, L.PARAGRAPH_SPACING_PT), closing])
    return story


def _header(doc: OfficialDocument) -> RLTable:
    left_width = L.HEADER_LEFT_MM * mm
    right_width = L.HEADER_RIGHT_MM * mm
    left_inner = left_width - 2 * _PADDING
    agency: list[Flowable] = []
    if doc.parent_agency_name:
        agency.append(_p(doc.parent_agency_name.upper(), _style(L.AGENCY_PT)))
    issuing = doc.issuing_agency_name.upper()
    agency.append(_p(issuing, _style(L.AGENCY_PT, bold=True)))
    agency.append(_Rule(L.rule_width_pt(issuing, L.AGENCY_PT, left_inner, fraction=L.SHORT_RULE_FRACTION)))
    national = [
        _p(NATIONAL_NAME, _style(L.NATIONAL_NAME_PT, bold=True)),
        _p(NATIONAL_MOTTO, _style(L.MOTTO_PT, bold=True)),
        _Rule(L.motto_rule_pt()),
    ]
    number: list[Flowable] = [_p(L.number_line(doc), _style(L.NUMBER_PT))]
    if doc.is_official_letter:
        number.append(_p(L.official_letter_subject(doc), _style(L.LETTER_SUBJECT_PT, space_before=6)))
    for stamp in (doc.secrecy, doc.urgency):
        if stamp:
            number.extend([Spacer(1, 6), _stamp(stamp)])
    date_line = [_p(L.place_date_line(doc), _style(L.PLACE_DATE_PT, italic=True))]
    table = RLTable(
        [[agency, national], [number, date_line]],
        colWidths=[left_width, right_width],
        hAlign="LEFT",
    )
    table.setStyle(
        _table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 6),
            ]
        )
    )
    return table


def _stamp(text: str) -> RLTable:
    """Box 10: the urgency or secrecy mark, bold capitals in a red box."""
    stamp = RLTable(
        [[_p(text, _style(L.STAMP_PT, bold=True, color=_STAMP_COLOR))]],
        colWidths=[L.stamp_width_mm(text) * mm],
        rowHeights=[L.STAMP_HEIGHT_MM * mm],
        hAlign="CENTER",
    )
    stamp.setStyle(
        _table_style(
            [
                ("BOX", (0, 0), (-1, -1), 1.0, _STAMP_COLOR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return stamp


def _title(doc: OfficialDocument) -> list[Flowable]:
    """Box 5a: the type name, the subject under it and a short rule."""
    assert doc.type_name is not None
    subject_style = _style(L.SUBJECT_PT, bold=True, keep_with_next=True)
    return [
        _p(doc.type_name.upper(), _style(L.TYPE_NAME_PT, bold=True, space_before=18, keep_with_next=True)),
        _p(doc.subject, subject_style),
        _Rule(
            L.rule_width_pt(doc.subject, L.SUBJECT_PT, _TEXT_WIDTH, fraction=L.SHORT_RULE_FRACTION),
            after=6,
        ),
    ]


def _addressees(doc: OfficialDocument) -> list[Flowable]:
    """The "Kính gửi:" line: one recipient inline, or a list of "- …;" lines beside the label."""
    lines = L.addressee_lines(doc)
    if not lines:
        return []
    style = _style(L.BODY_PT, space_before=L.PARAGRAPH_SPACING_PT)
    if len(lines) == 1:
        return [_p(f"Kính gửi: {lines[0]}", style)]
    label_width = L.ADDRESSEE_LABEL_MM * mm
    list_width = _TEXT_WIDTH - L.ADDRESSEE_OFFSET_MM * mm - label_width
    table = RLTable(
        [
            [
                _p("Kính gửi:", _style(L.BODY_PT, align=TA_LEFT)),
                [_p(line, _style(L.BODY_PT, align=TA_LEFT)) for line in lines],
            ]
        ],
        colWidths=[label_width, list_width],
        hAlign="RIGHT",
    )
    table.setStyle(
        _table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), L.PARAGRAPH_SPACING_PT),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table]


def _block(block: Block) -> list[Flowable]:
    if isinstance(block, Heading):
        heading = [_p(block.label, _style(L.BODY_PT, bold=True, space_before=12, keep_with_next=True))]
        if block.title:
            heading.append(_p(block.title.upper(), _style(L.BODY_PT, bold=True, keep_with_next=True)))
        return list(heading)
    if isinstance(block, Section):
        return [_p(block.label, _body_style(bold=True, keep_with_next=True))]
    if isinstance(block, Paragraph):
        return [_p(block.text, _body_style(bold=block.bold, italic=block.italic))]
    if isinstance(block, Bullet):
        return [_p(block.label, _body_style())]
    return _table(block)


def _table(block: Table) -> list[Flowable]:
    flowables: list[Flowable] = []
    if block.title:
        flowables.append(_p(block.title, _style(L.BODY_PT, bold=True, space_before=6, keep_with_next=True)))
    flowables.append(Spacer(1, L.PARAGRAPH_SPACING_PT))
    header_style = _style(L.TABLE_PT, bold=True)
    cell_styles = [_style(L.TABLE_PT, align=_ALIGN[block.alignment(c)]) for c in range(block.column_count)]
    data: list[list[Flowable]] = [[_p(text, header_style) for text in block.header]]
    for row in block.rows:
        data.append([_p(text, cell_styles[column]) for column, text in enumerate(row)])
    table = RLTable(
        data,
        colWidths=[fraction * _TEXT_WIDTH for fraction in block.fractions()],
        repeatRows=1,
        hAlign="CENTER",
    )
    table.setStyle(
        _table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                ("VALIGN", (0, 1), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    flowables.append(table)
    return flowables


def _closing(doc: OfficialDocument, boxes: list[SignatureBox]) -> RLTable:
    """Nơi nhận (box 9b) on the left, level with the signing authority (box 7) on the right."""
    left: list[Flowable] = [
        _p("Nơi nhận:", _style(L.DISTRIBUTION_LABEL_PT, bold=True, italic=True, align=TA_LEFT)),
    ]
    left.extend(_p(line, _style(L.DISTRIBUTION_PT, align=TA_LEFT)) for line in L.distribution_lines(doc))
    right_inner = L.CLOSING_RIGHT_MM * mm - 2 * _PADDING
    right: list[Flowable] = [
        _p(line, _style(L.SIGNATURE_PT, bold=True)) for line in L.signature_lines(doc.signature)
    ]
    right.append(_SignatureSpace(right_inner, L.SIGNATURE_SPACE_MM * mm, boxes))
    right.append(_p(doc.signature.signer_name, _style(L.SIGNATURE_PT, bold=True)))
    table = RLTable(
        [[left, right]],
        colWidths=[L.CLOSING_LEFT_MM * mm, L.CLOSING_RIGHT_MM * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        _table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                # The 12 pt label sits level with the 14 pt title line.
                ("TOPPADDING", (0, 0), (0, 0), 2),
            ]
        )
    )
    return table
