"""The data window of a reporting period.

python manage.py period_window 2023Q3                 → 2023-06-15 2023-09-14
python manage.py period_window 2023Q3 --json
python manage.py period_window 2024Y --window calendar → 2024-01-01 2024-12-31
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqs.core.periods import DECREE_09, Window, parse_period, resolve_window


class Command(BaseCommand):
    help = "In ngày bắt đầu và ngày kết thúc số liệu của một kỳ báo cáo (mặc định theo Nghị định 09/2019)."
    missing_args_message = "Thiếu mã kỳ báo cáo, ví dụ 2023Q3 (xem --help)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Mã kỳ: 2024M03, 2023Q3, 2024H1, 2024N9, 2024Y.")
        parser.add_argument(
            "--window",
            default="decree09",
            help="Chế độ chốt số liệu: decree09 (mặc định, 15 tháng trước → 14) hoặc calendar.",
        )
        parser.add_argument(
            "--cutoff-day",
            help="Ngày chốt số liệu hằng tháng (1–28) của chế độ báo cáo khác; thay cho --window.",
        )
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        window: Window = DECREE_09
        try:
            if options["cutoff_day"] is not None:
                try:
                    cutoff_day = int(options["cutoff_day"])
                except ValueError:
                    raise ValueError(
                        f"Ngày chốt số liệu không hợp lệ: {options['cutoff_day']!r} (phải là số nguyên)."
                    ) from None
                window = Window(cutoff_day=cutoff_day)
            else:
                window = resolve_window(options["window"])
            period = parse_period(options["code"], window)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            payload = {
                "code": period.code,
                "label": period.label,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stdout.write(f"{period.start.isoformat()} {period.end.isoformat()}")
