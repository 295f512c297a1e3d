"""The dashboard: one indicator over periods and across agencies, drawn as SVG on the server,
and a table a leader sorts (plain query string) to find the laggards.

Source "đã gửi" uses the values frozen in the submitted reports; "trực tiếp" computes them from
live data now (DHIS2's lesson: analytics must not be stale, nor hide what approval holds back).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cqs.org.models import Agency
from cqs.reporting import permissions
from cqs.reporting.compute import Figure, IndicatorResult, compute_agencies, consolidate, format_figure
from cqs.reporting.models import Campaign, Indicator, Regime, Report
from cqs.reporting.render import agency_words, period_words
from cqs.reporting.selectors import (
    TargetBook,
    campaign_period,
    figures_by_report,
    is_late,
    is_submitted,
    regime_indicators,
    result_for,
    target_text,
)
from cqs.reporting.views.charts import Bar, bar_chart, line_chart

SORTS = ("ten", "gia_tri", "trang_thai", "dat")
PERIODS_SHOWN = 8


@dataclass(frozen=True)
class Row:
    agency: Agency
    report: Report
    result: IndicatorResult | None
    late: bool
    submitted: bool

    @property
    def value(self) -> Decimal | None:
        return self.result.figure.value if self.result is not None else None

    @property
    def text(self) -> str:
        return format_figure(self.result.indicator, self.result.figure) if self.result is not None else "—"

    @property
    def status(self) -> str:
        if not self.submitted:
            return "Chưa gửi"
        return "Gửi muộn" if self.late else "Đúng hạn"


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _results(
    campaign: Campaign, reports: list[Report], indicator: Indicator, live: bool
) -> dict[int, IndicatorResult]:
    """Report id → the indicator's result (frozen values of sent reports, or live values)."""
    period = campaign_period(campaign)
    if live:
        computed = compute_agencies([indicator], [r.agency_id for r in reports], period, check_history=False)
        return {r.pk: computed[r.agency_id][indicator.code] for r in reports if r.agency_id in computed}
    sent = [r for r in reports if is_submitted(r)]
    figures = figures_by_report(sent)
    book = TargetBook([indicator], period.end.year)
    return {
        r.pk: result_for(
            indicator, figures[r.pk][indicator.code], year=period.end.year, level=r.agency.level, book=book
        )
        for r in sent
        if indicator.code in figures.get(r.pk, {})
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible_campaigns = permissions.visible_campaigns(user).select_related("regime")
    regimes = list(Regime.objects.filter(pk__in=visible_campaigns.values("regime_id")).order_by("name"))
    regime = next(
        (r for r in regimes if r.pk == _int(request.GET.get("che_do"))), regimes[0] if regimes else None
    )
    context: dict[str, Any] = {
        "regimes": regimes,
        "regime": regime,
        "sort_columns": [
            ("ten", "Đơn vị"),
            ("gia_tri", "Kết quả"),
            ("trang_thai", "Gửi báo cáo"),
            ("dat", "Chỉ tiêu"),
        ],
    }
    if regime is None:
        return render(request, "reporting/dashboard.html", context)
    campaigns = list(visible_campaigns.filter(regime=regime).order_by("window_end"))
    campaign = next((c for c in campaigns if c.pk == _int(request.GET.get("dot"))), campaigns[-1])
    indicators = regime_indicators(regime)
    indicator = next(
        (i for i in indicators if i.code == request.GET.get("chi_tieu")),
        indicators[0] if indicators else None,
    )
    live = request.GET.get("nguon") == "truc_tiep"
    sort = request.GET.get("sap_xep") if request.GET.get("sap_xep") in SORTS else "gia_tri"
    descending = request.GET.get("chieu", "tang") == "giam"
    context.update(
        campaigns=campaigns,
        campaign=campaign,
        indicators=indicators,
        indicator=indicator,
        live=live,
        sort=sort,
        descending=descending,
        period_text=period_words(campaign_period(campaign)),
    )
    if indicator is None:
        return render(request, "reporting/dashboard.html", context)

    visible = permissions.visible_reports(user).select_related("agency", "campaign")
    reports = list(visible.filter(campaign=campaign, is_consolidated=False).order_by("agency__tree_path"))
    results = _results(campaign, reports, indicator, live)
    rows = [Row(r.agency, r, results.get(r.pk), is_late(r), is_submitted(r)) for r in reports]

    def key(row: Row) -> Any:
        if sort == "ten":
            return (agency_words(row.agency),)
        if sort == "trang_thai":
            return (row.submitted, not row.late, agency_words(row.agency))
        if sort == "dat":
            met = row.result.target_met if row.result is not None else None
            return ({False: 0, None: 1, True: 2}[met], row.value or Decimal(0))
        return (row.value is not None, row.value or Decimal(0))

    rows.sort(key=key, reverse=descending)
    target = next((r.target.value for r in results.values() if r.target is not None), None)
    bars = [
        Bar(agency_words(row.agency), row.value, row.result.target_met if row.result else None, row.text)
        for row in sorted(rows, key=lambda r: (r.value is None, -(r.value or 0)))
    ]
    # Over periods: the total of the agencies this user sees, for each campaign of the regime.
    history: list[tuple[str, Decimal | None]] = []
    for past in campaigns[-PERIODS_SHOWN:]:
        past_reports = list(visible.filter(campaign=past, is_consolidated=False))
        past_results = _results(past, past_reports, indicator, live)
        total = consolidate([{indicator.code: r.figure} for r in past_results.values()], [indicator])
        figure: Figure = total[indicator.code]
        history.append((campaign_period(past).code, figure.value))
    context.update(
        rows=rows,
        bar_svg=bar_chart(
            bars,
            title=f"{indicator.name} — {period_words(campaign_period(campaign))}",
            target=target,
            percent=indicator.is_ratio,
        ),
        line_svg=line_chart(
            history, title=f"{indicator.name} qua các kỳ", target=target, percent=indicator.is_ratio
        ),
        target_text=next((target_text(r) for r in results.values() if r.target is not None), ""),
        missing=[row for row in rows if row.result is not None and row.result.target_met is False],
        not_sent=[row for row in rows if not row.submitted],
    )
    return render(request, "reporting/dashboard.html", context)
