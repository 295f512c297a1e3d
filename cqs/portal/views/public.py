"""Pages anyone can open: the portal's home, the procedure catalogue and start pages, status
lookup by dossier code (no personal data) and the public list of resolved dossiers."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from cqs.core.text import nfc
from cqs.onestop.models import OnlineLevel, Procedure
from cqs.org.models import Agency, AgencyLevel
from cqs.portal.selectors import (
    competent_agencies,
    current_version,
    open_drafts,
    procedure_fields,
    search_procedures,
)
from cqs.portal.views.common import render

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    cards = search_procedures()
    context = {
        "popular": [c for c in cards if c.version.online_level == OnlineLevel.FULL][:6],
        "fields": procedure_fields(),
        "drafts": list(open_drafts(request.user)[:3]) if request.user.is_authenticated else [],
    }
    return render(request, "portal/home.html", context)


def procedures(request: HttpRequest) -> HttpResponse:
    query = nfc(request.GET.get("q", "")).strip()[:200]
    field = request.GET.get("linh-vuc", "")[:200]
    level = request.GET.get("cap", "")
    if level not in AgencyLevel.values:
        level = ""
    cards = search_procedures(query, field, level)
    page = Paginator(cards, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "portal/procedures.html",
        {
            "query": query,
            "field": field,
            "level": level,
            "fields": procedure_fields(),
            "levels": AgencyLevel.choices,
            "page": page,
            "total": len(cards),
        },
    )


def procedure_start(request: HttpRequest, code: str) -> HttpResponse:
    procedure = Procedure.objects.filter(code=code, is_active=True).first()
    version = current_version(procedure) if procedure is not None else None
    if procedure is None or version is None:
        raise Http404("Không tìm thấy thủ tục.")
    components = list(version.components.all())
    agencies = list(competent_agencies(version)[:50])
    return render(
        request,
        "portal/procedure_start.html",
        {
            "procedure": procedure,
            "version": version,
            "components": components,
            "paper_components": [c for c in components if "chính" in c.note.lower()],
            "agencies": agencies,
            "is_full": version.online_level == OnlineLevel.FULL,
            "is_partial": version.online_level == OnlineLevel.PARTIAL,
            "is_offline": version.online_level == OnlineLevel.NONE,
        },
    )


def lookup(request: HttpRequest) -> HttpResponse:
    from cqs.onestop.selectors import public_status

    code = nfc(request.GET.get("ma", "")).strip().upper()[:40]
    status = public_status(code) if code else None
    return render(request, "portal/lookup.html", {"code": code, "status": status, "searched": bool(code)})


def _month_window(raw: str, today: date) -> tuple[date, date]:
    try:
        year, month = (int(part) for part in raw.split("-", 1))
        start = date(year, month, 1)
    except ValueError:
        start = today.replace(day=1)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start, end


def public_results(request: HttpRequest) -> HttpResponse:
    """Công khai kết quả giải quyết: resolved dossiers of one agency in one month."""
    from cqs.onestop.selectors import public_resolved_list

    today = timezone.localdate()
    start, end = _month_window(request.GET.get("thang", ""), today)
    agencies = list(
        Agency.objects.valid_on(today)
        .filter(level__in=[AgencyLevel.COMMUNE, AgencyLevel.DEPARTMENT, AgencyLevel.PROVINCE])
        .order_by("level", "name")
    )
    agency = None
    raw_agency = request.GET.get("co-quan", "")
    if raw_agency.isdigit():
        agency = next((a for a in agencies if a.pk == int(raw_agency)), None)
    rows = list(public_resolved_list([agency.pk], start, end)) if agency is not None else []
    page = Paginator(rows, 50).get_page(request.GET.get("trang"))
    months = []
    cursor = today.replace(day=1)
    for _ in range(12):
        months.append(cursor)
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    return render(
        request,
        "portal/public_results.html",
        {
            "agencies": agencies,
            "agency": agency,
            "start": start,
            "end": end,
            "page": page,
            "months": months,
            "total": len(rows),
        },
    )
