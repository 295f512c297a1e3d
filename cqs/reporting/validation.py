"""Validation rules over an agency's figures for one period (messages in Vietnamese).

1. A ratio's numerator may not exceed its denominator (except ratios that may pass 100 %,
   `catalogue.RATIOS_MAY_EXCEED_100`), and neither may be negative.
2. The one-stop balance (regulations.md §2.4), checked when the indicators are present:
   received = online + in person/post + carried over; resolved = early + on time + late;
   in progress = within + overdue; received = resolved + in progress.
3. A value far outside the agency's history: compared with the previous periods' values
   (at least 3 of them), flagged when it is more than 3 scaled median absolute deviations
   (MAD × 1,4826, the normal-consistent scale) from their median and more than a quarter of
   the median away from it, or more than three times the median, or below a third of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from statistics import median

from cqs.core.text import format_number
from cqs.reporting.catalogue import RATIOS_MAY_EXCEED_100
from cqs.reporting.models import Indicator
from cqs.reporting.registry import Figure

__all__ = ["BALANCE_CHECKS", "MIN_HISTORY", "is_outlier", "validate"]

MIN_HISTORY = 3
MAD_LIMIT = 3
MAD_SCALE = Decimal("1.4826")
MIN_RELATIVE_CHANGE = Decimal("0.25")
FACTOR = 3

# (total, parts, message): the total must equal the sum of the parts.
BALANCE_CHECKS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "HS_TIEP_NHAN",
        ("HS_TN_TRUC_TUYEN", "HS_TN_TRUC_TIEP", "HS_KY_TRUOC"),
        "Số hồ sơ tiếp nhận ({total}) khác tổng trực tuyến, trực tiếp/bưu chính "
        "và kỳ trước chuyển sang ({parts}).",
    ),
    (
        "HS_DA_GQ",
        ("HS_GQ_TRUOC_HAN", "HS_GQ_DUNG_HAN", "HS_GQ_QUA_HAN"),
        "Số hồ sơ đã giải quyết ({total}) khác tổng trước hạn, đúng hạn và quá hạn ({parts}).",
    ),
    (
        "HS_DANG_GQ",
        ("HS_DANG_GQ_TRONG_HAN", "HS_DANG_GQ_QUA_HAN"),
        "Số hồ sơ đang giải quyết ({total}) khác tổng trong hạn và quá hạn ({parts}).",
    ),
    (
        "HS_TIEP_NHAN",
        ("HS_DA_GQ", "HS_DANG_GQ"),
        "Số hồ sơ tiếp nhận ({total}) khác tổng đã giải quyết và đang giải quyết ({parts}).",
    ),
)


def _n(value: Decimal) -> str:
    return format_number(value, 0 if value == value.to_integral_value() else 2)


def is_outlier(value: Decimal, history: Sequence[Decimal]) -> bool:
    """Whether `value` is far outside `history` (needs MIN_HISTORY earlier values)."""
    if len(history) < MIN_HISTORY:
        return False
    mid = median(history)
    mad = median(abs(h - mid) for h in history)
    deviation = abs(value - mid)
    if mad > 0 and deviation > MAD_LIMIT * MAD_SCALE * mad and deviation > MIN_RELATIVE_CHANGE * abs(mid):
        return True
    return bool(mid > 0 and (value > FACTOR * mid or value * FACTOR < mid))


def validate(
    indicators: Sequence[Indicator],
    figures: Mapping[str, Figure],
    history: Mapping[str, Sequence[Decimal]],
) -> dict[str, list[str]]:
    """Messages per indicator code (only codes with something to say)."""
    issues: dict[str, list[str]] = defaultdict(list)
    for indicator in indicators:
        figure = figures.get(indicator.code)
        if figure is None:
            continue
        if figure.numerator is not None and figure.denominator is not None:
            if figure.numerator < 0 or figure.denominator < 0:
                issues[indicator.code].append("Tử số và mẫu số không được âm.")
            elif figure.numerator > figure.denominator and indicator.code not in RATIOS_MAY_EXCEED_100:
                issues[indicator.code].append(
                    f"Tử số ({_n(figure.numerator)}) lớn hơn mẫu số ({_n(figure.denominator)})."
                )
        elif figure.value is not None and figure.value < 0:
            issues[indicator.code].append("Giá trị không được âm.")
        past = history.get(indicator.code, ())
        if figure.value is not None and is_outlier(figure.value, past):
            shown = ", ".join(_n(v) for v in past)
            issues[indicator.code].append(
                f"Giá trị {_n(figure.value)} khác thường so với các kỳ trước ({shown}); đề nghị kiểm tra lại."
            )
    for total_code, part_codes, message in BALANCE_CHECKS:
        total = figures.get(total_code)
        parts = [figures.get(code) for code in part_codes]
        if total is None or total.value is None or any(p is None or p.value is None for p in parts):
            continue
        parts_sum = sum((p.value for p in parts if p is not None and p.value is not None), Decimal(0))
        if total.value != parts_sum:
            issues[total_code].append(message.format(total=_n(total.value), parts=_n(parts_sum)))
    return dict(issues)
