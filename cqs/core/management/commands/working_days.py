"""Working-day arithmetic from the command line, with the announced adjustments in the database.

python manage.py working_days add 2024-02-07 5         → 2024-02-21
python manage.py working_days between 2024-02-01 2024-02-29
python manage.py working_days is 2024-02-10            → no Tết Nguyên đán
python manage.py working_days seed                     → inserts the known announcements
"""

import argparse
import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqs.core.workcalendar import (
    add_working_days,
    day_info,
    get_calendar,
    seed_known_adjustments,
    working_days_between,
)


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"Ngày không hợp lệ: {value!r} (dùng dạng YYYY-MM-DD, ví dụ 2024-02-07)."
        ) from None


def _parse_int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise CommandError(f"Số ngày làm việc không hợp lệ: {value!r} (phải là số nguyên).") from None


class Command(BaseCommand):
    help = "Tính ngày làm việc theo lịch nghỉ lễ, tết và các ngày điều chỉnh đã công bố."
    missing_args_message = "Thiếu thao tác: add, between, is hoặc seed (xem --help)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        actions = parser.add_subparsers(dest="action", required=True, metavar="{add,between,is,seed}")
        add = actions.add_parser("add", help="Ngày làm việc thứ N sau (N âm: trước) một ngày.")
        add.add_argument("start", help="Ngày bắt đầu, dạng YYYY-MM-DD.")
        add.add_argument("n", help="Số ngày làm việc (0: chính ngày đó nếu là ngày làm việc).")

        between = actions.add_parser("between", help="Số ngày làm việc trong khoảng (bắt đầu, kết thúc].")
        between.add_argument("start", help="Ngày bắt đầu (không tính), dạng YYYY-MM-DD.")
        between.add_argument("end", help="Ngày kết thúc (có tính), dạng YYYY-MM-DD.")

        is_ = actions.add_parser("is", help="Một ngày có phải ngày làm việc không.")
        is_.add_argument("day", help="Ngày, dạng YYYY-MM-DD.")

        seed = actions.add_parser("seed", help="Thêm các ngày điều chỉnh đã biết còn thiếu.")
        for sub in (add, between, is_, seed):
            # --json may also follow the action; SUPPRESS keeps a --json given before it.
            sub.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="In dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        action: str = options["action"]
        as_json: bool = options["json"]
        result: dict[str, Any]
        if action == "add":
            start, n = _parse_date(options["start"]), _parse_int(options["n"])
            try:
                due = add_working_days(start, n, calendar=get_calendar())
            except (ValueError, OverflowError) as error:
                raise CommandError(f"Không tính được: {error}") from None
            result = {"start": start.isoformat(), "n": n, "result": due.isoformat()}
            text = due.isoformat()
        elif action == "between":
            start, end = _parse_date(options["start"]), _parse_date(options["end"])
            try:
                count = working_days_between(start, end, calendar=get_calendar())
            except ValueError as error:
                raise CommandError(f"Không tính được: {error}") from None
            result = {"start": start.isoformat(), "end": end.isoformat(), "working_days": count}
            text = str(count)
        elif action == "is":
            day = _parse_date(options["day"])
            try:
                info = day_info(day, calendar=get_calendar())
            except ValueError as error:
                raise CommandError(f"Không tính được: {error}") from None
            result = {
                "date": day.isoformat(),
                "working": info.working,
                "kind": info.kind.value,
                "name": info.name,
            }
            text = "yes" if info.working else "no"
            if info.name:
                text = f"{text} {info.name}"
        else:  # seed
            created = seed_known_adjustments()
            result = {"created": created}
            text = f"Đã thêm {created} ngày điều chỉnh."
        self.stdout.write(json.dumps(result, ensure_ascii=False) if as_json else text)
