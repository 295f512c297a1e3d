import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cqs.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi băm của nhật ký kiểm toán; báo sự kiện đầu tiên bị sửa hoặc mất. "
        "Mã thoát 1 khi chuỗi không toàn vẹn."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        elif report.ok:
            self.stdout.write(self.style.SUCCESS(f"OK: {report.checked} sự kiện, chuỗi băm toàn vẹn."))
        else:
            self.stdout.write(
                self.style.ERROR(
                    f"LỖI: sự kiện #{report.first_bad_id}: {report.reason} "
                    f"(đã kiểm {report.checked} sự kiện hợp lệ trước đó)."
                )
            )
        if not report.ok:
            raise SystemExit(1)
