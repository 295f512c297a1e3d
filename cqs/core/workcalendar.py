"""Working days of Vietnamese state agencies: the one calendar every deadline uses.

Rules (Bộ luật Lao động 2019, Điều 111–112), computed for any year:

* Saturday and Sunday are weekly days off.
* Public holidays: 01/01 Tết Dương lịch; Tết Nguyên đán, 5 days, by default the last
  day of the lunar year (29 or 30 tháng Chạp) and 1–4 tháng Giêng; 10/3 lunar Giỗ Tổ
  Hùng Vương; 30/4; 01/5; 02/9 Quốc khánh plus one adjacent day, by default 01/9.
* A holiday that falls on a weekly day off gives a compensatory day off (nghỉ bù) on
  the next working day (Điều 111 khoản 3).

Announcements (`cqs.core.models.CalendarDay`, turned into `Adjustment`) override them:

* An adjustment decides its own date: "holiday", "compensatory" and "swap_off" make
  the day a day off, "swap_working" makes it a working day (e.g. a Saturday làm bù).
* The Prime Minister fixes the exact days of Tết Nguyên đán and Quốc khánh every year
  (Điều 112 khoản 3). So a "holiday" or "compensatory" adjustment inside the Tết season
  (15 days either side of 1/1 lunar) or the Quốc khánh season (25/8–9/9) marks that
  season as declared: its computed holidays and their computed compensatory days are
  dropped, and the announced days alone count. Enter every announced day off of the
  season (weekend days may be entered too, to name them).
* Computed compensatory days never land on a date that has an adjustment.

The rules are those in force since 2021 and are applied to every year; older years
may differ from what applied at the time.

Counting conventions (all dates are civil dates in Vietnam, UTC+7):

* `add_working_days(start, n)`: for n > 0, the n-th working day strictly after
  `start`; for n < 0, the |n|-th working day strictly before `start`; for n = 0,
  `start` itself if it is a working day, else the next working day.
* `working_days_between(start, end)`: the number of working days d with
  start < d ≤ end (start excluded, end included); negative when end < start. So for a
  working day d and n ≥ 0, `working_days_between(d, add_working_days(d, n)) == n`.
* `deadline_for(received_at, n, cutoff)`: a dossier received after `cutoff`, or on a
  day that is not a working day, is deemed received on the next working day; the
  time limit counts from the day after that receipt day (Bộ luật Dân sự 2015, Điều
  147), so the due day is `add_working_days(receipt_day, n)`.
"""

from __future__ import annotations

import threading
import time as _time
from bisect import bisect_left
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Literal, overload
from zoneinfo import ZoneInfo

from django.db import transaction

from cqs.core.lunar import lunar_new_year, lunar_to_solar

if TYPE_CHECKING:
    from cqs.core.models import CalendarDay

__all__ = [
    "CACHE_TTL_SECONDS",
    "DEFAULT_RECEIPT_CUTOFF",
    "KNOWN_ADJUSTMENTS",
    "OFFICE_HOURS",
    "VN_TZ",
    "WEEKEND_DAYS",
    "Adjustment",
    "DayInfo",
    "DayKind",
    "WorkCalendar",
    "add_working_days",
    "calendar_changed",
    "clear_calendar_cache",
    "day_info",
    "deadline_for",
    "effective_receipt_day",
    "get_calendar",
    "holiday_name",
    "is_working_day",
    "load_calendar",
    "seed_known_adjustments",
    "working_days_between",
    "working_hours_between",
]

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKEND_DAYS: frozenset[int] = frozenset({5, 6})  # date.weekday(): Saturday, Sunday
# Office hours of state agencies; a working day has 7.5 hours.
OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
# Usual cut-off for one-stop-shop receipts: later dossiers count from the next working day.
DEFAULT_RECEIPT_CUTOFF = time(15, 0)
# How long a process keeps the calendar read from the database (saves clear it at once
# in the saving process; other processes see the change within this delay).
CACHE_TTL_SECONDS = 300.0
# A safety stop: no announcement gives this many consecutive days off.
_MAX_CONSECUTIVE_DAYS_OFF = 366
_TET_SEASON_HALF_WIDTH = timedelta(days=15)

TET_DUONG_LICH = "Tết Dương lịch"
TET_NGUYEN_DAN = "Tết Nguyên đán"
GIO_TO_HUNG_VUONG = "Giỗ Tổ Hùng Vương"
GIAI_PHONG_MIEN_NAM = "Ngày Giải phóng miền Nam, thống nhất đất nước"
QUOC_TE_LAO_DONG = "Ngày Quốc tế Lao động"
QUOC_KHANH = "Quốc khánh"
NGHI_BU = "Nghỉ bù"
NGHI_HOAN_DOI = "Nghỉ hoán đổi"
LAM_BU = "Làm bù"
NGHI_HANG_TUAN = "Nghỉ hằng tuần"


class DayKind(StrEnum):
    WORKING = "working"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    COMPENSATORY = "compensatory"
    SWAP_OFF = "swap_off"
    SWAP_WORKING = "swap_working"


_OFF_KINDS = frozenset({DayKind.HOLIDAY, DayKind.COMPENSATORY, DayKind.SWAP_OFF})
_ADJUSTMENT_KINDS = frozenset({*_OFF_KINDS, DayKind.SWAP_WORKING})
_DEFAULT_NAMES = {
    DayKind.HOLIDAY: "Ngày lễ",
    DayKind.COMPENSATORY: NGHI_BU,
    DayKind.SWAP_OFF: NGHI_HOAN_DOI,
    DayKind.SWAP_WORKING: LAM_BU,
    DayKind.WEEKEND: NGHI_HANG_TUAN,
}


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One announced day, as stored in `CalendarDay`."""

    day: date
    kind: DayKind
    name: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _ADJUSTMENT_KINDS:
            raise ValueError(f"Loại ngày điều chỉnh không hợp lệ: {self.kind!r}.")


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What a date is. `name` is set for every kind except an ordinary working day."""

    day: date
    working: bool
    kind: DayKind
    name: str | None
    from_announcement: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class _RuleDay:
    kind: DayKind
    name: str
    note: str = ""


def _to_local(moment: datetime) -> datetime:
    """A naive datetime in Vietnam's local time; naive input is taken as local already."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment
    return moment.astimezone(VN_TZ).replace(tzinfo=None)


def _as_day(value: date) -> date:
    if isinstance(value, datetime):
        return _to_local(value).date()
    return value


def _validate_office_hours(hours: Sequence[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
    previous_close: time | None = None
    for opening, closing in hours:
        if opening.tzinfo is not None or closing.tzinfo is not None:
            raise ValueError("Giờ làm việc phải là giờ địa phương, không kèm múi giờ.")
        if not opening < closing:
            raise ValueError(f"Ca làm việc không hợp lệ: {opening}–{closing}.")
        if previous_close is not None and opening < previous_close:
            raise ValueError("Các ca làm việc phải theo thứ tự và không chồng lên nhau.")
        previous_close = closing
    return tuple(hours)


class WorkCalendar:
    """The rules plus a fixed set of announcements; immutable once built, safe to share."""

    def __init__(
        self,
        adjustments: Iterable[Adjustment] = (),
        *,
        weekend: Collection[int] = WEEKEND_DAYS,
        national_day_adjacent: Literal["before", "after"] = "before",
        office_hours: Sequence[tuple[time, time]] = OFFICE_HOURS,
    ) -> None:
        self.weekend = frozenset(weekend)
        if not self.weekend <= set(range(7)) or len(self.weekend) >= 7:
            raise ValueError("Ngày nghỉ hằng tuần phải là các số 0–6 (thứ Hai = 0) và không đủ cả 7 ngày.")
        if national_day_adjacent not in ("before", "after"):
            raise ValueError("Ngày nghỉ liền kề Quốc khánh phải là 'before' hoặc 'after'.")
        self.national_day_adjacent = national_day_adjacent
        self.office_hours = _validate_office_hours(office_hours)
        self._adjustments: dict[date, Adjustment] = {}
        for adjustment in adjustments:
            if adjustment.day in self._adjustments:
                raise ValueError(f"Ngày {adjustment.day:%d/%m/%Y} được khai báo hai lần.")
            self._adjustments[adjustment.day] = adjustment
        # Dates of announced days off that can declare a Tết / Quốc khánh season.
        self._declaring_dates = sorted(
            a.day for a in self._adjustments.values() if a.kind in (DayKind.HOLIDAY, DayKind.COMPENSATORY)
        )
        self._rule_years: dict[int, dict[date, _RuleDay]] = {}
        self._lock = threading.Lock()

    @property
    def adjustments(self) -> tuple[Adjustment, ...]:
        return tuple(sorted(self._adjustments.values(), key=lambda a: a.day))

    # --- the rules ------------------------------------------------------------

    def _declared(self, first: date, last: date) -> bool:
        i = bisect_left(self._declaring_dates, first)
        return i < len(self._declaring_dates) and self._declaring_dates[i] <= last

    def _statutory_holidays(self, year: int) -> dict[date, str]:
        holidays: dict[date, str] = {
            date(year, 1, 1): TET_DUONG_LICH,
            lunar_to_solar(10, 3, year): GIO_TO_HUNG_VUONG,
            date(year, 4, 30): GIAI_PHONG_MIEN_NAM,
            date(year, 5, 1): QUOC_TE_LAO_DONG,
        }
        tet = lunar_new_year(year)
        if not self._declared(tet - _TET_SEASON_HALF_WIDTH, tet + _TET_SEASON_HALF_WIDTH):
            for offset in range(-1, 4):  # the last day of the lunar year, then 1–4 tháng Giêng
                holidays[tet + timedelta(days=offset)] = TET_NGUYEN_DAN
        if not self._declared(date(year, 8, 25), date(year, 9, 9)):
            adjacent = date(year, 9, 1) if self.national_day_adjacent == "before" else date(year, 9, 3)
            holidays[date(year, 9, 2)] = QUOC_KHANH
            holidays[adjacent] = QUOC_KHANH
        return holidays

    def _compute_year(self, year: int) -> dict[date, _RuleDay]:
        holidays = self._statutory_holidays(year)
        days: dict[date, _RuleDay] = {d: _RuleDay(DayKind.HOLIDAY, name) for d, name in holidays.items()}
        for holiday in sorted(holidays):
            if holiday.weekday() not in self.weekend or holiday in self._adjustments:
                continue
            candidate = holiday + timedelta(days=1)
            while candidate.weekday() in self.weekend or candidate in days or candidate in self._adjustments:
                candidate += timedelta(days=1)
            days[candidate] = _RuleDay(
                DayKind.COMPENSATORY,
                NGHI_BU,
                f"Nghỉ bù {holidays[holiday]} ({holiday:%d/%m/%Y}) trùng ngày nghỉ hằng tuần.",
            )
        return days

    def _rule_days(self, year: int) -> dict[date, _RuleDay]:
        days = self._rule_years.get(year)
        if days is None:
            days = self._compute_year(year)
            with self._lock:
                self._rule_years[year] = days
        return days

    def _rule_day(self, day: date) -> _RuleDay | None:
        return self._rule_days(day.year).get(day)

    # --- single days ----------------------------------------------------------

    def day_info(self, day: date) -> DayInfo:
        day = _as_day(day)
        adjustment = self._adjustments.get(day)
        if adjustment is not None:
            return DayInfo(
                day=day,
                working=adjustment.kind == DayKind.SWAP_WORKING,
                kind=adjustment.kind,
                name=adjustment.name or _DEFAULT_NAMES[adjustment.kind],
                from_announcement=True,
                note=adjustment.note,
            )
        rule = self._rule_day(day)
        if rule is not None:
            return DayInfo(day, False, rule.kind, rule.name, False, rule.note)
        if day.weekday() in self.weekend:
            return DayInfo(day, False, DayKind.WEEKEND, NGHI_HANG_TUAN, False)
        return DayInfo(day, True, DayKind.WORKING, None, False)

    def is_working_day(self, day: date) -> bool:
        day = _as_day(day)
        adjustment = self._adjustments.get(day)
        if adjustment is not None:
            return adjustment.kind == DayKind.SWAP_WORKING
        if day.weekday() in self.weekend:
            return False
        return self._rule_day(day) is None

    def holiday_name(self, day: date) -> str | None:
        """The name of a holiday, compensatory or swapped day off; None otherwise (weekends too)."""
        info = self.day_info(day)
        return info.name if info.kind in _OFF_KINDS else None

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self._step(_as_day(day), 1)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        return self._step(_as_day(day), -1)

    def _step(self, day: date, direction: int) -> date:
        one = timedelta(days=direction)
        for _ in range(_MAX_CONSECUTIVE_DAYS_OFF):
            day += one
            if self.is_working_day(day):
                return day
        raise ValueError(f"Không có ngày làm việc nào trong {_MAX_CONSECUTIVE_DAYS_OFF} ngày liền.")

    # --- counting -------------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> date:
        """See the module docstring: n-th working day after (n > 0) or before (n < 0) `start`."""
        day = _as_day(start)
        if n == 0:
            return day if self.is_working_day(day) else self._step(day, 1)
        direction = 1 if n > 0 else -1
        for _ in range(abs(n)):
            day = self._step(day, direction)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d ≤ end; negative (−count in (end, start]) if end < start."""
        start, end = _as_day(start), _as_day(end)
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        one = timedelta(days=1)
        while day < end:
            day += one
            if self.is_working_day(day):
                count += 1
        return count

    def working_hours_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time between two moments, counting only office hours of working days.

        Aware datetimes are converted to Vietnam's time; naive ones are taken as Vietnam's
        local time. Negative when end < start.
        """
        local_start, local_end = _to_local(start), _to_local(end)
        if local_end < local_start:
            return -self.working_hours_between(end, start)
        total = timedelta()
        day = local_start.date()
        while day <= local_end.date():
            if self.is_working_day(day):
                for opening, closing in self.office_hours:
                    lower = max(local_start, datetime.combine(day, opening))
                    upper = min(local_end, datetime.combine(day, closing))
                    if upper > lower:
                        total += upper - lower
            day += timedelta(days=1)
        return total

    def effective_receipt_day(self, received_at: date, cutoff: time | None = None) -> date:
        """The day a dossier counts as received: the next working day if it came on a day
        that is not a working day, or (for a datetime) after `cutoff` local time."""
        if isinstance(received_at, datetime):
            local = _to_local(received_at)
            day = local.date()
            late = cutoff is not None and local.time() > cutoff
        else:
            day = received_at
            late = False
        if late or not self.is_working_day(day):
            return self._step(day, 1)
        return day

    @overload
    def deadline_for(
        self, received_at: datetime, working_days: int, cutoff: time | None = None
    ) -> datetime: ...

    @overload
    def deadline_for(self, received_at: date, working_days: int, cutoff: time | None = None) -> date: ...

    def deadline_for(self, received_at: date, working_days: int, cutoff: time | None = None) -> date:
        """The due day of a time limit of `working_days` working days (see the module docstring).

        For a `date`, returns the due date. For a `datetime`, returns the end of the due
        day (23:59:59.999999) in Vietnam's time zone, as an aware datetime.
        """
        if working_days < 0:
            raise ValueError("Thời hạn giải quyết (số ngày làm việc) không được âm.")
        receipt_day = self.effective_receipt_day(received_at, cutoff)
        due = self.add_working_days(receipt_day, working_days)
        if isinstance(received_at, datetime):
            return datetime.combine(due, time.max, tzinfo=VN_TZ)
        return due


# --- the calendar read from the database -----------------------------------------


def load_calendar() -> WorkCalendar:
    """A calendar with every `CalendarDay` row, read now (no cache)."""
    from cqs.core.models import CalendarDay

    rows = CalendarDay.objects.values_list("date", "kind", "name", "note")
    return WorkCalendar(Adjustment(d, DayKind(kind), name, note) for d, kind, name, note in rows)


class _CalendarCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: tuple[float, WorkCalendar] | None = None

    def get(self) -> WorkCalendar:
        cached = self._value
        now = _time.monotonic()
        if cached is not None and now - cached[0] < CACHE_TTL_SECONDS:
            return cached[1]
        calendar = load_calendar()
        with self._lock:
            self._value = (now, calendar)
        return calendar

    def clear(self) -> None:
        with self._lock:
            self._value = None


_cache = _CalendarCache()


def get_calendar() -> WorkCalendar:
    """The calendar of the `CalendarDay` rows, cached per process (see CACHE_TTL_SECONDS)."""
    return _cache.get()


def clear_calendar_cache() -> None:
    _cache.clear()


def calendar_changed() -> None:
    """Call after changing `CalendarDay` rows: drops the cache now and when the transaction
    commits (so a concurrent reader cannot keep the rows as they were before the commit)."""
    clear_calendar_cache()
    transaction.on_commit(clear_calendar_cache)


def _calendar(calendar: WorkCalendar | None) -> WorkCalendar:
    return get_calendar() if calendar is None else calendar


# --- module-level API (default: the database calendar) -----------------------------


def day_info(day: date, *, calendar: WorkCalendar | None = None) -> DayInfo:
    return _calendar(calendar).day_info(day)


def is_working_day(day: date, *, calendar: WorkCalendar | None = None) -> bool:
    return _calendar(calendar).is_working_day(day)


def holiday_name(day: date, *, calendar: WorkCalendar | None = None) -> str | None:
    return _calendar(calendar).holiday_name(day)


def add_working_days(start: date, n: int, *, calendar: WorkCalendar | None = None) -> date:
    return _calendar(calendar).add_working_days(start, n)


def working_days_between(start: date, end: date, *, calendar: WorkCalendar | None = None) -> int:
    return _calendar(calendar).working_days_between(start, end)


def working_hours_between(
    start: datetime, end: datetime, *, calendar: WorkCalendar | None = None
) -> timedelta:
    return _calendar(calendar).working_hours_between(start, end)


def effective_receipt_day(
    received_at: date, cutoff: time | None = None, *, calendar: WorkCalendar | None = None
) -> date:
    return _calendar(calendar).effective_receipt_day(received_at, cutoff)


@overload
def deadline_for(
    received_at: datetime,
    working_days: int,
    cutoff: time | None = None,
    *,
    calendar: WorkCalendar | None = None,
) -> datetime: ...


@overload
def deadline_for(
    received_at: date,
    working_days: int,
    cutoff: time | None = None,
    *,
    calendar: WorkCalendar | None = None,
) -> date: ...


def deadline_for(
    received_at: date,
    working_days: int,
    cutoff: time | None = None,
    *,
    calendar: WorkCalendar | None = None,
) -> date:
    return _calendar(calendar).deadline_for(received_at, working_days, cutoff)


# --- known announcements -----------------------------------------------------------


def _span(first: date, last: date, kind: DayKind, name: str, note: str) -> tuple[Adjustment, ...]:
    return tuple(
        Adjustment(first + timedelta(days=i), kind, name, note) for i in range((last - first).days + 1)
    )


_NOTE_2023 = "Lịch nghỉ Tết Quý Mão 2023 của cán bộ, công chức, viên chức (Bộ LĐTBXH thông báo)."
_NOTE_2024 = "Lịch nghỉ lễ, tết năm 2024 của cán bộ, công chức, viên chức (Bộ LĐTBXH thông báo)."
_NOTE_2025 = "Lịch nghỉ lễ, tết năm 2025 của cán bộ, công chức, viên chức (Bộ LĐTBXH thông báo)."
_NOTE_2026 = (
    "Phương án nghỉ Tết Bính Ngọ 2026 đã công bố (9 ngày, 14/02–22/02/2026); trùng với cách tính "
    "mặc định (29 tháng Chạp đến mùng 4 Tết và hai kỳ nghỉ cuối tuần). Cần đối chiếu văn bản chính thức."
)

KNOWN_ADJUSTMENTS: tuple[Adjustment, ...] = (
    # 2023 — Tết Quý Mão: 20/01 (29 tháng Chạp) to 26/01 (mùng 5 tháng Giêng).
    *_span(date(2023, 1, 20), date(2023, 1, 26), DayKind.HOLIDAY, TET_NGUYEN_DAN, _NOTE_2023),
    # 2024 — Tết Giáp Thìn: 08/02 (29 tháng Chạp) to 14/02 (mùng 5 tháng Giêng).
    *_span(date(2024, 2, 8), date(2024, 2, 14), DayKind.HOLIDAY, TET_NGUYEN_DAN, _NOTE_2024),
    # 2024 — 30/4–1/5: off 27/04 to 01/05, Monday 29/04 swapped with Saturday 04/05.
    Adjustment(date(2024, 4, 29), DayKind.SWAP_OFF, NGHI_HOAN_DOI, f"{_NOTE_2024} Đổi với thứ Bảy 04/05."),
    Adjustment(date(2024, 5, 4), DayKind.SWAP_WORKING, LAM_BU, f"{_NOTE_2024} Làm bù cho thứ Hai 29/04."),
    # 2024 — Quốc khánh: 02/09 and the day after, 03/09 (off 31/08 to 03/09).
    *_span(date(2024, 9, 2), date(2024, 9, 3), DayKind.HOLIDAY, QUOC_KHANH, _NOTE_2024),
    # 2025 — Tết Ất Tỵ: off 25/01 to 02/02; the five Tết days are 27/01–31/01.
    *_span(date(2025, 1, 25), date(2025, 2, 2), DayKind.HOLIDAY, TET_NGUYEN_DAN, _NOTE_2025),
    # 2025 — 30/4–1/5: off 30/04 to 04/05, Friday 02/05 swapped with Saturday 26/04.
    Adjustment(date(2025, 4, 26), DayKind.SWAP_WORKING, LAM_BU, f"{_NOTE_2025} Làm bù cho thứ Sáu 02/05."),
    Adjustment(date(2025, 5, 2), DayKind.SWAP_OFF, NGHI_HOAN_DOI, f"{_NOTE_2025} Đổi với thứ Bảy 26/04."),
    # 2025 — Quốc khánh: 01/09 and 02/09 (off 30/08 to 02/09).
    *_span(date(2025, 9, 1), date(2025, 9, 2), DayKind.HOLIDAY, QUOC_KHANH, _NOTE_2025),
    # 2026 — Tết Bính Ngọ: off 14/02 to 22/02; the five Tết days are 16/02–20/02.
    *_span(date(2026, 2, 14), date(2026, 2, 22), DayKind.HOLIDAY, TET_NGUYEN_DAN, _NOTE_2026),
)


def seed_known_adjustments(model: type[CalendarDay] | None = None) -> int:
    """Insert the KNOWN_ADJUSTMENTS whose date has no row yet; returns how many were added.

    Rows an administrator already has for a date are left as they are. `model` lets a
    data migration pass its historical model.
    """
    if model is None:
        from cqs.core.models import CalendarDay

        model = CalendarDay
    created = 0
    for adjustment in KNOWN_ADJUSTMENTS:
        _, was_created = model.objects.get_or_create(
            date=adjustment.day,
            defaults={"kind": str(adjustment.kind), "name": adjustment.name, "note": adjustment.note},
        )
        created += was_created
    calendar_changed()
    return created
