"""Reporting benchmarks, found by `python -m bench`.

    python -m bench.generate --database-url URL --migrate --agencies 200 --documents 1000000 \
        [--dossiers 1000000]                                                   # once
    python -m bench indicators_province --database-url URL --json

`indicators_province` computes every active indicator of the catalogue for every agency of
the synthetic 200-agency province over one quarter (the last full Decree-09 quarter of the
generated year), then the province's consolidation (`compute_consolidated`: the subtree as
it stood at the quarter's end, summed). Timed: `consolidated` (values only, the goal: under
2 s on PostgreSQL) and `consolidated_with_history` (also the 4 previous quarters for the
outlier check). When the database holds fewer documents (or dossiers, when the one-stop
generator step is installed) than asked, the missing ones are generated first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from bench.generate import STEPS, generate_province, run_steps
from bench.harness import Figures, benchmark, summarize, time_calls
from cqs.core.periods import period_containing
from cqs.documents.models import Document
from cqs.reporting.compute import active_indicators, compute_consolidated

GOAL_MS = 2000.0


def _dossier_count() -> int | None:
    try:
        from cqs.onestop.models import Dossier
    except ImportError:  # pragma: no cover - the one-stop app is installed in this project
        return None
    return Dossier.objects.count()


@benchmark("indicators_province")
def indicators_province(
    agencies: int = 200,
    documents: int = 20000,
    dossiers: int = 20000,
    repeat: int = 3,
    history_repeat: int = 1,
) -> Figures:
    """Every indicator for every agency of a province for one quarter, with consolidation, in ms."""
    province = generate_province(agencies=agencies, staff_per_agency=5)
    wanted: dict[str, int] = {}
    if Document.objects.filter(owner__in=province.agencies).count() < documents:
        wanted["documents"] = documents
    has_dossier_step = "dossiers" in STEPS
    if has_dossier_step and (_dossier_count() or 0) < dossiers:
        wanted["dossiers"] = dossiers
    generated = run_steps(province, wanted) if wanted else {}
    period = period_containing("quarter", dt.date.today() - dt.timedelta(days=100))
    indicators = active_indicators()
    root = province.province

    def values_only() -> Any:
        return compute_consolidated(root, period, indicators, check_history=False)

    def with_history() -> Any:
        return compute_consolidated(root, period, indicators, check_history=True)

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        result = values_only()
    totals = {r.indicator.code: r.figure for r in result.total}
    samples = time_calls(values_only, repeat=repeat)
    history_samples = time_calls(with_history, repeat=history_repeat, warmup=0)
    figures: Figures = {
        "vendor": connection.vendor,
        "period": period.code,
        "window": f"{period.start.isoformat()}..{period.end.isoformat()}",
        "agencies": len(result.agencies),
        "indicators": len(indicators),
        "documents": Document.objects.count(),
        "dossiers": _dossier_count(),
        "dossier_generator": has_dossier_step,
        "generated": generated,
        "queries": len(queries.captured_queries),
        "outgoing_in_quarter": int(totals["VB_DI"].value or 0) if "VB_DI" in totals else None,
        "dossiers_received_in_quarter": int(totals["HS_TIEP_NHAN"].value or 0)
        if "HS_TIEP_NHAN" in totals and totals["HS_TIEP_NHAN"].value is not None
        else None,
        "consolidated": summarize(samples),
        "consolidated_with_history": summarize(history_samples),
        "goal_ms": GOAL_MS,
    }
    figures["goal_met"] = figures["consolidated"]["median_ms"] < GOAL_MS
    return figures
