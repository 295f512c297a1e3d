"""Lay out an `OfficialDocument` as a Word document (python-docx), Nghị định 30/2020 format.

A4 portrait, margins 20/20/30/15 mm, Times New Roman; the header and the closing are
borderless two-column tables; the rules under the agency name, the motto and the subject
are bottom borders of thin paragraphs indented to the rule's length; page numbers are a
PAGE field centred in the header of pages 2 onwards (different first page).

Only elements of the WordprocessingML schema are written, in schema order, so the file
opens in Microsoft Word as well as LibreOffice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from typing import Literal

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import _Footer, _Header
from docx.shared import Cm, Length, Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

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
from cqs.rendering.typefaces import DOCX_FONT_NAME

__all__ = ["DOCX_CONTENT_TYPE", "render_docx"]

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

Container = Document | _Cell | _Header | _Footer
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
_PT_PER_MM = 72 / 25.4

# Child order of the property elements this module writes (ECMA-376 Part 1, §17).
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
    "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
    "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs",
    "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
    "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)  # fmt: skip
_TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
    "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)  # fmt: skip
_TRPR_ORDER = (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
    "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange",
)  # fmt: skip
_BORDER_SIDES = ("w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV")


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as the bytes of a .docx file."""
    document = docx.Document()
    _set_up(document, doc)
    _header(document, doc)
    if doc.is_official_letter:
        _paragraph(document, "", size=L.BODY_PT, space_before=6)
    else:
        _title(document, doc)
    _addressees(document, doc)
    for line in L.legal_basis_lines(doc):
        _body_paragraph(document, line, italic=True)
    for block in doc.body:
        _block(document, block)
    _closing(document, doc)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- low-level XML


def _element(tag: str, **attributes: str) -> BaseOxmlElement:
    element: BaseOxmlElement = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _put(parent: BaseOxmlElement, child: BaseOxmlElement, order: tuple[str, ...]) -> None:
    """Put `child` into `parent` (replacing one of the same tag) where the schema wants it."""
    for existing in parent.findall(child.tag):
        parent.remove(existing)
    tag = next(t for t in order if qn(t) == child.tag)
    parent.insert_element_before(child, *order[order.index(tag) + 1 :])


def _twips(mm: float) -> str:
    return str(round(mm * 1440 / 25.4))


def _borders(*, value: str = "nil", size: int = 0, color: str = "auto") -> BaseOxmlElement:
    """Table borders: none ("nil"), or every side and inner line `value` (e.g. "single")."""
    borders = _element("w:tblBorders")
    for side in _BORDER_SIDES:
        if value == "nil":
            borders.append(_element(side, val="nil"))
        else:
            borders.append(_element(side, val=value, sz=str(size), space="0", color=color))
    return borders


# ----------------------------------------------------------------------------- document set-up


def _set_up(document: Document, doc: OfficialDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(L.PAGE_WIDTH_MM)
    section.page_height = Mm(L.PAGE_HEIGHT_MM)
    section.top_margin = Mm(L.MARGIN_TOP_MM)
    section.bottom_margin = Mm(L.MARGIN_BOTTOM_MM)
    section.left_margin = Mm(L.MARGIN_LEFT_MM)
    section.right_margin = Mm(L.MARGIN_RIGHT_MM)
    section.header_distance = Mm(L.HEADER_DISTANCE_MM)
    section.footer_distance = Mm(L.HEADER_DISTANCE_MM)
    section.gutter = Mm(0)

    normal = document.styles["Normal"]
    normal.font.name = DOCX_FONT_NAME
    normal.font.size = Pt(L.BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), DOCX_FONT_NAME)
    _put(rpr, _element("w:lang", val="vi-VN", eastAsia="vi-VN"), _RPR_ORDER)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.widow_control = True

    # Page numbers from page 2: the first page gets its own (empty) header.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    section.header.is_linked_to_previous = False
    number = _first_paragraph(section.header)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number, L.PAGE_NUMBER_PT)
    footer = section.first_page_footer
    footer.is_linked_to_previous = False
    for index, line in enumerate(doc.footer):
        p = _paragraph(footer, line, size=L.FOOTER_PT)
        if index == 0:
            _put(
                p._p.get_or_add_pPr(),
                _wrap("w:pBdr", _element("w:top", val="single", sz="6", space="1", color="auto")),
                _PPR_ORDER,
            )

    props = document.core_properties
    props.title = L.document_title(doc)
    props.subject = doc.subject
    props.author = doc.issuing_agency_name
    props.last_modified_by = doc.issuing_agency_name
    props.category = doc.type_name or "Công văn"
    props.keywords = f"{doc.number or ''}/{doc.notation}"
    props.language = "vi-VN"
    props.comments = ""
    props.revision = 1
    now = datetime.now(UTC).replace(microsecond=0)
    props.created = now
    props.modified = now


def _wrap(tag: str, *children: BaseOxmlElement) -> BaseOxmlElement:
    parent = _element(tag)
    for child in children:
        parent.append(child)
    return parent


def _page_field(paragraph: DocxParagraph, size: float) -> None:
    """A PAGE field (Word and LibreOffice compute the number; "2" is the cached result)."""
    parts: list[BaseOxmlElement] = [
        _element("w:fldChar", fldCharType="begin"),
        _element("w:instrText"),
        _element("w:fldChar", fldCharType="separate"),
        _element("w:t"),
        _element("w:fldChar", fldCharType="end"),
    ]
    parts[1].set(qn("xml:space"), "preserve")
    parts[1].text = " PAGE "
    parts[3].text = "2"
    for part in parts:
        run = _run(paragraph, None, size)
        run._r.append(part)


# ----------------------------------------------------------------------------- paragraphs


def _first_paragraph(container: Container) -> DocxParagraph:
    """The container's only, still empty paragraph (new cells and headers have one), or a new one."""
    paragraphs = container.paragraphs
    if len(paragraphs) == 1 and not paragraphs[0].runs and not isinstance(container, Document):
        return paragraphs[0]
    return container.add_paragraph()


def _run(
    paragraph: DocxParagraph,
    text: str | None,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    color: str | None = None,
) -> Run:
    run = paragraph.add_run(text)
    run.font.name = DOCX_FONT_NAME
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), DOCX_FONT_NAME)
    fonts.set(qn("w:cs"), DOCX_FONT_NAME)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    if color is not None:
        run.font.color.rgb = RGBColor.from_string(color)
    return run


def _paragraph(
    container: Container,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align: Literal["left", "center", "right", "justify"] = "center",
    space_before: float = 0.0,
    space_after: float = 0.0,
    first_indent: Length | None = None,
    keep_with_next: bool = False,
    color: str | None = None,
) -> DocxParagraph:
    paragraph = _first_paragraph(container)
    fmt = paragraph.paragraph_format
    fmt.alignment = _ALIGN[align]
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if first_indent is not None:
        fmt.first_line_indent = first_indent
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        _run(paragraph, text, size, bold=bold, italic=italic, color=color)
    # The paragraph mark carries the size too, so an empty paragraph has the right height.
    mark = _element("w:rPr")
    mark.append(_element("w:sz", val=str(round(size * 2))))
    mark.append(_element("w:szCs", val=str(round(size * 2))))
    _put(paragraph._p.get_or_add_pPr(), mark, _PPR_ORDER)
    return paragraph


def _body_paragraph(
    container: Container, text: str, *, bold: bool = False, italic: bool = False, keep_with_next: bool = False
) -> DocxParagraph:
    return _paragraph(
        container,
        text,
        size=L.BODY_PT,
        bold=bold,
        italic=italic,
        align="justify",
        space_before=L.PARAGRAPH_SPACING_PT,
        first_indent=Cm(L.FIRST_LINE_INDENT_CM),
        keep_with_next=keep_with_next,
    )


def _rule(container: Container, length_pt: float, available_pt: float, *, space_after: float = 0.0) -> None:
    """A rule `length_pt` long, centred in `available_pt`: the bottom border of a 4 pt paragraph."""
    paragraph = _paragraph(container, "", size=2, space_after=space_after)
    fmt = paragraph.paragraph_format
    indent = max(0.0, (available_pt - length_pt) / 2)
    fmt.left_indent = Pt(indent)
    fmt.right_indent = Pt(indent)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(4)
    border = _element(
        "w:bottom", val="single", sz=str(round(L.RULE_THICKNESS_PT * 8)), space="0", color="auto"
    )
    _put(paragraph._p.get_or_add_pPr(), _wrap("w:pBdr", border), _PPR_ORDER)


# ----------------------------------------------------------------------------- tables


def _table(
    container: Document | _Cell, widths_mm: list[float], rows: int, *, borderless: bool = True
) -> DocxTable:
    table = container.add_table(rows=rows, cols=len(widths_mm))
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    _put(tbl_pr, _element("w:tblW", w=_twips(sum(widths_mm)), type="dxa"), _TBLPR_ORDER)
    if borderless:
        _put(tbl_pr, _borders(), _TBLPR_ORDER)
    else:
        table.style = "Table Grid"
    margins = _wrap(
        "w:tblCellMar",
        _element("w:top", w="0", type="dxa"),
        _element("w:left", w=_twips(L.CELL_PADDING_MM), type="dxa"),
        _element("w:bottom", w="0", type="dxa"),
        _element("w:right", w=_twips(L.CELL_PADDING_MM), type="dxa"),
    )
    _put(tbl_pr, margins, _TBLPR_ORDER)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table


def _row_property(table: DocxTable, row: int, tag: str) -> None:
    tr_pr = table.rows[row]._tr.get_or_add_trPr()
    _put(tr_pr, _element(tag), _TRPR_ORDER)


def _header(document: Document, doc: OfficialDocument) -> None:
    """Boxes 2, 3, 5b, 10 on the left; 1 and 4 on the right."""
    table = _table(document, [L.HEADER_LEFT_MM, L.HEADER_RIGHT_MM], rows=2)
    agency, national = table.rows[0].cells
    number, date_cell = table.rows[1].cells
    left_inner = (L.HEADER_LEFT_MM - 2 * L.CELL_PADDING_MM) * _PT_PER_MM
    right_inner = (L.HEADER_RIGHT_MM - 2 * L.CELL_PADDING_MM) * _PT_PER_MM

    if doc.parent_agency_name:
        _paragraph(agency, doc.parent_agency_name.upper(), size=L.AGENCY_PT)
    issuing = doc.issuing_agency_name.upper()
    _paragraph(agency, issuing, size=L.AGENCY_PT, bold=True)
    _rule(
        agency, L.rule_width_pt(issuing, L.AGENCY_PT, left_inner, fraction=L.SHORT_RULE_FRACTION), left_inner
    )

    _paragraph(national, NATIONAL_NAME, size=L.NATIONAL_NAME_PT, bold=True)
    _paragraph(national, NATIONAL_MOTTO, size=L.MOTTO_PT, bold=True)
    _rule(national, L.motto_rule_pt(), right_inner)

    _paragraph(number, L.number_line(doc), size=L.NUMBER_PT, space_before=6)
    if doc.is_official_letter:
        _paragraph(number, L.official_letter_subject(doc), size=L.LETTER_SUBJECT_PT, space_before=6)
    for stamp in (doc.secrecy, doc.urgency):
        if stamp:
            _stamp(number, stamp)
    _paragraph(date_cell, L.place_date_line(doc), size=L.PLACE_DATE_PT, italic=True, space_before=6)


def _stamp(cell: _Cell, text: str) -> None:
    """Box 10: the urgency or secrecy mark, bold capitals in a red box."""
    _paragraph(cell, "", size=6)
    width = L.stamp_width_mm(text)
    box = _table(cell, [width], rows=1)
    tbl_pr = box._tbl.tblPr
    _put(tbl_pr, _element("w:jc", val="center"), _TBLPR_ORDER)
    _put(tbl_pr, _borders(value="single", size=8, color=L.STAMP_COLOR_HEX), _TBLPR_ORDER)
    row = box.rows[0]
    row.height = Mm(L.STAMP_HEIGHT_MM)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
    inner = row.cells[0]
    inner.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _paragraph(inner, text, size=L.STAMP_PT, bold=True, color=L.STAMP_COLOR_HEX)
    # python-docx closes the cell with an empty paragraph after the box (Word requires it); keep it thin.
    closing = cell.paragraphs[-1]
    closing.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    closing.paragraph_format.line_spacing = Pt(2)


def _title(document: Document, doc: OfficialDocument) -> None:
    """Box 5a: the type name, the subject under it and a short rule."""
    assert doc.type_name is not None
    _paragraph(
        document, doc.type_name.upper(), size=L.TYPE_NAME_PT, bold=True, space_before=18, keep_with_next=True
    )
    _paragraph(document, doc.subject, size=L.SUBJECT_PT, bold=True, keep_with_next=True)
    width = L.TEXT_WIDTH_MM * _PT_PER_MM
    _rule(
        document,
        L.rule_width_pt(doc.subject, L.SUBJECT_PT, width, fraction=L.SHORT_RULE_FRACTION),
        width,
        space_after=6,
    )


def _addressees(document: Document, doc: OfficialDocument) -> None:
    """The "Kính gửi:" line: one recipient inline, or "- …;" lines aligned after the label."""
    lines = L.addressee_lines(doc)
    if not lines:
        return
    if len(lines) == 1:
        _paragraph(document, f"Kính gửi: {lines[0]}", size=L.BODY_PT, space_before=L.PARAGRAPH_SPACING_PT)
        return
    indent = Mm(L.ADDRESSEE_OFFSET_MM + L.ADDRESSEE_LABEL_MM)
    for index, line in enumerate(lines):
        text = f"Kính gửi:\t{line}" if index == 0 else line
        paragraph = _paragraph(
            document,
            text,
            size=L.BODY_PT,
            align="left",
            space_before=L.PARAGRAPH_SPACING_PT if index == 0 else 0,
        )
        fmt = paragraph.paragraph_format
        fmt.left_indent = indent
        if index == 0:
            fmt.first_line_indent = -Mm(L.ADDRESSEE_LABEL_MM)
            fmt.tab_stops.add_tab_stop(indent, WD_TAB_ALIGNMENT.LEFT)


def _block(document: Document, block: Block) -> None:
    if isinstance(block, Heading):
        _paragraph(document, block.label, size=L.BODY_PT, bold=True, space_before=12, keep_with_next=True)
        if block.title:
            _paragraph(document, block.title.upper(), size=L.BODY_PT, bold=True, keep_with_next=True)
    elif isinstance(block, Section):
        _body_paragraph(document, block.label, bold=True, keep_with_next=True)
    elif isinstance(block, Paragraph):
        _body_paragraph(document, block.text, bold=block.bold, italic=block.italic)
    elif isinstance(block, Bullet):
        _body_paragraph(document, block.label)
    else:
        _data_table(document, block)


def _data_table(document: Document, block: Table) -> None:
    if block.title:
        _paragraph(
            document,
            block.title,
            size=L.BODY_PT,
            bold=True,
            space_before=6,
            space_after=6,
            keep_with_next=True,
        )
    else:
        _paragraph(document, "", size=6)
    widths = [fraction * L.TEXT_WIDTH_MM for fraction in block.fractions()]
    table = _table(document, widths, rows=1 + len(block.rows), borderless=False)
    _put(table._tbl.tblPr, _element("w:jc", val="center"), _TBLPR_ORDER)
    _row_property(table, 0, "w:cantSplit")
    _row_property(table, 0, "w:tblHeader")
    for column, text in enumerate(block.header):
        cell = table.rows[0].cells[column]
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _paragraph(cell, text, size=L.TABLE_PT, bold=True, space_before=2, space_after=2)
    for number, row in enumerate(block.rows, start=1):
        for column, text in enumerate(row):
            cell = table.rows[number].cells[column]
            _paragraph(
                cell, text, size=L.TABLE_PT, align=block.alignment(column), space_before=2, space_after=2
            )


def _closing(document: Document, doc: OfficialDocument) -> None:
    """Nơi nhận (box 9b) on the left, level with the signing authority (box 7) on the right."""
    body = document.element.body
    paragraphs = document.paragraphs
    # Keep the closing with the last paragraph, unless the body ends with a table.
    if paragraphs and len(body) > 1 and paragraphs[-1]._p is body[-2]:  # body[-1] is the sectPr
        paragraph = paragraphs[-1]
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_after = Pt(12)
    table = _table(document, [L.CLOSING_LEFT_MM, L.CLOSING_RIGHT_MM], rows=1)
    _row_property(table, 0, "w:cantSplit")
    left, right = table.rows[0].cells
    _paragraph(
        left, "Nơi nhận:", size=L.DISTRIBUTION_LABEL_PT, bold=True, italic=True, align="left", space_before=2
    )
    for line in L.distribution_lines(doc):
        _paragraph(left, line, size=L.DISTRIBUTION_PT, align="left")
    for line in L.signature_lines(doc.signature):
        _paragraph(right, line, size=L.SIGNATURE_PT, bold=True, keep_with_next=True)
    _paragraph(
        right,
        doc.signature.signer_name,
        size=L.SIGNATURE_PT,
        bold=True,
        space_before=L.SIGNATURE_SPACE_MM * _PT_PER_MM,
    )
