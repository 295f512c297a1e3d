"""Who may see and do what with documents.

Visibility (the gate answers 404, never 403, so nobody learns that a document exists):

* Agency isolation: a document is visible to the staff of its owner agency, that is the
  holders of a current position there, and of the agencies that took over its history (the
  merged commune's clerk sees the old commune's register). Nobody else sees an agency's
  documents because they sit higher in the tree: an ancestor's administrator sees the
  agency in the organisation module, not its correspondence.
* Named people see a document wherever they work now: its drafter and signer, the people it
  is assigned to, the people who assigned it, and the heads of the units it is assigned to.
* Secret documents (any secrecy level) are not open to the whole agency: only its clerks
  (văn thư keeps the secret register), its agency-level leaders (who route it) and the
  named people above.
* Superusers see everything.

Writing (`for_write=True`) drops the history rule: the successor's staff read the old
agency's documents but act only on their own agency's documents or where they are named.

Roles: a *leader* position without a unit is the agency's leadership (routes, reviews);
a leader position with a unit is that unit's head (reviews drafts of the unit, passes
assignments to officers). The `can_*` functions answer yes or no for views and services;
`require` turns a no into `PermissionDenied` with a Vietnamese message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from cqs.accounts.models import User
from cqs.documents.models import (
    Assignment,
    AssignmentStatus,
    Direction,
    Document,
    DocumentQuerySet,
    DocumentStatus,
    Secrecy,
)
from cqs.org.models import Agency, Position, Role, Unit
from cqs.org.permissions import NOT_FOUND
from cqs.org.selectors import history_source_ids

DRAFT_STATUSES = frozenset({DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, DocumentStatus.REVIEWED})
OPEN_ASSIGNMENT_STATUSES = frozenset({AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS})


@dataclass(frozen=True, slots=True)
class _Post:
    agency_id: int
    unit_id: int | None
    role: str | None


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _posts(user: Any) -> list[_Post]:
    """The user's current positions, one row per role (role None for a position without one)."""
    if not _active(user):
        return []
    rows = (
        Position.objects.current(timezone.localdate())
        .filter(user=user)
        .values_list("agency_id", "unit_id", "roles__role")
    )
    return [_Post(agency_id, unit_id, role) for agency_id, unit_id, role in rows]


def _agency_id(agency: Agency | int) -> int:
    return agency if isinstance(agency, int) else agency.pk


# --- roles -----------------------------------------------------------------------


def is_member(user: Any, agency: Agency | int) -> bool:
    """Holds a current position in `agency` (any role)."""
    agency_id = _agency_id(agency)
    return any(p.agency_id == agency_id for p in _posts(user))


def is_clerk(user: Any, agency: Agency | int) -> bool:
    agency_id = _agency_id(agency)
    return any(p.agency_id == agency_id and p.role == Role.CLERK for p in _posts(user))


def is_agency_leader(user: Any, agency: Agency | int) -> bool:
    """A leader of the agency itself (a leader position not tied to a unit)."""
    agency_id = _agency_id(agency)
    return any(p.agency_id == agency_id and p.role == Role.LEADER and p.unit_id is None for p in _posts(user))


def is_unit_head(user: Any, unit: Unit) -> bool:
    return any(p.unit_id == unit.pk and p.role == Role.LEADER for p in _posts(user))


def _users_with(agency_id: int, role: str | None = None, **filters: Any) -> list[User]:
    positions = Position.objects.current(timezone.localdate()).filter(agency_id=agency_id, **filters)
    if role is not None:
        positions = positions.filter(roles__role=role)
    return list(
        User.objects.filter(is_active=True, pk__in=positions.values("user_id")).order_by("full_name", "pk")
    )


def agency_clerks(agency: Agency | int) -> list[User]:
    return _users_with(_agency_id(agency), Role.CLERK)


def agency_leaders(agency: Agency | int) -> list[User]:
    return _users_with(_agency_id(agency), Role.LEADER, unit__isnull=True)


def unit_heads(unit: Unit) -> list[User]:
    return _users_with(unit.agency_id, Role.LEADER, unit=unit)


def unit_members(unit: Unit) -> list[User]:
    return _users_with(unit.agency_id, None, unit=unit)


def assignment_handlers(assignment: Assignment) -> list[User]:
    """Who works on an assignment: its person, else the unit's heads (its members if it has none)."""
    if assignment.assignee_id is not None:
        assert assignment.assignee is not None
        return [assignment.assignee]
    assert assignment.unit is not None
    return unit_heads(assignment.unit) or unit_members(assignment.unit)


# --- actions -----------------------------------------------------------------------


def can_register(user: Any, agency: Agency | int) -> bool:
    """Register incoming documents (and return them to their sender): the agency's clerks."""
    return is_clerk(user, agency)


def can_route(user: Any, document: Document) -> bool:
    return document.direction == Direction.INCOMING and is_agency_leader(user, document.owner_id)


def can_draft(user: Any, agency: Agency | int) -> bool:
    agency_id = _agency_id(agency)
    return any(
        p.agency_id == agency_id and p.role in (Role.OFFICER, Role.LEADER, Role.CLERK) for p in _posts(user)
    )


def can_review(user: Any, document: Document) -> bool:
    """The head of the drafting unit answers for the content; agency leaders may review any draft."""
    if document.drafting_unit is not None and is_unit_head(user, document.drafting_unit):
        return True
    return is_agency_leader(user, document.owner_id)


def can_sign(user: Any, document: Document) -> bool:
    """Only the signer named on the draft approves and signs it (Decree 30 art. 13)."""
    return (
        _active(user)
        and document.signer_id is not None
        and document.signer_id == user.pk
        and is_member(user, document.owner_id)
    )


def can_edit_outgoing(user: Any, document: Document) -> bool:
    """Whoever holds the draft at its current step: drafter, reviewer, then signer."""
    if document.direction == Direction.INCOMING or not _active(user):
        return False
    if document.status == DocumentStatus.DRAFT:
        return document.drafter_id == user.pk and is_member(user, document.owner_id)
    if document.status == DocumentStatus.IN_REVIEW:
        return can_review(user, document)
    if document.status == DocumentStatus.REVIEWED:
        return can_sign(user, document)
    return False


def can_comment(user: Any, document: Document) -> bool:
    return (
        document.direction != Direction.INCOMING
        and document.status in DRAFT_STATUSES
        and (is_member(user, document.owner_id) or document.drafter_id == getattr(user, "pk", None))
    )


def can_release(user: Any, document: Document) -> bool:
    return document.direction != Direction.INCOMING and is_clerk(user, document.owner_id)


def can_recall(user: Any, document: Document) -> bool:
    """The issuing agency's leaders decide a recall; its clerks carry it out."""
    return document.direction == Direction.OUTGOING and (
        is_agency_leader(user, document.owner_id) or is_clerk(user, document.owner_id)
    )


def can_return(user: Any, document: Document) -> bool:
    return document.direction == Direction.INCOMING and is_clerk(user, document.owner_id)


def can_handle(user: Any, assignment: Assignment) -> bool:
    return _active(user) and any(u.pk == user.pk for u in assignment_handlers(assignment))


def can_chase(user: Any, assignment: Assignment) -> bool:
    """Follow-up (đôn đốc) belongs to the agency's leaders and clerks and to whoever assigned it."""
    if not _active(user):
        return False
    agency_id = assignment.document.owner_id
    return (
        assignment.assigned_by_id == user.pk or is_agency_leader(user, agency_id) or is_clerk(user, agency_id)
    )


def can_view_content(user: Any, document: Document) -> bool:
    """A recalled incoming copy keeps only the metadata of the recall (PL VI: destroyed)."""
    return document.status != DocumentStatus.CANCELLED


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- visibility -------------------------------------------------------------------


def _agency_rule(whole: set[int], open_only: set[int]) -> Q:
    """Documents of `whole` agencies, and the non-secret documents of `open_only` agencies.

    ``in_bigint`` (`cqs.core.lookups`): on PostgreSQL the owners are a bigint array, so the
    search index over (owner_id, search_vector) answers a clerk's search in one scan."""
    rule = Q(pk__in=[])
    if whole:
        rule |= Q(owner_id__in_bigint=sorted(whole))
    if open_only:
        rule |= Q(owner_id__in_bigint=sorted(open_only), secrecy=Secrecy.NONE)
    return rule


def _named_ids(user: Any, headed_units: Iterable[int], covered: Q) -> list[int]:
    """The documents `user` is named on that the agency rule does not already show.

    Read here as a list (usually short: secret documents, or an old agency's documents
    after a move) rather than as a subquery, so the database can combine the agency rule
    and this list through its indexes instead of filtering every row.
    """
    assigned = Assignment.objects.filter(
        Q(assignee=user) | Q(assigned_by=user) | Q(unit_id__in=list(headed_units))
    ).values_list("document_id", flat=True)
    named = set(Document.objects.filter(pk__in=assigned).exclude(covered).values_list("pk", flat=True))
    # Two indexed look-ups rather than "drafter OR signer", which SQLite answers by scanning.
    for person in (Q(drafter=user), Q(signer=user)):
        named.update(Document.objects.filter(person).exclude(covered).values_list("pk", flat=True))
    return sorted(named)


def _documents_for(user: Any, *, with_history: bool) -> DocumentQuerySet:
    documents = Document.objects.all()
    if not _active(user):
        return documents.none()
    if user.is_superuser:
        return documents
    posts = _posts(user)

    def agencies(*roles: str, agency_level: bool = False) -> set[int]:
        ids = {
            p.agency_id
            for p in posts
            if (not roles or p.role in roles) and (not agency_level or p.unit_id is None)
        }
        return history_source_ids(ids) if with_history and ids else ids

    staff = agencies()
    secret_readers = agencies(Role.CLERK) | agencies(Role.LEADER, agency_level=True)
    headed_units = {p.unit_id for p in posts if p.role == Role.LEADER and p.unit_id is not None}
    rule = _agency_rule(secret_readers, staff - secret_readers)
    named = _named_ids(user, headed_units, rule)
    if named:
        rule |= Q(pk__in=named)
    return documents.filter(rule)


def visible_documents(user: Any) -> DocumentQuerySet:
    """Every document `user` may see (lists and search filter through this)."""
    return _documents_for(user, with_history=True)


def writable_documents(user: Any) -> DocumentQuerySet:
    """The documents `user` may act on: as visible, minus predecessor agencies' history."""
    return _documents_for(user, with_history=False)


def access_document(user: Any, document_id: int | str, *, for_write: bool = False) -> Document:
    """The document, or Http404 when it does not exist or `user` may not see (or act on) it."""
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        raise Http404(NOT_FOUND) from None
    documents = writable_documents(user) if for_write else visible_documents(user)
    try:
        return documents.select_related(
            "owner", "issuing_agency", "drafting_unit", "drafter", "signer", "source"
        ).get(pk=pk)
    except Document.DoesNotExist:
        raise Http404(NOT_FOUND) from None
