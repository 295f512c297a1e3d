"""Computing indicators: merged agencies, sums not averages, targets, templates."""

from __future__ import annotations

from decimal import Decimal
from decimal import Decimal as D
from typing import Any

import pytest

from cqs.core.periods import parse_period
from cqs.org.models import AgencyLevel
from cqs.reporting.compute import (
    Figure,
    compute_agencies,
    compute_agency,
    compute_consolidated,
    consolidate,
    fill_template,
    format_figure,
    laggards,
    result_for,
    target_for,
)
from cqs.reporting.models import Indicator, Target
from cqs.reporting.tests.core_helpers import outgoing, vn

pytestmark = pytest.mark.django_db


def _indicators(*codes: str) -> list[Indicator]:
    by_code = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes]


def test_merged_commune_history_rolls_into_successor(cast: Any) -> None:
    q3 = parse_period("2025Q3")  # 15/06/2025–14/09/2025; the merger took effect on 01/07/2025
    outgoing(cast.old_commune, vn(2025, 6, 20))
    outgoing(cast.old_commune, vn(2025, 6, 30, 16))
    outgoing(cast.old_commune, vn(2025, 6, 10))  # previous quarter
    outgoing(cast.commune_a, vn(2025, 7, 10), electronic=False)
    outgoing(cast.commune_b, vn(2025, 7, 11))
    indicators = _indicators("VB_DI", "VB_DI_DT")
    results = compute_agencies(indicators, [cast.commune_a.pk, cast.commune_b.pk], q3, check_history=False)
    a = results[cast.commune_a.pk]
    assert a["VB_DI"].figure.value == 3
    assert (a["VB_DI_DT"].figure.numerator, a["VB_DI_DT"].figure.denominator) == (D(2), D(3))
    assert a["VB_DI_DT"].figure.value == Decimal("66.6667")
    assert results[cast.commune_b.pk]["VB_DI"].figure.value == 1
    # The province's consolidation uses the tree as it stood on 14/09/2025: the old commune is
    # not a member any more, its documents are counted once (through commune A).
    consolidation = compute_consolidated(cast.province, q3, indicators, check_history=False)
    members = {a.pk for a in consolidation.agencies}
    assert cast.old_commune.pk not in members and cast.commune_a.pk in members
    assert consolidation.total[0].figure.value == 4
    # In the previous quarter the tree still had the old district and commune.
    q2 = compute_consolidated(cast.province, parse_period("2025Q2"), indicators, check_history=False)
    assert cast.old_commune.pk in {a.pk for a in q2.agencies}
    assert q2.total[0].figure.value == 1


def test_ratios_aggregate_by_sums_not_averages(cast: Any) -> None:
    q3 = parse_period("2023Q3")
    for agency in (cast.office, cast.department):
        agency.valid_from = agency.valid_from  # both valid since 2000
    outgoing(cast.office, vn(2023, 7, 1))  # office: 1/1 electronic = 100 %
    outgoing(cast.department, vn(2023, 7, 1))  # department: 1/4 = 25 %
    for day in (2, 3, 4):
        outgoing(cast.department, vn(2023, 7, day), electronic=False)
    indicators = _indicators("VB_DI_DT")
    results = compute_agencies(indicators, [cast.office.pk, cast.department.pk], q3, check_history=False)
    total = consolidate(
        ({c: r.figure for c, r in by_code.items()} for by_code in results.values()), indicators
    )["VB_DI_DT"]
    assert (total.numerator, total.denominator, total.value) == (D(2), D(5), D("40.0000"))
    # The average of the percentages would be 62,5 %.
    assert total.value != (Decimal(100) + Decimal(25)) / 2
    assert format_figure(indicators[0], total) == "2/5 (40 %)"


def test_targets_by_level_and_year(cast: Any) -> None:
    digitised = Indicator.objects.get(code="HS_SO_HOA_TP")
    commune = target_for(digitised, 2024, AgencyLevel.COMMUNE)
    district = target_for(digitised, 2024, AgencyLevel.DISTRICT)
    assert commune is not None and commune.value == 75
    assert district is not None and district.value == 80
    assert "76/NQ-CP" in district.plan_reference
    assert target_for(digitised, 2020, AgencyLevel.COMMUNE) is None
    # A later target for every level does not override a level-specific one of the same year,
    # but a newer year wins.
    Target.objects.create(indicator=digitised, plan_reference="Kế hoạch thử", year=2024, value=90)
    newer = target_for(digitised, 2024, AgencyLevel.COMMUNE)
    assert newer is not None and newer.value == 90
    assert target_for(digitised, 2023, AgencyLevel.COMMUNE).value == 75  # type: ignore[union-attr]
    below = result_for(
        digitised, Figure(Decimal("74.5"), Decimal(149), Decimal(200)), year=2023, agency_level="xa"
    )
    above = result_for(
        digitised, Figure(Decimal("76"), Decimal(152), Decimal(200)), year=2023, agency_level="xa"
    )
    assert (below.target_met, above.target_met) == (False, True)


def test_target_follows_level_of_each_agency_and_laggards(cast: Any) -> None:
    """HS_CV_MANG 2025 targets: 100 % for departments, 60 % for communes."""
    from cqs.reporting.tests.core_helpers import incoming, lead_assignment

    q3 = parse_period("2025Q3")
    for agency, unit, done in ((cast.department, cast.unit_department, 2), (cast.commune_a, cast.unit_a, 2)):
        for day in (1, 2, 3):
            document = incoming(agency, vn(2025, 7, day))
            finished = vn(2025, 7, day + 5) if day <= done else None
            lead_assignment(document, cast.clerk_a, unit, vn(2025, 7, day), finished)
    indicators = _indicators("HS_CV_MANG")
    results = compute_agencies(indicators, [cast.department.pk, cast.commune_a.pk], q3, check_history=False)
    dep, com = results[cast.department.pk]["HS_CV_MANG"], results[cast.commune_a.pk]["HS_CV_MANG"]
    assert dep.figure.value == com.figure.value == Decimal("66.6667")
    assert dep.target is not None and dep.target.value == 100 and dep.target_met is False
    assert com.target is not None and com.target.value == 60 and com.target_met is True
    assert laggards(results, "HS_CV_MANG") == [cast.department.pk]


def test_compute_agency_all_indicators_and_manual_values(cast: Any) -> None:
    from cqs.org.models import Role
    from cqs.org.testing import give_position
    from cqs.reporting.services.manual import manual_value_set

    give_position(cast.officer_a, cast.commune_a, Role.REPORTING_OFFICER, title="Cán bộ báo cáo")
    antivirus = Indicator.objects.get(code="MAY_TINH_MA_DOC")
    manual_value_set(
        actor=cast.officer_a,
        agency=cast.commune_a,
        indicator=antivirus,
        period="2025Q3",
        numerator="16",
        denominator="16",
    )
    results = {r.indicator.code: r for r in compute_agency(cast.commune_a, parse_period("2025Q3"))}
    assert len(results) == Indicator.objects.filter(is_active=True).count()
    assert format_figure(antivirus, results["MAY_TINH_MA_DOC"].figure) == "16/16 (100 %)"
    assert results["VB_DI"].figure.value == 0
    assert results["CB_CONG_CHUC"].figure.value == 2  # clerk_a and officer_a
    assert results["CB_CNTT"].figure.value is None  # not entered
    assert format_figure(results["CB_CNTT"].indicator, results["CB_CNTT"].figure) == "—"


def test_format_figure_and_fill_template(db: Any) -> None:
    vb_di, dt, mp, tp = _indicators("VB_DI", "VB_DI_DT", "HS_MP_TT", "HS_SO_HOA_TP")
    results = {
        "VB_DI": Figure(Decimal(375)),
        "VB_DI_DT": Figure(Decimal("100.0000"), Decimal(375), Decimal(375)),
        "HS_MP_TT": Figure(Decimal("86.5031"), Decimal(423), Decimal(489)),
        "HS_SO_HOA_TP": Figure(Decimal("99.1667"), Decimal(1190), Decimal(1200)),
    }
    assert format_figure(vb_di, results["VB_DI"]) == "375"
    assert format_figure(vb_di, Figure(Decimal(1234567))) == "1.234.567"
    assert format_figure(mp, results["HS_MP_TT"]) == "423/489 (86,5 %)"
    assert format_figure(tp, Figure(Decimal("99.1667"))) == "99,17 %"
    assert format_figure(dt, Figure(None, Decimal(0), Decimal(0))) == "0/0"
    text = fill_template(
        "Tổng số văn bản đi là {VB_DI} văn bản; gửi điện tử {VB_DI_DT:tu_so}/{VB_DI_DT:mau_so} văn bản, "
        "đạt {VB_DI_DT:ty_le}; hồ sơ một phần {HS_MP_TT:phan_so} đạt {HS_MP_TT}; "
        "số hóa {HS_SO_HOA_TP}; {X_Y}.",
        results,
    )
    assert text == (
        "Tổng số văn bản đi là 375 văn bản; gửi điện tử 375/375 văn bản, đạt 100 %; "
        "hồ sơ một phần 423/489 đạt 86,5 %; số hóa 99,17 %; (chưa có số liệu)."
    )
    with pytest.raises(ValueError, match="Kiểu hiển thị"):
        fill_template("{VB_DI:la}", results)
