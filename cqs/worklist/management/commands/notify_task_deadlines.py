from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqs.worklist.services import local_today, send_deadline_notices


class Command(BaseCommand):
    help = (
        "Thông báo cho cơ quan chủ trì các nhiệm vụ sắp đến hạn (trước N ngày làm việc) và đến hạn "
        "hôm nay; mỗi nhiệm vụ nhiều nhất một thông báo mỗi ngày. Chạy hằng ngày, ví dụ bằng cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Ngày xét, dạng YYYY-MM-DD (mặc định: hôm nay).")
        parser.add_argument(
            "--days-before",
            type=int,
            default=int(getattr(settings, "WORKLIST_NOTICE_DAYS_BEFORE", 3)),
            help="Báo trước bao nhiêu ngày làm việc (mặc định 3).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = local_today()
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("Ngày phải có dạng YYYY-MM-DD.") from None
        if options["days_before"] < 0:
            raise CommandError("Số ngày báo trước không được âm.")
        sent = send_deadline_notices(on=day, days_before=options["days_before"])
        self.stdout.write(f"Đã gửi thông báo thời hạn cho {sent} nhiệm vụ.")
