from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqs.documents.services import chase_overdue


class Command(BaseCommand):
    help = (
        "Đôn đốc mọi phân công xử lý văn bản đến đã quá hạn mà chưa hoàn thành "
        "(mỗi phân công nhiều nhất một lần mỗi ngày). Chạy hằng ngày, ví dụ bằng cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Ngày xét quá hạn, dạng YYYY-MM-DD (mặc định: hôm nay).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("Ngày phải có dạng YYYY-MM-DD.") from None
        chased = chase_overdue(today=today)
        self.stdout.write(f"Đã đôn đốc {chased} phân công quá hạn.")
