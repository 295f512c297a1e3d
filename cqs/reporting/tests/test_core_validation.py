"""Validation rules: numerator ≤ denominator, one-stop balance, outliers against history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cqs.core.periods import parse_period
from cqs.reporting.compute import compute_agencies
from cqs.reporting.models import Indicator
from cqs.reporting.registry import Figure
from cqs.reporting.tests.core_helpers import outgoing, vn
from cqs.reporting.validation import is_outlier, validate

pytestmark = pytest.mark.django_db

D = Decimal


def _c(n: int) -> Figure:
    return Figure(D(n))


def test_numerator_above_denominator_flagged_except_computers(db: Any) -> None:
    indicators = list(Indicator.objects.filter(code__in=["VB_DI_DT", "MAY_TINH"]))
    issues = validate(
        indicators,
        {"VB_DI_DT": Figure(D(110), D(11), D(10)), "MAY_TINH": Figure(D(110), D(21), D(19))},
        {},
    )
    assert issues == {"VB_DI_DT": ["Tử số (11) lớn hơn mẫu số (10)."]}


def test_one_stop_balance_all_four_checks(db: Any) -> None:
    indicators = list(Indicator.objects.filter(group="mot_cua"))
    good = {
        "HS_TIEP_NHAN": _c(100),
        "HS_TN_TRUC_TUYEN": _c(60),
        "HS_TN_TRUC_TIEP": _c(30),
        "HS_KY_TRUOC": _c(10),
        "HS_DA_GQ": _c(80),
        "HS_GQ_TRUOC_HAN": _c(50),
        "HS_GQ_DUNG_HAN": _c(25),
        "HS_GQ_QUA_HAN": _c(5),
        "HS_DANG_GQ": _c(20),
        "HS_DANG_GQ_TRONG_HAN": _c(18),
        "HS_DANG_GQ_QUA_HAN": _c(2),
    }
    assert validate(indicators, good, {}) == {}
    bad = {**good, "HS_TN_TRUC_TIEP": _c(29), "HS_GQ_QUA_HAN": _c(6), "HS_DANG_GQ_QUA_HAN": _c(1)}
    issues = validate(indicators, bad, {})
    assert issues["HS_TIEP_NHAN"] == [
        "Số hồ sơ tiếp nhận (100) khác tổng trực tuyến, trực tiếp/bưu chính và kỳ trước chuyển sang (99)."
    ]
    assert issues["HS_DA_GQ"] == [
        "Số hồ sơ đã giải quyết (80) khác tổng trước hạn, đúng hạn và quá hạn (81)."
    ]
    assert issues["HS_DANG_GQ"] == ["Số hồ sơ đang giải quyết (20) khác tổng trong hạn và quá hạn (19)."]
    unbalanced = {**good, "HS_DANG_GQ": _c(25), "HS_DANG_GQ_TRONG_HAN": _c(23)}
    assert validate(indicators, unbalanced, {})["HS_TIEP_NHAN"] == [
        "Số hồ sơ tiếp nhận (100) khác tổng đã giải quyết và đang giải quyết (105)."
    ]


def test_is_outlier() -> None:
    history = [D(100), D(110), D(90), D(105)]
    assert not is_outlier(D(120), history)
    assert is_outlier(D(200), history)  # > 3 MAD from the median
    assert is_outlier(D(20), history)
    assert not is_outlier(D(5000), history[:2])  # not enough history
    flat = [D(10)] * 4
    assert not is_outlier(D(25), flat) and is_outlier(D(31), flat)  # ×3 of the median
    assert not is_outlier(D(0), [D(0)] * 4)


def test_outlier_flagged_against_previous_quarters(cast: Any) -> None:
    a = cast.department
    # 2 documents in each of the four quarters before 2023Q3, then 9 in 2023Q3.
    for month in (7, 10):  # 2022Q3 ends 14/09/2022; 2022Q4 runs 15/09–14/12/2022
        for day in (1, 2):
            outgoing(a, vn(2022, month + 1 if month == 7 else month, day))
    for month in (2, 5):  # 2023Q1 and 2023Q2
        for day in (1, 2):
            outgoing(a, vn(2023, month, day))
    for day in range(1, 10):
        outgoing(a, vn(2023, 7, day))
    indicators = list(Indicator.objects.filter(code="VB_DI"))
    result = compute_agencies(indicators, [a.pk], parse_period("2023Q3"))[a.pk]["VB_DI"]
    assert result.figure.value == 9
    assert result.issues == ("Giá trị 9 khác thường so với các kỳ trước (2, 2, 2, 2); đề nghị kiểm tra lại.",)
