"""Computing indicators: figures per agency and period, targets, validation, consolidation.

* Each agency's figure over the period's window includes the history of the agencies merged
  into it (`AgencySuccession`, transitively): the old commune's documents of 15/06–30/06/2025
  count for the commune it was merged into on 01/07/2025.
* Computed indicators call the registered functions (`cqs.reporting.registry`) once for ALL
  agencies and their predecessors together; manual indicators read `ManualValue` rows of the
  period (one query). A computation costs a fixed number of queries per data source,
  whatever the number of agencies.
* Ratios aggregate by summing numerators and denominators, never by averaging percentages;
  the percentage is 100 · numerator / denominator, None when the denominator is 0.
* Targets (`Target`) apply by the agency's level (the agency row as it stood: merged agencies
  keep their own rows and levels) and the reporting year: the latest target year not after
  the period's year, a target for the agency's level before one for every level.
* Validation messages (Vietnamese) come from `cqs.reporting.validation`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from cqs.core.periods import Period
from cqs.core.text import format_number, format_percent
from cqs.org.models import Agency, AgencySuccession
from cqs.reporting.models import Indicator, IndicatorKind, IndicatorSource, ManualValue, Target
from cqs.reporting.registry import Figure, SourceContext, get_function

__all__ = [
    "HISTORY_PERIODS",
    "Figure",
    "IndicatorResult",
    "active_indicators",
    "compute_agencies",
    "compute_agency",
    "compute_consolidated",
    "consolidate",
    "fill_template",
    "format_figure",
    "history_sources_map",
    "laggards",
    "result_for",
    "sum_figures",
    "target_for",
]

HISTORY_PERIODS = 4  # previous periods an outlier is compared with
PERCENT_QUANTUM = Decimal("0.0001")
EMPTY = Figure(None)


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    figure: Figure
    target: Target | None
    target_met: bool | None  # None when no target or no value
    issues: tuple[str, ...]  # Vietnamese validation messages


def active_indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(is_active=True))


# --- figures ------------------------------------------------------------------------------------


def percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return (numerator * 100 / denominator).quantize(PERCENT_QUANTUM)


def ratio_figure(numerator: Decimal, denominator: Decimal) -> Figure:
    return Figure(percent(numerator, denominator), numerator, denominator)


def sum_figures(kind: str, figures: Iterable[Figure]) -> Figure:
    """Counts sum their values; ratios sum numerators and denominators. Figures without a
    value (nothing entered) are left out; none at all gives an empty figure."""
    present = [f for f in figures if f.value is not None or f.denominator is not None]
    if not present:
        return EMPTY
    if kind == IndicatorKind.RATIO:
        numerator = sum((f.numerator or Decimal(0) for f in present), Decimal(0))
        denominator = sum((f.denominator or Decimal(0) for f in present), Decimal(0))
        return ratio_figure(numerator, denominator)
    return Figure(sum((f.value or Decimal(0) for f in present), Decimal(0)))


def consolidate(
    figures: Iterable[Mapping[str, Figure]], indicators: Sequence[Indicator]
) -> dict[str, Figure]:
    """Sum the figures of several agencies: counts sum; ratios sum numerators and
    denominators, then value = 100 · numerator / denominator."""
    collected: dict[str, list[Figure]] = defaultdict(list)
    for by_code in figures:
        for code, figure in by_code.items():
            collected[code].append(figure)
    return {ind.code: sum_figures(ind.kind, collected.get(ind.code, ())) for ind in indicators}


def history_sources_map(agency_ids: Collection[int]) -> dict[int, set[int]]:
    """For each agency: itself and every agency merged into it, transitively (one query)."""
    predecessors: dict[int, list[int]] = defaultdict(list)
    for predecessor_id, successor_id in AgencySuccession.objects.values_list(
        "predecessor_id", "successor_id"
    ):
        predecessors[successor_id].append(predecessor_id)
    result: dict[int, set[int]] = {}
    for agency_id in agency_ids:
        seen = {agency_id}
        stack = [agency_id]
        while stack:
            for predecessor_id in predecessors.get(stack.pop(), ()):
                if predecessor_id not in seen:
                    seen.add(predecessor_id)
                    stack.append(predecessor_id)
        result[agency_id] = seen
    return result


def _source_figures(
    indicators: Sequence[Indicator], source_ids: frozenset[int], period: Period
) -> tuple[dict[str, Mapping[int, Figure]], dict[str, str]]:
    """Per indicator code: one figure per source agency; and per code a failure message."""
    ctx = SourceContext(source_ids, period.start, period.end)
    per_source: dict[str, Mapping[int, Figure]] = {}
    failures: dict[str, str] = {}
    manual = [ind for ind in indicators if ind.source == IndicatorSource.MANUAL]
    for indicator in indicators:
        if indicator.source != IndicatorSource.COMPUTED:
            continue
        try:
            function = get_function(indicator.function)
        except KeyError:
            failures[indicator.code] = f"Chưa có hàm tính “{indicator.function}” cho chỉ tiêu này."
            continue
        try:
            per_source[indicator.code] = function(ctx)
        except ImportError:
            failures[indicator.code] = "Nguồn số liệu của chỉ tiêu này chưa được cài đặt trên hệ thống."
    if manual:
        rows: dict[str, dict[int, Figure]] = defaultdict(dict)
        by_pk = {ind.pk: ind for ind in manual}
        for mv in ManualValue.objects.filter(
            indicator_id__in=list(by_pk), agency_id__in=source_ids, period=period.code
        ).only("indicator_id", "agency_id", "value", "numerator", "denominator"):
            indicator = by_pk[mv.indicator_id]
            if indicator.is_ratio and mv.denominator is not None:
                figure = ratio_figure(mv.numerator or Decimal(0), mv.denominator)
            else:
                figure = Figure(mv.value)
            rows[indicator.code][mv.agency_id] = figure
        for indicator in manual:
            per_source[indicator.code] = rows.get(indicator.code, {})
    return per_source, failures


def _rolled_up(
    indicators: Sequence[Indicator], sources: Mapping[int, set[int]], period: Period
) -> tuple[dict[int, dict[str, Figure]], dict[str, str]]:
    all_sources = frozenset(s for ids in sources.values() for s in ids)
    per_source, failures = _source_figures(indicators, all_sources, period)
    figures: dict[int, dict[str, Figure]] = {}
    for agency_id, ids in sources.items():
        figures[agency_id] = {
            ind.code: sum_figures(
                ind.kind, (per_source[ind.code][s] for s in ids if s in per_source.get(ind.code, {}))
            )
            for ind in indicators
        }
    return figures, failures


# --- targets ------------------------------------------------------------------------------------


def _pick_target(targets: Iterable[Target], year: int, agency_level: str) -> Target | None:
    best: Target | None = None
    for target in targets:
        if target.year > year or target.agency_level not in ("", agency_level):
            continue
        key = (target.year, target.agency_level != "", target.pk)
        if best is None or key > (best.year, best.agency_level != "", best.pk):
            best = target
    return best


def target_for(indicator: Indicator, year: int, agency_level: str) -> Target | None:
    """The target in force for `indicator` in `year` at `agency_level` (None: no target)."""
    return _pick_target(Target.objects.filter(indicator=indicator, year__lte=year), year, agency_level)


def _targets_by_indicator(indicators: Sequence[Indicator], year: int) -> dict[int, list[Target]]:
    """The targets of these indicators up to `year`, by indicator id (one query)."""
    targets: dict[int, list[Target]] = defaultdict(list)
    for candidate in Target.objects.filter(indicator__in=[i.pk for i in indicators], year__lte=year):
        targets[candidate.indicator_id].append(candidate)
    return targets


def _met(target: Target | None, figure: Figure) -> bool | None:
    if target is None or figure.value is None:
        return None
    return target.is_met(figure.value)


def result_for(indicator: Indicator, figure: Figure, *, year: int, agency_level: str) -> IndicatorResult:
    """An `IndicatorResult` for any figure (e.g. a consolidated value): its target in force
    for `year` and `agency_level`, whether it is met, and the single-figure checks."""
    from cqs.reporting.validation import validate

    target = target_for(indicator, year, agency_level)
    issues = validate([indicator], {indicator.code: figure}, {}).get(indicator.code, [])
    return IndicatorResult(indicator, figure, target, _met(target, figure), tuple(issues))


# --- computing ----------------------------------------------------------------------------------


def compute_agencies(
    indicators: Sequence[Indicator],
    agency_ids: Collection[int],
    period: Period,
    *,
    check_history: bool = True,
) -> dict[int, dict[str, IndicatorResult]]:
    """Every indicator for every agency over the period's window, merged predecessors'
    history included, manual values, targets and validation.

    A fixed number of queries per data source for all agencies together; `check_history`
    computes the previous HISTORY_PERIODS periods too (same cost each) to flag outliers."""
    from cqs.reporting.validation import validate

    ids = list(dict.fromkeys(agency_ids))
    levels = dict(Agency.objects.filter(pk__in=ids).values_list("pk", "level"))
    sources = history_sources_map(ids)
    figures, failures = _rolled_up(indicators, sources, period)
    history: dict[int, dict[str, list[Decimal]]] = {i: defaultdict(list) for i in ids}
    if check_history:
        previous = period
        for _ in range(HISTORY_PERIODS):
            previous = previous.previous()
            past, _failures = _rolled_up(indicators, sources, previous)
            for agency_id, past_figures in past.items():
                for code, past_figure in past_figures.items():
                    if past_figure.value is not None:
                        history[agency_id][code].append(past_figure.value)
    targets = _targets_by_indicator(indicators, period.year)
    results: dict[int, dict[str, IndicatorResult]] = {}
    for agency_id in ids:
        level = levels.get(agency_id, "")
        issues = validate(indicators, figures[agency_id], history[agency_id])
        by_code: dict[str, IndicatorResult] = {}
        for indicator in indicators:
            figure = figures[agency_id][indicator.code]
            target = _pick_target(targets.get(indicator.pk, ()), period.year, level)
            messages = issues.get(indicator.code, [])
            if indicator.code in failures:
                messages = [failures[indicator.code], *messages]
            by_code[indicator.code] = IndicatorResult(
                indicator, figure, target, _met(target, figure), tuple(messages)
            )
        results[agency_id] = by_code
    return results


def compute_agency(
    agency: Agency, period: Period, indicators: Sequence[Indicator] | None = None
) -> list[IndicatorResult]:
    """One agency's indicators (all active ones by default), in catalogue order."""
    chosen = list(indicators) if indicators is not None else active_indicators()
    by_code = compute_agencies(chosen, [agency.pk], period)[agency.pk]
    return [by_code[ind.code] for ind in chosen]


@dataclass(frozen=True)
class Consolidation:
    agencies: list[Agency]  # the subtree as it stood at the period's end, root first
    per_agency: dict[int, dict[str, IndicatorResult]]
    total: list[IndicatorResult]


def compute_consolidated(
    agency: Agency,
    period: Period,
    indicators: Sequence[Indicator] | None = None,
    *,
    check_history: bool = True,
) -> Consolidation:
    """The agency's subtree as it stood on the period's last day (itself included), each
    member computed live, summed; the total carries the root agency's targets."""
    from cqs.reporting.validation import validate

    chosen = list(indicators) if indicators is not None else active_indicators()
    members = list(
        Agency.objects.valid_on(period.end)
        .descendants_of(agency, include_self=True)
        .order_by("tree_path", "code")
    )
    if agency.pk not in {a.pk for a in members}:
        members.insert(0, agency)
    per_agency = compute_agencies(chosen, [a.pk for a in members], period, check_history=check_history)
    total_figures = consolidate(
        ({code: r.figure for code, r in by_code.items()} for by_code in per_agency.values()), chosen
    )
    issues = validate(chosen, total_figures, {})
    targets = _targets_by_indicator(chosen, period.year)
    total = []
    for indicator in chosen:
        figure = total_figures[indicator.code]
        target = _pick_target(targets.get(indicator.pk, ()), period.year, agency.level)
        total.append(
            IndicatorResult(
                indicator, figure, target, _met(target, figure), tuple(issues.get(indicator.code, []))
            )
        )
    return Consolidation(members, per_agency, total)


def laggards(results: Mapping[int, Mapping[str, IndicatorResult]], code: str) -> list[int]:
    """Agency ids whose value for `code` misses its target, worst first."""
    missing = [
        (agency_id, by_code[code])
        for agency_id, by_code in results.items()
        if by_code[code].target_met is False
    ]
    missing.sort(key=lambda item: (item[1].figure.value or Decimal(0), item[0]))
    return [agency_id for agency_id, _ in missing]


# --- formatting ---------------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    return format_number(value, 0 if value == value.to_integral_value() else 2)


def format_figure(indicator: Indicator | None, figure: Figure, style: str = "") -> str:
    """Vietnamese text of a figure: "375", "99,17 %", "423/489 (86,5 %)".

    `style`: "" (a count's value; a ratio as fraction and percent, or the percent alone
    when there is no fraction), "ty_le" (percent), "phan_so" ("423/489"), "tu_so"
    (numerator), "mau_so" (denominator), "gia_tri" (value)."""
    is_ratio = indicator.is_ratio if indicator is not None else figure.is_ratio
    if style == "tu_so":
        return _number(figure.numerator) if figure.numerator is not None else "—"
    if style == "mau_so":
        return _number(figure.denominator) if figure.denominator is not None else "—"
    if style == "phan_so":
        if figure.numerator is None or figure.denominator is None:
            return "—"
        return f"{_number(figure.numerator)}/{_number(figure.denominator)}"
    if style in ("ty_le", "gia_tri") or not is_ratio:
        if figure.value is None:
            return "—"
        return format_percent(figure.value, 2) if is_ratio and style != "gia_tri" else _number(figure.value)
    if style:
        raise ValueError(f"Kiểu hiển thị không hợp lệ: {style!r}.")
    if figure.numerator is None or figure.denominator is None:
        return format_percent(figure.value, 2) if figure.value is not None else "—"
    fraction = f"{_number(figure.numerator)}/{_number(figure.denominator)}"
    if figure.value is None:
        return fraction
    return f"{fraction} ({format_percent(figure.value, 2)})"


TEMPLATE_FIELD = re.compile(r"\{([A-Z][A-Z0-9_]*)(?::([a-z_]+))?\}")
TEMPLATE_STYLES = ("ty_le", "phan_so", "tu_so", "mau_so", "gia_tri")
MISSING = "(chưa có số liệu)"


def fill_template(template: str, results: Mapping[str, IndicatorResult | Figure]) -> str:
    """Replace `{CODE}`, `{CODE:ty_le}`, `{CODE:phan_so}`, `{CODE:tu_so}`, `{CODE:mau_so}`
    with the figures of `results` (by indicator code). `{CODE}` is a count's value or a
    ratio's percentage. A code without a figure reads "(chưa có số liệu)"."""

    def replace(match: re.Match[str]) -> str:
        code, style = match[1], match[2] or ""
        if style and style not in TEMPLATE_STYLES:
            raise ValueError(f"Kiểu hiển thị không hợp lệ trong mẫu câu: {match[0]}.")
        item = results.get(code)
        if item is None:
            return MISSING
        if isinstance(item, IndicatorResult):
            indicator: Indicator | None = item.indicator
            figure = item.figure
        else:
            indicator, figure = None, item
        is_ratio = indicator.is_ratio if indicator is not None else figure.is_ratio
        if figure.value is None and figure.denominator is None:
            return MISSING
        text = format_figure(indicator, figure, style or ("ty_le" if is_ratio else ""))
        return text

    return TEMPLATE_FIELD.sub(replace, template)
