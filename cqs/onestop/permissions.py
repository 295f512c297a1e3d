"""Who may see and act on one-stop dossiers. Gates answer 404 (never 403) for dossiers a
user may not see, so nobody learns that a dossier exists at another agency.

* One-stop officers (Cán bộ một cửa) and leaders of the dossier's resolving agency or its
  receiving agency see it; so does every officer a processing step was assigned to.
* Citizens see only their own dossiers, through the portal (not through these gates).
* The catalogue is kept by administrators.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cqs.onestop.models import Dossier, DossierStep
from cqs.org.models import Position, Role
from cqs.org.permissions import NOT_FOUND

STAFF_ROLES = frozenset({Role.ONE_STOP_OFFICER, Role.LEADER})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def agency_roles(user: Any, on: date | None = None) -> dict[int, set[str]]:
    """Current roles of `user` per agency id."""
    if not _active(user):
        return {}
    roles: dict[int, set[str]] = {}
    for agency_id, role in (
        Position.objects.current(on).filter(user=user).values_list("agency_id", "roles__role")
    ):
        roles.setdefault(agency_id, set())
        if role:
            roles[agency_id].add(role)
    return roles


def agencies_with(user: Any, roles: Collection[str]) -> set[int]:
    return {agency for agency, held in agency_roles(user).items() if held & set(roles)}


def staff_agency_ids(user: Any) -> set[int]:
    """Agencies whose dossiers `user` sees as a one-stop officer or leader."""
    return agencies_with(user, STAFF_ROLES)


def visible_dossiers(user: Any) -> QuerySet[Dossier]:
    if not _active(user):
        return Dossier.objects.none()
    if user.is_superuser:
        return Dossier.objects.all()
    agencies = sorted(staff_agency_ids(user))
    assigned = Exists(DossierStep.objects.filter(dossier=OuterRef("pk"), officer=user))
    rule = Q(agency_id__in=agencies) | Q(receiving_agency_id__in=agencies) if agencies else Q(pk__in=[])
    return Dossier.objects.filter(rule | Q(assigned))


def can_see(user: Any, dossier: Dossier) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    agencies = staff_agency_ids(user)
    if dossier.agency_id in agencies or dossier.receiving_agency_id in agencies:
        return True
    return DossierStep.objects.filter(dossier=dossier, officer=user).exists()


def access_dossier(user: Any, pk: int) -> Dossier:
    """The gate: the dossier, or 404 when it does not exist or `user` may not see it."""
    try:
        dossier = Dossier.objects.select_related(
            "version__procedure", "agency__parent", "receiving_agency", "owner", "received_by"
        ).get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
    if not can_see(user, dossier):
        raise Http404(NOT_FOUND)
    return dossier


def can_receive(user: Any, agency_id: int) -> bool:
    """One-stop officers receive dossiers at their agency's counter."""
    if not _active(user):
        return False
    return bool(user.is_superuser) or Role.ONE_STOP_OFFICER in agency_roles(user).get(agency_id, set())


def can_handle(user: Any, dossier: Dossier) -> bool:
    """Move the dossier through processing: the officer holding the current step, or a
    one-stop officer / leader of the resolving or receiving agency."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    roles = agency_roles(user)
    for agency_id in (dossier.agency_id, dossier.receiving_agency_id):
        if roles.get(agency_id, set()) & STAFF_ROLES:
            return True
    current = dossier.steps.filter(finished_at__isnull=True).order_by("-order").first()
    return current is not None and current.officer_id == user.pk


def can_approve(user: Any, dossier: Dossier) -> bool:
    """A leader of the resolving agency approves (signs) the result."""
    if not _active(user):
        return False
    return bool(user.is_superuser) or Role.LEADER in agency_roles(user).get(dossier.agency_id, set())


def can_manage_catalogue(user: Any) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return any(Role.ADMINISTRATOR in held for held in agency_roles(user).values())


def can_use_onestop(user: Any) -> bool:
    """Whether the back office is for `user` at all (one-stop officer, leader, assigned officer)."""
    if not _active(user):
        return False
    if user.is_superuser or staff_agency_ids(user) or can_manage_catalogue(user):
        return True
    return DossierStep.objects.filter(officer=user).exists()


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
