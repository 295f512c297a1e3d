"""Vietnamese formatting filters: ``{% load vn %}`` then ``{{ rate|vn_percent:1 }}``.

Like Django's own filters they never raise: None renders as "", anything that is not a
number or a date renders unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

from cqs.core import text

register = template.Library()


def _number(value: object) -> Decimal | int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int | float):
        return value
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def _format(value: object, decimals: object, *, percent: bool) -> object:
    if value is None or value == "":
        return ""
    number = _number(value)
    try:
        places = int(str(decimals))
        if number is None or places < 0:
            return value
        return text.format_percent(number, places) if percent else text.format_number(number, places)
    except ValueError:  # non-finite numbers, non-integer decimals
        return value


@register.filter
def vn_number(value: object, decimals: object = 0) -> object:
    """1234567.5|vn_number:1 → "1.234.567,5"."""
    return _format(value, decimals, percent=False)


@register.filter
def vn_percent(value: object, decimals: object = 2) -> object:
    """A percentage value: 99.17|vn_percent → "99,17 %", 100|vn_percent → "100 %"."""
    return _format(value, decimals, percent=True)


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if isinstance(value, dt.date):
        return value
    return None


@register.filter
def vn_date_long(value: object) -> object:
    """date → "ngày 05 tháng 3 năm 2024" (Decree 30 rules for leading zeros)."""
    if value is None or value == "":
        return ""
    day = _date(value)
    return value if day is None else text.format_date_long(day)


@register.filter
def vn_date(value: object) -> object:
    """date → "05/03/2024"."""
    if value is None or value == "":
        return ""
    day = _date(value)
    return value if day is None else text.format_date_short(day)


@register.filter(name="fold")
def fold_filter(value: object) -> str:
    """Accent-free lower-case search key, e.g. for data-search attributes."""
    return "" if value is None else text.fold(str(value))
