"""The organisation admin: reachable by staff only, scoped to what they administer, audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cqs.accounts.tests.factories import UserFactory
from cqs.audit.models import AuditEvent
from cqs.org.models import Role, Unit
from cqs.org.tests.factories import PositionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory.create(superuser=True)


@pytest.mark.parametrize("model", ["agency", "unit", "position"])
def test_superuser_opens_change_lists_and_forms(cast, client, superuser, model):
    client.force_login(superuser)

    assert client.get(reverse(f"admin:org_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:org_{model}_add")).status_code == 200


def test_agency_change_list_filters_and_searches(cast, client, superuser):
    client.force_login(superuser)
    url = reverse("admin:org_agency_changelist")

    html = client.get(url, {"kind__exact": "ubnd_xa", "hieu_luc": "con"}).content.decode()
    assert cast.commune_a.name in html and cast.old_commune.name not in html

    html = client.get(url, {"q": "SNV"}).content.decode()
    assert cast.department.name in html and cast.commune_a.name not in html

    assert client.get(reverse("admin:org_agency_change", args=[cast.commune_a.pk])).status_code == 200


def test_non_staff_cannot_reach_the_admin(cast, client):
    client.force_login(cast.province_admin)

    response = client.get(reverse("admin:org_agency_changelist"))

    assert response.status_code == 302


def test_staff_admin_of_a_commune_sees_and_changes_only_that_commune(cast, client):
    admin_a = PositionFactory.create(agency=cast.commune_a, roles=[Role.ADMINISTRATOR]).user
    admin_a.is_staff = True
    admin_a.save()
    admin_a.user_permissions.set(
        Permission.objects.filter(content_type__app_label="org", codename__in=["view_unit", "change_unit"])
    )
    client.force_login(admin_a)

    html = client.get(reverse("admin:org_unit_changelist")).content.decode()
    assert cast.unit_a.name in html and cast.unit_b.name not in html
    assert client.get(reverse("admin:org_unit_change", args=[cast.unit_b.pk])).status_code == 302  # not found

    response = client.post(
        reverse("admin:org_unit_change", args=[cast.unit_a.pk]),
        {"name": "Văn phòng HĐND và UBND", "notation": "VP", "agency": cast.commune_a.pk, "is_active": "on"},
    )

    assert response.status_code == 302
    assert Unit.objects.get(pk=cast.unit_a.pk).name == "Văn phòng HĐND và UBND"
    [event] = AuditEvent.objects.filter(action="org.unit.update")
    assert event.actor_id == admin_a.pk and event.agency_id == cast.commune_a.pk
    assert event.payload["via"] == "admin"


def test_nothing_can_be_deleted_from_the_org_admin(cast, client, superuser):
    client.force_login(superuser)

    response = client.get(reverse("admin:org_agency_delete", args=[cast.commune_b.pk]))

    assert response.status_code == 403


def _inline_management(prefix: str) -> dict[str, str]:
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def test_adding_an_agency_in_the_admin_keeps_the_tree_and_audits(cast, client, superuser):
    client.force_login(superuser)
    data = {
        "code": "000.00.43.T01",
        "name": "Ủy ban nhân dân phường Mới",
        "short_name": "",
        "notation": "UBND",
        "kind": "ubnd_xa",
        "level": "xa",
        "parent": cast.province.pk,
        "valid_from": "2025-07-01",
        "valid_to": "",
        "place_name": "Mới",
        "address": "",
        "email": "",
        "phone": "",
        **_inline_management("units"),
        **_inline_management("predecessions"),
        **_inline_management("successions"),
    }

    response = client.post(reverse("admin:org_agency_add"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    from cqs.org.models import Agency

    agency = Agency.objects.get(code="000.00.43.T01")
    assert agency.tree_path == f"{cast.province.tree_path}{agency.pk}/"
    [event] = AuditEvent.objects.filter(action="org.agency.create")
    assert event.target_id == str(agency.pk)


def test_the_admin_refuses_a_child_outliving_its_parent(cast, client, superuser):
    client.force_login(superuser)
    data = {
        "code": "000.02.31.T01",
        "name": "Ủy ban nhân dân xã Cũ Hai",
        "notation": "UBND",
        "kind": "ubnd_xa",
        "level": "xa",
        "parent": cast.old_district.pk,
        "valid_from": "2000-01-01",
        "valid_to": "",
        "place_name": "Cũ Hai",
        **_inline_management("units"),
        **_inline_management("predecessions"),
        **_inline_management("successions"),
    }

    response = client.post(reverse("admin:org_agency_add"), data)

    assert response.status_code == 200
    assert "cơ quan trực thuộc không thể có hiệu lực lâu hơn" in response.content.decode()
