"""Use cases that change the organisation: agencies, mergers, units, staff positions.

Every function takes keyword arguments and the acting user `by`, checks administrative
rights (`can_manage_agency`), validates with `full_clean()`, writes inside one
transaction and records exactly one audit event. Refusals raise `ValidationError` (or
`PermissionDenied`) with a Vietnamese message.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q

from cqs.audit.services import audit_record
from cqs.org.models import (
    Agency,
    AgencySuccession,
    Position,
    PositionRole,
    Role,
    SuccessionKind,
    Unit,
    format_date,
)
from cqs.org.permissions import can_manage_agency

AGENCY_FIELDS = (
    "code",
    "name",
    "short_name",
    "notation",
    "kind",
    "level",
    "parent",
    "place_name",
    "valid_from",
    "valid_to",
    "address",
    "email",
    "phone",
)
_TEXT_FIELDS = {"code", "name", "short_name", "notation", "place_name", "address", "email", "phone"}

NO_RIGHTS = "Bạn không có quyền quản trị cơ quan này."


def _clean_text(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _require_manager(by: Any, agency: Agency | None) -> None:
    if not can_manage_agency(by, agency):
        raise PermissionDenied(NO_RIGHTS)


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value for audit payloads."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    return value


def _agency_snapshot(agency: Agency) -> dict[str, Any]:
    return {name: _plain(getattr(agency, name)) for name in AGENCY_FIELDS}


def _cleaned(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _clean_text(v) if k in _TEXT_FIELDS and isinstance(v, str) else v for k, v in data.items()}


def _new_agency(data: Mapping[str, Any], *, default_valid_from: date | None = None) -> Agency:
    unknown = set(data) - set(AGENCY_FIELDS)
    if unknown:
        raise ValueError(f"Unknown agency fields: {sorted(unknown)}")
    values = _cleaned(data)
    if default_valid_from is not None:
        values.setdefault("valid_from", default_valid_from)
    return Agency(**values)


def agency_create(
    *,
    by: Any,
    code: str,
    name: str,
    notation: str,
    kind: str,
    level: str,
    place_name: str,
    parent: Agency | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    short_name: str = "",
    address: str = "",
    email: str = "",
    phone: str = "",
) -> Agency:
    """Create an agency under `parent` (a top-level agency needs a superuser)."""
    _require_manager(by, parent)
    data: dict[str, Any] = {
        "code": code,
        "name": name,
        "notation": notation,
        "kind": kind,
        "level": level,
        "place_name": place_name,
        "parent": parent,
        "valid_to": valid_to,
        "short_name": short_name,
        "address": address,
        "email": email,
        "phone": phone,
    }
    if valid_from is not None:
        data["valid_from"] = valid_from
    agency = _new_agency(data)
    with transaction.atomic():
        agency.full_clean()
        agency.save()
        audit_record(
            actor=by,
            action="org.agency.create",
            target=agency,
            agency_id=agency.pk,
            payload=_agency_snapshot(agency),
        )
    return agency


def agency_update(*, by: Any, agency: Agency, data: Mapping[str, Any]) -> Agency:
    """Change fields of `agency`; moving it (a new `parent`) also needs rights on the new parent.

    Moving rewrites the materialised path of the whole subtree. The tree keeps one parent
    per agency, so a move also changes how the tree looks on past dates; record real
    reorganisations with `agency_merge` instead.
    """
    unknown = set(data) - set(AGENCY_FIELDS)
    if unknown:
        raise ValueError(f"Unknown agency fields: {sorted(unknown)}")
    _require_manager(by, agency)
    new_values = _cleaned(data)
    changes = {
        name: (getattr(agency, name), value)
        for name, value in new_values.items()
        if getattr(agency, name) != value
    }
    if not changes:
        return agency
    if "parent" in changes:
        _require_manager(by, new_values["parent"])
    for name, (_, value) in changes.items():
        setattr(agency, name, value)
    try:
        agency.full_clean()
    except ValidationError:
        for name, (old, _) in changes.items():
            setattr(agency, name, old)
        raise
    with transaction.atomic():
        agency.save(update_fields=list(changes))
        audit_record(
            actor=by,
            action="org.agency.update",
            target=agency,
            agency_id=agency.pk,
            payload={"changes": {k: [_plain(old), _plain(new)] for k, (old, new) in changes.items()}},
        )
    return agency


def agency_merge(
    *,
    by: Any,
    predecessors: Sequence[Agency],
    effective_date: date,
    basis: str,
    successor: Agency | None = None,
    successor_data: Mapping[str, Any] | None = None,
    kind: str = SuccessionKind.MERGER,
) -> Agency:
    """Merge `predecessors` into `successor` (existing) or a new agency built from `successor_data`.

    From `effective_date` the predecessors no longer exist: their validity ends the day
    before, their open positions end that day too and their units stop. Their history stays
    where it is (nothing is re-parented); the AgencySuccession rows make it roll into the
    successor. The passed predecessor instances are refreshed in place.
    """
    if (successor is None) == (successor_data is None):
        raise ValueError("Pass exactly one of successor or successor_data.")
    basis = _clean_text(basis)
    _check_merge_arguments(predecessors, successor, basis)
    for agency in predecessors:
        _require_manager(by, agency)
    _require_manager(by, successor if successor is not None else (successor_data or {}).get("parent"))
    try:
        return _merge(
            by=by,
            predecessors=predecessors,
            successor=successor,
            successor_data=successor_data,
            effective_date=effective_date,
            basis=basis,
            kind=kind,
        )
    except ValidationError:
        for agency in predecessors:  # the transaction rolled back; so do the caller's objects
            agency.refresh_from_db()
        raise


def _merge(
    *,
    by: Any,
    predecessors: Sequence[Agency],
    successor: Agency | None,
    successor_data: Mapping[str, Any] | None,
    effective_date: date,
    basis: str,
    kind: str,
) -> Agency:
    last_day = effective_date - timedelta(days=1)
    with transaction.atomic():
        # Lock the predecessors so two concurrent merges cannot both close them.
        list(Agency.objects.select_for_update().filter(pk__in=[a.pk for a in predecessors]))
        for agency in predecessors:
            agency.refresh_from_db()
        created = successor is None
        if successor is None:
            successor = _new_agency(successor_data or {}, default_valid_from=effective_date)
            successor.full_clean()
            successor.save()
        closed = _close_predecessors(predecessors, last_day)
        for agency in predecessors:
            link = AgencySuccession(
                predecessor=agency, successor=successor, effective_date=effective_date, kind=kind, basis=basis
            )
            link.full_clean()
            link.save()
        audit_record(
            actor=by,
            action="org.agency.merge",
            target=successor,
            agency_id=successor.pk,
            payload={
                "predecessors": [{"id": a.pk, "code": a.code, "name": a.name} for a in predecessors],
                "effective_date": effective_date,
                "kind": kind,
                "basis": basis,
                "successor_created": created,
                **closed,
            },
        )
    return successor


def _check_merge_arguments(predecessors: Sequence[Agency], successor: Agency | None, basis: str) -> None:
    errors: list[str] = []
    if not predecessors:
        errors.append("Cần chọn ít nhất một cơ quan bị sáp nhập.")
    if len({a.pk for a in predecessors}) != len(predecessors):
        errors.append("Một cơ quan được chọn nhiều lần.")
    if successor is not None and any(a.pk == successor.pk for a in predecessors):
        errors.append("Cơ quan kế thừa không thể đồng thời là cơ quan bị sáp nhập.")
    if not basis:
        errors.append("Cần ghi căn cứ (văn bản quyết định) của việc sáp nhập.")
    if errors:
        raise ValidationError(errors)


def _close_predecessors(predecessors: Sequence[Agency], last_day: date) -> dict[str, int]:
    errors: list[str] = []
    positions_ended = units_closed = 0
    for agency in predecessors:
        if not agency.is_valid_on(last_day):
            errors.append(f"{agency.name}: không có hiệu lực vào ngày {format_date(last_day)}.")
            continue
        if Position.objects.filter(agency=agency, valid_from__gt=last_day).exists():
            errors.append(
                f"{agency.name}: có chức vụ bắt đầu sau ngày {format_date(last_day)}; cần xử lý trước."
            )
            continue
        agency.valid_to = last_day
        try:
            agency.full_clean()
        except ValidationError as exc:
            errors.extend(f"{agency.name}: {message}" for message in exc.messages)
            continue
        agency.save(update_fields=["valid_to"])
        positions_ended += (
            Position.objects.filter(agency=agency)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day))
            .update(valid_to=last_day)
        )
        units_closed += Unit.objects.filter(agency=agency, is_active=True).update(is_active=False)
    if errors:
        raise ValidationError(errors)
    return {"positions_ended": positions_ended, "units_closed": units_closed}


def unit_create(*, by: Any, agency: Agency, name: str, notation: str, parent: Unit | None = None) -> Unit:
    """Add a phòng/ban to an agency that is still in force."""
    _require_manager(by, agency)
    today = date.today()
    if agency.valid_to is not None and agency.valid_to < today:
        raise ValidationError(
            f"Cơ quan đã hết hiệu lực từ ngày {format_date(agency.valid_to)}; không thể thêm đơn vị."
        )
    unit = Unit(agency=agency, name=_clean_text(name), notation=_clean_text(notation), parent=parent)
    with transaction.atomic():
        unit.full_clean()
        unit.save()
        audit_record(
            actor=by,
            action="org.unit.create",
            target=unit,
            agency_id=agency.pk,
            payload={"name": unit.name, "notation": unit.notation, "parent": _plain(parent)},
        )
    return unit


def _clean_roles(roles: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(roles))
    if not chosen:
        raise ValidationError({"roles": "Cần chọn ít nhất một vai trò."})
    unknown = [r for r in chosen if r not in Role.values]
    if unknown:
        raise ValidationError({"roles": f"Vai trò không hợp lệ: {', '.join(unknown)}."})
    return chosen


def position_assign(
    *,
    by: Any,
    user: Any,
    agency: Agency,
    title: str,
    roles: Iterable[str],
    unit: Unit | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Position:
    """Give `user` a position (title and roles) in `agency`, optionally in one of its units."""
    _require_manager(by, agency)
    chosen = _clean_roles(roles)
    valid_from = valid_from or date.today()
    position = Position(
        user=user,
        agency=agency,
        unit=unit,
        title=_clean_text(title),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _check_assignable(position)
    with transaction.atomic():
        position.full_clean()
        position.save()
        PositionRole.objects.bulk_create([PositionRole(position=position, role=r) for r in chosen])
        audit_record(
            actor=by,
            action="org.position.assign",
            target=position,
            agency_id=agency.pk,
            payload={
                "user": user.pk,
                "username": user.get_username(),
                "unit": _plain(unit),
                "title": position.title,
                "roles": chosen,
                "valid_from": valid_from,
                "valid_to": valid_to,
            },
        )
    return position


def _check_assignable(position: Position) -> None:
    agency, unit, user = position.agency, position.unit, position.user
    if not user.is_active:
        raise ValidationError({"user": "Tài khoản cán bộ đã bị khóa."})
    if not agency.is_valid_on(position.valid_from):
        raise ValidationError(
            {"valid_from": f"Cơ quan không có hiệu lực vào ngày {format_date(position.valid_from)}."}
        )
    if unit is not None and not unit.is_active:
        raise ValidationError({"unit": "Đơn vị đã ngừng hoạt động."})
    overlapping = Position.objects.filter(user=user, agency=agency, unit=unit, title=position.title).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=position.valid_from)
    )
    if position.valid_to is not None:
        overlapping = overlapping.filter(valid_from__lte=position.valid_to)
    if overlapping.exists():
        raise ValidationError("Cán bộ đang giữ chức vụ này tại cơ quan trong khoảng thời gian đã chọn.")


def position_end(*, by: Any, position: Position, end_date: date | None = None) -> Position:
    """End a position on `end_date` (default today, the last day it is held)."""
    _require_manager(by, position.agency)
    end_date = end_date or date.today()
    if position.valid_to is not None and position.valid_to <= end_date:
        raise ValidationError(f"Chức vụ đã kết thúc từ ngày {format_date(position.valid_to)}.")
    previous = position.valid_to
    with transaction.atomic():
        position.valid_to = end_date
        try:
            position.full_clean()
        except ValidationError:
            position.valid_to = previous
            raise
        position.save(update_fields=["valid_to"])
        audit_record(
            actor=by,
            action="org.position.end",
            target=position,
            agency_id=position.agency_id,
            payload={"user": position.user_id, "title": position.title, "end_date": end_date},
        )
    return position
