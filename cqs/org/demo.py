"""The demo province (fictional "tỉnh Sơn Hà"): agency tree with the 2025 reforms, units, staff.

The tree follows what really happened to Vietnamese provinces in 2025:

* 01/03/2025 — departments merged (Nghị quyết 18-NQ/TW): Kế hoạch và Đầu tư into Tài chính,
  Thông tin và Truyền thông into Khoa học và Công nghệ, Giao thông vận tải into Xây dựng,
  Nông nghiệp và PTNT + Tài nguyên và Môi trường into the new Nông nghiệp và Môi trường,
  Lao động - TB&XH into Nội vụ, Ngoại vụ into the Văn phòng UBND; Ban Dân tộc reorganised
  as Sở Dân tộc và Tôn giáo;
* 01/07/2025 — districts abolished (two-tier local government): the old communes of four
  districts merge into new communes directly under the province.

Identifier codes follow the QĐ 20/2020/QĐ-TTg layout read right to left (level 1 = H99,
the fictional province): departments and, after 2025, communes are level 2
(``000.00.JJ.H99``), communes under a district are level 3 (``000.KK.JJ.H99``).

Seeding is idempotent: rows are looked up by natural key (code, username, agency +
notation, ...), created when missing and updated only when a value differs, so a second run
writes nothing. One "demo.seed" audit event summarises a run that changed something.
Other modules add their own steps to `DEMO_STEPS` (a step takes the `DemoContext`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import models, transaction

from cqs.audit.services import audit_record
from cqs.org.demo_data import (
    COMMUNE_BASIS,
    DEPARTMENT_SUCCESSIONS,
    DEPARTMENTS,
    DISTRICTS,
    FORMER_DEPARTMENTS,
    LAST_DISTRICT_DAY,
    LONG_AGO,
    NEW_COMMUNES,
    TWO_TIER,
    UNITS,
    PositionSpec,
    StaffSpec,
    ascii_slug,
    code,
    nfc,
    staff_specs,
)
from cqs.org.models import (
    Agency,
    AgencyKind,
    AgencyLevel,
    AgencySuccession,
    Position,
    PositionRole,
    Role,
    SuccessionKind,
    Unit,
)

M = TypeVar("M", bound=models.Model)

DEMO_PASSWORD = "Demo@2025cqs"
"""The one documented password of every demo account (passes the project's validators)."""

ADMIN_GROUP = "Quản trị tổ chức"


# ---------------------------------------------------------------------------- seeding


@dataclass
class SeedStats:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass
class DemoContext:
    province_name: str
    stats: SeedStats = field(default_factory=SeedStats)
    agencies: dict[str, Agency] = field(default_factory=dict)
    units: dict[tuple[str, str], Unit] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)

    def text(self, template: str) -> str:
        return nfc(template.format(province=self.province_name))


def _same(obj: models.Model, name: str, value: Any) -> bool:
    field_ = obj._meta.get_field(name)
    if isinstance(field_, models.ForeignKey):
        return bool(getattr(obj, field_.attname) == (value.pk if value is not None else None))
    return bool(getattr(obj, name) == value)


def upsert(
    stats: SeedStats,
    model: type[M],
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    on_create: dict[str, Any] | None = None,
) -> M:
    """Create the row found by `lookup`, or update the fields of `values` that differ.

    Unlike `update_or_create`, an unchanged row is not written at all, so a second seeding
    run leaves the database (and the audit log) exactly as it was. `on_create` holds
    values set only when the row is new.
    """
    values = {k: nfc(v) if isinstance(v, str) else v for k, v in values.items()}
    label = model._meta.label
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(on_create or {}))
        obj.full_clean()
        obj.save()
        stats.created[label] += 1
        return obj
    changed = [name for name, value in values.items() if not _same(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=changed)
        stats.updated[label] += 1
    return obj


def _agency(ctx: DemoContext, key: str, agency_code: str, **values: Any) -> Agency:
    values.setdefault("short_name", "")
    values.setdefault("valid_from", LONG_AGO)
    values.setdefault("valid_to", None)
    values["name"] = ctx.text(values["name"])
    values["place_name"] = ctx.text(values["place_name"])
    agency = upsert(ctx.stats, Agency, {"code": agency_code}, values)
    ctx.agencies[key] = agency
    return agency


def seed_agencies(ctx: DemoContext) -> None:
    """The province, its departments (current and former), districts, old and new communes."""
    province = _agency(
        ctx,
        "UBND",
        code(0),
        name="Ủy ban nhân dân tỉnh {province}",
        short_name=ctx.text("UBND tỉnh {province}"),
        notation="UBND",
        kind=AgencyKind.PROVINCIAL_COMMITTEE,
        level=AgencyLevel.PROVINCE,
        parent=None,
        place_name="{province}",
    )
    for jj, notation, name, kind, valid_from in DEPARTMENTS:
        _agency(
            ctx,
            notation,
            code(jj),
            name=name,
            notation=notation,
            kind=kind,
            level=AgencyLevel.DEPARTMENT,
            parent=province,
            place_name="{province}",
            valid_from=valid_from,
        )
    for jj, notation, name, kind, valid_to in FORMER_DEPARTMENTS:
        _agency(
            ctx,
            notation,
            code(jj),
            name=name,
            notation=notation,
            kind=kind,
            level=AgencyLevel.DEPARTMENT,
            parent=province,
            place_name="{province}",
            valid_to=valid_to,
        )
    for jj, district_name, communes in DISTRICTS:
        district = _agency(
            ctx,
            ascii_slug(f"huyện {district_name}"),
            code(jj),
            name=f"Ủy ban nhân dân huyện {district_name}",
            short_name=f"UBND huyện {district_name}",
            notation="UBND",
            kind=AgencyKind.DISTRICT_COMMITTEE,
            level=AgencyLevel.DISTRICT,
            parent=province,
            place_name=district_name,
            valid_to=LAST_DISTRICT_DAY,
        )
        for kk, commune in enumerate(communes, start=1):
            _commune(
                ctx, f"{district_name}/{commune}", code(jj, kk), commune, district, valid_to=LAST_DISTRICT_DAY
            )
    for jj, commune, _ in NEW_COMMUNES:
        _commune(ctx, ascii_slug(ctx.text(commune)), code(jj), commune, province, valid_from=TWO_TIER)
    seed_successions(ctx)


def _commune(
    ctx: DemoContext, key: str, agency_code: str, label: str, parent: Agency, **dates: Any
) -> Agency:
    """A commune-level People's Committee; `label` is 'xã …', 'phường …' or 'thị trấn …'."""
    label = ctx.text(label)
    place = label.removeprefix("thị trấn ").removeprefix("phường ").removeprefix("xã ")
    return _agency(
        ctx,
        key,
        agency_code,
        name=f"Ủy ban nhân dân {label}",
        short_name=f"UBND {label}",
        notation="UBND",
        kind=AgencyKind.COMMUNE_COMMITTEE,
        level=AgencyLevel.COMMUNE,
        parent=parent,
        place_name=place,
        **dates,
    )


def seed_successions(ctx: DemoContext) -> None:
    links = [
        (ctx.agencies[a], ctx.agencies[b], day, kind, basis)
        for a, b, day, kind, basis in DEPARTMENT_SUCCESSIONS
    ]
    for _, commune, predecessors in NEW_COMMUNES:
        successor = ctx.agencies[ascii_slug(ctx.text(commune))]
        for district_name, old in predecessors:
            predecessor = ctx.agencies[f"{district_name}/{old}"]
            links.append((predecessor, successor, TWO_TIER, SuccessionKind.MERGER, COMMUNE_BASIS))
    for predecessor, successor, day, kind, basis in links:
        upsert(
            ctx.stats,
            AgencySuccession,
            {"predecessor": predecessor, "successor": successor},
            {"effective_date": day, "kind": kind, "basis": ctx.text(basis)},
        )


def seed_units(ctx: DemoContext) -> None:
    """Units of the agencies that have staff; units of agencies that ended are inactive."""
    today = date.today()
    for key, units in UNITS.items():
        agency = ctx.agencies[key]
        active = agency.valid_to is None or agency.valid_to >= today
        for notation, name in units:
            ctx.units[(key, notation)] = upsert(
                ctx.stats,
                Unit,
                {"agency": agency, "notation": notation},
                {"name": name, "parent": None, "is_active": active},
            )


def _admin_group(ctx: DemoContext) -> Group:
    group = upsert(ctx.stats, Group, {"name": ADMIN_GROUP}, {})
    wanted = set(
        Permission.objects.filter(
            content_type__app_label="org",
            codename__regex=r"^(view|add|change)_(agency|unit|position|positionrole|agencysuccession)$",
        )
    )
    current = set(group.permissions.all())
    if current != wanted:
        group.permissions.set(wanted)
        (ctx.stats.updated if current else ctx.stats.created)["auth.Group_permissions"] += 1
    return group


def seed_staff(ctx: DemoContext) -> None:
    """Demo accounts, their positions and roles; administrators may use the admin site."""
    group = _admin_group(ctx)
    password = make_password(DEMO_PASSWORD)  # hashed once: every demo account shares it
    for spec in staff_specs():
        is_admin = spec.is_superuser or any(Role.ADMINISTRATOR in p.roles for p in spec.positions)
        user = _demo_user(ctx, spec, password, is_staff=is_admin)
        if is_admin and not spec.is_superuser and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            ctx.stats.created["auth.User_groups"] += 1
        for position_spec in spec.positions:
            _position(ctx, user, position_spec)


def _demo_user(ctx: DemoContext, spec: StaffSpec, password: str, *, is_staff: bool) -> Any:
    values = {
        "full_name": spec.full_name,
        "is_active": True,
        "is_staff": is_staff,
        "is_superuser": spec.is_superuser,
    }
    # The password is set only on creation: a demo password changed later survives a re-seed.
    user = upsert(
        ctx.stats, get_user_model(), {"username": spec.username}, values, on_create={"password": password}
    )
    ctx.users[spec.username] = user
    return user


def _position(ctx: DemoContext, user: Any, spec: PositionSpec) -> Position:
    agency = ctx.agencies[spec.agency]
    unit = ctx.units[(spec.agency, spec.unit)] if spec.unit else None
    position = upsert(
        ctx.stats,
        Position,
        {"user": user, "agency": agency, "valid_from": spec.valid_from},
        {"unit": unit, "title": spec.title, "valid_to": spec.valid_to},
    )
    for role in spec.roles:
        upsert(ctx.stats, PositionRole, {"position": position, "role": role}, {})
    extra = position.roles.exclude(role__in=spec.roles)
    if extra.exists():
        ctx.stats.updated[Position._meta.label] += 1
        extra.delete()
    return position


DemoStep = Callable[[DemoContext], None]
DEMO_STEPS: list[DemoStep] = [seed_agencies, seed_units, seed_staff]


def seed_demo(*, steps: Iterable[DemoStep] | None = None) -> DemoContext:
    """Run every seeding step in one transaction; audit once if anything changed."""
    validate_password(DEMO_PASSWORD)
    ctx = DemoContext(province_name=nfc(str(settings.DEMO_PROVINCE_NAME)))
    with transaction.atomic():
        for step in DEMO_STEPS if steps is None else steps:
            step(ctx)
        if ctx.stats.changed:
            province = ctx.agencies.get("UBND")
            audit_record(
                actor=None,
                action="demo.seed",
                target=province,
                agency_id=province.pk if province is not None else None,
                payload={"created": dict(ctx.stats.created), "updated": dict(ctx.stats.updated)},
            )
    return ctx


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    agency: str
    title: str
    roles: tuple[str, ...]
    until: date | None
    is_superuser: bool


def demo_accounts(ctx: DemoContext) -> list[DemoAccount]:
    """One line per account: its position in force today, else its latest one."""
    today = date.today()
    accounts = []
    for spec in staff_specs():
        current = [
            p for p in spec.positions if p.valid_from <= today and (p.valid_to is None or p.valid_to >= today)
        ]
        shown = (current or sorted(spec.positions, key=lambda p: p.valid_from))[-1]
        agency = ctx.agencies[shown.agency]
        accounts.append(
            DemoAccount(
                username=spec.username,
                full_name=nfc(spec.full_name),
                agency=agency.short_name or agency.name,
                title=nfc(shown.title),
                roles=shown.roles,
                until=shown.valid_to,
                is_superuser=spec.is_superuser,
            )
        )
    return accounts
