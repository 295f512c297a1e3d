"""Manual values (số liệu nhập tay): facts the platform cannot see, entered per agency and
period by the agency's reporting officer or leader (computers, anti-malware, IT staff…)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.core.periods import parse_period
from cqs.org.models import Agency, Position, Role
from cqs.org.selectors import history_source_ids
from cqs.reporting.catalogue import RATIOS_MAY_EXCEED_100
from cqs.reporting.compute import percent
from cqs.reporting.models import Indicator, IndicatorSource, ManualValue

__all__ = ["MANUAL_ROLES", "can_enter_manual_values", "manual_value_set", "to_decimal"]

MANUAL_ROLES = (Role.REPORTING_OFFICER, Role.LEADER)
MAX_VALUE = Decimal("999999999999.99")


def can_enter_manual_values(user: Any, agency: Agency | int) -> bool:
    """The reporting officers and leaders holding a current position in the agency, or in an
    agency its history rolled into (Ban Dân tộc's past quarters are completed by Sở Dân tộc
    và Tôn giáo's officers after the 2025 merger)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    agency_id = agency if isinstance(agency, int) else agency.pk
    own_ids = set(
        Position.objects.current(timezone.localdate())
        .filter(user=user, roles__role__in=MANUAL_ROLES)
        .values_list("agency_id", flat=True)
    )
    return bool(own_ids) and agency_id in history_source_ids(own_ids)


def to_decimal(raw: Any, label: str) -> Decimal | None:
    """A number typed the Vietnamese way ("1.234,5") or the plain way ("1234.5"); None if blank."""
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, int):
        number = Decimal(raw)
    else:
        text = str(raw).strip().replace(" ", "")
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ApplicationError(f"{label} phải là một số (ví dụ: 19 hoặc 12,5).") from None
    if not number.is_finite():
        raise ApplicationError(f"{label} phải là một số.")
    if number < 0:
        raise ApplicationError(f"{label} không được âm.")
    if number > MAX_VALUE:
        raise ApplicationError(f"{label} quá lớn.")
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def manual_value_set(
    *,
    actor: Any,
    agency: Agency,
    indicator: Indicator,
    period: str,
    value: Any = None,
    numerator: Any = None,
    denominator: Any = None,
    note: str = "",
) -> ManualValue:
    """Enter or correct one manual value. Counts take `value`; ratios take `numerator` and
    `denominator` (the percentage is computed, never typed), so they can be summed."""
    if not can_enter_manual_values(actor, agency):
        raise PermissionDenied("Chỉ cán bộ báo cáo hoặc lãnh đạo của cơ quan được nhập số liệu này.")
    if indicator.source != IndicatorSource.MANUAL:
        raise ApplicationError(f"Chỉ tiêu {indicator.code} được tính tự động từ dữ liệu, không nhập tay.")
    if not indicator.is_active:
        raise ApplicationError(f"Chỉ tiêu {indicator.code} không còn được sử dụng.")
    try:
        code = parse_period(period).code
    except ValueError as error:
        raise ApplicationError(str(error)) from None
    note = (note or "").strip()
    if len(note) > 300:
        raise ApplicationError("Ghi chú không quá 300 ký tự.")
    stored_value: Decimal | None
    if indicator.is_ratio:
        num = to_decimal(numerator, indicator.numerator_label or "Tử số")
        den = to_decimal(denominator, indicator.denominator_label or "Mẫu số")
        if num is None or den is None:
            raise ApplicationError("Chỉ tiêu tỷ lệ cần nhập cả tử số và mẫu số.")
        if den == 0:
            raise ApplicationError("Mẫu số phải lớn hơn 0.")
        if num > den and indicator.code not in RATIOS_MAY_EXCEED_100:
            raise ApplicationError("Tử số không được lớn hơn mẫu số.")
        stored_value = percent(num, den)
        if stored_value is not None:
            stored_value = stored_value.quantize(Decimal("0.01"))
    else:
        num = den = None
        stored_value = to_decimal(value, "Giá trị")
        if stored_value is None:
            raise ApplicationError("Chưa nhập giá trị.")
    existing = (
        ManualValue.objects.select_for_update()
        .filter(indicator=indicator, agency=agency, period=code)
        .first()
    )
    previous = (
        None
        if existing is None
        else {
            "value": str(existing.value),
            "numerator": str(existing.numerator),
            "denominator": str(existing.denominator),
        }
    )
    manual = existing or ManualValue(indicator=indicator, agency=agency, period=code)
    manual.value, manual.numerator, manual.denominator = stored_value, num, den
    manual.note = note
    manual.entered_by = actor
    manual.save()
    audit_record(
        actor=actor,
        action="reporting.manual_value.set",
        target=manual,
        agency_id=agency.pk,
        payload={
            "indicator": indicator.code,
            "period": code,
            "value": None if stored_value is None else str(stored_value),
            "numerator": None if num is None else str(num),
            "denominator": None if den is None else str(den),
            "previous": previous,
        },
    )
    return manual
