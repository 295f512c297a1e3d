"""Helpers shared by the document screens: the user's agencies, paging, htmx partials, messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from cqs.core.errors import ApplicationError
from cqs.org.models import Agency, Position, Role

RESULTS_TARGET = "ket-qua"
"""The id of the element an htmx filter request replaces (the result table and its pager)."""

REFUSED = "Bạn không có quyền thực hiện thao tác này."


def current_agencies(user: Any, *roles: str) -> QuerySet[Agency]:
    """The agencies where `user` holds a current position (with one of `roles`, if given)."""
    positions = Position.objects.current(timezone.localdate()).filter(user=user)
    if roles:
        positions = positions.filter(roles__role__in=roles)
    return Agency.objects.filter(pk__in=positions.values("agency_id")).order_by("tree_path")


def clerk_agencies(user: Any) -> QuerySet[Agency]:
    return current_agencies(user, Role.CLERK)


def drafting_agencies(user: Any) -> QuerySet[Agency]:
    return current_agencies(user, Role.OFFICER, Role.LEADER, Role.CLERK)


def page_number(request: HttpRequest) -> int:
    """`?trang=3` → 3; anything else → 1."""
    raw = request.GET.get("trang", "1")
    try:
        return max(1, min(int(raw), 100_000))
    except ValueError:
        return 1


def wants_results_only(request: HttpRequest) -> bool:
    """An htmx request from the filter form: answer with the result table only."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx and not htmx.history_restore_request and htmx.target == RESULTS_TARGET)


def render_list(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The whole page, or only its result table for the htmx filter (`Vary: HX-Request`)."""
    response = render(request, partial if wants_results_only(request) else template, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def selected_ids(request: HttpRequest, name: str = "chon") -> list[int]:
    """The checked rows of a bulk-action table, as ids (junk values are ignored)."""
    ids: list[int] = []
    for raw in request.POST.getlist(name):
        try:
            value = int(raw)
        except ValueError:
            continue
        if value > 0 and value not in ids:
            ids.append(value)
    return ids


def refusal_message(error: Exception) -> str:
    if isinstance(error, ApplicationError):
        return error.message
    return str(error) or REFUSED


def perform(request: HttpRequest, action: Callable[[], object], *, success: str, then: str) -> HttpResponse:
    """Run a service call; report its refusal or its success as a message, then redirect."""
    try:
        action()
    except (ApplicationError, PermissionDenied) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, success)
    return redirect(then)
