"""Working days: statutory rules, announced adjustments, counting, deadlines, time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cqs.core.admin import CalendarDayAdmin
from cqs.core.models import CalendarDay
from cqs.core.workcalendar import (
    GIAI_PHONG_MIEN_NAM,
    GIO_TO_HUNG_VUONG,
    KNOWN_ADJUSTMENTS,
    NGHI_BU,
    QUOC_KHANH,
    QUOC_TE_LAO_DONG,
    TET_DUONG_LICH,
    TET_NGUYEN_DAN,
    VN_TZ,
    Adjustment,
    DayKind,
    WorkCalendar,
    add_working_days,
    clear_calendar_cache,
    deadline_for,
    get_calendar,
    holiday_name,
    is_working_day,
    seed_known_adjustments,
    working_days_between,
    working_hours_between,
)

RULES = WorkCalendar()  # the statutory rules alone
KNOWN = WorkCalendar(KNOWN_ADJUSTMENTS)  # plus the announcements seeded in the database


def d(text: str) -> date:
    return date.fromisoformat(text)


def off_weekdays(calendar: WorkCalendar, first: str, last: str) -> list[str]:
    """Monday–Friday dates in [first, last] that are not working days."""
    day, end, found = d(first), d(last), []
    while day <= end:
        if day.weekday() < 5 and not calendar.is_working_day(day):
            found.append(day.isoformat())
        day += timedelta(days=1)
    return found


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


# --- rules ---------------------------------------------------------------------


def test_weekends_are_off_and_unnamed():
    assert not RULES.is_working_day(d("2024-02-17"))  # Saturday
    assert not RULES.is_working_day(d("2024-02-18"))  # Sunday
    assert RULES.is_working_day(d("2024-02-19"))
    assert RULES.holiday_name(d("2024-02-17")) is None
    assert RULES.day_info(d("2024-02-17")).kind is DayKind.WEEKEND


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2025-01-01", TET_DUONG_LICH),
        ("2025-01-29", TET_NGUYEN_DAN),
        ("2024-04-18", GIO_TO_HUNG_VUONG),
        ("2025-04-07", GIO_TO_HUNG_VUONG),
        ("2025-04-30", GIAI_PHONG_MIEN_NAM),
        ("2025-05-01", QUOC_TE_LAO_DONG),
        ("2025-09-02", QUOC_KHANH),
        ("2025-09-01", QUOC_KHANH),
    ],
)
def test_holiday_names(day, name):
    assert RULES.holiday_name(d(day)) == name
    assert not RULES.is_working_day(d(day))


def test_default_tet_is_last_day_of_lunar_year_plus_four():
    # Tết Ất Tỵ 2025: 28/01 (29 tháng Chạp) to 01/02 (mùng 4); 01/02 is a Saturday,
    # so Monday 03/02 is a compensatory day.
    tet_days = [
        day for day in (d("2025-01-27") + timedelta(days=i) for i in range(8)) if RULES.holiday_name(day)
    ]
    assert [x.isoformat() for x in tet_days] == [
        "2025-01-28",
        "2025-01-29",
        "2025-01-30",
        "2025-01-31",
        "2025-02-01",
        "2025-02-03",
    ]
    assert RULES.holiday_name(d("2025-02-03")) == NGHI_BU
    assert "Tết Nguyên đán" in RULES.day_info(d("2025-02-03")).note


def test_compensatory_days_for_holidays_on_weekends():
    # 2023: Giỗ Tổ Sat 29/04, 30/04 Sun, 01/05 Mon → nghỉ bù Tue 02/05 and Wed 03/05.
    assert off_weekdays(RULES, "2023-04-24", "2023-05-07") == ["2023-05-01", "2023-05-02", "2023-05-03"]
    # 2023: Tết Dương lịch on Sunday → Monday 02/01 off.
    assert RULES.holiday_name(d("2023-01-02")) == NGHI_BU
    # 2026: Giỗ Tổ on Sunday 26/04 → Monday 27/04 off.
    assert RULES.holiday_name(d("2026-04-27")) == NGHI_BU
    # 2023: Quốc khánh Sat 02/09 with Fri 01/09 → Monday 04/09 off.
    assert off_weekdays(RULES, "2023-08-28", "2023-09-08") == ["2023-09-01", "2023-09-04"]


def test_national_day_adjacent_day():
    assert off_weekdays(RULES, "2025-08-25", "2025-09-07") == ["2025-09-01", "2025-09-02"]
    after = WorkCalendar(national_day_adjacent="after")
    assert off_weekdays(after, "2025-08-25", "2025-09-07") == ["2025-09-02", "2025-09-03"]


# --- announced adjustments -------------------------------------------------------


def test_tet_2024_announced():
    # Off Thu 08/02 to Wed 14/02/2024; the computed rule would have been 09/02–15/02.
    assert off_weekdays(KNOWN, "2024-02-05", "2024-02-23") == [
        "2024-02-08",
        "2024-02-09",
        "2024-02-12",
        "2024-02-13",
        "2024-02-14",
    ]
    assert off_weekdays(RULES, "2024-02-05", "2024-02-23") == [
        "2024-02-09",
        "2024-02-12",
        "2024-02-13",
        "2024-02-14",
        "2024-02-15",
    ]
    assert KNOWN.add_working_days(d("2024-02-07"), 5) == d("2024-02-21")
    assert KNOWN.working_days_between(d("2024-02-01"), d("2024-02-29")) == 15


def test_tet_2025_announced():
    # Off Sat 25/01 to Sun 02/02/2025; Monday 03/02 is a working day (no computed nghỉ bù).
    assert off_weekdays(KNOWN, "2025-01-20", "2025-02-07") == [
        "2025-01-27",
        "2025-01-28",
        "2025-01-29",
        "2025-01-30",
        "2025-01-31",
    ]
    assert KNOWN.is_working_day(d("2025-02-03"))
    assert KNOWN.holiday_name(d("2025-02-01")) == TET_NGUYEN_DAN
    assert KNOWN.add_working_days(d("2025-01-24"), 1) == d("2025-02-03")


def test_april_may_2025_swap():
    # Off 30/04–04/05/2025: Friday 02/05 swapped with Saturday 26/04 (làm bù).
    assert KNOWN.is_working_day(d("2025-04-26"))
    assert KNOWN.day_info(d("2025-04-26")).kind is DayKind.SWAP_WORKING
    assert off_weekdays(KNOWN, "2025-04-28", "2025-05-09") == ["2025-04-30", "2025-05-01", "2025-05-02"]
    assert KNOWN.add_working_days(d("2025-04-25"), 1) == d("2025-04-26")
    assert KNOWN.add_working_days(d("2025-04-29"), 1) == d("2025-05-05")
    assert KNOWN.working_days_between(d("2025-04-24"), d("2025-05-05")) == 5  # 25, 26(Sat), 28, 29, 05


def test_national_day_2024_and_2025_announced():
    # 2024: 02/09 and 03/09 (off Sat 31/08 to Tue 03/09).
    assert off_weekdays(KNOWN, "2024-08-26", "2024-09-06") == ["2024-09-02", "2024-09-03"]
    assert KNOWN.holiday_name(d("2024-09-03")) == QUOC_KHANH
    assert RULES.holiday_name(d("2024-09-03")) == NGHI_BU  # same day off, reached by the rules
    # 2025: 01/09 and 02/09.
    assert off_weekdays(KNOWN, "2025-08-25", "2025-09-05") == ["2025-09-01", "2025-09-02"]


def test_swap_working_saturday_overrides_weekend():
    calendar = WorkCalendar(
        [
            Adjustment(d("2030-01-05"), DayKind.SWAP_WORKING, "Làm bù"),
            Adjustment(d("2030-01-07"), DayKind.SWAP_OFF, ""),
        ]
    )
    assert calendar.is_working_day(d("2030-01-05"))
    assert not calendar.is_working_day(d("2030-01-07"))
    assert calendar.holiday_name(d("2030-01-07")) == "Nghỉ hoán đổi"
    assert calendar.add_working_days(d("2030-01-04"), 2) == d("2030-01-08")


def test_declaring_one_season_day_replaces_the_computed_season():
    calendar = WorkCalendar([Adjustment(d("2025-09-02"), DayKind.HOLIDAY, QUOC_KHANH)])
    assert calendar.is_working_day(d("2025-09-01"))
    assert not calendar.is_working_day(d("2025-09-02"))
    # Other seasons keep their computed days.
    assert not calendar.is_working_day(d("2025-04-30"))


def test_computed_compensatory_day_skips_announced_dates():
    # Giỗ Tổ 2026 is Sunday 26/04. With Monday 27/04 announced as a swap day off, the
    # computed nghỉ bù moves to the next free working day, Tuesday 28/04.
    calendar = WorkCalendar([Adjustment(d("2026-04-27"), DayKind.SWAP_OFF, "")])
    assert calendar.holiday_name(d("2026-04-28")) == NGHI_BU


def test_duplicate_and_invalid_adjustments_are_refused():
    with pytest.raises(ValueError, match="hai lần"):
        WorkCalendar(
            [Adjustment(d("2030-01-05"), DayKind.SWAP_WORKING), Adjustment(d("2030-01-05"), DayKind.HOLIDAY)]
        )
    with pytest.raises(ValueError):
        Adjustment(d("2030-01-05"), DayKind.WEEKEND)
    with pytest.raises(ValueError):
        WorkCalendar(weekend=range(7))


# --- counting --------------------------------------------------------------------


def test_add_working_days_conventions():
    assert KNOWN.add_working_days(d("2024-03-04"), 0) == d("2024-03-04")  # working Monday: itself
    assert KNOWN.add_working_days(d("2024-03-02"), 0) == d("2024-03-04")  # Saturday: next working day
    assert KNOWN.add_working_days(d("2024-03-02"), 1) == d("2024-03-04")
    assert KNOWN.add_working_days(d("2024-03-01"), 1) == d("2024-03-04")
    assert KNOWN.add_working_days(d("2024-02-21"), -5) == d("2024-02-07")
    assert KNOWN.add_working_days(d("2024-03-04"), -1) == d("2024-03-01")


def test_working_days_between_conventions():
    assert KNOWN.working_days_between(d("2024-03-04"), d("2024-03-04")) == 0
    assert KNOWN.working_days_between(d("2024-03-01"), d("2024-03-04")) == 1  # (Fri, Mon]
    assert KNOWN.working_days_between(d("2024-03-04"), d("2024-03-01")) == -1
    assert KNOWN.working_days_between(d("2024-02-07"), d("2024-02-14")) == 0  # all Tết


def test_working_hours_between():
    monday = d("2024-03-04")
    start = datetime.combine(monday, time(8, 0), tzinfo=VN_TZ)
    end = datetime.combine(monday, time(16, 0), tzinfo=VN_TZ)
    assert KNOWN.working_hours_between(start, end) == timedelta(hours=6)  # 3.5 + 2.5
    assert KNOWN.working_hours_between(end, start) == -timedelta(hours=6)
    # The same moments given in UTC.
    utc_start = datetime(2024, 3, 4, 1, 0, tzinfo=UTC)
    utc_end = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
    assert KNOWN.working_hours_between(utc_start, utc_end) == timedelta(hours=6)
    # Friday 16:00 → Monday 08:30 spans a weekend: 1 h + 1 h.
    friday = datetime(2024, 3, 1, 16, 0, tzinfo=VN_TZ)
    assert KNOWN.working_hours_between(friday, datetime(2024, 3, 4, 8, 30, tzinfo=VN_TZ)) == timedelta(
        hours=2
    )
    # Across Tết 2024: Wed 07/02 16:00 → Thu 15/02 08:00 is 1 h + 0.5 h.
    before_tet = datetime(2024, 2, 7, 16, 0, tzinfo=VN_TZ)
    after_tet = datetime(2024, 2, 15, 8, 0, tzinfo=VN_TZ)
    assert KNOWN.working_hours_between(before_tet, after_tet) == timedelta(hours=1, minutes=30)
    # A full week: 5 × 7.5 h; naive datetimes are Vietnam's local time.
    assert KNOWN.working_hours_between(datetime(2024, 3, 4), datetime(2024, 3, 11)) == timedelta(hours=37.5)
    # The lunch break does not count.
    noon = datetime(2024, 3, 4, 11, 45, tzinfo=VN_TZ)
    assert KNOWN.working_hours_between(noon, noon + timedelta(hours=1)) == timedelta(0)


# --- deadlines -------------------------------------------------------------------


def test_deadline_for_dates_and_datetimes():
    assert KNOWN.deadline_for(d("2024-02-07"), 5) == d("2024-02-21")
    due = KNOWN.deadline_for(datetime(2024, 2, 7, 10, 0, tzinfo=VN_TZ), 5)
    assert due == datetime.combine(d("2024-02-21"), time.max, tzinfo=VN_TZ)
    assert KNOWN.deadline_for(d("2024-03-02"), 1) == d("2024-03-05")  # Saturday → deemed Monday
    assert KNOWN.deadline_for(datetime(2024, 3, 4, 10, 0, tzinfo=VN_TZ), 0).date() == d("2024-03-04")
    with pytest.raises(ValueError):
        KNOWN.deadline_for(d("2024-03-04"), -1)


def test_deadline_cutoff_hour():
    cutoff = time(15, 0)
    on_time = datetime(2024, 3, 4, 14, 59, tzinfo=VN_TZ)
    exactly = datetime(2024, 3, 4, 15, 0, tzinfo=VN_TZ)
    late = datetime(2024, 3, 4, 15, 30, tzinfo=VN_TZ)
    assert KNOWN.deadline_for(on_time, 3, cutoff).date() == d("2024-03-07")
    assert KNOWN.deadline_for(exactly, 3, cutoff).date() == d("2024-03-07")
    assert KNOWN.deadline_for(late, 3, cutoff).date() == d("2024-03-08")
    assert KNOWN.deadline_for(late, 3).date() == d("2024-03-07")  # no cut-off
    # Received Wed 07/02/2024 after the cut-off: deemed received Thu 15/02 (after Tết).
    assert KNOWN.effective_receipt_day(datetime(2024, 2, 7, 16, 0, tzinfo=VN_TZ), cutoff) == d("2024-02-15")
    assert KNOWN.deadline_for(datetime(2024, 2, 7, 16, 0, tzinfo=VN_TZ), 5, cutoff).date() == d("2024-02-22")


def test_deadline_converts_to_vietnam_time():
    # 2024-02-07T17:30Z is 08/02 00:30 in Vietnam: a Tết day, so it counts from 15/02.
    received = datetime(2024, 2, 7, 17, 30, tzinfo=UTC)
    assert KNOWN.effective_receipt_day(received) == d("2024-02-15")
    due = KNOWN.deadline_for(received, 5)
    assert due.tzinfo is VN_TZ
    assert due.date() == d("2024-02-22")
    assert KNOWN.is_working_day(datetime(2024, 2, 7, 16, 59, tzinfo=UTC))  # 23:59 on 07/02
    assert not KNOWN.is_working_day(received)


# --- properties ------------------------------------------------------------------

DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
COUNTS = st.integers(min_value=-40, max_value=40)
PROPERTY_SETTINGS = settings(max_examples=120, deadline=None)


@PROPERTY_SETTINGS
@given(DAYS, COUNTS)
def test_result_is_a_working_day(day, n):
    assert KNOWN.is_working_day(KNOWN.add_working_days(day, n))


@PROPERTY_SETTINGS
@given(DAYS, COUNTS)
def test_counting_inverts_adding_from_a_working_day(day, n):
    assume(KNOWN.is_working_day(day))
    result = KNOWN.add_working_days(day, n)
    assert KNOWN.working_days_between(day, result) == n
    assert (result > day) == (n > 0)


@PROPERTY_SETTINGS
@given(DAYS, DAYS, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_monotonic(first, second, n, m):
    low, high = sorted((first, second))
    small, large = sorted((n, m))
    assert KNOWN.add_working_days(low, small) <= KNOWN.add_working_days(high, small)
    assert KNOWN.add_working_days(low, small) <= KNOWN.add_working_days(low, large)
    assert KNOWN.working_days_between(low, high) >= 0


@PROPERTY_SETTINGS
@given(DAYS, DAYS, DAYS)
def test_between_is_additive(a, b, c):
    a, b, c = sorted((a, b, c))
    total = KNOWN.working_days_between(a, c)
    assert KNOWN.working_days_between(a, b) + KNOWN.working_days_between(b, c) == total


# --- the database calendar -----------------------------------------------------------


@pytest.mark.django_db
def test_database_calendar_has_the_seeded_announcements():
    assert not is_working_day(d("2024-02-08"))
    assert holiday_name(d("2024-02-10")) == TET_NGUYEN_DAN
    assert add_working_days(d("2024-02-07"), 5) == d("2024-02-21")
    assert working_days_between(d("2024-02-01"), d("2024-02-29")) == 15
    assert is_working_day(d("2025-04-26"))
    due = deadline_for(datetime(2024, 2, 7, 17, 30, tzinfo=UTC), 5)
    assert due.date() == d("2024-02-22")
    assert working_hours_between(datetime(2024, 3, 4, 7, 0), datetime(2024, 3, 4, 12, 0)) == timedelta(
        hours=4
    )


@pytest.mark.django_db
def test_saving_and_deleting_a_calendar_day_refreshes_the_cache():
    assert not is_working_day(d("2030-01-05"))
    cached = get_calendar()
    assert get_calendar() is cached
    day = CalendarDay.objects.create(date=d("2030-01-05"), kind=CalendarDay.Kind.SWAP_WORKING, name="Làm bù")
    assert is_working_day(d("2030-01-05"))
    day.kind = CalendarDay.Kind.HOLIDAY
    day.save()
    assert holiday_name(d("2030-01-05")) == "Làm bù"  # the name given wins over the kind's default
    day.delete()
    assert not is_working_day(d("2030-01-05"))
    assert holiday_name(d("2030-01-05")) is None


@pytest.mark.django_db
def test_admin_bulk_delete_refreshes_the_cache():
    assert not is_working_day(d("2024-02-08"))
    model_admin = CalendarDayAdmin(CalendarDay, admin.site)
    request = RequestFactory().post("/")
    model_admin.delete_queryset(request, CalendarDay.objects.filter(date__year=2024, name=TET_NGUYEN_DAN))
    assert is_working_day(d("2024-02-08"))


@pytest.mark.django_db
def test_admin_changelist(admin_client):
    response = admin_client.get(reverse("admin:core_calendarday_changelist"))
    assert response.status_code == 200
    assert "Tết Nguyên đán" in response.content.decode()


@pytest.mark.django_db
def test_seed_is_idempotent_and_keeps_admin_edits():
    assert seed_known_adjustments() == 0  # the data migration already seeded them
    CalendarDay.objects.filter(date=d("2025-05-02")).update(note="Đã sửa")
    CalendarDay.objects.get(date=d("2024-02-08")).delete()
    assert seed_known_adjustments() == 1
    assert CalendarDay.objects.get(date=d("2025-05-02")).note == "Đã sửa"
    assert CalendarDay.objects.count() == len(KNOWN_ADJUSTMENTS)


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        ("2030-01-07", CalendarDay.Kind.SWAP_WORKING),  # a Monday cannot be làm bù
        ("2030-01-05", CalendarDay.Kind.SWAP_OFF),  # a Saturday is already off
        ("2030-01-05", CalendarDay.Kind.COMPENSATORY),
    ],
)
def test_calendar_day_validation(day, kind):
    with pytest.raises(ValidationError):
        CalendarDay(date=d(day), kind=kind).clean()
