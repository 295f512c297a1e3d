"""The Decree-30 registers (sổ đăng ký văn bản đi / đến, sổ theo dõi giải quyết văn bản đến):
chosen by register and year, shown as a table, downloaded as PDF or XLSX."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from cqs.documents import selectors
from cqs.documents.forms import RegisterForm
from cqs.documents.models import Document
from cqs.documents.permissions import is_agency_leader, is_clerk
from cqs.documents.registers import (
    RegisterKind,
    columns,
    register_filename,
    register_pdf,
    register_title,
    register_xlsx,
)
from cqs.documents.views.common import current_agencies
from cqs.org.models import Agency

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {"di": RegisterKind.OUTGOING, "den": RegisterKind.INCOMING, "giai-quyet": RegisterKind.FOLLOW_UP}


@dataclass(frozen=True)
class Choice:
    agency: Agency
    kind: RegisterKind
    year: int
    secret: bool


def _agencies(user: Any) -> QuerySet[Agency]:
    if getattr(user, "is_superuser", False):
        return Agency.objects.order_by("tree_path")
    return current_agencies(user)


def _years(agencies: QuerySet[Agency]) -> list[int]:
    this_year = timezone.localdate().year
    known = (
        Document.objects.filter(owner__in=agencies, registered_year__isnull=False)
        .values_list("registered_year", flat=True)
        .distinct()
    )
    return sorted({this_year, *(y for y in known if y)}, reverse=True)


def may_see_secret(user: Any, agency: Agency) -> bool:
    """The secret registers belong to the agency's clerks and its leaders (permissions.py)."""
    return bool(
        getattr(user, "is_superuser", False) or is_clerk(user, agency) or is_agency_leader(user, agency)
    )


def _form(request: HttpRequest) -> tuple[RegisterForm, Choice | None]:
    agencies = _agencies(request.user)
    data = request.GET.copy()
    first = agencies.first()
    if first is not None:
        data.setdefault("co_quan", str(first.pk))
    data.setdefault("so", "den")
    data.setdefault("nam", str(timezone.localdate().year))
    form = RegisterForm(data, agencies=agencies, years=_years(agencies))
    if not form.is_valid():
        return form, None
    agency = form.cleaned_data["co_quan"]
    secret = request.GET.get("mat") == "1" and may_see_secret(request.user, agency)
    return form, Choice(agency, KINDS[form.cleaned_data["so"]], form.cleaned_data["nam"], secret)


def register_rows(choice: Choice) -> Sequence[Any]:
    start, end = date(choice.year, 1, 1), date(choice.year, 12, 31)
    if choice.kind is RegisterKind.OUTGOING:
        return selectors.outgoing_register_rows(choice.agency, start, end, secret=choice.secret)
    if choice.kind is RegisterKind.INCOMING:
        return selectors.incoming_register_rows(choice.agency, start, end, secret=choice.secret)
    return selectors.follow_up_rows(choice.agency, start, end, secret=choice.secret)


@login_required
def register_page(request: HttpRequest) -> HttpResponse:
    form, choice = _form(request)
    context: dict[str, Any] = {"form": form, "choice": choice}
    if choice is not None:
        context.update(
            title=register_title(choice.kind, choice.year, secret=choice.secret),
            headers=[c.header for c in columns(choice.kind)],
            rows=[row.cells() for row in register_rows(choice)],
            can_secret=may_see_secret(request.user, choice.agency),
            query=request.GET.urlencode(),
        )
    return render(request, "documents/registers.html", context, status=200 if choice is not None else 400)


@login_required
def register_download(request: HttpRequest, fmt: str) -> HttpResponse:
    form, choice = _form(request)
    if choice is None:
        raise Http404("Sổ không hợp lệ.")
    rows = register_rows(choice)
    name = choice.agency.name
    if fmt == "pdf":
        data = register_pdf(choice.kind, name, choice.year, rows, secret=choice.secret)
        content_type = "application/pdf"
    elif fmt == "xlsx":
        data = register_xlsx(choice.kind, name, choice.year, rows, secret=choice.secret)
        content_type = XLSX_TYPE
    else:
        raise Http404("Định dạng không hỗ trợ.")
    response = HttpResponse(data, content_type=content_type)
    filename = register_filename(choice.kind, choice.year, fmt, secret=choice.secret)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response
