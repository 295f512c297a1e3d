"""Decree 09/2019 reporting periods and their data windows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cqs.core.periods import (
    CALENDAR,
    DECREE_09,
    Period,
    PeriodKind,
    Window,
    parse_period,
    period_containing,
    resolve_window,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("code", "start", "end", "label"),
    [
        ("2023Q3", "2023-06-15", "2023-09-14", "Quý III/2023"),
        ("2024Q1", "2023-12-15", "2024-03-14", "Quý I/2024"),
        ("2024Q4", "2024-09-15", "2024-12-14", "Quý IV/2024"),
        ("2024M01", "2023-12-15", "2024-01-14", "Tháng 1/2024"),
        ("2024M03", "2024-02-15", "2024-03-14", "Tháng 3/2024"),
        ("2024M12", "2024-11-15", "2024-12-14", "Tháng 12/2024"),
        ("2024H1", "2023-12-15", "2024-06-14", "6 tháng đầu năm 2024"),
        ("2024H2", "2024-06-15", "2024-12-14", "6 tháng cuối năm 2024"),
        ("2024N9", "2023-12-15", "2024-09-14", "9 tháng năm 2024"),
        ("2024Y", "2023-12-15", "2024-12-14", "Năm 2024"),
    ],
)
def test_decree_09_windows(code, start, end, label):
    period = parse_period(code)
    assert (period.start, period.end) == (d(start), d(end))
    assert period.label == label
    assert str(period) == label
    assert period.code == code
    assert period.window == DECREE_09


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2024Y", "2024-01-01", "2024-12-31"),
        ("2024Q1", "2024-01-01", "2024-03-31"),
        ("2024M02", "2024-02-01", "2024-02-29"),
        ("2023M02", "2023-02-01", "2023-02-28"),
        ("2024N9", "2024-01-01", "2024-09-30"),
        ("2024H2", "2024-07-01", "2024-12-31"),
    ],
)
def test_calendar_windows(code, start, end):
    period = parse_period(code, window="calendar")
    assert (period.start, period.end) == (d(start), d(end))
    assert period.window == CALENDAR


def test_custom_cutoff_day():
    q1 = parse_period("2024Q1", Window(cutoff_day=20))
    assert (q1.start, q1.end) == (d("2023-12-21"), d("2024-03-20"))
    with pytest.raises(ValueError, match="Ngày chốt"):
        Window(cutoff_day=31)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "2024",
        "2024Q5",
        "2024Q0",
        "2024M13",
        "2024M00",
        "2024M3",
        "24Q1",
        "2024H3",
        "2024N8",
        "Q3/2023",
        "2024YY",
    ],
)
def test_bad_codes(code):
    with pytest.raises(ValueError, match="Mã kỳ báo cáo không hợp lệ"):
        parse_period(code)


def test_lenient_spelling_and_bad_arguments():
    assert parse_period(" 2023q3 ").code == "2023Q3"
    with pytest.raises(ValueError, match="Chế độ chốt số liệu"):
        resolve_window("monthly")
    with pytest.raises(ValueError, match="Loại kỳ báo cáo"):
        period_containing("week", d("2024-01-01"))
    with pytest.raises(ValueError):
        Period(PeriodKind.QUARTER, 2024, 5)


def test_period_containing():
    assert period_containing(PeriodKind.MONTH, d("2023-12-20")).code == "2024M01"
    assert period_containing(PeriodKind.MONTH, d("2023-12-14")).code == "2023M12"
    assert period_containing("quarter", d("2023-06-15")).code == "2023Q3"
    assert period_containing("quarter", d("2023-06-14")).code == "2023Q2"
    assert period_containing("year", d("2023-12-15")).code == "2024Y"
    assert period_containing("year", d("2023-12-15"), window="calendar").code == "2023Y"
    assert period_containing("half_year", d("2024-06-15")).code == "2024H2"
    assert period_containing("nine_months", d("2024-09-14")).code == "2024N9"
    with pytest.raises(ValueError, match="9 tháng"):
        period_containing("nine_months", d("2024-09-15"))


def test_previous_and_next():
    assert parse_period("2024Q1").previous().code == "2023Q4"
    assert parse_period("2024M01").previous().code == "2023M12"
    assert parse_period("2024H1").previous().code == "2023H2"
    assert parse_period("2024N9").previous().code == "2023N9"
    assert parse_period("2024Y").previous().code == "2023Y"
    assert parse_period("2023Q4").next().code == "2024Q1"
    calendar_q1 = parse_period("2024Q1", "calendar")
    assert calendar_q1.previous().window == CALENDAR


def test_larger_periods_are_made_of_quarters():
    year = parse_period("2024Y")
    quarters = [Period(PeriodKind.QUARTER, 2024, i) for i in range(1, 5)]
    assert quarters[0].start == year.start == parse_period("2024H1").start == parse_period("2024N9").start
    assert quarters[1].end == parse_period("2024H1").end
    assert quarters[2].end == parse_period("2024N9").end
    assert quarters[3].end == year.end


WINDOWS = st.sampled_from([DECREE_09, CALENDAR, Window(cutoff_day=20), Window(cutoff_day=1)])
TILING_KINDS = st.sampled_from([PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.HALF_YEAR, PeriodKind.YEAR])
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1990, max_value=2100), st.integers(min_value=1, max_value=4), WINDOWS)
def test_consecutive_quarters_tile_without_gaps_or_overlaps(year, index, window):
    quarter = Period(PeriodKind.QUARTER, year, index, window)
    following = quarter.next()
    assert quarter.start <= quarter.end
    assert following.start == quarter.end + timedelta(days=1)
    assert following.previous() == quarter
    assert parse_period(quarter.code, window) == quarter


@settings(max_examples=200, deadline=None)
@given(DAYS, WINDOWS, TILING_KINDS)
def test_every_day_lies_in_exactly_one_period(day, window, kind):
    period = period_containing(kind, day, window)
    assert period.contains(day)
    assert not period.previous().contains(day)
    assert not period.next().contains(day)


@settings(max_examples=100, deadline=None)
@given(DAYS, WINDOWS)
def test_month_period_of_a_day(day, window):
    month = period_containing(PeriodKind.MONTH, day, window)
    assert month.start <= day <= month.end
    assert month.next().start == month.end + timedelta(days=1)
    quarter = period_containing(PeriodKind.QUARTER, day, window)
    assert quarter.start <= month.start and month.end <= quarter.end
