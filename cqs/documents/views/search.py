"""Filtered document lists (incoming, outgoing) and the search page, all through `search_documents`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html

from cqs.documents.forms import DocumentFilterForm
from cqs.documents.models import Direction, DocumentStatus
from cqs.documents.permissions import visible_documents
from cqs.documents.search import (
    PAGE_SIZE,
    SearchPage,
    search_count,
    search_documents,
    search_page,
    total_text,
)
from cqs.documents.views.common import RESULTS_TARGET, page_number, render_list

# Incoming states in which the document still waits for someone (its due date can pass).
_OPEN_INCOMING = (
    DocumentStatus.ARRIVED,
    DocumentStatus.REGISTERED,
    DocumentStatus.ROUTED,
    DocumentStatus.IN_PROGRESS,
)


def filtered_page(request: HttpRequest, form: DocumentFilterForm) -> SearchPage:
    """The page of documents the user may see that match the (valid part of the) filters."""
    form.is_valid()  # invalid fields are reported next to the field and left out of the search
    results = search_documents(base=visible_documents(request.user), **form.search_arguments())
    return search_page(
        results.select_related("owner", "issuing_agency"), page=page_number(request), per_page=PAGE_SIZE
    )


COUNT_PARAM = "dem"  # ?dem=1: only the number of results (asked for by a page shown before it)


def wants_count(request: HttpRequest) -> bool:
    return request.GET.get(COUNT_PARAM) == "1"


def count_response(request: HttpRequest, form: DocumentFilterForm) -> HttpResponse:
    """The number of results of the filters, for a page whose own count ran out of time
    (`SearchPage.count_unfinished`). 204 when this count runs out of time too: the page
    keeps what it says ("hơn 50 kết quả")."""
    form.is_valid()
    results = search_documents(base=visible_documents(request.user), **form.search_arguments())
    total, capped = search_count(results)
    if capped and total == 0:
        return HttpResponse(status=204)
    return HttpResponse(format_html("<span>{}</span>", total_text(total, capped)))


def _count_url(request: HttpRequest) -> str:
    query = request.GET.copy()
    query[COUNT_PARAM] = "1"
    query.pop("trang", None)
    return f"{request.path}?{query.urlencode()}"


def list_context(request: HttpRequest, form: DocumentFilterForm, page: SearchPage) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "form": form,
        "page": page,
        "rows": [
            {
                "document": d,
                "overdue": d.direction == Direction.INCOMING
                and d.due_date is not None
                and d.due_date < today
                and d.status in _OPEN_INCOMING,
            }
            for d in page.documents
        ],
        "results_target": RESULTS_TARGET,
        "list_url": request.path,
        "count_url": _count_url(request) if page.count_unfinished else "",
    }


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Every document the user may see, both directions, with the same filters."""
    form = DocumentFilterForm(request.GET or None)
    if wants_count(request):
        return count_response(request, form)
    page = filtered_page(request, form)
    context = list_context(request, form, page)
    context["searched"] = bool(request.GET)
    return render_list(request, "documents/search.html", "documents/_search_results.html", context)
