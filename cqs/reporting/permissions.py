"""Who may see and do what with report regimes, campaigns and reports.

The gate answers 404 (never 403) for a report the user may not see, so nobody learns that it
exists. People act through their *current* positions with the role "Cán bộ báo cáo" or
"Lãnh đạo"; an agency's staff also act for the agencies whose history rolled into it (the
reporting officer of Sở Dân tộc và Tôn giáo completes the 2023 report of Ban Dân tộc).

* An agency's reporting officers and leaders see and edit its reports; its agency-level
  leaders (a leader position without a unit) sign them.
* The requesting agency's reporting officers and leaders see every report of its regimes'
  campaigns, accept or return submitted ones, launch campaigns and edit the outline.
* A parent agency's reporting officers and leaders see the *submitted* (or accepted) reports
  of every agency below it in the tree, and its consolidation.
* Superusers see and do everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cqs.org.models import Agency, AgencySuccession, Position, Role
from cqs.org.permissions import NOT_FOUND
from cqs.reporting.models import Campaign, Regime, Report
from cqs.reporting.workflow import SUBMITTED_STATUSES

REPORTING_ROLES = (Role.REPORTING_OFFICER, Role.LEADER)


@dataclass(frozen=True)
class ReportingAccess:
    """What one user may reach, computed once per request (a handful of queries)."""

    is_superuser: bool
    agency_ids: frozenset[int]  # current reporting/leader agencies and their history sources
    signing_agency_ids: frozenset[int]  # agency-level leaders: these and their history sources
    tree_paths: tuple[str, ...]  # current agencies' tree paths (their subtrees)

    @property
    def is_anyone(self) -> bool:
        return self.is_superuser or bool(self.agency_ids)


def _history_closure(agency_ids: set[int]) -> set[int]:
    """The given agencies plus every predecessor whose history rolled into them."""
    if not agency_ids:
        return set()
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


def access_for(user: Any) -> ReportingAccess:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ReportingAccess(False, frozenset(), frozenset(), ())
    today = timezone.localdate()
    cached = getattr(user, "_reporting_access", None)
    if isinstance(cached, tuple) and cached[0] == today:
        return cached[1]  # type: ignore[no-any-return]
    rows = list(
        Position.objects.current(today)
        .filter(user=user, roles__role__in=REPORTING_ROLES)
        .values_list("agency_id", "unit_id", "roles__role", "agency__tree_path")
    )
    own = {agency_id for agency_id, _, _, _ in rows}
    signing = {agency_id for agency_id, unit_id, role, _ in rows if role == Role.LEADER and unit_id is None}
    access = ReportingAccess(
        is_superuser=bool(user.is_superuser),
        agency_ids=frozenset(_history_closure(own)),
        signing_agency_ids=frozenset(_history_closure(signing)),
        tree_paths=tuple(sorted({path for _, _, _, path in rows if path})),
    )
    user._reporting_access = (today, access)
    return access


def forget_access(user: Any) -> None:
    """Drop the per-request cache (tests that change positions in the middle)."""
    if hasattr(user, "_reporting_access"):
        del user._reporting_access


# ----------------------------------------------------------------------------- queries


def _subtree_q(paths: tuple[str, ...], field: str) -> Q:
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths), Q(pk__in=[]))


def visible_reports(user: Any) -> QuerySet[Report]:
    access = access_for(user)
    reports = Report.objects.all()
    if access.is_superuser:
        return reports
    if not access.agency_ids:
        return reports.none()
    below = _subtree_q(access.tree_paths, "agency__tree_path") & Q(status__in=SUBMITTED_STATUSES)
    return reports.filter(
        Q(agency_id__in=access.agency_ids)
        | Q(campaign__regime__requesting_agency_id__in=access.agency_ids)
        | below
    )


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    """Campaigns the user requested, or in which they see at least one report."""
    access = access_for(user)
    if access.is_superuser:
        return Campaign.objects.all()
    if not access.agency_ids:
        return Campaign.objects.none()
    return Campaign.objects.filter(
        Q(regime__requesting_agency_id__in=access.agency_ids)
        | Q(pk__in=visible_reports(user).values("campaign_id"))
    ).distinct()


# ----------------------------------------------------------------------------- yes / no


def is_requester(user: Any, regime: Regime) -> bool:
    access = access_for(user)
    return access.is_superuser or regime.requesting_agency_id in access.agency_ids


def can_manage_regime(user: Any, regime: Regime) -> bool:
    """Launch campaigns, edit the outline: the requesting agency's reporting officers/leaders."""
    return is_requester(user, regime)


def can_see_report(user: Any, report: Report) -> bool:
    return visible_reports(user).filter(pk=report.pk).exists()


def can_edit_report(user: Any, report: Report) -> bool:
    """Prefill, write narratives, submit: the reporting agency's officers and leaders."""
    access = access_for(user)
    return access.is_superuser or report.agency_id in access.agency_ids


def can_sign_report(user: Any, report: Report) -> bool:
    """The reporting agency's leadership (a leader position without a unit)."""
    access = access_for(user)
    return access.is_superuser or report.agency_id in access.signing_agency_ids


def can_review_report(user: Any, report: Report) -> bool:
    """Accept or return: the requesting agency's reporting officers and leaders."""
    return is_requester(user, report.campaign.regime)


def can_see_consolidation(user: Any, campaign: Campaign, parent: Agency) -> bool:
    access = access_for(user)
    if access.is_superuser or campaign.regime.requesting_agency_id in access.agency_ids:
        return True
    return parent.pk in access.agency_ids or any(parent.tree_path.startswith(p) for p in access.tree_paths)


# ----------------------------------------------------------------------------- gates (404)


def report_for(user: Any, pk: int, *, for_write: bool = False) -> Report:
    """The report `pk` if the user may see it (and edit it, with `for_write`), else 404."""
    report = (
        visible_reports(user)
        .select_related("campaign__regime__requesting_agency", "agency__parent")
        .filter(pk=pk)
        .first()
    )
    if report is None or (for_write and not can_edit_report(user, report)):
        raise Http404(NOT_FOUND)
    return report


def campaign_for(user: Any, pk: int) -> Campaign:
    campaign = visible_campaigns(user).select_related("regime__requesting_agency").filter(pk=pk).first()
    if campaign is None:
        raise Http404(NOT_FOUND)
    return campaign


def regime_for(user: Any, pk: int, *, for_write: bool = False) -> Regime:
    regime = Regime.objects.select_related("requesting_agency").filter(pk=pk).first()
    if regime is None:
        raise Http404(NOT_FOUND)
    if for_write and not can_manage_regime(user, regime):
        raise Http404(NOT_FOUND)
    if not for_write and not (
        can_manage_regime(user, regime) or visible_campaigns(user).filter(regime=regime).exists()
    ):
        raise Http404(NOT_FOUND)
    return regime


def manageable_regimes(user: Any) -> QuerySet[Regime]:
    access = access_for(user)
    if access.is_superuser:
        return Regime.objects.all()
    return Regime.objects.filter(requesting_agency_id__in=access.agency_ids)
