from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _tree(client, day: str | None = None):
    url = reverse("org:agency_tree")
    return client.get(url, {"ngay": day} if day else {})


def test_tree_on_the_last_day_of_districts(cast, client):
    client.force_login(cast.province_admin)

    response = _tree(client, "2025-06-30")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Cơ cấu tổ chức tại ngày 30 tháng 6 năm 2025" in html
    assert cast.old_district.name in html
    assert cast.old_commune.name in html
    assert cast.commune_a.name not in html
    assert 'value="2025-06-30"' in html
    assert reverse("org:agency_detail", args=[cast.old_district.pk]) in html


def test_tree_on_the_first_day_of_two_tier_government(cast, client):
    client.force_login(cast.province_admin)

    html = _tree(client, "2025-07-01").content.decode()

    assert "Cơ cấu tổ chức tại ngày 01 tháng 7 năm 2025" in html
    assert cast.commune_a.name in html
    assert cast.commune_b.name in html
    assert cast.old_district.name not in html


def test_tree_shows_all_agencies_but_links_only_visible_ones(cast, client):
    client.force_login(cast.clerk_a)

    html = _tree(client, "2025-07-01").content.decode()

    assert cast.commune_b.name in html
    assert reverse("org:agency_detail", args=[cast.commune_a.pk]) in html
    assert reverse("org:agency_detail", args=[cast.commune_b.pk]) not in html
    assert reverse("org:agency_detail", args=[cast.province.pk]) not in html


def test_tree_defaults_to_today_and_explains_a_bad_date(cast, client):
    client.force_login(cast.clerk_a)

    assert _tree(client).status_code == 200
    response = _tree(client, "30/6/2025")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in html
    assert "Đang hiển thị cơ cấu tổ chức ngày hôm nay" in html
    assert cast.commune_a.name in html


def test_tree_page_query_count_does_not_grow_with_the_tree(cast, client, django_assert_max_num_queries):
    client.force_login(cast.province_admin)

    with django_assert_max_num_queries(8):
        _tree(client, "2025-07-01")


def test_agency_page_shows_history_units_and_staff(cast, client, django_assert_max_num_queries):
    client.force_login(cast.clerk_a)

    with django_assert_max_num_queries(17):
        response = client.get(reverse("org:agency_detail", args=[cast.commune_a.pk]))

    html = response.content.decode()
    assert cast.commune_a.code in html
    assert "Cấp xã" in html
    assert cast.old_commune.name in html and "Sáp nhập" in html and "01/07/2025" in html
    assert cast.unit_a.name in html
    assert cast.clerk_a.full_name in html and cast.officer_a.full_name in html
    assert "Văn thư" in html and "Chuyên viên" in html
    # The parent is named but not linked: the clerk may not open the province page.
    assert cast.province.name in html
    assert reverse("org:agency_detail", args=[cast.province.pk]) not in html


def test_old_agency_page_links_its_successor(cast, client):
    client.force_login(cast.province_admin)

    html = client.get(reverse("org:agency_detail", args=[cast.old_commune.pk])).content.decode()

    assert "Hiệu lực đến hết ngày 30/06/2025" in html
    assert reverse("org:agency_detail", args=[cast.commune_a.pk]) in html


def test_unit_and_position_pages(cast, client):
    client.force_login(cast.officer_a)

    unit_html = client.get(reverse("org:unit_detail", args=[cast.unit_a.pk])).content.decode()
    position = cast.position_of(cast.clerk_a)
    position_html = client.get(reverse("org:position_detail", args=[position.pk])).content.decode()

    assert cast.unit_a.name in unit_html and cast.clerk_a.full_name in unit_html
    assert "Văn thư" in position_html and cast.commune_a.name in position_html
    assert "01/07/2025 – nay" in position_html
