"""Reads over the agency tree: the tree as it stood on a date, history roll-up, visibility, positions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import F, Prefetch, Q

from cqs.org.models import (
    Agency,
    AgencyKind,
    AgencyQuerySet,
    AgencySuccession,
    Position,
    PositionQuerySet,
    PositionRole,
    Role,
    Unit,
)


@dataclass
class TreeNode:
    agency: Agency
    children: list[TreeNode] = field(default_factory=list)


@dataclass(frozen=True)
class AgencyDetail:
    """Everything the agency page shows, loaded up front so the template runs no query."""

    agency: Agency
    children: list[Agency]
    predecessions: list[AgencySuccession]
    successions: list[AgencySuccession]
    history: list[Agency]
    units: list[Unit]
    current_positions: list[Position]
    past_positions: list[Position]


def _roles_prefetch() -> Prefetch[str]:
    return Prefetch("roles", queryset=PositionRole.objects.order_by("role"))


def positions_of(user: Any, *, on: date | None = None) -> list[Position]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Position.objects.current(on)
        .filter(user=user)
        .select_related("agency", "unit")
        .prefetch_related(_roles_prefetch())
    )


def agencies_on(on: date) -> AgencyQuerySet:
    """The agencies valid on day `on` (both ends of the validity range included)."""
    return Agency.objects.valid_on(on)


def descendants_on(agency: Agency, on: date) -> AgencyQuerySet:
    """The agencies below `agency` in the tree that were valid on day `on`."""
    return Agency.objects.valid_on(on).descendants_of(agency)


def tree_on(on: date) -> list[TreeNode]:
    """The agency tree as it stood on day `on`, children ordered by identifier code.

    An agency whose parent was not valid that day is shown as a root rather than lost.
    """
    agencies = list(agencies_on(on).order_by("code"))
    nodes = {a.pk: TreeNode(agency=a) for a in agencies}
    roots: list[TreeNode] = []
    for agency in agencies:
        parent_node = nodes.get(agency.parent_id) if agency.parent_id is not None else None
        (parent_node.children if parent_node is not None else roots).append(nodes[agency.pk])
    return roots


def history_source_ids(agency_ids: Iterable[int]) -> set[int]:
    """The given ids plus every transitive predecessor through AgencySuccession.

    Successions are few (hundreds per province), so one query loads them all and the walk
    happens in memory; the visited set makes it safe against cycles in bad data.
    """
    predecessors: dict[int, list[int]] = {}
    for predecessor_id, successor_id in AgencySuccession.objects.values_list(
        "predecessor_id", "successor_id"
    ):
        predecessors.setdefault(successor_id, []).append(predecessor_id)
    seen = set(agency_ids)
    stack = list(seen)
    while stack:
        for predecessor_id in predecessors.get(stack.pop(), ()):
            if predecessor_id not in seen:
                seen.add(predecessor_id)
                stack.append(predecessor_id)
    return seen


def history_sources(agency: Agency) -> list[Agency]:
    """The agencies whose history rolls into `agency`: itself first, then its predecessors."""
    ids = history_source_ids([agency.pk]) - {agency.pk}
    return [agency, *Agency.objects.filter(pk__in=ids).order_by(F("valid_to").desc(nulls_first=True), "code")]


def visible_agency_scope(user: Any, on: date | None = None) -> set[int] | None:
    """Like `visible_agency_ids`, but None stands for "every agency" (and costs no id list)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return set()
    if user.is_superuser:
        return None
    rows = (
        Position.objects.current(on)
        .filter(user=user)
        .values_list("agency__tree_path", "agency__kind", "roles__role")
    )
    if any(kind == AgencyKind.PROVINCIAL_COMMITTEE and role == Role.ADMINISTRATOR for _, kind, role in rows):
        return None
    paths = {path for path, _, _ in rows}
    if not paths:
        return set()
    subtree = reduce(or_, (Q(tree_path__startswith=p) for p in paths))
    return history_source_ids(Agency.objects.filter(subtree).values_list("pk", flat=True))


def visible_agency_ids(user: Any, on: date | None = None) -> set[int]:
    """The agencies `user` may see on day `on` (default today).

    That is the agencies where the user holds a position current that day, all their
    descendants (whatever their validity, so history below stays visible), and every
    agency whose history rolls into one of those. Superusers and administrators of the
    provincial People's Committee see every agency.
    """
    scope = visible_agency_scope(user, on)
    return set(Agency.objects.values_list("pk", flat=True)) if scope is None else scope


def agency_detail(agency: Agency, *, on: date | None = None) -> AgencyDetail:
    on = on or date.today()
    positions = list(
        Position.objects.filter(agency=agency)
        .select_related("user", "unit")
        .prefetch_related(_roles_prefetch())
        .order_by("unit__name", "user__full_name", "-valid_from")
    )
    return AgencyDetail(
        agency=agency,
        children=list(agency.children.order_by("code")),
        predecessions=list(agency.predecessions.select_related("predecessor").order_by("-effective_date")),
        successions=list(agency.successions.select_related("successor").order_by("-effective_date")),
        history=history_sources(agency)[1:],
        units=list(agency.units.select_related("parent").order_by("-is_active", "name")),
        current_positions=[p for p in positions if p.is_current(on)],
        past_positions=[p for p in positions if not p.is_current(on)],
    )


def unit_positions(unit: Unit) -> PositionQuerySet:
    return (
        Position.objects.filter(unit=unit)
        .select_related("user")
        .prefetch_related(_roles_prefetch())
        .order_by(F("valid_to").desc(nulls_first=True), "user__full_name")
    )
