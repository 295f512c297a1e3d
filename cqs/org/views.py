"""Organisation pages: the tree on a chosen date, and agency, unit and position pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cqs.org import selectors
from cqs.org.forms import TreeDateForm
from cqs.org.permissions import access_agency, access_position, access_unit, can_manage_agency
from cqs.org.selectors import TreeNode


def _visibility(user: Any) -> dict[str, Any]:
    """Context the templates use to link only what the user may open."""
    scope = selectors.visible_agency_scope(user)
    return {"sees_all": scope is None, "visible_ids": scope or set()}


def _count(nodes: list[TreeNode]) -> int:
    return sum(1 + _count(n.children) for n in nodes)


@login_required
def agency_tree(request: HttpRequest) -> HttpResponse:
    today = date.today()
    form = TreeDateForm(request.GET or None, initial={"ngay": today})
    on = (form.cleaned_data["ngay"] if form.is_valid() else None) or today
    tree = selectors.tree_on(on)
    context = {
        "form": form,
        "on": on,
        "tree": tree,
        "agency_count": _count(tree),
        **_visibility(request.user),
    }
    return render(request, "org/agency_tree.html", context)


@login_required
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = access_agency(request.user, agency_id)
    context = {
        "detail": selectors.agency_detail(agency),
        "can_manage": request.user.is_staff and can_manage_agency(request.user, agency),
        **_visibility(request.user),
    }
    return render(request, "org/agency_detail.html", context)


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id)
    context = {
        "unit": unit,
        "subunits": list(unit.children.order_by("name")),
        "positions": list(selectors.unit_positions(unit)),
    }
    return render(request, "org/unit_detail.html", context)


@login_required
def position_detail(request: HttpRequest, position_id: int) -> HttpResponse:
    position = access_position(request.user, position_id)
    roles = [r.get_role_display() for r in position.roles.order_by("role")]
    return render(request, "org/position_detail.html", {"position": position, "roles": roles})
