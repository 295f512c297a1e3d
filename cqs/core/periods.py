"""Reporting periods (kỳ báo cáo) and the dates their data cover.

Nghị định 09/2019/NĐ-CP, Điều 12 fixes when a period's data are cut off (thời gian
chốt số liệu): a month runs from the 15th of the previous month to the 14th of the
month; a quarter from the 15th of the month before the quarter to the 14th of its
last month; six months from 15/12 of the previous year to 14/6; nine months from 15/12
of the previous year to 14/9; a year from 15/12 of the previous year to 14/12.

All of these follow from one parameter, the cut-off day (14): every period is a run
of months, and each month's data run from the day after the previous month's cut-off
day to its own. `Window(cutoff_day=None)` gives calendar-aligned periods instead
(01/01–31/12 for a year), which some regimes use; other cut-off days can be given
for other regimes.

Codes: "2024M03" (month), "2023Q3" (quarter), "2024H1"/"2024H2" (first/second half),
"2024N9" (nine months), "2024Y" (year). The second half-year is not a Decree 09
report; it is there so that half-years tile the year like months and quarters do.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "CALENDAR",
    "DECREE_09",
    "Period",
    "PeriodKind",
    "Window",
    "parse_period",
    "period_containing",
    "resolve_window",
]

MIN_YEAR = 1000
MAX_YEAR = 9999


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    NINE_MONTHS = "nine_months"
    YEAR = "year"


# For each kind: how many periods a year has, and how many months each spans.
_COUNT = {
    PeriodKind.MONTH: 12,
    PeriodKind.QUARTER: 4,
    PeriodKind.HALF_YEAR: 2,
    PeriodKind.NINE_MONTHS: 1,
    PeriodKind.YEAR: 1,
}
_MONTHS = {
    PeriodKind.MONTH: 1,
    PeriodKind.QUARTER: 3,
    PeriodKind.HALF_YEAR: 6,
    PeriodKind.NINE_MONTHS: 9,
    PeriodKind.YEAR: 12,
}
_KIND_NAMES = {
    PeriodKind.MONTH: "tháng",
    PeriodKind.QUARTER: "quý",
    PeriodKind.HALF_YEAR: "kỳ 6 tháng",
    PeriodKind.NINE_MONTHS: "kỳ 9 tháng",
    PeriodKind.YEAR: "kỳ năm",
}
_ROMAN = ("", "I", "II", "III", "IV")
_CODE_RE = re.compile(
    r"^(?P<year>\d{4})(?:M(?P<month>\d{2})|Q(?P<quarter>\d)|H(?P<half>\d)|(?P<nine>N9)|(?P<y>Y))$"
)
_CODE_HELP = "Dạng hợp lệ: 2024M03 (tháng), 2023Q3 (quý), 2024H1 (6 tháng), 2024N9 (9 tháng), 2024Y (năm)."


@dataclass(frozen=True, slots=True)
class Window:
    """How a regime cuts its data: each month's data end on `cutoff_day` of that month and
    start the day after the previous month's cut-off. None means the calendar month."""

    cutoff_day: int | None = 14

    def __post_init__(self) -> None:
        if self.cutoff_day is not None and not 1 <= self.cutoff_day <= 28:
            raise ValueError("Ngày chốt số liệu phải từ 1 đến 28 (hoặc bỏ trống để theo tháng dương lịch).")

    def month_end(self, year: int, month: int) -> date:
        """The last day whose data belong to `month` of `year`."""
        if self.cutoff_day is None:
            return date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, self.cutoff_day)

    def month_start(self, year: int, month: int) -> date:
        """The first day whose data belong to `month` of `year`."""
        if self.cutoff_day is None:
            return date(year, month, 1)
        if month == 1:
            return date(year - 1, 12, self.cutoff_day + 1)
        return date(year, month - 1, self.cutoff_day + 1)

    def data_month(self, day: date) -> tuple[int, int]:
        """(year, month) whose data include `day`."""
        if self.cutoff_day is None or day.day <= self.cutoff_day:
            return day.year, day.month
        if day.month == 12:
            return day.year + 1, 1
        return day.year, day.month + 1


DECREE_09 = Window(cutoff_day=14)
CALENDAR = Window(cutoff_day=None)
_NAMED_WINDOWS = {"decree09": DECREE_09, "calendar": CALENDAR}


def _kind(value: PeriodKind | str) -> PeriodKind:
    try:
        return PeriodKind(value)
    except ValueError:
        choices = ", ".join(k.value for k in PeriodKind)
        raise ValueError(f"Loại kỳ báo cáo không hợp lệ: {value!r} (chọn một trong: {choices}).") from None


def resolve_window(window: Window | str) -> Window:
    """A Window, or one of the names "decree09" (the default regime) and "calendar"."""
    if isinstance(window, Window):
        return window
    try:
        return _NAMED_WINDOWS[window]
    except KeyError:
        raise ValueError(
            f"Chế độ chốt số liệu không hợp lệ: {window!r} (chọn 'decree09' hoặc 'calendar')."
        ) from None


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: the `index`-th period of `kind` in reporting year `year`."""

    kind: PeriodKind
    year: int
    index: int = 1
    window: Window = DECREE_09

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _kind(self.kind))
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"Năm báo cáo không hợp lệ: {self.year} (phải từ {MIN_YEAR} đến {MAX_YEAR}).")
        if not 1 <= self.index <= _COUNT[self.kind]:
            raise ValueError(
                f"Không có {_KIND_NAMES[self.kind]} số {self.index} (chỉ từ 1 đến {_COUNT[self.kind]})."
            )

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _MONTHS[self.kind] + 1

    @property
    def last_month(self) -> int:
        return self.index * _MONTHS[self.kind]

    @property
    def start(self) -> date:
        """The first day of the period's data (inclusive)."""
        return self.window.month_start(self.year, self.first_month)

    @property
    def end(self) -> date:
        """The last day of the period's data (inclusive)."""
        return self.window.month_end(self.year, self.last_month)

    @property
    def code(self) -> str:
        match self.kind:
            case PeriodKind.MONTH:
                return f"{self.year}M{self.index:02d}"
            case PeriodKind.QUARTER:
                return f"{self.year}Q{self.index}"
            case PeriodKind.HALF_YEAR:
                return f"{self.year}H{self.index}"
            case PeriodKind.NINE_MONTHS:
                return f"{self.year}N9"
            case PeriodKind.YEAR:
                return f"{self.year}Y"

    @property
    def label(self) -> str:
        match self.kind:
            case PeriodKind.MONTH:
                return f"Tháng {self.index}/{self.year}"
            case PeriodKind.QUARTER:
                return f"Quý {_ROMAN[self.index]}/{self.year}"
            case PeriodKind.HALF_YEAR:
                half = "đầu" if self.index == 1 else "cuối"
                return f"6 tháng {half} năm {self.year}"
            case PeriodKind.NINE_MONTHS:
                return f"9 tháng năm {self.year}"
            case PeriodKind.YEAR:
                return f"Năm {self.year}"

    def __str__(self) -> str:
        return self.label

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The period of the same kind just before (for nine months and years: a year before)."""
        if self.index > 1:
            return Period(self.kind, self.year, self.index - 1, self.window)
        return Period(self.kind, self.year - 1, _COUNT[self.kind], self.window)

    def next(self) -> Period:
        """The period of the same kind just after (for nine months and years: a year after)."""
        if self.index < _COUNT[self.kind]:
            return Period(self.kind, self.year, self.index + 1, self.window)
        return Period(self.kind, self.year + 1, 1, self.window)


def parse_period(code: str, window: Window | str = DECREE_09) -> Period:
    """The period of a code like "2023Q3"; ValueError (Vietnamese message) for bad input."""
    if not isinstance(code, str):
        raise ValueError(f"Mã kỳ báo cáo phải là chuỗi ký tự. {_CODE_HELP}")
    match = _CODE_RE.match(code.strip().upper())
    if match is None:
        raise ValueError(f"Mã kỳ báo cáo không hợp lệ: {code!r}. {_CODE_HELP}")
    year = int(match["year"])
    kind: PeriodKind
    if match["month"] is not None:
        kind, index = PeriodKind.MONTH, int(match["month"])
    elif match["quarter"] is not None:
        kind, index = PeriodKind.QUARTER, int(match["quarter"])
    elif match["half"] is not None:
        kind, index = PeriodKind.HALF_YEAR, int(match["half"])
    elif match["nine"] is not None:
        kind, index = PeriodKind.NINE_MONTHS, 1
    else:
        kind, index = PeriodKind.YEAR, 1
    try:
        return Period(kind, year, index, resolve_window(window))
    except ValueError as error:
        raise ValueError(f"Mã kỳ báo cáo không hợp lệ: {code!r}. {error}") from None


def period_containing(kind: PeriodKind | str, day: date, window: Window | str = DECREE_09) -> Period:
    """The period of `kind` whose data include `day`.

    Months, quarters, half-years and years tile the timeline, so every day has one.
    A nine-month period covers only part of its year: for a day after its end (e.g. from
    15/9 to 14/12 under Decree 09) this raises ValueError.
    """
    kind = _kind(kind)
    resolved = resolve_window(window)
    year, month = resolved.data_month(day)
    if kind is PeriodKind.NINE_MONTHS and month > 9:
        raise ValueError(f"Ngày {day:%d/%m/%Y} không thuộc kỳ báo cáo 9 tháng nào.")
    index = (month - 1) // _MONTHS[kind] + 1
    return Period(kind, year, index, resolved)
