"""The outline editor (đề cương) of a regime: the requesting agency's reporting officers and
leaders add, remove and reorder sections, edit sentence templates and hints, and pick the
indicators of each section."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cqs.core.errors import ApplicationError
from cqs.org.permissions import NOT_FOUND
from cqs.reporting import permissions
from cqs.reporting.models import Indicator, OutlineSection, SectionKind
from cqs.reporting.selectors import outline
from cqs.reporting.services.campaigns import (
    outline_section_delete,
    outline_section_move,
    outline_section_save,
)
from cqs.reporting.views.common import perform, refusal_message


def _section(regime_pk: int, section_pk: int) -> OutlineSection:
    section = (
        OutlineSection.objects.select_related("regime").filter(pk=section_pk, regime_id=regime_pk).first()
    )
    if section is None:
        raise Http404(NOT_FOUND)
    return section


@login_required
@require_GET
def outline_view(request: HttpRequest, pk: int) -> HttpResponse:
    regime = permissions.regime_for(request.user, pk)
    context = {
        "regime": regime,
        "sections": outline(regime),
        "kinds": SectionKind.choices,
        "indicators": list(Indicator.objects.filter(is_active=True)),
        "can_edit": permissions.can_manage_regime(request.user, regime),
    }
    return render(request, "reporting/outline.html", context)


def _data(request: HttpRequest) -> dict[str, str]:
    fields = {"loai": "kind", "so_muc": "number", "tieu_de": "title", "mau_cau": "template", "goi_y": "hint"}
    return {name: request.POST[field] for field, name in fields.items() if field in request.POST}


@login_required
@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    regime = permissions.regime_for(request.user, pk, for_write=True)
    after = None
    if request.POST.get("sau"):
        try:
            after = _section(pk, int(request.POST["sau"]))
        except ValueError:
            after = None
    try:
        outline_section_save(
            by=request.user,
            regime=regime,
            data=_data(request),
            indicator_codes=request.POST.getlist("chi_tieu"),
            after=after,
        )
    except (ApplicationError, PermissionDenied) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, "Đã thêm mục vào đề cương.")
    return redirect("reporting:outline", pk=pk)


@login_required
@require_POST
def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    regime = permissions.regime_for(request.user, pk, for_write=True)
    section = _section(pk, section_pk)
    return perform(
        request,
        lambda: outline_section_save(
            by=request.user,
            regime=regime,
            section=section,
            data=_data(request),
            indicator_codes=request.POST.getlist("chi_tieu"),
        ),
        success="Đã lưu mục đề cương.",
        then=f"/bao-cao/che-do/{pk}/de-cuong/#muc-{section_pk}",
    )


@login_required
@require_POST
def section_move(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    permissions.regime_for(request.user, pk, for_write=True)
    section = _section(pk, section_pk)
    direction = -1 if request.POST.get("huong") == "len" else 1
    return perform(
        request,
        lambda: outline_section_move(by=request.user, section=section, direction=direction),
        success="Đã đổi thứ tự mục.",
        then=f"/bao-cao/che-do/{pk}/de-cuong/#muc-{section_pk}",
    )


@login_required
@require_POST
def section_delete(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    permissions.regime_for(request.user, pk, for_write=True)
    section = _section(pk, section_pk)
    return perform(
        request,
        lambda: outline_section_delete(by=request.user, section=section),
        success="Đã xóa mục khỏi đề cương.",
        then=f"/bao-cao/che-do/{pk}/de-cuong/",
    )
