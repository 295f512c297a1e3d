"""`python manage.py verify_signatures TỆP.pdf [--json]`: every signature's verdict, in Vietnamese."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqs.core.errors import ApplicationError
from cqs.signing.verify import verify_pdf


class Command(BaseCommand):
    help = "Kiểm tra các chữ ký số trong một tệp PDF: hợp lệ / không xác định / không hợp lệ và lý do."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="tệp PDF")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            verdicts = verify_pdf(Path(options["path"]).read_bytes())
        except OSError as error:
            raise CommandError(f"Không đọc được tệp: {error}") from error
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if options["json"]:
            self.stdout.write(json.dumps([v.as_dict() for v in verdicts], ensure_ascii=False, indent=2))
            return
        if not verdicts:
            self.stdout.write("Tệp không có chữ ký số.")
        for verdict in verdicts:
            self.stdout.write(f"[{verdict.field_name}] {verdict.summary}")
            for line in (verdict.modification, verdict.certification, *verdict.details):
                if line:
                    self.stdout.write(f"    {line}")
