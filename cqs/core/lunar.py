"""Vietnamese lunisolar calendar (âm lịch), computed for Vietnam's time zone, UTC+7.

The rules are the traditional ones, applied to astronomical events seen from UTC+7:

* a lunar month begins on the local day that contains a new moon;
* month 11 is the month that contains the December solstice;
* a "sui" (from one month 11 to the next) with 13 months has a leap month: the
  first month after month 11 that contains no major solar term (trung khí,
  a multiple of 30° of the Sun's ecliptic longitude); it takes the number of the
  month before it.

Because the day boundary is at UTC+7 rather than China's UTC+8, the Vietnamese
calendar sometimes differs from the Chinese one: Tết 1985 is 21/01/1985 in
Vietnam (20/02/1985 in China), Tết 2007 is 17/02/2007 (18/02/2007 in China).

The astronomy is deliberately the one behind the calendar tables Vietnam uses
(Hồ Ngọc Đức's): Meeus' series for the mean new moon with its main periodic
terms and a polynomial ΔT, and the low-precision solar longitude; the month 11
and leap-month tests look at the Sun's longitude at local midnight that starts
a month's first day. Results are valid for SUPPORTED_YEARS.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

__all__ = [
    "SUPPORTED_YEARS",
    "LunarDate",
    "can_chi_year",
    "days_in_lunar_month",
    "leap_month",
    "lunar_new_year",
    "lunar_to_solar",
    "solar_to_lunar",
]

UTC_OFFSET_HOURS = 7.0
SUPPORTED_YEARS = range(1800, 2300)

# Julian Day Number of the proleptic Gregorian ordinal 0 (date.toordinal()).
_JDN_OFFSET = 1721425
_SYNODIC_MONTH = 29.530588853
# Julian Day (UT) of the mean new moon number 0 (6 January 1900).
_NEW_MOON_EPOCH = 2415021.076998695
_DEG = math.pi / 180.0

# Periodic terms of the new-moon correction (Meeus), as
# (coefficient in days, multiple of M, multiple of M', multiple of F), where
# M is the Sun's mean anomaly, M' the Moon's and F the Moon's argument of latitude.
# The first term's coefficient also depends on time; see _new_moon_jd.
_NEW_MOON_TERMS: tuple[tuple[float, int, int, int], ...] = (
    (0.0021, 2, 0, 0),
    (-0.4068, 0, 1, 0),
    (0.0161, 0, 2, 0),
    (-0.0004, 0, 3, 0),
    (0.0104, 0, 0, 2),
    (-0.0051, 1, 1, 0),
    (-0.0074, 1, -1, 0),
    (0.0004, 1, 0, 2),
    (-0.0004, -1, 0, 2),
    (-0.0006, 0, 1, 2),
    (0.0010, 0, -1, 2),
    (0.0005, 1, 2, 0),
)

_CAN = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
_CHI = ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")


@dataclass(frozen=True, slots=True)
class LunarDate:
    """A day of the Vietnamese lunar calendar; `leap` marks a day of the leap month."""

    day: int
    month: int
    year: int
    leap: bool = False

    def __str__(self) -> str:
        suffix = " (nhuận)" if self.leap else ""
        return f"{self.day:02d}/{self.month:02d}{suffix}/{self.year}"


# --- astronomy ---------------------------------------------------------------


def _new_moon_jd(k: int) -> float:
    """Julian Day (UT) of the k-th new moon after the one of 6 January 1900."""
    t = k / 1236.85  # Julian centuries since 1900
    t2 = t * t
    t3 = t2 * t
    jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * _DEG)
    m = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * _DEG
    m_moon = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * _DEG
    f = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * _DEG
    correction = (0.1734 - 0.000393 * t) * math.sin(m)
    for coefficient, i_m, i_moon, i_f in _NEW_MOON_TERMS:
        correction += coefficient * math.sin(i_m * m + i_moon * m_moon + i_f * f)
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd + correction - delta_t


@lru_cache(maxsize=8192)
def _new_moon_day(k: int) -> int:
    """Julian Day Number of the UTC+7 civil day that contains the k-th new moon."""
    return math.floor(_new_moon_jd(k) + 0.5 + UTC_OFFSET_HOURS / 24.0)


def _sun_longitude(jd: float) -> float:
    """Apparent-enough ecliptic longitude of the Sun, in degrees [0, 360), at Julian Day jd (UT)."""
    t = (jd - 2451545.0) / 36525.0  # Julian centuries since J2000
    t2 = t * t
    mean_anomaly = (357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t2 * t) * _DEG
    mean_longitude = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    centre = (
        (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(mean_anomaly)
        + (0.019993 - 0.000101 * t) * math.sin(2 * mean_anomaly)
        + 0.000290 * math.sin(3 * mean_anomaly)
    )
    return (mean_longitude + centre) % 360.0


def _solar_term_sector(jdn: int) -> int:
    """Which 30° sector (0..11) the Sun is in at the local midnight starting day `jdn`.

    Sector boundaries are the major solar terms; sector 9 starts at the December solstice.
    """
    local_midnight_ut = jdn - 0.5 - UTC_OFFSET_HOURS / 24.0
    return min(int(_sun_longitude(local_midnight_ut) // 30.0), 11)


def _lunation_near(jdn: float) -> int:
    return math.floor((jdn - _NEW_MOON_EPOCH) / _SYNODIC_MONTH)


@lru_cache(maxsize=1024)
def _month_11_lunation(year: int) -> int:
    """Index k of the new moon that starts month 11 of Gregorian year `year`.

    Month 11 is the lunar month containing the December solstice of `year`.
    """
    dec31 = date(year, 12, 31).toordinal() + _JDN_OFFSET
    k = _lunation_near(dec31)
    while _new_moon_day(k + 1) <= dec31:
        k += 1
    while _new_moon_day(k) > dec31:
        k -= 1
    # k is the last month starting on or before 31 December. If the solstice had
    # already passed when it started, the solstice lies in the month before.
    if _solar_term_sector(_new_moon_day(k)) >= 9:
        k -= 1
    return k


@dataclass(frozen=True, slots=True)
class _Month:
    start: int  # Julian Day Number of day 1
    length: int
    month: int
    year: int
    leap: bool


@lru_cache(maxsize=512)
def _sui(year: int) -> tuple[_Month, ...]:
    """The lunar months from month 11 of `year - 1` up to (excluding) month 11 of `year`.

    They are months 11 and 12 of lunar year `year - 1`, then months 1 to 10 of lunar
    year `year`, with a leap month somewhere when there are 13 of them.
    """
    if year - 1 not in SUPPORTED_YEARS or year not in SUPPORTED_YEARS:
        raise ValueError(
            f"Năm {year} nằm ngoài phạm vi lịch âm được hỗ trợ "
            f"({SUPPORTED_YEARS.start}–{SUPPORTED_YEARS.stop - 1})."
        )
    first = _month_11_lunation(year - 1)
    last = _month_11_lunation(year)
    starts = [_new_moon_day(k) for k in range(first, last + 1)]
    count = last - first  # 12 or 13
    leap_offset: int | None = None
    if count == 13:
        sectors = [_solar_term_sector(s) for s in starts]
        for offset in range(1, count):
            if sectors[offset] == sectors[offset + 1]:  # no major term in this month
                leap_offset = offset
                break
        if leap_offset is None:  # pragma: no cover - cannot happen within SUPPORTED_YEARS
            raise ArithmeticError(f"Không xác định được tháng nhuận của năm {year}.")
    months: list[_Month] = []
    for offset in range(count):
        number = 11 + offset
        is_leap = False
        if leap_offset is not None and offset >= leap_offset:
            number -= 1
            is_leap = offset == leap_offset
        number = (number - 1) % 12 + 1
        # Months 11 and 12 at the start of the sui still belong to the previous lunar year.
        lunar_year = year - 1 if number >= 11 and offset < 3 else year
        months.append(
            _Month(
                start=starts[offset],
                length=starts[offset + 1] - starts[offset],
                month=number,
                year=lunar_year,
                leap=is_leap,
            )
        )
    return tuple(months)


def _find_month(month: int, year: int, leap: bool) -> _Month:
    if not 1 <= month <= 12:
        raise ValueError(f"Tháng âm lịch không hợp lệ: {month} (phải từ 1 đến 12).")
    sui = _sui(year + 1 if month >= 11 else year)
    for candidate in sui:
        if candidate.month == month and candidate.year == year and candidate.leap == leap:
            return candidate
    raise ValueError(f"Năm âm lịch {year} không có tháng {month} nhuận.")


# --- public API -------------------------------------------------------------


def solar_to_lunar(day: date) -> LunarDate:
    """The Vietnamese lunar date of a Gregorian date."""
    jdn = day.toordinal() + _JDN_OFFSET
    year = day.year
    sui = _sui(year + 1) if jdn >= _new_moon_day(_month_11_lunation(year)) else _sui(year)
    index = bisect.bisect_right([m.start for m in sui], jdn) - 1
    month = sui[index]
    return LunarDate(day=jdn - month.start + 1, month=month.month, year=month.year, leap=month.leap)


def lunar_to_solar(day: int, month: int, year: int, leap: bool = False) -> date:
    """The Gregorian date of a Vietnamese lunar date; ValueError if that day does not exist."""
    found = _find_month(month, year, leap)
    if not 1 <= day <= found.length:
        raise ValueError(
            f"Ngày âm lịch không hợp lệ: tháng {month}{' nhuận' if leap else ''} năm {year} "
            f"có {found.length} ngày."
        )
    return date.fromordinal(found.start + day - 1 - _JDN_OFFSET)


def days_in_lunar_month(month: int, year: int, leap: bool = False) -> int:
    """29 or 30."""
    return _find_month(month, year, leap).length


def leap_month(year: int) -> int | None:
    """The number of the leap month of lunar year `year`, or None if it has none."""
    for sui_year in (year, year + 1):
        for m in _sui(sui_year):
            if m.leap and m.year == year:
                return m.month
    return None


def lunar_new_year(year: int) -> date:
    """Tết Nguyên đán: the Gregorian date of 1/1 of lunar year `year`."""
    return lunar_to_solar(1, 1, year)


def can_chi_year(year: int) -> str:
    """The sexagenary name of a lunar year, e.g. 2024 → "Giáp Thìn"."""
    return f"{_CAN[(year + 6) % 10]} {_CHI[(year + 8) % 12]}"
