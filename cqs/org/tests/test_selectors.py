from __future__ import annotations

from datetime import date

import pytest

from cqs.org.models import Agency
from cqs.org.selectors import (
    agencies_on,
    descendants_on,
    history_sources,
    positions_of,
    tree_on,
    visible_agency_ids,
)
from cqs.org.tests.factories import AgencyFactory, AgencySuccessionFactory, PositionFactory

pytestmark = pytest.mark.django_db

LAST_OLD_DAY = date(2025, 6, 30)
REFORM_DAY = date(2025, 7, 1)


def _names(nodes) -> dict[str, list[str]]:
    """Flatten a tree into {agency name: [child names]}."""
    flat: dict[str, list[str]] = {}
    for node in nodes:
        flat[node.agency.name] = [c.agency.name for c in node.children]
        flat.update(_names(node.children))
    return flat


def test_tree_on_last_day_of_districts_shows_the_district_with_its_communes(cast):
    tree = tree_on(LAST_OLD_DAY)

    assert [n.agency for n in tree] == [cast.province]
    flat = _names(tree)
    assert cast.old_district.name in flat[cast.province.name]
    assert flat[cast.old_district.name] == [cast.old_commune.name]
    assert cast.commune_a.name not in flat
    assert cast.commune_b.name not in flat


def test_tree_on_first_day_of_two_tier_government_has_no_district(cast):
    flat = _names(tree_on(REFORM_DAY))

    assert cast.old_district.name not in flat
    assert cast.old_commune.name not in flat
    assert flat[cast.province.name] == [
        cast.office.name,
        cast.department.name,
        cast.commune_a.name,
        cast.commune_b.name,
    ]


def test_tree_on_orders_children_by_code_and_keeps_orphans_as_roots():
    province = AgencyFactory.create(province=True, code="000.00.00.F02")
    AgencyFactory.create(parent=province, code="000.00.09.F02", name="Chín")
    AgencyFactory.create(parent=province, code="000.00.03.F02", name="Ba")
    # Bad data: a child that outlives its parent must not vanish from the tree.
    ended = AgencyFactory.create(parent=province, code="000.00.05.F02", valid_to=date(2020, 1, 1))
    AgencyFactory.create(parent=ended, code="000.01.05.F02", name="Mồ côi")

    tree = tree_on(date(2024, 1, 1))

    assert [n.agency.name for n in tree] == [province.name, "Mồ côi"]
    assert [c.agency.name for c in tree[0].children] == ["Ba", "Chín"]


def test_agencies_on_includes_both_ends_of_the_validity_range():
    agency = AgencyFactory.create(valid_from=date(2025, 3, 1), valid_to=date(2025, 6, 30))

    assert agency in agencies_on(date(2025, 3, 1))
    assert agency in agencies_on(date(2025, 6, 30))
    assert agency not in agencies_on(date(2025, 2, 28))
    assert agency not in agencies_on(date(2025, 7, 1))


def test_descendants_on_follows_the_date(cast):
    assert set(descendants_on(cast.province, LAST_OLD_DAY)) == {
        cast.office,
        cast.department,
        cast.old_district,
        cast.old_commune,
    }
    assert set(descendants_on(cast.province, REFORM_DAY)) == {
        cast.office,
        cast.department,
        cast.commune_a,
        cast.commune_b,
    }
    assert list(descendants_on(cast.old_district, REFORM_DAY)) == []


def test_history_sources_is_transitive():
    # A and B merged into C, C and D into E: E's history holds all five.
    a, b, c, d, e = AgencyFactory.create_batch(5)
    AgencySuccessionFactory.create(predecessor=a, successor=c)
    AgencySuccessionFactory.create(predecessor=b, successor=c)
    AgencySuccessionFactory.create(predecessor=c, successor=e)
    AgencySuccessionFactory.create(predecessor=d, successor=e)

    sources = history_sources(e)

    assert sources[0] == e
    assert set(sources) == {a, b, c, d, e}
    assert len(sources) == 5
    assert set(history_sources(c)) == {a, b, c}
    assert history_sources(a) == [a]


def test_history_sources_survives_a_cycle_in_bad_data():
    a, b = AgencyFactory.create_batch(2)
    AgencySuccessionFactory.create(predecessor=a, successor=b)
    AgencySuccessionFactory.create(predecessor=b, successor=a)

    assert set(history_sources(a)) == {a, b}


def test_visible_agency_ids_cover_subtree_and_history(cast):
    assert visible_agency_ids(cast.clerk_a) == {cast.commune_a.pk, cast.old_commune.pk}
    assert visible_agency_ids(cast.clerk_b) == {cast.commune_b.pk}
    assert visible_agency_ids(cast.department_leader) == {cast.department.pk}
    assert visible_agency_ids(cast.province_admin) == set(Agency.objects.values_list("pk", flat=True))


def test_visible_agency_ids_of_a_district_leader_include_its_communes(cast):
    leader = PositionFactory.create(agency=cast.old_district, valid_to=LAST_OLD_DAY).user

    assert visible_agency_ids(leader, on=LAST_OLD_DAY) == {cast.old_district.pk, cast.old_commune.pk}
    assert visible_agency_ids(leader, on=REFORM_DAY) == set()


def test_visible_agency_ids_for_inactive_or_positionless_users_are_empty(cast):
    nobody = PositionFactory.create(agency=cast.commune_a, valid_from=date(2099, 1, 1)).user
    assert visible_agency_ids(nobody) == set()

    cast.clerk_a.is_active = False
    assert visible_agency_ids(cast.clerk_a) == set()


def test_superuser_sees_everything_without_a_position(cast):
    from cqs.accounts.tests.factories import UserFactory

    assert visible_agency_ids(UserFactory.create(superuser=True)) == set(
        Agency.objects.values_list("pk", flat=True)
    )


def test_positions_of_lists_current_positions_with_roles(cast):
    [position] = positions_of(cast.clerk_a)

    assert position.agency == cast.commune_a
    assert position.role_codes == ["clerk"]
