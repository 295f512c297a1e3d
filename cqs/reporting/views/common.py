"""Helpers shared by the reporting screens: running a service and reporting the outcome."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from cqs.core.errors import ApplicationError

REFUSED = "Bạn không có quyền thực hiện thao tác này."


def refusal_message(error: Exception) -> str:
    if isinstance(error, ApplicationError):
        return error.message
    return str(error) or REFUSED


def perform(request: HttpRequest, action: Callable[[], object], *, success: str, then: str) -> HttpResponse:
    """Run a service call; show its refusal or its success as a message, then redirect."""
    try:
        action()
    except (ApplicationError, PermissionDenied) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, success)
    return redirect(then)
