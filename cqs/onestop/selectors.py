"""Reads of Một cửa điện tử: classification, the back-office list (keyset pagination), the
dossier detail, and the portal's selectors (public status, owner's dossiers, public list)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet

from cqs.onestop.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    Dossier,
    DossierStatus,
    DossierStep,
)
from cqs.onestop.services._common import day_end_exclusive, day_start, local_date, local_today

EARLY, ON_TIME, LATE = "truoc_han", "dung_han", "qua_han"
WITHIN, OVERDUE = "trong_han", "qua_han"
OUTCOME_LABELS = {EARLY: "Trước hạn", ON_TIME: "Đúng hạn", LATE: "Quá hạn"}
PROGRESS_LABELS = {WITHIN: "Trong hạn", OVERDUE: "Quá hạn"}


def outcome(dossier: Dossier) -> str | None:
    """Resolved dossiers: the end day against the (possibly extended) due date (§2.4, §4.3)."""
    if dossier.finished_on is None or dossier.due_date is None:
        return None
    if dossier.finished_on < dossier.due_date:
        return EARLY
    return ON_TIME if dossier.finished_on == dossier.due_date else LATE


def progress(dossier: Dossier, on: date | None = None) -> str | None:
    """Open dossiers: within the deadline on `on` (default today) or overdue; a paused
    dossier's clock is stopped, so it is within."""
    if dossier.status not in OPEN_STATUSES or dossier.due_date is None:
        return None
    if dossier.is_paused:
        return WITHIN
    return OVERDUE if (on or local_today()) > dossier.due_date else WITHIN


def timing_label(dossier: Dossier, on: date | None = None) -> str:
    done = outcome(dossier)
    if done is not None:
        return OUTCOME_LABELS[done]
    going = progress(dossier, on)
    return PROGRESS_LABELS[going] if going else ""


# --------------------------------------------------------------------------- back-office list


@dataclass(frozen=True)
class ListFilters:
    agency_id: int
    status: str = ""
    procedure_id: int | None = None
    channel: str = ""
    overdue_first: bool = False
    query: str = ""


@dataclass(frozen=True)
class Page:
    rows: list[Dossier]
    next_cursor: str
    has_more: bool


PAGE_SIZE = 50


def _cursor(dossier: Dossier, overdue_first: bool) -> str:
    if overdue_first:
        return f"{dossier.due_date.isoformat() if dossier.due_date else ''}|{dossier.pk}"
    return f"{dossier.created_at.isoformat()}|{dossier.pk}"


def dossier_page(
    qs: QuerySet[Dossier], filters: ListFilters, *, after: str = "", size: int = PAGE_SIZE
) -> Page:
    """One page of an agency's dossiers, newest first (or open ones by due date with
    `overdue_first`), continuing after the `after` cursor. No COUNT over the table: the
    indexes (agency, created_at, id) and the partial (agency, due_date, id) on open ones
    serve each page directly."""
    qs = qs.filter(Q(agency_id=filters.agency_id) | Q(receiving_agency_id=filters.agency_id))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.procedure_id:
        qs = qs.filter(version__procedure_id=filters.procedure_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.query:
        text = filters.query.strip()
        qs = qs.filter(Q(code__iexact=text) | Q(applicant_id_number=text) | Q(code__istartswith=text))
    if filters.overdue_first:
        qs = qs.filter(finished_at__isnull=True, due_date__isnull=False)
        order = ("due_date", "id")
    else:
        order = ("-created_at", "-id")
    if after:
        try:
            key, pk_text = after.rsplit("|", 1)
            pk = int(pk_text)
            if filters.overdue_first:
                due = date.fromisoformat(key)
                qs = qs.filter(Q(due_date__gt=due) | Q(due_date=due, id__gt=pk))
            else:
                moment = datetime.fromisoformat(key)
                qs = qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=pk))
        except ValueError:
            pass
    rows = list(qs.select_related("version__procedure").order_by(*order)[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return Page(
        rows=rows, next_cursor=_cursor(rows[-1], filters.overdue_first) if rows else "", has_more=has_more
    )


def steps_of(dossier: Dossier) -> list[DossierStep]:
    return list(
        dossier.steps.select_related("unit", "officer", "handed_over_by", "handed_to").order_by("order")
    )


def register_rows(agency_id: int, start: date, end: date) -> QuerySet[Dossier]:
    """Form 07: dossiers received at or resolved by the agency with a receipt in the window."""
    return Dossier.objects.filter(
        Q(agency_id=agency_id) | Q(receiving_agency_id=agency_id),
        received_at__gte=day_start(start),
        received_at__lt=day_end_exclusive(end),
    )


# --------------------------------------------------------------------------- portal


@dataclass(frozen=True)
class PublicDossierStatus:
    """What anyone may see from a dossier code: no personal data."""

    code: str
    procedure_name: str
    agency_name: str
    status: str
    status_label: str
    received_on: date | None
    appointment_date: date | None
    due_date: date | None
    current_step: str
    finished_on: date | None
    timing_label: str


def public_status(code: str) -> PublicDossierStatus | None:
    dossier = (
        Dossier.objects.select_related("version__procedure", "agency")
        .filter(code=(code or "").strip())
        .first()
    )
    if dossier is None:
        return None
    step = dossier.steps.filter(finished_at__isnull=True).order_by("-order").first()
    return PublicDossierStatus(
        code=dossier.code,
        procedure_name=dossier.version.procedure.name,
        agency_name=dossier.agency.name,
        status=dossier.status,
        status_label=dossier.get_status_display(),
        received_on=local_date(dossier.received_at) if dossier.received_at else None,
        appointment_date=dossier.appointment_date,
        due_date=dossier.due_date,
        current_step=step.name if step else "",
        finished_on=dossier.finished_on,
        timing_label=timing_label(dossier),
    )


def dossiers_of_owner(user: Any) -> QuerySet[Dossier]:
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(owner=user)
        .select_related("version__procedure", "agency")
        .order_by("-created_at", "-id")
    )


def mask_name(name: str) -> str:
    """ "Nguyễn Văn An" → "Nguyễn V. A.": the family name, then initials."""
    parts = name.split()
    if not parts:
        return ""
    return " ".join([parts[0], *(f"{p[0]}." for p in parts[1:])])


@dataclass(frozen=True)
class PublicResolvedRow:
    code: str
    procedure_name: str
    applicant: str
    finished_on: date
    timing_label: str


def public_resolved_list(agency_ids: Collection[int], start: date, end: date) -> list[PublicResolvedRow]:
    rows = (
        Dossier.objects.filter(
            agency_id__in=list(agency_ids),
            status__in=[DossierStatus.APPROVED, DossierStatus.RETURNED],
            finished_on__gte=start,
            finished_on__lte=end,
        )
        .select_related("version__procedure")
        .order_by("-finished_on", "-id")[:1000]
    )
    return [
        PublicResolvedRow(
            code=d.code,
            procedure_name=d.version.procedure.name,
            applicant=mask_name(d.applicant_name),
            finished_on=d.finished_on,
            timing_label=timing_label(d),
        )
        for d in rows
        if d.finished_on is not None
    ]


__all__ = [
    "FINISHED_STATUSES",
    "ListFilters",
    "Page",
    "PublicDossierStatus",
    "dossier_page",
    "dossiers_of_owner",
    "mask_name",
    "outcome",
    "progress",
    "public_resolved_list",
    "public_status",
    "register_rows",
    "steps_of",
    "timing_label",
]
