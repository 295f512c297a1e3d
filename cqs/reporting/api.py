"""JSON API of Hệ thống thông tin báo cáo (django-ninja router mounted at /api/bao-cao/), for a
national or provincial reporting system to pull figures and reports.

Authentication is the Django session (`ninja.security.django_auth`); the permission gate is
the screens' (404 for what the user may not see). Decimal figures are strings ("99.1700") so no
precision is lost; `text` is the Vietnamese rendering ("423/489 (86,50 %)").
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from cqs.core.periods import parse_period
from cqs.org.models import Agency
from cqs.org.permissions import NOT_FOUND
from cqs.reporting import permissions
from cqs.reporting.compute import IndicatorResult, compute_agency, format_figure
from cqs.reporting.models import Indicator
from cqs.reporting.selectors import campaign_period, campaign_progress, is_late, narratives, report_rows

router = Router(tags=["Hệ thống thông tin báo cáo"], auth=django_auth)


class ErrorOut(Schema):
    detail: str


class ValueOut(Schema):
    code: str
    name: str
    unit: str
    kind: str
    value: str | None
    numerator: str | None
    denominator: str | None
    text: str
    target: str | None
    target_met: bool | None
    issues: list[str]


class AgencyValuesOut(Schema):
    agency_code: str
    agency: str
    period: str
    start: date
    end: date
    source: str
    values: list[ValueOut]


class NarrativeOut(Schema):
    number: str
    title: str
    text: str


class ReportOut(Schema):
    id: int
    regime: str
    regime_name: str
    period: str
    agency_code: str
    agency: str
    status: str
    status_label: str
    submitted_at: datetime | None
    late: bool
    signed: bool
    signed_sha256: str
    frozen: bool
    values: list[ValueOut]
    narratives: list[NarrativeOut]


class CampaignLineOut(Schema):
    report_id: int
    agency_code: str
    agency: str
    status: str
    submitted_at: datetime | None
    late: bool


class CampaignOut(Schema):
    id: int
    regime: str
    period: str
    start: date
    end: date
    deadline: date
    status: str
    total: int
    submitted: int
    late: int
    accepted: int
    returned: int
    summary: str
    missing: list[str]
    reports: list[CampaignLineOut]


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _value(result: IndicatorResult) -> ValueOut:
    indicator: Indicator = result.indicator
    figure = result.figure
    return ValueOut(
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        kind=indicator.kind,
        value=_decimal(figure.value),
        numerator=_decimal(figure.numerator),
        denominator=_decimal(figure.denominator),
        text=format_figure(indicator, figure),
        target=str(result.target.value) if result.target is not None else None,
        target_met=result.target_met,
        issues=list(result.issues),
    )


def _may_see_agency(request: HttpRequest, agency: Agency) -> bool:
    access = permissions.access_for(request.user)
    if access.is_superuser or agency.pk in access.agency_ids:
        return True
    return any(agency.tree_path.startswith(path) for path in access.tree_paths)


@router.get("/chi-tieu", response={200: AgencyValuesOut, 400: ErrorOut, 404: ErrorOut})
def agency_values(request: HttpRequest, co_quan: str, ky: str) -> tuple[int, AgencyValuesOut | ErrorOut]:
    """Every active indicator of agency `co_quan` (identifier code) over period `ky` (2023Q3),
    computed from live data now."""
    agency = Agency.objects.filter(code=co_quan.strip()).first()
    if agency is None or not _may_see_agency(request, agency):
        return 404, ErrorOut(detail=NOT_FOUND)
    try:
        period = parse_period(ky)
    except ValueError as error:
        return 400, ErrorOut(detail=str(error))
    results = compute_agency(agency, period)
    return 200, AgencyValuesOut(
        agency_code=agency.code,
        agency=agency.name,
        period=period.code,
        start=period.start,
        end=period.end,
        source="truc_tiep",
        values=[_value(r) for r in results],
    )


@router.get("/bao-cao/{report_id}", response={200: ReportOut, 404: ErrorOut})
def report_detail(request: HttpRequest, report_id: int) -> tuple[int, ReportOut | ErrorOut]:
    """A report with its stored values (frozen once sent) and the officer's narratives."""
    try:
        report = permissions.report_for(request.user, report_id)
    except Http404:
        return 404, ErrorOut(detail=NOT_FOUND)
    texts = narratives(report)
    sections = report.campaign.regime.sections.filter(pk__in=list(texts)).order_by("order")
    return 200, ReportOut(
        id=report.pk,
        regime=report.campaign.regime.code,
        regime_name=report.campaign.regime.name,
        period=report.campaign.period,
        agency_code=report.agency.code,
        agency=report.agency.name,
        status=report.status,
        status_label=report.get_status_display(),
        submitted_at=report.submitted_at,
        late=is_late(report),
        signed=bool(report.signed_sha256),
        signed_sha256=report.signed_sha256,
        frozen=report.status in ("da_nop", "da_chap_nhan"),
        values=[_value(row.result) for row in report_rows(report)],
        narratives=[NarrativeOut(number=s.number, title=s.title, text=texts[s.pk]) for s in sections],
    )


@router.get("/dot/{campaign_id}", response={200: CampaignOut, 404: ErrorOut})
def campaign_status(request: HttpRequest, campaign_id: int) -> tuple[int, CampaignOut | ErrorOut]:
    """A campaign's completeness and timeliness (the requesting agency sees every report)."""
    try:
        campaign = permissions.campaign_for(request.user, campaign_id)
    except Http404:
        return 404, ErrorOut(detail=NOT_FOUND)
    if not permissions.is_requester(request.user, campaign.regime):
        return 404, ErrorOut(detail=NOT_FOUND)
    progress = campaign_progress(campaign)
    period = campaign_period(campaign)
    return 200, CampaignOut(
        id=campaign.pk,
        regime=campaign.regime.code,
        period=campaign.period,
        start=period.start,
        end=period.end,
        deadline=campaign.deadline,
        status=campaign.status,
        total=progress.total,
        submitted=progress.submitted,
        late=progress.late,
        accepted=progress.accepted,
        returned=progress.returned,
        summary=progress.summary,
        missing=[a.code for a in progress.missing],
        reports=[
            CampaignLineOut(
                report_id=line.report.pk,
                agency_code=line.report.agency.code,
                agency=line.report.agency.name,
                status=line.report.status,
                submitted_at=line.report.submitted_at,
                late=line.late,
            )
            for line in progress.lines
        ],
    )
