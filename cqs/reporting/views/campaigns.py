"""The reporting home (my reports to do, campaigns I requested), a campaign's page
(completeness, timeliness, each agency's status, accept/return) and the consolidation."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from cqs.core.errors import ApplicationError
from cqs.org.models import Agency
from cqs.org.permissions import NOT_FOUND
from cqs.reporting import permissions
from cqs.reporting.compute import IndicatorResult, format_figure
from cqs.reporting.models import Campaign, CampaignStatus, ReportStatus
from cqs.reporting.render import consolidation_document, consolidation_xlsx, period_words, render_file
from cqs.reporting.selectors import (
    campaign_period,
    campaign_progress,
    campaign_reports,
    consolidation,
    consolidation_parents,
    is_late,
)
from cqs.reporting.services.campaigns import campaign_close, campaign_launch
from cqs.reporting.views.common import perform, refusal_message
from cqs.reporting.workflow import EDITABLE_STATUSES

_FILE_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    access = permissions.access_for(request.user)
    mine = (
        permissions.visible_reports(request.user)
        .filter(agency_id__in=access.agency_ids, is_consolidated=False)
        .select_related("campaign__regime", "agency")
        .order_by("-campaign__window_end", "agency__name")
    )
    todo = [r for r in mine if r.status in EDITABLE_STATUSES]
    done = [r for r in mine if r.status not in EDITABLE_STATUSES][:20]
    requested = list(
        permissions.visible_campaigns(request.user)
        .filter(regime__in=permissions.manageable_regimes(request.user))
        .select_related("regime")
        .order_by("-window_end")[:30]
    )
    campaigns = [(c, campaign_progress(c)) for c in requested]
    regimes = list(permissions.manageable_regimes(request.user).filter(is_active=True))
    context = {
        "todo": todo,
        "done": done,
        "campaigns": campaigns,
        "regimes": regimes,
        "period_words": {c.pk: period_words(campaign_period(c)) for c in requested},
    }
    return render(request, "reporting/index.html", context)


@login_required
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    regimes = permissions.manageable_regimes(request.user)
    try:
        regime = regimes.get(pk=int(request.POST.get("che_do", "0")))
    except (ValueError, regimes.model.DoesNotExist):
        raise Http404(NOT_FOUND) from None
    period = request.POST.get("ky", "").strip()
    try:
        campaign = campaign_launch(by=request.user, regime=regime, period=period)
    except (ApplicationError, PermissionDenied) as error:
        messages.error(request, refusal_message(error))
        return redirect("reporting:index")
    messages.success(
        request,
        f"Đã phát động đợt báo cáo {period_words(campaign_period(campaign))}: {campaign.reports.count()} "
        "đơn vị.",
    )
    return redirect("reporting:campaign", pk=campaign.pk)


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = permissions.campaign_for(request.user, pk)
    visible = set(
        permissions.visible_reports(request.user).filter(campaign=campaign).values_list("pk", flat=True)
    )
    reports = [r for r in campaign_reports(campaign) if r.pk in visible]
    is_requester = permissions.is_requester(request.user, campaign.regime)
    progress = campaign_progress(campaign) if is_requester else None
    lines = [(r, is_late(r)) for r in reports]
    context = {
        "campaign": campaign,
        "regime": campaign.regime,
        "period": campaign_period(campaign),
        "period_text": period_words(campaign_period(campaign)),
        "progress": progress,
        "lines": lines,
        "is_requester": is_requester,
        "parents": consolidation_parents(campaign),
        "submitted_status": ReportStatus.SUBMITTED,
        "is_open": campaign.status == CampaignStatus.OPEN,
    }
    return render(request, "reporting/campaign.html", context)


@login_required
@require_POST
def campaign_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = permissions.campaign_for(request.user, pk)
    return perform(
        request,
        lambda: campaign_close(by=request.user, campaign=campaign),
        success="Đã kết thúc đợt báo cáo.",
        then=f"/bao-cao/dot/{pk}/",
    )


def _consolidation_for(request: HttpRequest, pk: int, agency_pk: int | None) -> tuple[Campaign, Agency]:
    campaign = get_object_or_404(Campaign.objects.select_related("regime__requesting_agency"), pk=pk)
    parents = consolidation_parents(campaign)
    if agency_pk is None:
        if not parents:
            raise Http404(NOT_FOUND)
        parent = parents[0]
    else:
        parent = next((p for p in parents if p.pk == agency_pk), None)  # type: ignore[assignment]
        if parent is None:
            raise Http404(NOT_FOUND)
    if not permissions.can_see_consolidation(request.user, campaign, parent):
        raise Http404(NOT_FOUND)
    return campaign, parent


@login_required
@require_GET
def consolidation_view(request: HttpRequest, pk: int, agency_pk: int | None = None) -> HttpResponse:
    campaign, parent = _consolidation_for(request, pk, agency_pk)
    cons = consolidation(campaign, parent)
    indicators = [i for i in cons.indicators if i.code in cons.totals]

    def cells(results: Mapping[str, IndicatorResult]) -> list[tuple[str, bool]]:
        out = []
        for indicator in indicators:
            result = results.get(indicator.code)
            if result is None:
                out.append(("—", False))
            else:
                out.append((format_figure(indicator, result.figure), result.target_met is False))
        return out

    context = {
        "campaign": campaign,
        "cons": cons,
        "total_cells": cells(cons.totals),
        "child_rows": [(child, cells(child.results)) for child in cons.children],
        "period_text": period_words(cons.period),
        "parents": consolidation_parents(campaign),
        "indicators": indicators,
        "is_requester": permissions.is_requester(request.user, campaign.regime),
    }
    return render(request, "reporting/consolidation.html", context)


@login_required
@require_GET
def consolidation_file(request: HttpRequest, pk: int, agency_pk: int, fmt: str) -> HttpResponse:
    campaign, parent = _consolidation_for(request, pk, agency_pk)
    if fmt not in _FILE_TYPES:
        raise Http404(NOT_FOUND)
    cons = consolidation(campaign, parent)
    content = (
        consolidation_xlsx(cons) if fmt == "xlsx" else render_file(consolidation_document(cons), f".{fmt}")
    )
    response = HttpResponse(content, content_type=_FILE_TYPES[fmt])
    name = f"tong-hop-{campaign.period}-{parent.code}.{fmt}"
    response["Content-Disposition"] = f'{"inline" if fmt == "pdf" else "attachment"}; filename="{name}"'
    return response
