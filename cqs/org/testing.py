"""The fixed cast of users every module tests its access rules with.

`build_cast()` creates a small province (its own codes, ``…T01``, so it never clashes with
the demo province) and six people placed across it:

    UBND tỉnh (province)          province_admin   (admin)
    ├── Văn phòng UBND tỉnh       office_reporter  (reporting)
    ├── Sở Nội vụ (department)    department_leader (leader)
    ├── UBND huyện Cũ (ended 30/06/2025)
    │   └── UBND xã Cũ (ended 30/06/2025, merged into commune A)
    ├── UBND xã An Lạc (commune A, from 01/07/2025)   clerk_a (clerk), officer_a (officer)
    └── UBND xã Bình Yên (commune B, from 01/07/2025) clerk_b (clerk)

Each commune and the department has one unit. The root conftest exposes it as the
`cast` fixture; the functions here are plain so scripts and benchmarks can use them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

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

CAST_PASSWORD = "Cast@2025cqs"
REFORM_DAY = date(2025, 7, 1)
LAST_OLD_DAY = date(2025, 6, 30)


@dataclass(frozen=True)
class Cast:
    province: Agency
    office: Agency
    department: Agency
    old_district: Agency
    old_commune: Agency
    commune_a: Agency
    commune_b: Agency
    unit_department: Unit
    unit_a: Unit
    unit_b: Unit
    province_admin: Any
    office_reporter: Any
    department_leader: Any
    clerk_a: Any
    officer_a: Any
    clerk_b: Any

    def position_of(self, user: Any) -> Position:
        """The (single) position the cast gives `user`."""
        return Position.objects.get(user=user)

    @property
    def users(self) -> dict[str, Any]:
        return {
            "province_admin": self.province_admin,
            "office_reporter": self.office_reporter,
            "department_leader": self.department_leader,
            "clerk_a": self.clerk_a,
            "officer_a": self.officer_a,
            "clerk_b": self.clerk_b,
        }


def _agency(code: str, name: str, kind: str, level: str, parent: Agency | None, **extra: Any) -> Agency:
    agency = Agency(
        code=code,
        name=name,
        notation=extra.pop("notation", "UBND"),
        kind=kind,
        level=level,
        parent=parent,
        place_name=extra.pop("place_name", "Cast"),
        **extra,
    )
    agency.full_clean()
    agency.save()
    return agency


def build_agencies() -> dict[str, Agency]:
    province = _agency(
        "000.00.00.T01",
        "Ủy ban nhân dân tỉnh Thử Nghiệm",
        AgencyKind.PROVINCIAL_COMMITTEE,
        AgencyLevel.PROVINCE,
        None,
    )
    dep = AgencyLevel.DEPARTMENT
    district = _agency(
        "000.00.31.T01",
        "Ủy ban nhân dân huyện Cũ",
        AgencyKind.DISTRICT_COMMITTEE,
        AgencyLevel.DISTRICT,
        province,
        valid_to=LAST_OLD_DAY,
    )
    agencies = {
        "province": province,
        "office": _agency(
            "000.00.01.T01", "Văn phòng UBND tỉnh", AgencyKind.OFFICE, dep, province, notation="VP"
        ),
        "department": _agency(
            "000.00.02.T01", "Sở Nội vụ", AgencyKind.DEPARTMENT, dep, province, notation="SNV"
        ),
        "old_district": district,
        "old_commune": _agency(
            "000.01.31.T01",
            "Ủy ban nhân dân xã Cũ",
            AgencyKind.COMMUNE_COMMITTEE,
            AgencyLevel.COMMUNE,
            district,
            valid_to=LAST_OLD_DAY,
        ),
        "commune_a": _agency(
            "000.00.41.T01",
            "Ủy ban nhân dân xã An Lạc",
            AgencyKind.COMMUNE_COMMITTEE,
            AgencyLevel.COMMUNE,
            province,
            valid_from=REFORM_DAY,
        ),
        "commune_b": _agency(
            "000.00.42.T01",
            "Ủy ban nhân dân xã Bình Yên",
            AgencyKind.COMMUNE_COMMITTEE,
            AgencyLevel.COMMUNE,
            province,
            valid_from=REFORM_DAY,
        ),
    }
    AgencySuccession.objects.create(
        predecessor=agencies["old_commune"],
        successor=agencies["commune_a"],
        effective_date=REFORM_DAY,
        kind=SuccessionKind.MERGER,
        basis="Nghị quyết thử nghiệm số 1/NQ-UBTVQH15",
    )
    return agencies


def make_person(username: str, full_name: str, *, password_hash: str | None = None) -> Any:
    return get_user_model().objects.create(
        username=username, full_name=full_name, password=password_hash or make_password(CAST_PASSWORD)
    )


def give_position(
    user: Any,
    agency: Agency,
    role: str,
    *,
    title: str,
    unit: Unit | None = None,
    valid_from: date | None = None,
) -> Position:
    position = Position.objects.create(
        user=user, agency=agency, unit=unit, title=title, valid_from=valid_from or agency.valid_from
    )
    PositionRole.objects.create(position=position, role=role)
    return position


def build_cast() -> Cast:
    agencies = build_agencies()
    units = {
        key: Unit.objects.create(agency=agencies[key], name=name, notation=notation)
        for key, name, notation in (
            ("department", "Văn phòng Sở", "VP"),
            ("commune_a", "Văn phòng HĐND và UBND xã An Lạc", "VP"),
            ("commune_b", "Văn phòng HĐND và UBND xã Bình Yên", "VP"),
        )
    }
    password_hash = make_password(CAST_PASSWORD)
    people: dict[str, Any] = {}
    for key, username, full_name, agency_key, role, title, unit_key in (
        (
            "province_admin",
            "quantri_tinh",
            "Nguyễn Văn Quản",
            "province",
            Role.ADMINISTRATOR,
            "Quản trị hệ thống",
            None,
        ),
        (
            "office_reporter",
            "baocao_vp",
            "Trần Thị Báo",
            "office",
            Role.REPORTING_OFFICER,
            "Chuyên viên tổng hợp",
            None,
        ),
        ("department_leader", "lanhdao_snv", "Lê Văn Đạo", "department", Role.LEADER, "Giám đốc Sở", None),
        ("clerk_a", "vanthu_a", "Phạm Thị Thư", "commune_a", Role.CLERK, "Văn thư", "commune_a"),
        (
            "officer_a",
            "chuyenvien_a",
            "Hoàng Văn Viên",
            "commune_a",
            Role.OFFICER,
            "Chuyên viên",
            "commune_a",
        ),
        ("clerk_b", "vanthu_b", "Đỗ Thị Bích", "commune_b", Role.CLERK, "Văn thư", "commune_b"),
    ):
        user = make_person(username, full_name, password_hash=password_hash)
        unit = units[unit_key] if unit_key else None
        give_position(user, agencies[agency_key], role, title=title, unit=unit)
        people[key] = user
    return Cast(
        province=agencies["province"],
        office=agencies["office"],
        department=agencies["department"],
        old_district=agencies["old_district"],
        old_commune=agencies["old_commune"],
        commune_a=agencies["commune_a"],
        commune_b=agencies["commune_b"],
        unit_department=units["department"],
        unit_a=units["commune_a"],
        unit_b=units["commune_b"],
        province_admin=people["province_admin"],
        office_reporter=people["office_reporter"],
        department_leader=people["department_leader"],
        clerk_a=people["clerk_a"],
        officer_a=people["officer_a"],
        clerk_b=people["clerk_b"],
    )
