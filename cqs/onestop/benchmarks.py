"""One-stop benchmarks, found by `python -m bench`.

    python -m bench.generate --database-url URL --agencies 200 --dossiers 1000000   # once
    python -m bench onestop_list onestop_stats onestop_form01 --database-url URL --json

* ``onestop_list`` — the back-office list's first page (50 rows) for one agency, without a
  filter and with each filter (status, procedure, channel, "overdue first"), p95 in ms;
* ``onestop_stats`` — `dossier_stats_by_agency` for every agency of the province (200) over
  a quarter;
* ``onestop_form01`` — rendering form 01 of one dossier to PDF.

When the database holds fewer than `dossiers` dossiers the missing ones are generated first
(inside the benchmark's transaction, rolled back afterwards unless --keep)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import Count

from bench.generate import generate_province, run_steps
from bench.harness import Figures, benchmark, summarize, time_calls
from cqs.onestop import bench_steps  # noqa: F401  (registers the generator step)
from cqs.onestop.models import Channel, Dossier, DossierStatus
from cqs.onestop.selectors import ListFilters, dossier_page
from cqs.onestop.stats import dossier_stats_by_agency


def _ensure(dossiers: int, agencies: int) -> int:
    if Dossier.objects.count() >= dossiers:
        return 0
    province = generate_province(agencies=agencies, staff_per_agency=1)
    return run_steps(province, {"dossiers": dossiers})["dossiers"]


@benchmark("onestop_list")
def onestop_list(dossiers: int = 2000, agencies: int = 20, repeat: int = 20, seed: int = 2025) -> Figures:
    """Back-office dossier list, first page of 50 for one agency, by filter: median and p95 in ms."""
    generated = _ensure(dossiers, agencies)
    busiest = list(
        Dossier.objects.values("agency_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("agency_id", flat=True)[:10]
    )
    rng = random.Random(seed)
    procedures = list(Dossier.objects.values_list("version__procedure_id", flat=True).distinct()[:10])
    cases: dict[str, Any] = {
        "no_filter": lambda a: ListFilters(agency_id=a),
        "status": lambda a: ListFilters(agency_id=a, status=DossierStatus.PROCESSING),
        "procedure": lambda a: ListFilters(agency_id=a, procedure_id=rng.choice(procedures)),
        "channel": lambda a: ListFilters(agency_id=a, channel=Channel.COUNTER),
        "overdue_first": lambda a: ListFilters(agency_id=a, overdue_first=True),
    }
    figures: dict[str, Any] = {"dossiers": Dossier.objects.count(), "generated": generated}
    everything = Dossier.objects.all()
    for name, make in cases.items():

        def first_page(make: Any = make) -> None:
            dossier_page(everything, make(rng.choice(busiest)))

        figures[name] = summarize(time_calls(first_page, repeat=repeat))
    figures["p95_ms_worst"] = max(figures[name]["p95_ms"] for name in cases)
    return figures


@benchmark("onestop_stats")
def onestop_stats(dossiers: int = 2000, agencies: int = 20, repeat: int = 5) -> Figures:
    """`dossier_stats_by_agency` for every agency with dossiers over the last quarter, in ms."""
    generated = _ensure(dossiers, agencies)
    ids = list(Dossier.objects.values_list("agency_id", flat=True).distinct())
    end = dt.date.today()
    start = end - dt.timedelta(days=91)
    samples = time_calls(lambda: dossier_stats_by_agency(ids, start, end), repeat=repeat)
    return {
        "dossiers": Dossier.objects.count(),
        "agencies": len(ids),
        "generated": generated,
        **summarize(samples),
    }


@benchmark("onestop_form01")
def onestop_form01(dossiers: int = 50, agencies: int = 5, repeat: int = 10) -> Figures:
    """Rendering form 01 (receipt and appointment) of one dossier to PDF, in ms."""
    from cqs.onestop.render import dossier_form, to_pdf

    _ensure(dossiers, agencies)
    dossier = Dossier.objects.filter(received_at__isnull=False).select_related("version__procedure").first()
    if dossier is None:
        raise ValueError("no received dossier")
    samples = time_calls(lambda: to_pdf(dossier_form(dossier, "01")), repeat=repeat)
    return summarize(samples)
