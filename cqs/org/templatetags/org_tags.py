"""Template filters for dates and validity ranges as Vietnamese administrative texts write them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

register = template.Library()


@register.filter
def vn_date(value: date | None) -> str:
    """dd/mm/yyyy, or an empty string."""
    return value.strftime("%d/%m/%Y") if value else ""


@register.filter
def vn_long_date(value: date | None) -> str:
    """'ngày 01 tháng 7 năm 2025': days below 10 and the months 1 and 2 take a leading zero
    (Nghị định 30/2020/NĐ-CP, Phụ lục I, thể thức địa danh và thời gian ban hành)."""
    if not value:
        return ""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


@register.filter
def validity(obj: Any) -> str:
    """'01/03/2025 – nay' or '01/01/2000 – 30/06/2025' for anything with valid_from/valid_to."""
    end = vn_date(obj.valid_to) if obj.valid_to else "nay"
    return f"{vn_date(obj.valid_from)} – {end}"
