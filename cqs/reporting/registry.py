"""Registry of the functions that compute indicators from live records.

An indicator function takes a `SourceContext` (the agencies, the window) and returns one
`Figure` per agency id, for MANY agencies at once. Functions over the same source share
one call of that source's stats selector through `SourceContext.stats`, cached per
(source, agency set, window) for the duration of one computation: the thirty indicators
over dossiers cost one `dossier_stats_by_agency` call, not thirty.

    @indicator_function("documents.outgoing_total")
    def outgoing_total(ctx: SourceContext) -> dict[int, Figure]: ...

The function's name is what `Indicator.function` stores. Counts return `Figure(value)`,
ratios `Figure(None, numerator, denominator)` — `cqs.reporting.compute` sums them across
merged agencies and fills in the percentage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Count

__all__ = [
    "Figure",
    "IndicatorFunction",
    "SourceContext",
    "get_function",
    "indicator_function",
    "registered_names",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Figure:
    """Value for counts; numerator/denominator (and value = percent) for ratios."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None


@dataclass
class SourceContext:
    """What indicator functions compute over: agency ids and the window [start, end]."""

    agency_ids: frozenset[int]
    start: dt.date
    end: dt.date
    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def stats(self, source: str, loader: Callable[[], T]) -> T:
        """`loader()` once per (source, agency set, window) within this computation."""
        key = (source, self.agency_ids, self.start, self.end)
        if key not in self.cache:
            self.cache[key] = loader()
        result: T = self.cache[key]
        return result


IndicatorFunction = Callable[[SourceContext], Mapping[int, Figure]]
_REGISTRY: dict[str, IndicatorFunction] = {}


def indicator_function(name: str) -> Callable[[IndicatorFunction], IndicatorFunction]:
    def register(function: IndicatorFunction) -> IndicatorFunction:
        if name in _REGISTRY and _REGISTRY[name] is not function:
            raise ValueError(f"Hàm tính chỉ tiêu {name!r} đã được đăng ký.")
        _REGISTRY[name] = function
        return function

    return register


def get_function(name: str) -> IndicatorFunction:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"Chưa có hàm tính chỉ tiêu {name!r}.") from None


def registered_names() -> list[str]:
    return sorted(_REGISTRY)


def _count(value: int) -> Figure:
    return Figure(Decimal(value))


def _ratio(numerator: int, denominator: int) -> Figure:
    return Figure(None, Decimal(numerator), Decimal(denominator))


def _per_agency(ctx: SourceContext, stats: Mapping[int, T], make: Callable[[T], Figure]) -> dict[int, Figure]:
    return {agency_id: make(stats[agency_id]) for agency_id in ctx.agency_ids if agency_id in stats}


# --- documents ------------------------------------------------------------------------------


def _documents(ctx: SourceContext) -> Mapping[int, Any]:
    from cqs.documents.stats import document_stats_by_agency

    return ctx.stats("documents", lambda: document_stats_by_agency(ctx.agency_ids, ctx.start, ctx.end))


def _document_indicator(name: str, make: Callable[[Any], Figure]) -> None:
    def compute(ctx: SourceContext) -> dict[int, Figure]:
        return _per_agency(ctx, _documents(ctx), make)

    compute.__name__ = name.replace(".", "_")
    indicator_function(name)(compute)


_document_indicator("documents.outgoing_total", lambda s: _count(s.outgoing))
_document_indicator("documents.outgoing_electronic", lambda s: _ratio(s.outgoing_electronic, s.outgoing))
_document_indicator("documents.outgoing_signed", lambda s: _ratio(s.outgoing_signed, s.outgoing))
_document_indicator("documents.outgoing_secret", lambda s: _count(s.outgoing_secret))
_document_indicator("documents.incoming_total", lambda s: _count(s.incoming))
_document_indicator("documents.incoming_electronic", lambda s: _ratio(s.incoming_electronic, s.incoming))
_document_indicator("documents.exchange_electronic", lambda s: _ratio(s.exchanged_electronic, s.exchanged))
_document_indicator("documents.work_files_online", lambda s: _ratio(s.work_files_done, s.work_files))


# --- one-stop dossiers and procedures ---------------------------------------------------------


def _dossiers(ctx: SourceContext) -> Mapping[int, Any]:
    from cqs.onestop.stats import dossier_stats_by_agency

    return ctx.stats("dossiers", lambda: dossier_stats_by_agency(ctx.agency_ids, ctx.start, ctx.end))


def _procedures(ctx: SourceContext) -> Mapping[int, Any]:
    from cqs.onestop.stats import procedure_stats_by_agency

    return ctx.stats("procedures", lambda: procedure_stats_by_agency(ctx.agency_ids, ctx.end))


def _dossier_indicator(name: str, make: Callable[[Any], Figure]) -> None:
    def compute(ctx: SourceContext) -> dict[int, Figure]:
        return _per_agency(ctx, _dossiers(ctx), make)

    compute.__name__ = name.replace(".", "_")
    indicator_function(name)(compute)


def _procedure_indicator(name: str, make: Callable[[Any], Figure]) -> None:
    def compute(ctx: SourceContext) -> dict[int, Figure]:
        return _per_agency(ctx, _procedures(ctx), make)

    compute.__name__ = name.replace(".", "_")
    indicator_function(name)(compute)


_procedure_indicator("procedures.offered", lambda s: _count(s.offered))
_procedure_indicator("procedures.full_online", lambda s: _ratio(s.full_online, s.offered))
_procedure_indicator("procedures.partial_online", lambda s: _ratio(s.partial_online, s.offered))
_procedure_indicator("procedures.online", lambda s: _ratio(s.full_online + s.partial_online, s.offered))

_dossier_indicator("dossiers.received_total", lambda s: _count(s.received + s.carried_over))
_dossier_indicator("dossiers.received", lambda s: _count(s.received))
_dossier_indicator("dossiers.received_online", lambda s: _count(s.received_online))
_dossier_indicator("dossiers.received_counter", lambda s: _count(s.received_counter + s.received_postal))
_dossier_indicator("dossiers.carried_over", lambda s: _count(s.carried_over))
_dossier_indicator("dossiers.online_rate", lambda s: _ratio(s.received_online, s.received))
_dossier_indicator("dossiers.online_partial", lambda s: _ratio(s.online_partial, s.partial_total))
_dossier_indicator("dossiers.online_full", lambda s: _ratio(s.online_full, s.full_total))
_dossier_indicator(
    "dossiers.components_digitised", lambda s: _ratio(s.components_digitised, s.components_total)
)
_dossier_indicator("dossiers.results_digitised", lambda s: _ratio(s.results_digitised, s.resolved))
_dossier_indicator("dossiers.resolved", lambda s: _count(s.resolved))
_dossier_indicator("dossiers.resolved_early", lambda s: _count(s.resolved_early))
_dossier_indicator("dossiers.resolved_on_time", lambda s: _count(s.resolved_on_time))
_dossier_indicator("dossiers.resolved_late", lambda s: _count(s.resolved_late))
_dossier_indicator(
    "dossiers.on_time_rate", lambda s: _ratio(s.resolved_early + s.resolved_on_time, s.resolved)
)
_dossier_indicator(
    "dossiers.on_time_rate_766",
    lambda s: _ratio(
        s.resolved_early + s.resolved_on_time + s.in_progress_within, s.received + s.carried_over
    ),
)
_dossier_indicator("dossiers.in_progress", lambda s: _count(s.in_progress))
_dossier_indicator("dossiers.in_progress_within", lambda s: _count(s.in_progress_within))
_dossier_indicator("dossiers.in_progress_overdue", lambda s: _count(s.in_progress_overdue))
_dossier_indicator("dossiers.paid_online", lambda s: _ratio(s.paid_online, s.fee_dossiers))
_dossier_indicator("dossiers.satisfaction", lambda s: _ratio(s.ratings_satisfied, s.ratings))


# --- tasks (worklist) ---------------------------------------------------------------------------


def _tasks(ctx: SourceContext) -> Mapping[int, Any]:
    from cqs.worklist.stats import task_stats_by_agency

    return ctx.stats("tasks", lambda: task_stats_by_agency(ctx.agency_ids, ctx.start, ctx.end))


def _task_indicator(name: str, make: Callable[[Any], Figure]) -> None:
    def compute(ctx: SourceContext) -> dict[int, Figure]:
        return _per_agency(ctx, _tasks(ctx), make)

    compute.__name__ = name.replace(".", "_")
    indicator_function(name)(compute)


_task_indicator("tasks.assigned", lambda s: _count(s.assigned))
_task_indicator("tasks.done_on_time", lambda s: _count(s.done_early + s.done_on_time))
_task_indicator("tasks.done_late", lambda s: _count(s.done_late))
_task_indicator("tasks.in_progress", lambda s: _count(s.in_progress_within))
_task_indicator("tasks.overdue", lambda s: _count(s.overdue))
_task_indicator("tasks.on_time_rate", lambda s: _ratio(s.done_early + s.done_on_time, s.done))


# --- staff (org positions) ----------------------------------------------------------------------


def staff_counts(agency_ids: frozenset[int], on: dt.date) -> dict[int, int]:
    """People holding a position in each agency on day `on` (one grouped query)."""
    from cqs.org.models import Position

    rows = (
        Position.objects.current(on)
        .filter(agency_id__in=agency_ids)
        .values("agency_id")
        .annotate(people=Count("user_id", distinct=True))
        .order_by()
    )
    counts = dict.fromkeys(agency_ids, 0)
    counts.update({row["agency_id"]: row["people"] for row in rows})
    return counts


@indicator_function("staff.count")
def staff_count(ctx: SourceContext) -> dict[int, Figure]:
    counts = ctx.stats("staff", lambda: staff_counts(ctx.agency_ids, ctx.end))
    return {agency_id: _count(n) for agency_id, n in counts.items()}
