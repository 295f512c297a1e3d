"""Pages of the shell: the home page and the Vietnamese CSRF failure page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from cqs.org.selectors import positions_of

    return render(request, "core/home.html", {"positions": positions_of(request.user)})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a plain Vietnamese explanation. The technical `reason` is not shown;
    Django's CSRF middleware already logs it to `django.security.csrf`."""
    return render(request, "core/csrf_failure.html", status=403)
