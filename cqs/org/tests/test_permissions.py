"""Who may see what: each gate, and the same rule through the HTTP views."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from cqs.accounts.tests.factories import UserFactory
from cqs.org.models import Agency, Position, Role, Unit
from cqs.org.permissions import (
    access_agency,
    access_position,
    access_unit,
    can_manage_agency,
    manageable_agencies,
    visible_to,
)
from cqs.org.tests.factories import PositionFactory

pytestmark = pytest.mark.django_db

# (persona, target, visible). Targets: "agency:<cast attr>", "unit:<cast attr>",
# "position:<persona whose position>".
MATRIX = [
    # A commune clerk sees her commune, its units and staff, and the old commune merged into it.
    ("clerk_a", "agency:commune_a", True),
    ("clerk_a", "unit:unit_a", True),
    ("clerk_a", "position:officer_a", True),
    ("clerk_a", "agency:old_commune", True),
    # ... but nothing of commune B, the province, the department or the old district.
    ("clerk_a", "agency:commune_b", False),
    ("clerk_a", "unit:unit_b", False),
    ("clerk_a", "position:clerk_b", False),
    ("clerk_a", "agency:province", False),
    ("clerk_a", "agency:department", False),
    ("clerk_a", "agency:old_district", False),
    ("officer_a", "agency:commune_a", True),
    ("officer_a", "position:clerk_a", True),
    ("officer_a", "agency:commune_b", False),
    ("officer_a", "unit:unit_b", False),
    ("officer_a", "position:clerk_b", False),
    # The reverse direction.
    ("clerk_b", "agency:commune_b", True),
    ("clerk_b", "unit:unit_b", True),
    ("clerk_b", "agency:commune_a", False),
    ("clerk_b", "unit:unit_a", False),
    ("clerk_b", "position:clerk_a", False),
    ("clerk_b", "agency:old_commune", False),
    # The province administrator sees everything.
    ("province_admin", "agency:province", True),
    ("province_admin", "agency:commune_b", True),
    ("province_admin", "unit:unit_b", True),
    ("province_admin", "position:clerk_b", True),
    ("province_admin", "agency:old_district", True),
    ("province_admin", "position:department_leader", True),
    # A department leader sees the department, never the communes.
    ("department_leader", "agency:department", True),
    ("department_leader", "unit:unit_department", True),
    ("department_leader", "agency:commune_a", False),
    ("department_leader", "agency:commune_b", False),
    ("department_leader", "unit:unit_a", False),
    ("department_leader", "position:clerk_a", False),
    ("department_leader", "agency:office", False),
    # The provincial office's reporting officer sees the office, not its sibling agencies.
    ("office_reporter", "agency:office", True),
    ("office_reporter", "agency:department", False),
    ("office_reporter", "agency:commune_a", False),
]


def _resolve(cast, target: str):
    kind, name = target.split(":")
    if kind == "position":
        obj = cast.position_of(getattr(cast, name))
        return access_position, "org:position_detail", obj
    obj = getattr(cast, name)
    if kind == "unit":
        return access_unit, "org:unit_detail", obj
    return access_agency, "org:agency_detail", obj


@pytest.mark.parametrize(("persona", "target", "visible"), MATRIX)
def test_permission_matrix_through_gates_and_views(cast, client, persona, target, visible):
    user = getattr(cast, persona)
    gate, url_name, obj = _resolve(cast, target)
    client.force_login(user)

    response = client.get(reverse(url_name, args=[obj.pk]))

    if visible:
        assert gate(user, obj.pk) == obj
        assert response.status_code == 200
    else:
        with pytest.raises(Http404):
            gate(user, obj.pk)
        assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["org:agency_detail", "org:unit_detail", "org:position_detail"])
def test_missing_objects_are_404_like_forbidden_ones(cast, client, url_name):
    client.force_login(cast.province_admin)

    assert client.get(reverse(url_name, args=[999999])).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/to-chuc/", "/to-chuc/co-quan/1/", "/to-chuc/don-vi/1/", "/to-chuc/chuc-vu/1/"],
)
def test_anonymous_users_are_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_positionless_user_sees_nothing_but_gets_404_not_403(cast, client):
    stranger = UserFactory.create()
    client.force_login(stranger)

    assert client.get(reverse("org:agency_detail", args=[cast.commune_a.pk])).status_code == 404
    with pytest.raises(Http404):
        access_agency(stranger, cast.commune_a.pk)


def test_an_ended_position_no_longer_opens_the_agency(cast):
    position = cast.position_of(cast.clerk_b)
    Position.objects.filter(pk=position.pk).update(valid_to=position.valid_from)

    with pytest.raises(Http404):
        access_agency(cast.clerk_b, cast.commune_b.pk)


def test_visible_to_narrows_any_queryset_by_its_agency_field(cast):
    positions = visible_to(Position.objects.all(), cast.clerk_a)
    assert {p.user for p in positions} == {cast.clerk_a, cast.officer_a}

    units = visible_to(Unit.objects.all(), cast.clerk_b)
    assert list(units) == [cast.unit_b]

    roles = visible_to(Position.objects.all(), cast.department_leader, "unit__agency")
    assert list(roles) == []

    assert visible_to(Agency.objects.all(), cast.province_admin, "pk").count() == Agency.objects.count()
    assert visible_to(Agency.objects.all(), UserFactory.create(), "pk").count() == 0


def test_can_manage_agency_follows_the_admin_role_down_the_tree(cast):
    commune_admin = PositionFactory.create(agency=cast.commune_a, roles=[Role.ADMINISTRATOR]).user

    assert can_manage_agency(cast.province_admin, cast.commune_b)
    assert can_manage_agency(cast.province_admin, cast.province)
    assert not can_manage_agency(cast.province_admin, None)  # only superusers create roots
    assert can_manage_agency(commune_admin, cast.commune_a)
    assert not can_manage_agency(commune_admin, cast.commune_b)
    assert not can_manage_agency(commune_admin, cast.province)
    assert not can_manage_agency(cast.department_leader, cast.department)  # leader is not admin
    assert can_manage_agency(UserFactory.create(superuser=True), None)
    assert set(manageable_agencies(commune_admin)) == {cast.commune_a}
    assert not manageable_agencies(cast.clerk_a).exists()
