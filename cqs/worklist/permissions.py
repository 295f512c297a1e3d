"""Who may see and act on tasks. The gate answers 404, never 403.

Seeing a task: the staff of its assigning agency, its lead agency and its supporting
agencies, and of every agency above them in the tree (a department's task is seen by the
provincial committee's people), plus the agencies whose history rolls into those
(`cqs.org.selectors.visible_agency_scope`). The office of a People's Committee (Văn phòng
UBND) works for its committee, so its staff see what the committee sees. The assigner
always sees the tasks they gave. Superusers and the province's administrators see all.

Acting:

* assign (and import a plan): the agency-level leaders of an agency act for it; the staff
  of a committee's office act for the committee. The lead agency must be the acting agency
  or below it.
* manage (chase, grant or refuse an extension, cancel): the assigner, or whoever may act
  for the assigning agency.
* report progress: staff of the lead or a supporting agency; request an extension and
  report completion: staff of the lead agency.
* split into sub-tasks: the lead agency's leaders, or the managers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cqs.accounts.models import User
from cqs.documents.permissions import agency_clerks, agency_leaders, unit_heads, unit_members
from cqs.org.models import Agency, AgencyKind, Position, Role
from cqs.org.permissions import NOT_FOUND
from cqs.org.selectors import history_source_ids, visible_agency_scope
from cqs.worklist.models import Plan, Task

COMMITTEE_KINDS = (
    AgencyKind.PROVINCIAL_COMMITTEE,
    AgencyKind.DISTRICT_COMMITTEE,
    AgencyKind.COMMUNE_COMMITTEE,
)


@dataclass(frozen=True, slots=True)
class _Post:
    agency_id: int
    unit_id: int | None
    role: str | None
    agency_kind: str
    parent_id: int | None
    parent_kind: str | None


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _posts(user: Any) -> list[_Post]:
    if not _active(user):
        return []
    rows = (
        Position.objects.current(timezone.localdate())
        .filter(user=user)
        .values_list(
            "agency_id", "unit_id", "roles__role", "agency__kind", "agency__parent_id", "agency__parent__kind"
        )
    )
    return [_Post(*row) for row in rows]


def _office_for(post: _Post) -> int | None:
    """The committee a post in a committee's office works for."""
    if post.agency_kind == AgencyKind.OFFICE and post.parent_kind in COMMITTEE_KINDS:
        return post.parent_id
    return None


def acting_agency_ids(user: Any) -> list[int]:
    """The agencies `user` may assign tasks for (see the module docstring), in a stable order."""
    ids: list[int] = []
    for post in _posts(user):
        candidates = [_office_for(post)]
        if post.role == Role.LEADER and post.unit_id is None:
            candidates.append(post.agency_id)
        for agency_id in candidates:
            if agency_id is not None and agency_id not in ids:
                ids.append(agency_id)
    return ids


def acting_agencies(user: Any) -> list[Agency]:
    ids = acting_agency_ids(user)
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=ids)}
    return [agencies[i] for i in ids if i in agencies]


def is_member(user: Any, agency_id: int) -> bool:
    return any(p.agency_id == agency_id for p in _posts(user))


def is_agency_leader(user: Any, agency_id: int) -> bool:
    return any(p.agency_id == agency_id and p.role == Role.LEADER and p.unit_id is None for p in _posts(user))


def can_assign(user: Any, assigning: Agency, lead: Agency) -> bool:
    return assigning.pk in acting_agency_ids(user) and lead.tree_path.startswith(assigning.tree_path)


def can_manage(user: Any, task: Task) -> bool:
    return _active(user) and (
        task.assigned_by_id == user.pk or task.assigning_agency_id in acting_agency_ids(user)
    )


def is_owner(user: Any, task: Task) -> bool:
    return is_member(user, task.lead_agency_id)


def is_supporter(user: Any, task: Task) -> bool:
    supporting = {a.pk for a in task.supporting_agencies.all()}
    return any(p.agency_id in supporting for p in _posts(user))


def can_report(user: Any, task: Task) -> bool:
    return is_owner(user, task) or is_supporter(user, task)


def can_finish(user: Any, task: Task) -> bool:
    """Request an extension, report completion: the lead agency's staff."""
    return is_owner(user, task)


def can_split(user: Any, task: Task) -> bool:
    return is_agency_leader(user, task.lead_agency_id) or can_manage(user, task)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def owners(task: Task) -> list[User]:
    """Who answers for a task: the lead agency's leaders and the lead unit's heads (its
    members when it has no head); the agency's clerks when it has no leader on the platform."""
    people = list(agency_leaders(task.lead_agency_id))
    if task.lead_unit is not None:
        people += unit_heads(task.lead_unit) or unit_members(task.lead_unit)
    if not people:
        people = agency_clerks(task.lead_agency_id)
    return people


def supporters(task: Task) -> list[User]:
    people: list[User] = []
    for agency in task.supporting_agencies.all():
        people += agency_leaders(agency.pk) or agency_clerks(agency.pk)
    return people


def managers(task: Task) -> list[User]:
    """Who hears of requests: the assigner (and the assigning agency's leaders)."""
    assigner = User.objects.filter(pk=task.assigned_by_id, is_active=True).first()
    return ([assigner] if assigner else []) + list(agency_leaders(task.assigning_agency_id))


# --- visibility -----------------------------------------------------------------------


def task_scope(user: Any) -> set[int] | None:
    """The agency ids whose tasks `user` sees; None for every agency."""
    scope = visible_agency_scope(user)
    if scope is None:
        return None
    paths = list(
        Agency.objects.filter(
            pk__in={c for p in _posts(user) if (c := _office_for(p)) is not None}
        ).values_list("tree_path", flat=True)
    )
    if paths:
        below = Agency.objects.filter(reduce(or_, (Q(tree_path__startswith=path) for path in paths)))
        scope |= history_source_ids(below.values_list("pk", flat=True))
    return scope


def visible_tasks(user: Any) -> QuerySet[Task]:
    if not _active(user):
        return Task.objects.none()
    scope = task_scope(user)
    if scope is None:
        return Task.objects.all()
    supported = Task.supporting_agencies.through.objects.filter(task_id=OuterRef("pk"), agency_id__in=scope)
    return Task.objects.filter(
        Q(assigning_agency_id__in=scope)
        | Q(lead_agency_id__in=scope)
        | Q(assigned_by=user)
        | Exists(supported)
    )


def access_task(user: Any, task_id: int | str) -> Task:
    try:
        return (
            visible_tasks(user)
            .select_related(
                "plan",
                "parent",
                "assigned_by",
                "assigning_agency",
                "lead_agency",
                "lead_unit",
                "source_document",
            )
            .get(pk=int(task_id))
        )
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def visible_plans(user: Any) -> QuerySet[Plan]:
    scope = task_scope(user)
    if scope is None:
        return Plan.objects.all()
    tasks = visible_tasks(user).filter(plan_id=OuterRef("pk"))
    return Plan.objects.filter(Q(issuing_agency_id__in=scope) | Exists(tasks))


def access_plan(user: Any, plan_id: int | str) -> Plan:
    if not _active(user):
        raise Http404(NOT_FOUND)
    try:
        return visible_plans(user).select_related("issuing_agency", "document").get(pk=int(plan_id))
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None
