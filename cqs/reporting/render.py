"""A report (or a parent's consolidation) laid out like the sample reports, through the shared
Decree-30 renderer (`cqs.rendering`): header (parent agency + agency), "Số: …/BC-…", place and
date, "BÁO CÁO" and the subject, the opening paragraph from the regime's basis, the outline's
numbered sections (I, II, 1, 2…) with computed sentences, indicator tables, task tables and the
officer's narratives, the closing sentence, "Nơi nhận" and the signature block.

Values: a report's stored values (frozen once sent) — never recomputed here. `live_results`
builds the same document from live data for an agency that has no report (the command line).
XLSX exports use openpyxl.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any, Literal

from django.utils import timezone

from cqs.core.periods import Period, PeriodKind
from cqs.core.text import format_number, format_percent, nfc
from cqs.documents.render import header_names
from cqs.org.models import Agency, AgencyKind, AgencySuccession, Position, Role
from cqs.rendering.docx import render_docx
from cqs.rendering.model import (
    Authority,
    Block,
    Bullet,
    OfficialDocument,
    Paragraph,
    Section,
    SignatureBlock,
    Table,
)
from cqs.rendering.pdf import render_pdf
from cqs.reporting.compute import MISSING, IndicatorResult, fill_template, format_figure
from cqs.reporting.models import (
    Campaign,
    Indicator,
    OutlineSection,
    Regime,
    Report,
    ReportStatus,
    SectionKind,
)
from cqs.reporting.selectors import (
    Consolidation,
    campaign_period,
    narratives,
    outline,
    report_rows,
    target_text,
)

__all__ = [
    "consolidation_document",
    "consolidation_xlsx",
    "period_words",
    "placeholders",
    "render_file",
    "report_document",
    "report_xlsx",
    "requester_on",
    "sentence_text",
]

_COMMITTEES = frozenset(
    {AgencyKind.PROVINCIAL_COMMITTEE, AgencyKind.DISTRICT_COMMITTEE, AgencyKind.COMMUNE_COMMITTEE}
)
_HEAD_TITLES: dict[str, str] = {
    AgencyKind.PROVINCIAL_COMMITTEE: "Chủ tịch",
    AgencyKind.DISTRICT_COMMITTEE: "Chủ tịch",
    AgencyKind.COMMUNE_COMMITTEE: "Chủ tịch",
    AgencyKind.DEPARTMENT: "Giám đốc",
    AgencyKind.BOARD: "Trưởng ban",
    AgencyKind.OFFICE: "Chánh Văn phòng",
    AgencyKind.INSPECTORATE: "Chánh Thanh tra",
    AgencyKind.SERVICE_CENTRE: "Giám đốc",
    AgencyKind.PUBLIC_SERVICE_UNIT: "Giám đốc",
}
_ROMAN = ("", "I", "II", "III", "IV")
_TARGET_FIELD = re.compile(r"\{([A-Z][A-Z0-9_]*):chi_tieu\}")
_CODE_FIELD = re.compile(r"\{([A-Z][A-Z0-9_]*)(?::[a-z_]+)?\}")


# ----------------------------------------------------------------------------- words


def period_words(period: Period) -> str:
    """ "Quý III năm 2023", "tháng 3 năm 2024", "6 tháng đầu năm 2024", "năm 2024"."""
    match period.kind:
        case PeriodKind.QUARTER:
            return f"Quý {_ROMAN[period.index]} năm {period.year}"
        case PeriodKind.MONTH:
            return f"tháng {period.index} năm {period.year}"
        case PeriodKind.HALF_YEAR:
            return f"6 tháng {'đầu' if period.index == 1 else 'cuối'} năm {period.year}"
        case PeriodKind.NINE_MONTHS:
            return f"9 tháng năm {period.year}"
        case _:
            return f"năm {period.year}"


def short_date(day: date) -> str:
    """ "15/6/2023", as the samples write the data window."""
    return f"{day.day}/{day.month}/{day.year}"


def requester_on(regime: Regime, on: date) -> Agency:
    """The requesting agency as it stood on `on`: the predecessor valid then whose function the
    requester took over (Sở Thông tin và Truyền thông for 2023, Sở Khoa học và Công nghệ now)."""
    requester = regime.requesting_agency
    if (
        requester.is_valid_on(on)
        and not AgencySuccession.objects.filter(successor=requester, effective_date__gt=on).exists()
    ):
        return requester
    earlier = (
        AgencySuccession.objects.filter(successor=requester, effective_date__gt=on)
        .select_related("predecessor")
        .order_by("effective_date", "predecessor__code")
    )
    for succession in earlier:
        if succession.predecessor.is_valid_on(on):
            return succession.predecessor
    return requester


def agency_words(agency: Agency) -> str:
    """How the report names its own agency in sentences: "Ban Dân tộc", "UBND xã An Phú"."""
    name = nfc(agency.short_name or agency.name).strip()
    return re.sub(r"^(?:Ủy|Uỷ) ban nhân dân\b", "UBND", name)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def placeholders(regime: Regime, agency: Agency, period: Period) -> dict[str, str]:
    return {
        "co_quan": agency_words(agency),
        "ky": period_words(period),
        "ky_sau": _lower_first(period_words(period.next())),
        "tu_ngay": short_date(period.start),
        "den_ngay": short_date(period.end),
        "noi_nhan": requester_on(regime, period.end).name,
        "nam": str(period.year),
    }


def fill_words(text: str, words: Mapping[str, str]) -> str:
    """Replace the lower-case placeholders; indicator fields (upper case) are left alone."""
    return re.sub(r"\{([a-z_]+)\}", lambda m: words.get(m[1], m[0]), text or "")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def sentence_text(
    template: str, results: Mapping[str, IndicatorResult], words: Mapping[str, str]
) -> tuple[str, bool]:
    """The filled sentence and whether every figure it names has data."""

    def target(match: re.Match[str]) -> str:
        result = results.get(match[1])
        return target_text(result) if result is not None and result.target is not None else "chưa giao"

    text = _TARGET_FIELD.sub(target, fill_words(template, words))
    filled = fill_template(text, results)
    complete = MISSING not in filled and all(
        (result := results.get(code)) is not None and result.figure.value is not None
        for code in _CODE_FIELD.findall(template)
    )
    return _capitalise(filled), complete


# ----------------------------------------------------------------------------- pieces


def _paragraphs(text: str) -> list[Block]:
    blocks: list[Block] = []
    for line in (nfc(text or "").replace("\r\n", "\n")).split("\n"):
        line = line.strip()
        if not line:
            continue
        if line.startswith(("- ", "– ")):
            blocks.append(Bullet(line[2:].strip()))
        elif line.startswith("+ "):
            blocks.append(Bullet(line[2:].strip(), marker="+"))
        else:
            blocks.append(Paragraph(line))
    return blocks


def _has_data(result: IndicatorResult | None) -> bool:
    """A value to show (a ratio over an empty base, 0/0, has none)."""
    return result is not None and result.figure.value is not None


def _assessment(result: IndicatorResult) -> str:
    if result.target_met is None:
        return ""
    return "Đạt" if result.target_met else "Chưa đạt"


def indicator_table(
    title: str, indicators: Sequence[Indicator], results: Mapping[str, IndicatorResult]
) -> Table | None:
    rows: list[list[str]] = []
    for indicator in indicators:
        result = results.get(indicator.code)
        if result is None or not _has_data(result):
            continue
        figure = result.figure
        if indicator.is_ratio:
            outcome = format_figure(indicator, figure, "phan_so")
            rate = format_figure(indicator, figure, "ty_le")
        else:
            outcome, rate = format_figure(indicator, figure), ""
        rows.append(
            [
                str(len(rows) + 1),
                indicator.name,
                outcome,
                rate,
                target_text(result) or "—",
                _assessment(result) or "—",
            ]
        )
    if not rows:
        return None
    return Table(
        title=title,
        header=["STT", "Chỉ tiêu", "Kết quả", "Tỷ lệ", "Chỉ tiêu giao", "Đánh giá"],
        rows=rows,
        widths=[1.1, 7, 2.4, 2.2, 2.2, 2],
        align=["center", "left", "right", "right", "center", "center"],
    )


TaskRows = list[list[str]]


def task_rows(section: OutlineSection, agency: Agency, period: Period) -> TaskRows:
    """The rows of the worklist's appendix table for the agency's tasks over the window, as
    they stand now: STT, task, lead, supporters, result, note."""
    try:
        from cqs.worklist.models import Plan
        from cqs.worklist.stats import task_table as worklist_table
    except ImportError:  # pragma: no cover - the worklist app is part of the platform
        return []
    plan_id = None
    if section.task_plan_reference:
        plan = Plan.objects.filter(citation__icontains=section.task_plan_reference).order_by("-year").first()
        plan_id = plan.pk if plan is not None else None
    rows = worklist_table(plan_id=plan_id, agency_ids=[agency.pk], start=period.start, end=period.end)
    return [[str(r.number), r.content, r.lead, r.supporters, r.result, r.note] for r in rows]


def task_table(
    section: OutlineSection, agency: Agency, period: Period, title: str, *, frozen: TaskRows | None = None
) -> Table | None:
    """The task table of a section: the `frozen` rows of a sent report, or live (empty → None)."""
    rows = frozen if frozen is not None else task_rows(section, agency, period)
    if not rows:
        return None
    return Table(
        title=title,
        header=[
            "STT",
            "Nội dung nhiệm vụ",
            "Cơ quan chủ trì",
            "Cơ quan phối hợp",
            "Kết quả/tiến độ",
            "Ghi chú",
        ],
        rows=rows,
        widths=[1.1, 5.5, 2.8, 2.8, 3.2, 2.4],
        align=["center", "left", "left", "left", "left", "left"],
    )


def frozen_task_tables(report: Report) -> dict[str, TaskRows]:
    """Every task table of the report's outline as it stands now, to keep with the report."""
    period = campaign_period(report.campaign)
    return {
        str(section.pk): task_rows(section, report.agency, period)
        for section in outline(report.campaign.regime)
        if section.kind == SectionKind.TASK_TABLE
    }


@dataclass(frozen=True)
class Signer:
    authority: Authority
    title: str
    name: str


def default_signer(agency: Agency, on: date) -> Signer:
    """The agency's head (an agency-level leader) on `on`, else a deputy signing "KT."."""
    positions = list(
        Position.objects.current(on)
        .filter(agency=agency, unit__isnull=True, roles__role=Role.LEADER)
        .select_related("user")
        .order_by("title", "user__full_name")
    )
    if not positions:
        successor_ids = AgencySuccession.objects.filter(predecessor=agency).values("successor_id")
        positions = list(
            Position.objects.current(timezone.localdate())
            .filter(agency_id__in=successor_ids, unit__isnull=True, roles__role=Role.LEADER)
            .select_related("user")
        )
    if not positions:
        return Signer("", _HEAD_TITLES.get(agency.kind, "Thủ trưởng cơ quan"), "")
    position = positions[0]
    title = re.sub(r"\s+(?:Ủy ban nhân dân|UBND)\b.*$", "", position.title).strip()
    authority: Authority = "KT." if title.lower().startswith("phó ") else ""
    return Signer(authority, title, str(getattr(position.user, "full_name", "") or position.user))


def signature_block(agency: Agency, signer: Signer) -> SignatureBlock:
    head = _HEAD_TITLES.get(agency.kind, "Thủ trưởng cơ quan")
    title = signer.title or head
    name = signer.name or "(chưa chọn người ký)"
    deputy = title[4:].strip().capitalize() if title.lower().startswith("phó ") else ""
    if agency.kind in _COMMITTEES:
        return SignatureBlock("TM.", "Ủy ban nhân dân", title, name, deputy_for=deputy)
    if signer.authority == "KT." or deputy:
        return SignatureBlock("KT.", deputy or head, title, name)
    if signer.authority in ("Q.", "TL.", "TUQ.", "TM."):
        return SignatureBlock(signer.authority, head, title, name)
    return SignatureBlock("", "", title, name)


def notation_for(agency: Agency) -> str:
    group = re.sub(r"[^A-ZĐ0-9&.]", "", nfc(agency.notation or "").upper()) or "UBND"
    return f"BC-{group}"


def _header(agency: Agency) -> tuple[str, str]:
    parent_line, own = header_names(agency)
    return parent_line, own


# ----------------------------------------------------------------------------- documents


def _body(
    sections: Sequence[OutlineSection],
    results: Mapping[str, IndicatorResult],
    words: Mapping[str, str],
    *,
    texts: Mapping[int, str],
    agency: Agency,
    period: Period,
    misses: Mapping[str, tuple[str, list[Agency]]] | None = None,
    task_tables: Mapping[str, TaskRows] | None = None,
) -> list[Block]:
    blocks: list[Block] = []
    for section in sections:
        title = fill_words(section.title, words)
        if section.kind == SectionKind.HEADING:
            if section.number:
                blocks.append(Section(section.number, _capitalise(title)))
            elif title:
                blocks.append(Paragraph(_capitalise(title), bold=True))
        elif section.kind == SectionKind.NARRATIVE:
            blocks.extend(_paragraphs(texts.get(section.pk, "")))
        elif section.kind == SectionKind.SENTENCE:
            text, complete = sentence_text(section.template, results, words)
            if not complete:
                continue
            previous = blocks[-1] if blocks else None
            nested = isinstance(previous, Bullet | Paragraph) and previous.text.endswith(":")
            nested = nested or (isinstance(previous, Bullet) and previous.marker == "+")
            blocks.append(Bullet(text, marker="+" if nested else "-"))
            for code in dict.fromkeys(_CODE_FIELD.findall(section.template)):
                if misses and code in misses:
                    target, names = misses[code]
                    indicator = results[code].indicator
                    label = (indicator.short_name or indicator.name).lower()
                    blocks.append(
                        Bullet(
                            f"Tuy nhiên, vẫn còn {len(names)} đơn vị có tỷ lệ {label} thấp so với chỉ "
                            "tiêu được "
                            f"giao ({target}): {', '.join(agency_words(a) for a in names)}.",
                            marker="+",
                        )
                    )
        elif section.kind == SectionKind.INDICATOR_TABLE:
            table = indicator_table(title, list(section.indicators.all()), results)
            if table is not None:
                blocks.append(table)
        elif section.kind == SectionKind.TASK_TABLE:
            frozen = (task_tables or {}).get(str(section.pk))
            table = task_table(section, agency, period, title, frozen=frozen)
            if table is not None:
                blocks.append(table)
    return blocks


_SENT = {ReportStatus.SUBMITTED, ReportStatus.ACCEPTED}  # the task tables kept at sending are shown


def report_results(report: Report) -> dict[str, IndicatorResult]:
    return {row.result.indicator.code: row.result for row in report_rows(report)}


def report_document(
    report: Report, *, results: Mapping[str, IndicatorResult] | None = None
) -> OfficialDocument:
    """The report as an OfficialDocument, from its stored values (or the `results` given)."""
    campaign = report.campaign
    regime = campaign.regime
    period = campaign_period(campaign)
    agency = report.agency
    results = results if results is not None else report_results(report)
    words = placeholders(regime, agency, period)
    body: list[Block] = [Paragraph(fill_words(regime.basis_template, words))] if regime.basis_template else []
    body += _body(
        outline(regime),
        results,
        words,
        texts=narratives(report),
        agency=agency,
        period=period,
        task_tables=report.task_tables if report.status in _SENT else None,
    )
    if regime.closing_template:
        body.append(Paragraph(fill_words(regime.closing_template, words)))
    return _document(report, agency, period, regime, body, words)


def _document(
    report: Report | None,
    agency: Agency,
    period: Period,
    regime: Regime,
    body: list[Block],
    words: Mapping[str, str],
    *,
    subject_suffix: str = "",
) -> OfficialDocument:
    parent_line, own = _header(agency)
    issued_on = report.issued_on if report is not None else None
    on = issued_on or timezone.localdate()
    if report is not None and report.signer_name:
        authority: Any = report.signer_authority
        signer = Signer(authority, report.signer_title, report.signer_name)
    else:
        signer = default_signer(agency, min(on, period.end) if not agency.is_valid_on(on) else on)
    distribution = [
        line.strip(" -;.") for line in (report.distribution if report else "").split("\n") if line.strip()
    ]
    if not distribution:
        distribution = [words["noi_nhan"], "Lãnh đạo cơ quan"]
    subject = _capitalise(fill_words(regime.title_template, words)) + subject_suffix
    return OfficialDocument(
        parent_agency_name=parent_line,
        issuing_agency_name=own,
        number=report.number if report is not None and report.number else None,
        notation=(report.notation if report is not None and report.notation else notation_for(agency)),
        place=agency.place_name or "Sơn Hà",
        issued_on=issued_on,
        draft_year=(issued_on or on).year,
        type_name="Báo cáo",
        subject=subject,
        body=body,
        signature=signature_block(agency, signer),
        cc=distribution,
        archive_line="Lưu: VT",
    )


def live_document(
    regime: Regime, agency: Agency, period: Period, results: Mapping[str, IndicatorResult]
) -> OfficialDocument:
    """An agency's report built from live figures, when it has no report for the period."""
    words = placeholders(regime, agency, period)
    body: list[Block] = [Paragraph(fill_words(regime.basis_template, words))] if regime.basis_template else []
    body += _body(outline(regime), results, words, texts={}, agency=agency, period=period)
    if regime.closing_template:
        body.append(Paragraph(fill_words(regime.closing_template, words)))
    return _document(None, agency, period, regime, body, words)


def consolidation_document(cons: Consolidation) -> OfficialDocument:
    """The parent's consolidated report: totals of the children's submitted values, who sent
    and who did not (late ones named), agencies missing each target named, and an appendix
    table of every child's values."""
    regime = cons.campaign.regime
    parent = cons.parent
    period = cons.period
    words = placeholders(regime, parent, period)
    progress = cons.progress
    body: list[Block] = []
    if regime.basis_template:
        body.append(Paragraph(fill_words(regime.basis_template, words)))
    status = f"Tình hình gửi báo cáo: {progress.summary} (hạn gửi ngày {short_date(cons.campaign.deadline)})."
    body.append(Paragraph(status, italic=True))
    if cons.not_submitted:
        body.append(Bullet(f"Chưa gửi báo cáo: {', '.join(agency_words(a) for a in cons.not_submitted)}."))
    if cons.late:
        body.append(Bullet(f"Gửi muộn: {', '.join(agency_words(a) for a in cons.late)}."))
    misses = {m.indicator.code: (m.target_text, m.agencies) for m in cons.misses}
    sections = [s for s in outline(regime) if s.kind != SectionKind.NARRATIVE]
    body += _body(sections, cons.totals, words, texts={}, agency=parent, period=period, misses=misses)
    body += appendix_tables(cons)
    if regime.closing_template:
        body.append(Paragraph(fill_words(regime.closing_template, words)))
    return _document(None, parent, period, regime, body, words, subject_suffix=" (tổng hợp)")


def _appendix_indicators(cons: Consolidation) -> list[Indicator]:
    chosen: list[Indicator] = []
    for section in outline(cons.campaign.regime):
        if section.kind == SectionKind.INDICATOR_TABLE:
            chosen += [i for i in section.indicators.all() if i not in chosen]
    return chosen or cons.indicators


def _appendix_cell(indicator: Indicator, result: IndicatorResult | None) -> str:
    if result is None or result.figure.value is None:
        return "—"
    return format_figure(indicator, result.figure, "ty_le" if indicator.is_ratio else "")


def appendix_tables(cons: Consolidation, per_table: int = 4) -> list[Block]:
    right: Literal["right"] = "right"
    indicators = [i for i in _appendix_indicators(cons) if any(i.code in c.results for c in cons.children)]
    blocks: list[Block] = []
    if not cons.children:
        return blocks
    for start in range(0, max(len(indicators), 1), per_table):
        chunk = indicators[start : start + per_table]
        header = ["STT", "Đơn vị", "Tình trạng", *[(i.short_name or i.name) for i in chunk]]
        rows = []
        for number, child in enumerate(cons.children, start=1):
            cells = []
            for indicator in chunk:
                result = child.results.get(indicator.code)
                text = _appendix_cell(indicator, result)
                if result is not None and result.target_met is False:
                    text += " (chưa đạt)"
                cells.append(text)
            rows.append([str(number), agency_words(child.agency), child.status_label, *cells])
        totals = [_appendix_cell(i, cons.totals.get(i.code)) for i in chunk]
        rows.append(["", "Tổng hợp", f"{cons.progress.submitted}/{cons.progress.total}", *totals])
        title = "Phụ lục. Số liệu của các đơn vị" + (" (tiếp theo)" if start else "")
        blocks.append(
            Table(
                title=title,
                header=header,
                rows=rows,
                widths=[1, 4, 2.4, *[3.0] * len(chunk)],
                align=["center", "left", "center", *[right] * len(chunk)],
            )
        )
    return blocks


# ----------------------------------------------------------------------------- files


def render_file(document: OfficialDocument, suffix: str) -> bytes:
    if suffix == ".pdf":
        return render_pdf(document)
    if suffix == ".docx":
        return render_docx(document)
    raise ValueError(f"Định dạng không hỗ trợ: {suffix} (chỉ .docx hoặc .pdf).")


def _workbook_bytes(workbook: Any) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _figure_cells(indicator: Indicator, result: IndicatorResult | None) -> list[Any]:
    if result is None:
        return [None, None, None, "", ""]
    figure = result.figure
    value = float(figure.value) if figure.value is not None else None
    numerator = float(figure.numerator) if figure.numerator is not None else None
    denominator = float(figure.denominator) if figure.denominator is not None else None
    return [value, numerator, denominator, target_text(result), _assessment(result)]


def _style_header(sheet: Any, row: int, columns: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for column in range(1, columns + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def report_xlsx(report: Report) -> bytes:
    """The report's values: one row per indicator (value, numerator, denominator, target)."""
    from openpyxl import Workbook

    period = campaign_period(report.campaign)
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "So lieu"
    sheet.append([f"{report.campaign.regime.name} — {period_words(period)}"])
    sheet.append([f"Cơ quan: {report.agency.name} ({report.agency.code})"])
    sheet.append(
        [
            f"Số liệu từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}; trạng thái: "
            f"{report.get_status_display()}"
        ]
    )
    header = [
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Giá trị",
        "Tử số",
        "Mẫu số",
        "Chỉ tiêu giao",
        "Đánh giá",
    ]
    sheet.append([])
    sheet.append(header)
    _style_header(sheet, sheet.max_row, len(header))
    for row in report_rows(report):
        indicator = row.result.indicator
        sheet.append([indicator.code, indicator.name, indicator.unit, *_figure_cells(indicator, row.result)])
    for column, width in zip("ABCDEFGH", (18, 60, 12, 12, 12, 12, 16, 12), strict=True):
        sheet.column_dimensions[column].width = width
    return _workbook_bytes(workbook)


def consolidation_xlsx(cons: Consolidation) -> bytes:
    """The campaign's consolidation table: one row per child agency, one column group per
    indicator (value, numerator, denominator), the totals last."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Tong hop"
    sheet.append([f"{cons.campaign.regime.name} — {period_words(cons.period)} — {cons.parent.name}"])
    sheet.append([cons.progress.summary])
    sheet.append([])
    header = ["STT", "Mã định danh", "Đơn vị", "Tình trạng", "Thời điểm gửi"]
    for indicator in cons.indicators:
        if indicator.is_ratio:
            header += [f"{indicator.code} (%)", f"{indicator.code} tử số", f"{indicator.code} mẫu số"]
        else:
            header.append(indicator.code)
    sheet.append(header)
    _style_header(sheet, sheet.max_row, len(header))

    def cells(results: Mapping[str, IndicatorResult]) -> list[Any]:
        out: list[Any] = []
        for indicator in cons.indicators:
            result = results.get(indicator.code)
            figure = result.figure if result is not None else None
            value = float(figure.value) if figure is not None and figure.value is not None else None
            if indicator.is_ratio:
                num = float(figure.numerator) if figure is not None and figure.numerator is not None else None
                den = (
                    float(figure.denominator)
                    if figure is not None and figure.denominator is not None
                    else None
                )
                out += [value, num, den]
            else:
                out.append(value)
        return out

    for number, child in enumerate(cons.children, start=1):
        sent = child.report.submitted_at if child.report is not None else None
        sent_text = timezone.localtime(sent).strftime("%d/%m/%Y %H:%M") if sent else ""
        sheet.append(
            [
                number,
                child.agency.code,
                child.agency.name,
                child.status_label,
                sent_text,
                *cells(child.results),
            ]
        )
    sheet.append(["", "", "Tổng hợp", cons.progress.summary, "", *cells(cons.totals)])
    sheet.column_dimensions["C"].width = 40
    sheet.column_dimensions["D"].width = 22
    return _workbook_bytes(workbook)


def value_summary(results: Mapping[str, IndicatorResult]) -> list[tuple[str, str]]:
    """(name, text) pairs for a short printout (the command line)."""
    return [(r.indicator.name, format_figure(r.indicator, r.figure)) for r in results.values()]


def format_target_value(indicator: Indicator, value: Any) -> str:
    return format_percent(value) if indicator.is_ratio else format_number(value)


def campaign_title(campaign: Campaign) -> str:
    return f"{campaign.regime.name} — {period_words(campaign_period(campaign))}"
