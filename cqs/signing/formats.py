"""How signing times are written: Vietnam time (UTC+07:00), to the second."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def vietnam_time(moment: datetime) -> datetime:
    """`moment` in Vietnam time, without microseconds (PDF dates carry whole seconds)."""
    return moment.astimezone(VIETNAM_TZ).replace(microsecond=0)


def _offset(moment: datetime) -> str:
    text = moment.strftime("%z")  # "+0700"
    return f"{text[:3]}:{text[3:]}"


def display_time(moment: datetime) -> str:
    """ "05/01/2024 09:30:00 +07:00", the time in a leader's signature appearance."""
    local = vietnam_time(moment)
    return f"{local:%d/%m/%Y %H:%M:%S} {_offset(local)}"


def iso_time(moment: datetime) -> str:
    """ "2024-01-05T09:30:00+07:00" (ISO 8601), the time on an attachment (PL I §II.8)."""
    return vietnam_time(moment).isoformat()


def display_date(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        moment = vietnam_time(moment)
    return f"{moment:%d/%m/%Y}"
