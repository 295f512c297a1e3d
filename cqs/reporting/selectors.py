"""Reads of the report lifecycle: campaign progress, frozen figures, differences against live
data, consolidation of children's submitted reports, the people to notify.

Nothing here writes; the services in `cqs.reporting.services` do.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cqs.core.periods import Period, parse_period
from cqs.core.workcalendar import VN_TZ
from cqs.org.models import Agency, AgencySuccession, Position, Role
from cqs.org.selectors import descendants_on
from cqs.reporting.compute import (
    Figure,
    IndicatorResult,
    _pick_target,  # the same choice of target as compute
    compute_agencies,
    consolidate,
    format_figure,
    target_for,
)
from cqs.reporting.models import (
    Campaign,
    Indicator,
    OutlineSection,
    Regime,
    Report,
    ReportNarrative,
    ReportStatus,
    ReportValue,
    Target,
)
from cqs.reporting.workflow import SUBMITTED_STATUSES

# ----------------------------------------------------------------------------- basics


def campaign_period(campaign: Campaign) -> Period:
    return parse_period(campaign.period, campaign.regime.window)


def regime_indicators(regime: Regime) -> list[Indicator]:
    """The regime's indicators and those its outline names, in catalogue order."""
    ids = set(regime.indicators.values_list("pk", flat=True))
    ids |= set(
        OutlineSection.indicators.through.objects.filter(outlinesection__regime=regime).values_list(
            "indicator_id", flat=True
        )
    )
    return list(Indicator.objects.filter(pk__in=ids).order_by("group", "order", "code"))


def outline(regime: Regime) -> list[OutlineSection]:
    return list(
        regime.sections.order_by("order").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("group", "order", "code"))
        )
    )


def local_date(moment: Any) -> date | None:
    return moment.astimezone(VN_TZ).date() if moment is not None else None


def is_late(report: Report) -> bool:
    """Sent after the campaign's deadline (dates in Vietnam time)."""
    sent = local_date(report.submitted_at)
    return sent is not None and sent > report.campaign.deadline


def is_submitted(report: Report) -> bool:
    return report.status in SUBMITTED_STATUSES


# ----------------------------------------------------------------------------- figures


def figure_of(value: ReportValue) -> Figure:
    return Figure(value=value.value, numerator=value.numerator, denominator=value.denominator)


def report_figures(report: Report) -> dict[str, Figure]:
    """The report's stored figures by indicator code (frozen once it was sent)."""
    return {v.indicator.code: figure_of(v) for v in report.values.select_related("indicator")}


def figures_by_report(reports: Iterable[Report]) -> dict[int, dict[str, Figure]]:
    ids = [r.pk for r in reports]
    result: dict[int, dict[str, Figure]] = {pk: {} for pk in ids}
    for value in ReportValue.objects.filter(report_id__in=ids).select_related("indicator"):
        result[value.report_id][value.indicator.code] = figure_of(value)
    return result


class TargetBook:
    """The targets of some indicators, loaded once (one query), picked like `compute.target_for`."""

    def __init__(self, indicators: Iterable[Indicator], year: int) -> None:
        self.by_indicator: dict[int, list[Target]] = {}
        ids = [i.pk for i in indicators]
        for target in Target.objects.filter(indicator_id__in=ids, year__lte=year):
            self.by_indicator.setdefault(target.indicator_id, []).append(target)

    def target(self, indicator: Indicator, year: int, level: str) -> Target | None:
        return _pick_target(self.by_indicator.get(indicator.pk, ()), year, level)


def result_for(
    indicator: Indicator,
    figure: Figure,
    *,
    year: int,
    level: str,
    issues: Sequence[str] = (),
    book: TargetBook | None = None,
) -> IndicatorResult:
    """An IndicatorResult for a stored (or consolidated) figure: its target and whether it is met."""
    target = book.target(indicator, year, level) if book is not None else target_for(indicator, year, level)
    met: bool | None = None
    if target is not None and figure.value is not None:
        met = target.is_met(figure.value)
    return IndicatorResult(
        indicator=indicator, figure=figure, target=target, target_met=met, issues=tuple(issues)
    )


@dataclass(frozen=True)
class ValueRow:
    """One line of the report editor's value table."""

    result: IndicatorResult
    text: str
    is_manual: bool
    live: IndicatorResult | None = None  # set when live data now differ from the frozen value
    live_text: str = ""

    @property
    def differs(self) -> bool:
        return self.live is not None


def _same(a: Figure, b: Figure) -> bool:
    def norm(x: Decimal | None) -> Decimal | None:
        return None if x is None else Decimal(x).quantize(Decimal("0.01"))

    return (norm(a.value), norm(a.numerator), norm(a.denominator)) == (
        norm(b.value),
        norm(b.numerator),
        norm(b.denominator),
    )


def report_rows(report: Report, *, with_live: bool = False) -> list[ValueRow]:
    """The report's values with their targets; with `with_live`, the live figures that differ
    ("số liệu hiện nay khác") — the stored values are never changed by this."""
    period = campaign_period(report.campaign)
    values = list(report.values.select_related("indicator").order_by("indicator__group", "indicator__order"))
    live: dict[str, IndicatorResult] = {}
    if with_live and values:
        indicators = [v.indicator for v in values]
        live = compute_agencies(indicators, [report.agency_id], period, check_history=False).get(
            report.agency_id, {}
        )
    rows = []
    book = TargetBook([v.indicator for v in values], period.end.year)
    for value in values:
        issues = tuple(line for line in value.note.split("\n") if line) if value.note else ()
        result = result_for(
            value.indicator,
            figure_of(value),
            year=period.end.year,
            level=report.agency.level,
            issues=issues,
            book=book,
        )
        now = live.get(value.indicator.code)
        differs = now is not None and not value.is_manual and not _same(now.figure, result.figure)
        rows.append(
            ValueRow(
                result=result,
                text=format_figure(value.indicator, result.figure),
                is_manual=value.is_manual,
                live=now if differs else None,
                live_text=format_figure(value.indicator, now.figure) if differs and now is not None else "",
            )
        )
    return rows


def narratives(report: Report) -> dict[int, str]:
    """Section id → the officer's text."""
    return dict(ReportNarrative.objects.filter(report=report).values_list("section_id", "text"))


# ----------------------------------------------------------------------------- people


def successor_map(agency_ids: Collection[int]) -> dict[int, set[int]]:
    """agency id → itself and every agency its history rolled into (transitively)."""
    successors: dict[int, list[int]] = {}
    for predecessor_id, successor_id in AgencySuccession.objects.values_list(
        "predecessor_id", "successor_id"
    ):
        successors.setdefault(predecessor_id, []).append(successor_id)
    result: dict[int, set[int]] = {}
    for agency_id in agency_ids:
        seen = {agency_id}
        stack = [agency_id]
        while stack:
            for nxt in successors.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        result[agency_id] = seen
    return result


def staff_with_role(agency_ids: Collection[int], roles: Sequence[str]) -> dict[int, list[Any]]:
    """For each agency: the users who now hold one of `roles` there or in an agency its history
    rolled into (Ban Dân tộc's report goes to Sở Dân tộc và Tôn giáo's reporting officer)."""
    closure = successor_map(agency_ids)
    wanted = set().union(*closure.values()) if closure else set()
    by_agency: dict[int, list[Any]] = {}
    user_model = get_user_model()
    positions = (
        Position.objects.current(timezone.localdate())
        .filter(agency_id__in=wanted, roles__role__in=roles, user__is_active=True)
        .values_list("agency_id", "user_id")
        .distinct()
    )
    users_at: dict[int, set[int]] = {}
    for agency_id, user_id in positions:
        users_at.setdefault(agency_id, set()).add(user_id)
    all_ids = set().union(*users_at.values()) if users_at else set()
    users = user_model.objects.in_bulk(list(all_ids))
    for agency_id, reachable in closure.items():
        ids = sorted({u for a in reachable for u in users_at.get(a, ())})
        by_agency[agency_id] = [users[u] for u in ids if u in users]
    return by_agency


def reporting_officers(agency_ids: Collection[int]) -> dict[int, list[Any]]:
    return staff_with_role(agency_ids, (Role.REPORTING_OFFICER,))


# ----------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class ReportLine:
    report: Report
    late: bool
    submitted: bool


@dataclass(frozen=True)
class CampaignProgress:
    """Completeness and timeliness: "18/20 đơn vị đã nộp, 2 nộp muộn"."""

    lines: list[ReportLine]
    total: int
    submitted: int
    late: int
    accepted: int
    returned: int
    missing: list[Agency] = field(default_factory=list)
    late_agencies: list[Agency] = field(default_factory=list)

    @property
    def summary(self) -> str:
        text = f"{self.submitted}/{self.total} đơn vị đã nộp"
        if self.late:
            text += f", {self.late} nộp muộn"
        return text


def campaign_reports(campaign: Campaign) -> QuerySet[Report]:
    return (
        campaign.reports.filter(is_consolidated=False)
        .select_related("agency", "campaign")
        .order_by("agency__tree_path", "agency__code")
    )


def progress_of(reports: Sequence[Report]) -> CampaignProgress:
    lines = [ReportLine(report=r, late=is_late(r), submitted=is_submitted(r)) for r in reports]
    return CampaignProgress(
        lines=lines,
        total=len(lines),
        submitted=sum(1 for line in lines if line.submitted),
        late=sum(1 for line in lines if line.submitted and line.late),
        accepted=sum(1 for line in lines if line.report.status == ReportStatus.ACCEPTED),
        returned=sum(1 for line in lines if line.report.status == ReportStatus.RETURNED),
        missing=[line.report.agency for line in lines if not line.submitted],
        late_agencies=[line.report.agency for line in lines if line.submitted and line.late],
    )


def campaign_progress(campaign: Campaign) -> CampaignProgress:
    return progress_of(list(campaign_reports(campaign)))


# ----------------------------------------------------------------------------- consolidation


@dataclass(frozen=True)
class ChildLine:
    """One child agency in a consolidation: its report (if the campaign asked it) and values."""

    agency: Agency
    report: Report | None
    submitted: bool
    late: bool
    results: dict[str, IndicatorResult]

    @property
    def status_label(self) -> str:
        if self.report is None:
            return "Không thuộc đợt báo cáo"
        if self.submitted:
            return "Nộp muộn" if self.late else "Đúng hạn"
        return (
            str(ReportStatus(self.report.status).label)
            if self.report.status != ReportStatus.DRAFT
            else "Chưa nộp"
        )


@dataclass(frozen=True)
class TargetMiss:
    indicator: Indicator
    target_text: str
    agencies: list[Agency]


@dataclass(frozen=True)
class Consolidation:
    campaign: Campaign
    parent: Agency
    period: Period
    indicators: list[Indicator]
    children: list[ChildLine]
    totals: dict[str, IndicatorResult]
    progress: CampaignProgress
    misses: list[TargetMiss]

    @property
    def laggards(self) -> list[Agency]:
        """Not submitted, or submitted late."""
        return [c.agency for c in self.children if c.report is not None and (not c.submitted or c.late)]

    @property
    def not_submitted(self) -> list[Agency]:
        return [c.agency for c in self.children if c.report is not None and not c.submitted]

    @property
    def late(self) -> list[Agency]:
        return [c.agency for c in self.children if c.submitted and c.late]


def target_text(result: IndicatorResult) -> str:
    target = result.target
    if target is None:
        return ""
    from cqs.core.text import format_number, format_percent

    value = format_percent(target.value) if result.indicator.is_ratio else format_number(target.value)
    return f"{target.get_comparator_display()} {value}"


def consolidation(
    campaign: Campaign, parent: Agency, indicators: Sequence[Indicator] | None = None
) -> Consolidation:
    """The parent's consolidated report: its children as the tree stood at the window end, each
    with its *submitted* (frozen) values; totals sum those values (ratios: numerators and
    denominators); laggards and agencies missing each target are named."""
    period = campaign_period(campaign)
    indicators = list(indicators) if indicators is not None else regime_indicators(campaign.regime)
    below = {a.pk: a for a in descendants_on(parent, period.end).order_by("tree_path", "code")}
    reports = [r for r in campaign_reports(campaign) if r.agency_id in below]
    figures = figures_by_report([r for r in reports if is_submitted(r)])
    year = period.end.year
    book = TargetBook(indicators, year)
    children: list[ChildLine] = []
    for report in reports:
        submitted = is_submitted(report)
        own = figures.get(report.pk, {}) if submitted else {}
        results = {
            ind.code: result_for(ind, own[ind.code], year=year, level=report.agency.level, book=book)
            for ind in indicators
            if ind.code in own
        }
        children.append(
            ChildLine(
                agency=report.agency,
                report=report,
                submitted=submitted,
                late=is_late(report),
                results=results,
            )
        )
    totals_fig = consolidate([figures[r.pk] for r in reports if r.pk in figures], indicators)
    totals = {
        code: result_for(ind, totals_fig[code], year=year, level=parent.level, book=book)
        for ind in indicators
        for code in [ind.code]
        if code in totals_fig
    }
    misses: list[TargetMiss] = []
    for ind in indicators:
        missing = [
            c.agency for c in children if (r := c.results.get(ind.code)) is not None and r.target_met is False
        ]
        if missing:
            sample = next(c.results[ind.code] for c in children if c.agency == missing[0])
            misses.append(TargetMiss(indicator=ind, target_text=target_text(sample), agencies=missing))
    return Consolidation(
        campaign=campaign,
        parent=parent,
        period=period,
        indicators=indicators,
        children=children,
        totals=totals,
        progress=progress_of(reports),
        misses=misses,
    )


def consolidation_parents(campaign: Campaign) -> list[Agency]:
    """Agencies above at least one of the campaign's reporting agencies (tree at window end)."""
    period = campaign_period(campaign)
    paths = list(campaign_reports(campaign).values_list("agency__tree_path", flat=True))
    ids: set[int] = set()
    for path in paths:
        ids.update(int(part) for part in path.strip("/").split("/")[:-1] if part)
    return list(Agency.objects.valid_on(period.end).filter(pk__in=ids).order_by("tree_path"))


def figures_of_results(results: Mapping[str, IndicatorResult]) -> dict[str, Figure]:
    return {code: r.figure for code, r in results.items()}


def live_results(report: Report, indicators: Sequence[Indicator]) -> dict[str, IndicatorResult]:
    return compute_agencies(indicators, [report.agency_id], campaign_period(report.campaign)).get(
        report.agency_id, {}
    )
