"""The status rules around deadlines, extensions and days off (a pure function, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from cqs.core.workcalendar import WorkCalendar
from cqs.worklist.timing import Timing, due_day, task_timing

CAL = WorkCalendar()  # the statutory rules: 2025-09-01 (Mon) and 02 (Tue) are Quốc khánh
FRI = date(2025, 8, 29)  # a working day followed by Sat, Sun, Mon 01/9, Tue 02/9 off
SAT = date(2025, 8, 30)
WED = date(2025, 9, 3)  # the next working day


def timing(**kwargs: date | None) -> tuple[Timing, int]:
    result = task_timing(calendar=CAL, **kwargs)  # type: ignore[arg-type]
    return result.timing, result.days


@pytest.mark.parametrize(
    ("finished_on", "on", "expected"),
    [
        (date(2025, 8, 28), date(2025, 8, 28), (Timing.DONE_EARLY, 1)),  # the day before
        (date(2025, 8, 22), date(2025, 12, 1), (Timing.DONE_EARLY, 5)),
        (FRI, FRI, (Timing.DONE_ON_TIME, 0)),  # on the deadline day
        (SAT, SAT, (Timing.DONE_LATE, 1)),  # a day off after the deadline is late
        (WED, WED, (Timing.DONE_LATE, 1)),  # the holidays do not count as days late
        (date(2025, 9, 5), date(2025, 9, 5), (Timing.DONE_LATE, 3)),
        (None, date(2025, 8, 28), (Timing.WITHIN, 1)),
        (None, FRI, (Timing.WITHIN, 0)),  # the deadline day itself is still within
        (None, SAT, (Timing.OVERDUE, 1)),
        (None, WED, (Timing.OVERDUE, 1)),
        (None, date(2025, 9, 10), (Timing.OVERDUE, 6)),
        # A completion after `on` has not happened yet at `on`.
        (date(2025, 9, 10), date(2025, 9, 5), (Timing.OVERDUE, 3)),
        (date(2025, 9, 10), date(2025, 8, 1), (Timing.WITHIN, 20)),
    ],
)
def test_boundaries_around_a_working_day_deadline(
    finished_on: date | None, on: date, expected: tuple[Timing, int]
) -> None:
    assert timing(deadline=FRI, finished_on=finished_on, on=on) == expected


def test_deadline_on_a_day_off_ends_on_the_next_working_day() -> None:
    assert due_day(SAT, calendar=CAL) == WED
    assert timing(deadline=SAT, finished_on=date(2025, 9, 2), on=WED) == (Timing.DONE_EARLY, 1)
    assert timing(deadline=SAT, finished_on=WED, on=WED) == (Timing.DONE_ON_TIME, 0)
    assert timing(deadline=SAT, finished_on=date(2025, 9, 4), on=date(2025, 9, 4)) == (Timing.DONE_LATE, 1)
    assert timing(deadline=SAT, on=date(2025, 9, 2)) == (Timing.WITHIN, 1)
    assert timing(deadline=SAT, on=WED) == (Timing.WITHIN, 0)
    assert timing(deadline=SAT, on=date(2025, 9, 4)) == (Timing.OVERDUE, 1)


def test_an_extension_moves_the_deadline_and_stays_visible() -> None:
    extended = date(2025, 9, 12)
    on_time = task_timing(
        deadline=FRI, extended_deadline=extended, finished_on=extended, on=extended, calendar=CAL
    )
    assert on_time.timing is Timing.DONE_ON_TIME
    assert on_time.extended and on_time.original_due == FRI and on_time.due == extended
    assert on_time.note == "Hoàn thành đúng hạn; đã gia hạn từ 29/08/2025 đến 12/09/2025"
    # Done after the first deadline but before the extended one: early, not late.
    assert timing(deadline=FRI, extended_deadline=extended, finished_on=date(2025, 9, 5), on=extended) == (
        Timing.DONE_EARLY,
        5,
    )
    # Late is judged against the extended deadline.
    late = task_timing(
        deadline=FRI,
        extended_deadline=extended,
        finished_on=date(2025, 9, 16),
        on=date(2025, 9, 30),
        calendar=CAL,
    )
    assert (late.timing, late.days) == (Timing.DONE_LATE, 2)
    assert timing(deadline=FRI, extended_deadline=extended, on=date(2025, 9, 10)) == (Timing.WITHIN, 2)
    assert timing(deadline=FRI, extended_deadline=extended, on=date(2025, 9, 15)) == (Timing.OVERDUE, 1)
    without = task_timing(deadline=FRI, on=FRI, calendar=CAL)
    assert not without.extended


def test_cancelled_counts_from_its_day() -> None:
    assert timing(deadline=FRI, cancelled_on=date(2025, 8, 20), on=date(2025, 8, 20)) == (Timing.CANCELLED, 0)
    assert timing(deadline=FRI, cancelled_on=date(2025, 8, 20), on=date(2025, 8, 19)) == (Timing.WITHIN, 8)


def test_notes_read_as_in_the_task_tables() -> None:
    assert task_timing(deadline=FRI, on=date(2025, 9, 10), calendar=CAL).note == "Quá hạn 6 ngày làm việc"
    assert task_timing(deadline=FRI, on=date(2025, 8, 28), calendar=CAL).note == "Trong hạn (hạn 29/08/2025)"
    assert (
        task_timing(deadline=FRI, finished_on=date(2025, 8, 22), on=FRI, calendar=CAL).note
        == "Hoàn thành trước hạn 5 ngày làm việc"
    )
    assert task_timing(deadline=FRI, finished_on=FRI, on=FRI, calendar=CAL).note == "Hoàn thành đúng hạn"
