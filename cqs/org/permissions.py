"""Permission gates rooted in the agency tree.

Each gate returns the object or raises Http404: a user must not even learn that an
object they may not see exists, so refusals are never 403.
"""

from __future__ import annotations

from datetime import date
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

from cqs.org.models import Agency, Position, Role, Unit
from cqs.org.selectors import visible_agency_scope

M = TypeVar("M", bound=models.Model)

NOT_FOUND = "Không tìm thấy hoặc bạn không có quyền xem."


def visible_to(
    qs: models.QuerySet[M], user: Any, agency_field: str = "agency", *, on: date | None = None
) -> models.QuerySet[M]:
    """Narrow `qs` to rows whose `agency_field` is an agency `user` may see.

    `agency_field` is a lookup path to the owning agency (``"agency"``,
    ``"owner_agency"``, ``"unit__agency"``). Later modules use this as the agency scope
    and OR their own rules (routing, named readers) on top.
    """
    scope = visible_agency_scope(user, on)
    return qs if scope is None else qs.filter(**{f"{agency_field}__in": scope})


def _check_visible(user: Any, agency_id: int) -> None:
    scope = visible_agency_scope(user)
    if scope is not None and agency_id not in scope:
        raise Http404(NOT_FOUND)


def access_agency(user: Any, agency_id: int) -> Agency:
    try:
        agency = Agency.objects.select_related("parent").get(pk=agency_id)
    except Agency.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    _check_visible(user, agency.pk)
    return agency


def access_unit(user: Any, unit_id: int) -> Unit:
    try:
        unit = Unit.objects.select_related("agency", "parent").get(pk=unit_id)
    except Unit.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    _check_visible(user, unit.agency_id)
    return unit


def access_position(user: Any, position_id: int) -> Position:
    try:
        position = Position.objects.select_related("agency", "unit", "user").get(pk=position_id)
    except Position.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    _check_visible(user, position.agency_id)
    return position


def _admin_paths(user: Any, on: date | None = None) -> list[str]:
    """Tree paths of the agencies where `user` currently holds the administrator role."""
    return list(
        Position.objects.current(on)
        .filter(user=user, roles__role=Role.ADMINISTRATOR)
        .values_list("agency__tree_path", flat=True)
        .distinct()
    )


def can_manage_agency(user: Any, agency: Agency | None) -> bool:
    """Administrative write rights: the administrator role in `agency` or an ancestor.

    `agency=None` asks about creating a top-level agency, which only a superuser may do.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    if agency is None:
        return False
    return any(agency.tree_path.startswith(path) for path in _admin_paths(user))


def manageable_agencies(user: Any) -> models.QuerySet[Agency]:
    """The agencies `user` may administer (used by the admin site's change lists)."""
    if getattr(user, "is_superuser", False):
        return Agency.objects.all()
    paths = _admin_paths(user)
    if not paths or not getattr(user, "is_active", False):
        return Agency.objects.none()
    return Agency.objects.filter(reduce(or_, (Q(tree_path__startswith=p) for p in paths)))
