"""Screen for manual values (số liệu nhập tay): one agency, one period, one inline form per
manual indicator (HTMX swaps the row; without JavaScript the form posts and redirects)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cqs.core.errors import ApplicationError
from cqs.core.periods import Period, parse_period, period_containing
from cqs.org.models import Agency, Position
from cqs.reporting.compute import format_figure, ratio_figure
from cqs.reporting.models import Indicator, IndicatorSource, ManualValue
from cqs.reporting.registry import Figure
from cqs.reporting.services.manual import MANUAL_ROLES, manual_value_set


def _entry_agencies(user: Any) -> list[Agency]:
    ids = (
        Position.objects.current()
        .filter(user=user, roles__role__in=MANUAL_ROLES)
        .values_list("agency_id", flat=True)
    )
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def _choose(request: HttpRequest, data: Any) -> tuple[list[Agency], Agency, Period, str]:
    agencies = _entry_agencies(request.user)
    if not agencies:
        raise PermissionDenied("Chỉ cán bộ báo cáo hoặc lãnh đạo cơ quan được nhập số liệu.")
    agency = agencies[0]
    raw_agency = data.get("co_quan", "")
    if raw_agency:
        chosen = next((a for a in agencies if str(a.pk) == raw_agency), None)
        if chosen is None:
            raise Http404
        agency = chosen
    period_error = ""
    raw_period = (data.get("ky") or "").strip()
    period = period_containing("quarter", date.today())
    if raw_period:
        try:
            period = parse_period(raw_period)
        except ValueError as error:
            period_error = str(error)
    return agencies, agency, period, period_error


def _row(indicator: Indicator, manual: ManualValue | None, **extra: Any) -> dict[str, Any]:
    figure = Figure(None)
    if manual is not None:
        if indicator.is_ratio and manual.denominator is not None:
            figure = ratio_figure(manual.numerator or 0, manual.denominator)  # type: ignore[arg-type]
        else:
            figure = Figure(manual.value)
    return {
        "indicator": indicator,
        "manual": manual,
        "current": format_figure(indicator, figure),
        "error": "",
        "saved": False,
        "input": {
            "value": ""
            if manual is None or manual.value is None or indicator.is_ratio
            else manual.value.normalize(),
            "numerator": "" if manual is None or manual.numerator is None else manual.numerator.normalize(),
            "denominator": ""
            if manual is None or manual.denominator is None
            else manual.denominator.normalize(),
            "note": "" if manual is None else manual.note,
        },
        **extra,
    }


def _manual_indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(source=IndicatorSource.MANUAL, is_active=True))


@login_required
@require_GET
def manual_values(request: HttpRequest) -> HttpResponse:
    agencies, agency, period, period_error = _choose(request, request.GET)
    indicators = _manual_indicators()
    values = {
        mv.indicator_id: mv
        for mv in ManualValue.objects.filter(agency=agency, period=period.code).select_related("entered_by")
    }
    rows = [_row(indicator, values.get(indicator.pk)) for indicator in indicators]
    return render(
        request,
        "reporting/manual_values.html",
        {
            "agencies": agencies,
            "agency": agency,
            "period": period,
            "period_input": request.GET.get("ky", period.code),
            "period_error": period_error,
            "rows": rows,
        },
    )


@login_required
@require_POST
def manual_value_save(request: HttpRequest) -> HttpResponse:
    agencies, agency, period, period_error = _choose(request, request.POST)
    indicator = Indicator.objects.filter(
        code=request.POST.get("chi_tieu", ""), source=IndicatorSource.MANUAL, is_active=True
    ).first()
    if indicator is None:
        raise Http404
    error = period_error
    manual = ManualValue.objects.filter(indicator=indicator, agency=agency, period=period.code).first()
    if not error:
        try:
            manual = manual_value_set(
                actor=request.user,
                agency=agency,
                indicator=indicator,
                period=period.code,
                value=request.POST.get("gia_tri"),
                numerator=request.POST.get("tu_so"),
                denominator=request.POST.get("mau_so"),
                note=request.POST.get("ghi_chu", ""),
            )
        except ApplicationError as exc:
            error = exc.message
    if not request.htmx and not error:  # type: ignore[attr-defined]
        query = urlencode({"co_quan": agency.pk, "ky": period.code})
        return HttpResponseRedirect(f"{reverse('reporting:manual_values')}?{query}#cq-{indicator.code}")
    row = _row(indicator, manual, error=error, saved=not error)
    if error:  # keep what was typed
        row["input"] = {
            "value": request.POST.get("gia_tri", ""),
            "numerator": request.POST.get("tu_so", ""),
            "denominator": request.POST.get("mau_so", ""),
            "note": request.POST.get("ghi_chu", ""),
        }
    context = {"row": row, "agency": agency, "period": period}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "reporting/manual_row.html", context, status=200)
    values = {mv.indicator_id: mv for mv in ManualValue.objects.filter(agency=agency, period=period.code)}
    rows = [row if i.pk == indicator.pk else _row(i, values.get(i.pk)) for i in _manual_indicators()]
    return render(
        request,
        "reporting/manual_values.html",
        {"agencies": agencies, "agency": agency, "period": period, "period_input": period.code, "rows": rows},
        status=400,
    )
