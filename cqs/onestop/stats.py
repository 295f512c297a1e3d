"""One-stop statistics for the reporting module (regulations.md §2.4, §4.6, §4.7).

Everything is counted by the *resolving* agency (`Dossier.agency`) over a window of days
[start, end] (both included, Vietnam's calendar days), in a handful of GROUP BY queries
whatever the number of agencies:

* received: valid receipt (`received_at`) in the window, by channel; online dossiers of
  partly / fully online procedures; components digitised and reused; fees and online payment;
* carried over: received before the window and still open at its start;
* resolved: processing ended (`finished_at`: result issued, refused, stopped or withdrawn) in
  the window, classified by comparing the end day with the (possibly extended) due date:
  earlier = trước hạn, same day = đúng hạn, later = quá hạn;
* in progress: received by the end and still open at its end, within or past the due date
  as of the end day (a dossier waiting for a supplement at the end has its clock stopped and
  counts as within). The due date used is the dossier's current one.

So the balance checks hold: received + carried over = resolved + in progress.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from cqs.onestop.models import (
    Channel,
    Dossier,
    DossierComponent,
    DossierPause,
    OnlineLevel,
    Payment,
    PaymentState,
    ProcedureVersion,
    Rating,
)
from cqs.onestop.services._common import day_end_exclusive, day_start
from cqs.org.models import Agency


@dataclass(frozen=True)
class DossierStats:
    received: int  # received_at within [start, end] (valid receipt)
    received_online: int
    received_counter: int  # in person
    received_postal: int
    carried_over: int  # received before start, still open at start
    online_partial: int  # online dossiers of PARTIAL procedures (received in window)
    partial_total: int  # all dossiers of PARTIAL procedures (received in window)
    online_full: int  # online dossiers of FULL procedures
    full_total: int
    components_total: int  # components of dossiers received in window
    components_digitised: int
    components_reused: int
    resolved: int  # finished within window
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    results_digitised: int  # resolved in window with a digitised result
    in_progress: int  # open at end (received at/before end)
    in_progress_within: int
    in_progress_overdue: int
    fee_dossiers: int  # received in window with a fee (fee > 0)
    paid_online: int  # of those, paid through an online payment verified with the provider
    ratings: int  # ratings given in the window
    ratings_satisfied: int  # score 3 or 4

    @property
    def total(self) -> int:
        """Received in the window plus carried over (the report's "tổng số")."""
        return self.received + self.carried_over

    @property
    def balanced(self) -> bool:
        return self.total == self.resolved + self.in_progress


EMPTY = DossierStats(**{f.name: 0 for f in fields(DossierStats)})


def _rows(qs: QuerySet[Any], key: str, **aggregates: Any) -> dict[int, dict[str, int]]:
    return {row.pop(key): row for row in qs.values(key).order_by().annotate(**aggregates)}


def _paused_at(moment: Any) -> Exists:
    return Exists(
        DossierPause.objects.filter(dossier=OuterRef("pk"), requested_at__lt=moment).filter(
            Q(supplied_at__isnull=True) | Q(supplied_at__gte=moment)
        )
    )


def dossier_stats_by_agency(agency_ids: Collection[int], start: date, end: date) -> dict[int, DossierStats]:
    """`DossierStats` of each agency in `agency_ids` for the days start..end (see the module)."""
    ids = sorted(set(agency_ids))
    if not ids or end < start:
        return {agency_id: EMPTY for agency_id in ids}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # These aggregates read a few hundred thousand index rows in well under a second;
            # PostgreSQL's JIT would spend longer compiling them than running them.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _stats(ids, start, end)


def _stats(ids: list[int], start: date, end: date) -> dict[int, DossierStats]:
    start_at, end_at = day_start(start), day_end_exclusive(end)
    mine = Dossier.objects.filter(agency_id__in=ids)
    counts: dict[int, dict[str, int]] = defaultdict(dict)

    def merge(rows: dict[int, dict[str, int]], prefix: str = "") -> None:
        for agency_id, values in rows.items():
            for name, value in values.items():
                counts[agency_id][prefix + name] = counts[agency_id].get(prefix + name, 0) + int(value or 0)

    online = Q(channel=Channel.ONLINE)
    partial, full = Q(version__online_level=OnlineLevel.PARTIAL), Q(version__online_level=OnlineLevel.FULL)
    merge(
        _rows(
            mine.filter(received_at__gte=start_at, received_at__lt=end_at),
            "agency_id",
            received=Count("pk"),
            received_online=Count("pk", filter=online),
            received_counter=Count("pk", filter=Q(channel=Channel.COUNTER)),
            received_postal=Count("pk", filter=Q(channel=Channel.POSTAL)),
            online_partial=Count("pk", filter=online & partial),
            partial_total=Count("pk", filter=partial),
            online_full=Count("pk", filter=online & full),
            full_total=Count("pk", filter=full),
            fee_dossiers=Count("pk", filter=Q(fee__gt=0)),
        )
    )
    merge(
        _rows(
            Payment.objects.filter(
                status=PaymentState.PAID,
                dossier__agency_id__in=ids,
                dossier__received_at__gte=start_at,
                dossier__received_at__lt=end_at,
                dossier__fee__gt=0,
            ),
            "dossier__agency_id",
            paid_online=Count("dossier_id", distinct=True),
        )
    )
    # Open at the start: still open now, or finished on/after the start.
    before_start = mine.filter(received_at__lt=start_at)
    merge(_rows(before_start.filter(finished_at__isnull=True), "agency_id", carried_over=Count("pk")))
    merge(_rows(before_start.filter(finished_at__gte=start_at), "agency_id", carried_over=Count("pk")))
    merge(
        _rows(
            mine.filter(finished_at__gte=start_at, finished_at__lt=end_at, received_at__isnull=False),
            "agency_id",
            resolved=Count("pk"),
            resolved_early=Count("pk", filter=Q(finished_on__lt=F("due_date"))),
            resolved_on_time=Count("pk", filter=Q(finished_on=F("due_date"))),
            resolved_late=Count("pk", filter=Q(finished_on__gt=F("due_date"))),
            results_digitised=Count("pk", filter=Q(result_digitised=True)),
        )
    )
    overdue = Q(due_date__lt=end, paused=False)
    until_end = mine.filter(received_at__lt=end_at).annotate(paused=_paused_at(end_at))
    for open_at_end in (
        until_end.filter(finished_at__isnull=True),
        until_end.filter(finished_at__gte=end_at),
    ):
        merge(
            _rows(
                open_at_end,
                "agency_id",
                in_progress=Count("pk"),
                in_progress_overdue=Count("pk", filter=overdue),
            )
        )
    merge(
        _rows(
            DossierComponent.objects.filter(
                dossier__agency_id__in=ids,
                dossier__received_at__gte=start_at,
                dossier__received_at__lt=end_at,
            ),
            "dossier__agency_id",
            components_total=Count("pk"),
            components_digitised=Count("pk", filter=Q(digitised=True)),
            components_reused=Count("pk", filter=Q(reused_from__isnull=False)),
        )
    )
    merge(
        _rows(
            Rating.objects.filter(dossier__agency_id__in=ids, rated_at__gte=start_at, rated_at__lt=end_at),
            "dossier__agency_id",
            ratings=Count("pk"),
            ratings_satisfied=Count("pk", filter=Q(score__gte=3)),
        )
    )
    result: dict[int, DossierStats] = {}
    for agency_id in ids:
        values = {
            f.name: counts[agency_id].get(f.name, 0)
            for f in fields(DossierStats)
            if f.name != "in_progress_within"
        }
        values["in_progress_within"] = values["in_progress"] - values["in_progress_overdue"]
        result[agency_id] = DossierStats(**values)
    return result


# --------------------------------------------------------------------------- procedures


@dataclass(frozen=True)
class ProcedureStats:
    offered: int
    full_online: int
    partial_online: int
    not_online: int


def versions_in_force(on: date) -> list[ProcedureVersion]:
    """The version of each active procedure in force on `on` (latest effective_from, then number)."""
    latest: dict[int, ProcedureVersion] = {}
    rows = (
        ProcedureVersion.objects.filter(effective_from__lte=on, procedure__is_active=True)
        .select_related("procedure")
        .order_by("procedure_id", "effective_from", "number")
    )
    for version in rows:
        latest[version.procedure_id] = version
    return list(latest.values())


def procedure_stats_by_agency(agency_ids: Collection[int], on: date) -> dict[int, ProcedureStats]:
    """Procedures each agency can receive on `on`: those it is the competent agency for, and
    those of its level with no particular competent agency."""
    ids = sorted(set(agency_ids))
    levels = dict(Agency.objects.filter(pk__in=ids).values_list("pk", "level"))
    versions = versions_in_force(on)
    result: dict[int, ProcedureStats] = {}
    for agency_id in ids:
        mine = [
            v
            for v in versions
            if v.competent_agency_id == agency_id
            or (v.competent_agency_id is None and v.procedure.level == levels.get(agency_id))
        ]
        result[agency_id] = ProcedureStats(
            offered=len(mine),
            full_online=sum(v.online_level == OnlineLevel.FULL for v in mine),
            partial_online=sum(v.online_level == OnlineLevel.PARTIAL for v in mine),
            not_online=sum(v.online_level == OnlineLevel.NONE for v in mine),
        )
    return result
