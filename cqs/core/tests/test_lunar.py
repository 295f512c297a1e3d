"""The Vietnamese lunar calendar (UTC+7) against published dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cqs.core.lunar import (
    LunarDate,
    can_chi_year,
    days_in_lunar_month,
    leap_month,
    lunar_new_year,
    lunar_to_solar,
    solar_to_lunar,
)

# Tết Nguyên đán (1/1 lunar) in Vietnam.
TET = {
    1968: date(1968, 1, 29),  # the North's calendar after it moved to UTC+7 (China: 30/01)
    1985: date(1985, 1, 21),  # China: 20/02/1985
    2007: date(2007, 2, 17),  # China: 18/02/2007
    2020: date(2020, 1, 25),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2030: date(2030, 2, 2),  # China: 03/02/2030
}


@pytest.mark.parametrize(("year", "expected"), sorted(TET.items()))
def test_tet(year, expected):
    assert lunar_new_year(year) == expected
    assert lunar_to_solar(1, 1, year) == expected
    assert solar_to_lunar(expected) == LunarDate(1, 1, year, False)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, date(2024, 4, 18)), (2025, date(2025, 4, 7)), (2026, date(2026, 4, 26))],
)
def test_gio_to_hung_vuong(year, expected):
    assert lunar_to_solar(10, 3, year) == expected
    assert solar_to_lunar(expected) == LunarDate(10, 3, year)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2020, 4), (2023, 2), (2025, 6), (1985, 2), (2024, None), (2026, None), (2007, None)],
)
def test_leap_month(year, expected):
    assert leap_month(year) == expected


def test_leap_month_days_exist_only_in_leap_years():
    regular = lunar_to_solar(1, 2, 2023)
    leap = lunar_to_solar(1, 2, 2023, leap=True)
    assert leap - regular == timedelta(days=days_in_lunar_month(2, 2023))
    assert solar_to_lunar(leap) == LunarDate(1, 2, 2023, True)
    assert solar_to_lunar(lunar_to_solar(1, 4, 2020, leap=True)).leap
    with pytest.raises(ValueError, match="nhuận"):
        lunar_to_solar(1, 2, 2024, leap=True)


def test_last_day_of_lunar_year():
    # Tết 2024 follows a 30-day tháng Chạp; Tết 2025 and 2026 follow a 29-day one.
    assert solar_to_lunar(date(2024, 2, 9)) == LunarDate(30, 12, 2023)
    assert solar_to_lunar(date(2025, 1, 28)) == LunarDate(29, 12, 2024)
    assert solar_to_lunar(date(2026, 2, 16)) == LunarDate(29, 12, 2025)
    assert days_in_lunar_month(12, 2024) == 29
    with pytest.raises(ValueError, match="29 ngày"):
        lunar_to_solar(30, 12, 2024)


def test_days_around_gregorian_new_year_belong_to_the_right_lunar_year():
    assert solar_to_lunar(date(2024, 1, 1)) == LunarDate(20, 11, 2023)
    assert solar_to_lunar(date(2023, 12, 31)) == LunarDate(19, 11, 2023)


@pytest.mark.parametrize(
    ("year", "name"), [(2024, "Giáp Thìn"), (2025, "Ất Tỵ"), (2026, "Bính Ngọ"), (1985, "Ất Sửu")]
)
def test_can_chi(year, name):
    assert can_chi_year(year) == name


def test_bad_input():
    with pytest.raises(ValueError):
        lunar_to_solar(1, 13, 2024)
    with pytest.raises(ValueError):
        lunar_to_solar(0, 1, 2024)
    with pytest.raises(ValueError, match="phạm vi"):
        lunar_new_year(2500)


def test_every_year_1900_to_2199_is_well_formed():
    for year in range(1900, 2200):
        tet = lunar_new_year(year)
        assert date(year, 1, 21) <= tet <= date(year, 2, 20), year
        next_tet = lunar_new_year(year + 1)
        length = (next_tet - tet).days
        leap = leap_month(year)
        assert length in ((383, 384, 385) if leap else (353, 354, 355)), year
        for month in range(1, 13):
            assert days_in_lunar_month(month, year) in (29, 30)


DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=300, deadline=None)
@given(DAYS)
def test_solar_lunar_solar_round_trip(day):
    lunar = solar_to_lunar(day)
    assert lunar_to_solar(lunar.day, lunar.month, lunar.year, lunar.leap) == day
    if lunar.day > 1:
        assert solar_to_lunar(day - timedelta(days=1)).day == lunar.day - 1


@settings(max_examples=300, deadline=None)
@given(st.integers(1901, 2100), st.integers(1, 12), st.integers(1, 29), st.booleans())
def test_lunar_solar_lunar_round_trip(year, month, day, leap):
    if leap and leap_month(year) != month:
        with pytest.raises(ValueError):
            lunar_to_solar(day, month, year, leap)
        return
    solar = lunar_to_solar(day, month, year, leap)
    assert solar_to_lunar(solar) == LunarDate(day, month, year, leap)
