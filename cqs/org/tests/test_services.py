from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cqs.audit.models import AuditEvent
from cqs.org.models import Agency, AgencyKind, AgencyLevel, AgencySuccession, Position, Role
from cqs.org.services import (
    agency_create,
    agency_merge,
    agency_update,
    position_assign,
    position_end,
    unit_create,
)
from cqs.org.tests.factories import AgencyFactory, PositionFactory, UnitFactory

pytestmark = pytest.mark.django_db

MARCH = date(2025, 3, 1)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def _department(cast, jj: int, notation: str, name: str) -> Agency:
    return agency_create(
        by=cast.province_admin,
        code=f"000.00.{jj:02d}.T01",
        name=name,
        notation=notation,
        kind=AgencyKind.DEPARTMENT,
        level=AgencyLevel.DEPARTMENT,
        place_name="Thử Nghiệm",
        parent=cast.province,
    )


def test_agency_create_validates_normalises_and_audits(cast):
    decomposed = "So\u031b\u0309 Ta\u0300i chi\u0301nh"  # "Sở Tài chính" typed with combining marks

    agency = _department(cast, 3, "STC", decomposed)

    assert agency.name == "Sở Tài chính"
    assert agency.tree_path == f"{cast.province.tree_path}{agency.pk}/"
    [event] = _events("org.agency.create")
    assert event.actor_id == cast.province_admin.pk
    assert event.agency_id == agency.pk
    assert event.payload["code"] == "000.00.03.T01"


def test_agency_create_rejects_a_bad_code_in_vietnamese(cast):
    with pytest.raises(ValidationError) as exc:
        agency_create(
            by=cast.province_admin,
            code="H99.1",
            name="Sở X",
            notation="SX",
            kind=AgencyKind.DEPARTMENT,
            level=AgencyLevel.DEPARTMENT,
            place_name="Thử Nghiệm",
            parent=cast.province,
        )

    assert "Mã định danh phải có 13 ký tự" in str(exc.value)
    assert _events("org.agency.create") == []


def test_agency_create_needs_admin_rights_over_the_parent(cast):
    with pytest.raises(PermissionDenied):
        _department_by(cast.department_leader, cast)
    with pytest.raises(PermissionDenied):
        agency_create(
            by=cast.province_admin,
            code="000.00.00.T02",
            name="Tỉnh khác",
            notation="UBND",
            kind=AgencyKind.PROVINCIAL_COMMITTEE,
            level=AgencyLevel.PROVINCE,
            place_name="Khác",
        )


def _department_by(user, cast) -> Agency:
    return agency_create(
        by=user,
        code="000.00.09.T01",
        name="Sở Y tế",
        notation="SYT",
        kind=AgencyKind.DEPARTMENT,
        level=AgencyLevel.DEPARTMENT,
        place_name="Thử Nghiệm",
        parent=cast.province,
    )


def test_agency_update_records_only_real_changes(cast):
    agency_update(by=cast.province_admin, agency=cast.department, data={"name": "Sở Nội vụ"})
    assert _events("org.agency.update") == []

    agency_update(by=cast.province_admin, agency=cast.department, data={"phone": "0200 3812 345"})

    [event] = _events("org.agency.update")
    assert event.payload == {"changes": {"phone": ["", "0200 3812 345"]}}


def test_moving_an_agency_rewrites_the_paths_of_its_whole_subtree(cast):
    district = AgencyFactory.create(district=True, parent=cast.province, code="000.00.33.T01")
    commune = AgencyFactory.create(commune=True, parent=district, code="000.01.33.T01")
    hamlet_office = AgencyFactory.create(parent=commune, code="001.01.33.T01")

    agency_update(by=cast.province_admin, agency=district, data={"parent": cast.department})

    for agency in (district, commune, hamlet_office):
        agency.refresh_from_db()
    assert district.tree_path == f"{cast.department.tree_path}{district.pk}/"
    assert commune.tree_path == f"{district.tree_path}{commune.pk}/"
    assert hamlet_office.tree_path == f"{commune.tree_path}{hamlet_office.pk}/"
    assert set(Agency.objects.descendants_of(cast.department)) == {district, commune, hamlet_office}
    assert district not in Agency.objects.descendants_of(cast.office)


def test_an_agency_cannot_move_under_its_own_descendant(cast):
    district = AgencyFactory.create(district=True, parent=cast.province, code="000.00.33.T01")
    commune = AgencyFactory.create(commune=True, parent=district, code="000.01.33.T01")

    with pytest.raises(ValidationError, match="trực thuộc"):
        agency_update(by=cast.province_admin, agency=district, data={"parent": commune})

    assert district.parent == cast.province  # the caller's object is restored
    district.refresh_from_db()
    assert district.parent == cast.province


def test_merge_into_a_new_agency_closes_predecessors_and_links_history(cast):
    planning = _department(cast, 5, "SKHĐT", "Sở Kế hoạch và Đầu tư")
    unit = UnitFactory.create(agency=cast.department)
    ended_before = PositionFactory.create(agency=cast.department, valid_to=date(2024, 12, 31))

    successor = agency_merge(
        by=cast.province_admin,
        predecessors=[cast.department, planning],
        successor_data={
            "code": "000.00.06.T01",
            "name": "Sở Nội vụ và Kế hoạch",
            "notation": "SNVKH",
            "kind": AgencyKind.DEPARTMENT,
            "level": AgencyLevel.DEPARTMENT,
            "place_name": "Thử Nghiệm",
            "parent": cast.province,
        },
        effective_date=MARCH,
        basis="Nghị quyết số 05/NQ-HĐND ngày 26/02/2025",
    )

    assert successor.valid_from == MARCH
    for agency in (cast.department, planning):
        assert agency.valid_to == date(2025, 2, 28)  # refreshed in place
        agency.refresh_from_db()
        assert agency.valid_to == date(2025, 2, 28)
        assert agency.parent == cast.province  # nothing re-parented
    links = AgencySuccession.objects.filter(successor=successor)
    assert {link.predecessor for link in links} == {cast.department, planning}
    assert {(link.effective_date, link.kind) for link in links} == {(MARCH, "sap_nhap")}
    leader_position = cast.position_of(cast.department_leader)
    assert leader_position.valid_to == date(2025, 2, 28)
    ended_before.refresh_from_db()
    assert ended_before.valid_to == date(2024, 12, 31)
    unit.refresh_from_db()
    assert unit.is_active is False
    [event] = _events("org.agency.merge")
    assert event.target_id == str(successor.pk)
    assert event.payload["successor_created"] is True
    assert event.payload["positions_ended"] == 1
    assert {p["code"] for p in event.payload["predecessors"]} == {cast.department.code, planning.code}


def test_merge_into_an_existing_agency(cast):
    planning = _department(cast, 5, "SKHĐT", "Sở Kế hoạch và Đầu tư")

    successor = agency_merge(
        by=cast.province_admin,
        predecessors=[planning],
        successor=cast.department,
        effective_date=MARCH,
        basis="Nghị quyết số 05/NQ-HĐND",
    )

    assert successor == cast.department
    assert successor.valid_to is None
    assert [a.pk for a in _history(successor)] == [cast.department.pk, planning.pk]
    assert len(_events("org.agency.merge")) == 1


def _history(agency):
    from cqs.org.selectors import history_sources

    return history_sources(agency)


def test_merge_refuses_a_predecessor_with_live_children_and_changes_nothing(cast):
    district = AgencyFactory.create(district=True, parent=cast.province, code="000.00.33.T01")
    AgencyFactory.create(commune=True, parent=district, code="000.01.33.T01")
    before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as exc:
        agency_merge(
            by=cast.province_admin,
            predecessors=[district],
            successor=cast.commune_a,
            effective_date=date(2025, 7, 1),
            basis="Nghị quyết số 1680/NQ-UBTVQH15",
        )

    assert "cơ quan trực thuộc" in " ".join(exc.value.messages)
    district.refresh_from_db()
    assert district.valid_to is None
    assert not AgencySuccession.objects.filter(predecessor=district).exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no_basis", "căn cứ"),
        ("successor_in_predecessors", "đồng thời"),
        ("no_predecessors", "ít nhất một"),
        ("already_ended", "không có hiệu lực"),
    ],
)
def test_merge_refusals_are_explained_in_vietnamese(cast, case, message):
    kwargs = {
        "by": cast.province_admin,
        "predecessors": [cast.office],
        "successor": cast.department,
        "effective_date": MARCH,
        "basis": "Quyết định số 1/QĐ-UBND",
    }
    if case == "no_basis":
        kwargs["basis"] = "  "
    elif case == "successor_in_predecessors":
        kwargs["predecessors"] = [cast.office, cast.department]
    elif case == "no_predecessors":
        kwargs["predecessors"] = []
    else:
        kwargs["predecessors"] = [cast.old_commune]
        kwargs["successor"] = cast.commune_a
        kwargs["effective_date"] = date(2025, 9, 1)

    with pytest.raises(ValidationError) as exc:
        agency_merge(**kwargs)

    assert message in " ".join(exc.value.messages)
    assert _events("org.agency.merge") == []


def test_merge_needs_rights_over_every_agency(cast):
    with pytest.raises(PermissionDenied):
        agency_merge(
            by=cast.clerk_a,
            predecessors=[cast.commune_b],
            successor=cast.commune_a,
            effective_date=MARCH,
            basis="x",
        )


def test_unit_create_audits_and_rejects_duplicate_notation(cast):
    unit = unit_create(by=cast.province_admin, agency=cast.commune_a, name="Phòng Kinh tế", notation="KT")

    assert unit.agency == cast.commune_a
    assert len(_events("org.unit.create")) == 1
    with pytest.raises(ValidationError, match="Ký hiệu đơn vị này đã được dùng"):
        unit_create(by=cast.province_admin, agency=cast.commune_a, name="Phòng khác", notation="KT")


def test_unit_create_refuses_an_ended_agency_and_a_foreign_parent(cast):
    with pytest.raises(ValidationError, match="hết hiệu lực"):
        unit_create(by=cast.province_admin, agency=cast.old_commune, name="Văn phòng", notation="VP")
    with pytest.raises(ValidationError, match="cùng cơ quan"):
        unit_create(
            by=cast.province_admin, agency=cast.commune_a, name="Tổ", notation="TO", parent=cast.unit_b
        )


def test_commune_admin_manages_own_commune_only(cast):
    admin_a = PositionFactory.create(agency=cast.commune_a, roles=[Role.ADMINISTRATOR]).user

    unit_create(by=admin_a, agency=cast.commune_a, name="Phòng Văn hóa - Xã hội", notation="VHXH")
    with pytest.raises(PermissionDenied):
        unit_create(by=admin_a, agency=cast.commune_b, name="Phòng Văn hóa - Xã hội", notation="VHXH")


def test_position_assign_and_end(cast):
    position = position_assign(
        by=cast.province_admin,
        user=cast.clerk_b,
        agency=cast.commune_b,
        unit=cast.unit_b,
        title="Công chức một cửa",
        roles=[Role.ONE_STOP_OFFICER, Role.OFFICER],
        valid_from=date(2025, 8, 1),
    )

    assert sorted(position.role_codes) == ["officer", "one_stop"]
    [assigned] = _events("org.position.assign")
    assert assigned.payload["roles"] == ["one_stop", "officer"]

    position_end(by=cast.province_admin, position=position, end_date=date(2025, 12, 31))

    position.refresh_from_db()
    assert position.valid_to == date(2025, 12, 31)
    assert len(_events("org.position.end")) == 1
    with pytest.raises(ValidationError, match="đã kết thúc"):
        position_end(by=cast.province_admin, position=position, end_date=date(2026, 1, 31))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"roles": []}, "ít nhất một vai trò"),
        ({"roles": ["king"]}, "không hợp lệ"),
        ({"agency_key": "old_commune", "valid_from": date(2025, 8, 1)}, "không có hiệu lực"),
        ({"unit_key": "unit_a"}, "thuộc cơ quan"),
        ({"title": "Văn thư"}, "đang giữ chức vụ này"),
    ],
)
def test_position_assign_refusals(cast, change, message):
    kwargs = {
        "by": cast.province_admin,
        "user": cast.clerk_b,
        "agency": getattr(cast, change.pop("agency_key", "commune_b")),
        "unit": getattr(cast, change.pop("unit_key", "unit_b")),
        "title": "Chuyên viên",
        "roles": [Role.OFFICER],
        "valid_from": date(2025, 8, 1),
        **change,
    }

    with pytest.raises(ValidationError) as exc:
        position_assign(**kwargs)

    assert message in " ".join(exc.value.messages)
    assert Position.objects.filter(user=cast.clerk_b).count() == 1


def test_position_end_cannot_precede_the_start(cast):
    position = cast.position_of(cast.clerk_b)

    with pytest.raises(ValidationError, match="Ngày kết thúc chức vụ"):
        position_end(by=cast.province_admin, position=position, end_date=date(2025, 1, 1))

    assert position.valid_to is None
    position.refresh_from_db()
    assert position.valid_to is None
