"""Consolidation: sums of the children's submitted values, every child listed, laggards and
target misses named, the tree as it stood at the window end, merged agencies' history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cqs.documents.models import Secrecy
from cqs.org.models import AgencyLevel, Role
from cqs.org.testing import give_position, make_person
from cqs.reporting.models import Indicator, ManualValue, Report, Target
from cqs.reporting.render import consolidation_document
from cqs.reporting.selectors import consolidation
from cqs.reporting.services.reports import report_submit
from cqs.reporting.tests.core_helpers import outgoing, vn
from cqs.reporting.tests.life_helpers import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Any) -> World:
    return build_world(cast)


def _manual(agency: Any, period: str, numerator: int, denominator: int) -> None:
    indicator = Indicator.objects.get(code="MAY_TINH_MA_DOC")
    ManualValue.objects.create(
        indicator=indicator, agency=agency, period=period, numerator=numerator, denominator=denominator
    )


def test_sums_submitted_values_lists_children_and_names_laggards(world: World) -> None:
    cast = world.cast
    indicator = Indicator.objects.get(code="MAY_TINH_MA_DOC")
    Target.objects.create(
        indicator=indicator,
        plan_reference="Kế hoạch thử",
        year=2025,
        agency_level=AgencyLevel.COMMUNE,
        value=90,
    )
    _manual(cast.commune_a, "2025Q3", 16, 16)
    _manual(cast.commune_b, "2025Q3", 10, 20)
    outgoing(cast.commune_a, vn(2025, 8, 1))
    outgoing(cast.commune_b, vn(2025, 8, 5))
    outgoing(cast.commune_b, vn(2025, 8, 6), secrecy=Secrecy.SECRET)
    campaign = world.launch("2025Q3")
    report_a = world.report(campaign, cast.commune_a)
    report_submit(by=world.officer_a, report=report_a)
    on_time = timezone.make_aware(dt.datetime.combine(campaign.deadline, dt.time(10)))
    Report.objects.filter(pk=report_a.pk).update(submitted_at=on_time)

    cons = consolidation(campaign, cast.province)
    assert {c.agency.pk for c in cons.children} == {cast.commune_a.pk, cast.commune_b.pk}
    # Only A's submitted values count.
    assert cons.totals["MAY_TINH_MA_DOC"].figure.numerator == Decimal(16)
    assert cons.totals["MAY_TINH_MA_DOC"].figure.denominator == Decimal(16)
    assert [a.pk for a in cons.not_submitted] == [cast.commune_b.pk]
    assert [a.pk for a in cons.laggards] == [cast.commune_b.pk]
    assert cons.progress.summary == "1/2 đơn vị đã nộp"

    report_submit(by=world.officer_b, report=world.report(campaign, cast.commune_b))
    cons = consolidation(campaign, cast.province)
    total = cons.totals["MAY_TINH_MA_DOC"].figure
    # Ratios sum numerators and denominators: 26/36 = 72,22 %, not the average 81,25 %.
    assert (total.numerator, total.denominator) == (Decimal(26), Decimal(36))
    assert total.value == Decimal("72.2222")
    assert cons.totals["VB_TRAO_DOI_DT"].figure.denominator == Decimal(2)  # the secret one is left out
    misses = {m.indicator.code: m for m in cons.misses}
    assert [a.pk for a in misses["MAY_TINH_MA_DOC"].agencies] == [cast.commune_b.pk]
    assert misses["MAY_TINH_MA_DOC"].target_text == "≥ 90 %"

    document = consolidation_document(cons)
    texts = [getattr(b, "text", "") for b in document.body]
    assert any("vẫn còn 1 đơn vị" in t and "Bình Yên" in t and "≥ 90 %" in t for t in texts)
    assert any("2/2 đơn vị đã nộp, 1 nộp muộn" in t for t in texts)  # B sent after the deadline
    assert any(t.startswith("Gửi muộn") and "Bình Yên" in t for t in texts)
    tables = [b for b in document.body if hasattr(b, "rows")]
    assert any(any("Bình Yên" in cell for row in t.rows for cell in row) for t in tables)


def test_past_period_uses_the_tree_then_and_merged_history_rolls_into_successor(world: World) -> None:
    cast = world.cast
    outgoing(cast.old_commune, vn(2025, 6, 2))  # 2025Q2, the old commune still existed
    outgoing(cast.old_commune, vn(2025, 6, 20))  # 2025Q3 window, before the merger of 01/07/2025
    outgoing(cast.commune_a, vn(2025, 8, 1))

    q2 = world.launch("2025Q2")
    assert set(q2.reports.values_list("agency_id", flat=True)) == {cast.old_commune.pk}
    old = world.report(q2, cast.old_commune)
    # The successor's reporting officer completes the merged commune's report.
    report_submit(by=world.officer_a, report=old)
    cons = consolidation(q2, cast.province)
    assert [c.agency.pk for c in cons.children] == [cast.old_commune.pk]
    assert cons.totals["VB_TRAO_DOI_DT"].figure.denominator == Decimal(1)
    district = consolidation(q2, cast.old_district)
    assert [c.agency.pk for c in district.children] == [cast.old_commune.pk]

    q3 = world.launch("2025Q3")
    report_submit(by=world.officer_a, report=world.report(q3, cast.commune_a))
    cons = consolidation(q3, cast.province)
    by_agency = {c.agency.pk: c for c in cons.children}
    assert cast.old_commune.pk not in by_agency
    # Commune A carries the old commune's document of 20/06/2025.
    assert by_agency[cast.commune_a.pk].results["VB_TRAO_DOI_DT"].figure.denominator == Decimal(2)


def test_parent_staff_see_submitted_children_only(world: World) -> None:
    from django.http import Http404

    from cqs.reporting import permissions

    cast = world.cast
    province_officer = make_person("baocao_tinh", "Vũ Thị Tỉnh")
    give_position(province_officer, cast.province, Role.REPORTING_OFFICER, title="Chuyên viên")
    campaign = world.launch("2025Q3")
    report = world.report(campaign, cast.commune_a)
    with pytest.raises(Http404):
        permissions.report_for(province_officer, report.pk)
    report_submit(by=world.officer_a, report=report)
    assert permissions.report_for(province_officer, report.pk) == report
    assert permissions.can_see_consolidation(province_officer, campaign, cast.province)
    assert not permissions.can_see_consolidation(world.officer_b, campaign, cast.province)
