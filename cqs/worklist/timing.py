"""Timeliness of a task, a pure function of its dates and the working-day calendar.

The same idea as the one-stop statistics (regulations.md §2.4: trước hạn / đúng hạn /
quá hạn; trong hạn / quá hạn for what is still open):

* The *due day* is the deadline in force (the extended one once an extension is granted),
  moved to the next working day when it is a day off (Bộ luật Dân sự 2015, Điều 148: a
  time limit whose last day is a day off ends on the next working day).
* Done before the due day = early (trước hạn), on the due day = on time (đúng hạn), after
  it = late (quá hạn). Lateness is judged against the extended deadline; the result says
  whether an extension moved it, so the extension stays visible.
* Still open on day `on`: within the deadline (trong hạn) up to and including the due day,
  overdue (quá hạn) after it.
* Days early, late or overdue are working days (at least 1 for late and overdue).

Every answer is "as at day `on`": a completion or cancellation after `on` has not happened
yet, so a past report reproduces.

| finished_on      | cancelled_on | on vs due  | timing        |
|------------------|--------------|------------|---------------|
| ≤ on, < due      | –            | any        | DONE_EARLY    |
| ≤ on, = due      | –            | any        | DONE_ON_TIME  |
| ≤ on, > due      | –            | any        | DONE_LATE     |
| –  (or > on)     | ≤ on         | any        | CANCELLED     |
| –  (or > on)     | – (or > on)  | on ≤ due   | WITHIN        |
| –  (or > on)     | – (or > on)  | on > due   | OVERDUE       |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cqs.core.text import format_date_short
from cqs.core.workcalendar import WorkCalendar, add_working_days, working_days_between


class Timing(StrEnum):
    WITHIN = "trong_han"
    OVERDUE = "qua_han"
    DONE_EARLY = "hoan_thanh_truoc_han"
    DONE_ON_TIME = "hoan_thanh_dung_han"
    DONE_LATE = "hoan_thanh_qua_han"
    CANCELLED = "da_huy"

    @property
    def label(self) -> str:
        return TIMING_LABELS[self]

    @property
    def is_done(self) -> bool:
        return self in (Timing.DONE_EARLY, Timing.DONE_ON_TIME, Timing.DONE_LATE)


TIMING_LABELS = {
    Timing.WITHIN: "Đang thực hiện, trong hạn",
    Timing.OVERDUE: "Quá hạn",
    Timing.DONE_EARLY: "Hoàn thành trước hạn",
    Timing.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Timing.DONE_LATE: "Hoàn thành quá hạn",
    Timing.CANCELLED: "Đã hủy",
}


@dataclass(frozen=True)
class TaskTiming:
    timing: Timing
    due: date
    """The due day: the deadline in force, on a working day."""
    original_due: date
    """The due day of the deadline first set (equal to `due` without an extension)."""
    days: int
    """Working days early / late / overdue, or left until the due day while within it."""

    @property
    def extended(self) -> bool:
        return self.due != self.original_due

    @property
    def note(self) -> str:
        """The "Ghi chú" words of a task table: "Quá hạn 5 ngày làm việc", "Hoàn thành đúng hạn"."""
        t = self.timing
        if t is Timing.OVERDUE:
            text = f"Quá hạn {self.days} ngày làm việc"
        elif t is Timing.DONE_EARLY:
            text = f"Hoàn thành trước hạn {self.days} ngày làm việc"
        elif t is Timing.DONE_LATE:
            text = f"Hoàn thành quá hạn {self.days} ngày làm việc"
        elif t is Timing.WITHIN:
            text = f"Trong hạn (hạn {format_date_short(self.due)})"
        else:
            text = t.label
        if self.extended and t is not Timing.CANCELLED:
            text += (
                f"; đã gia hạn từ {format_date_short(self.original_due)} đến {format_date_short(self.due)}"
            )
        return text


def due_day(deadline: date, *, calendar: WorkCalendar | None = None) -> date:
    """The deadline itself if it is a working day, else the next working day."""
    return add_working_days(deadline, 0, calendar=calendar)


def task_timing(
    *,
    deadline: date,
    on: date,
    extended_deadline: date | None = None,
    finished_on: date | None = None,
    cancelled_on: date | None = None,
    calendar: WorkCalendar | None = None,
) -> TaskTiming:
    """Where a task stands on day `on` (see the module's table)."""
    original = due_day(deadline, calendar=calendar)
    due = due_day(extended_deadline, calendar=calendar) if extended_deadline else original

    def result(timing: Timing, days: int) -> TaskTiming:
        return TaskTiming(timing=timing, due=due, original_due=original, days=days)

    if finished_on is not None and finished_on <= on:
        if finished_on < due:
            return result(
                Timing.DONE_EARLY, max(1, working_days_between(finished_on, due, calendar=calendar))
            )
        if finished_on == due:
            return result(Timing.DONE_ON_TIME, 0)
        return result(Timing.DONE_LATE, max(1, working_days_between(due, finished_on, calendar=calendar)))
    if cancelled_on is not None and cancelled_on <= on:
        return result(Timing.CANCELLED, 0)
    if on <= due:
        return result(Timing.WITHIN, working_days_between(on, due, calendar=calendar))
    return result(Timing.OVERDUE, max(1, working_days_between(due, on, calendar=calendar)))
