"""Helpers of the portal's views: rendering with the citizen in context, error messages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render as django_render

from cqs.core.errors import ApplicationError
from cqs.portal.selectors import citizen_profile


def render(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HttpResponse:
    context = dict(context or {})
    context.setdefault("citizen", citizen_profile(request.user))
    return django_render(request, template, context, status=status)


def error_text(error: Exception) -> str:
    return error.message if isinstance(error, ApplicationError) else str(error)
