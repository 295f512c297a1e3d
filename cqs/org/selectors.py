"""Reads over the agency tree: the tree as it stood on a date, history roll-up, positions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch

from cqs.org.models import Agency, AgencySuccession, Position, PositionRole


def positions_of(user: Any, *, on: date | None = None) -> list[Position]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Position.objects.current(on)
        .filter(user=user)
        .select_related("agency", "unit")
        .prefetch_related(Prefetch("roles", queryset=PositionRole.objects.order_by("role")))
    )
