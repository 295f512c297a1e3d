"""List the document citations found in a UTF-8 text file.

python manage.py parse_citations report.txt          # one citation per line
python manage.py parse_citations report.txt --json   # JSON list of objects
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cqs.core.citations import Citation, find_citations


def citation_as_dict(citation: Citation) -> dict[str, Any]:
    return {
        "type": citation.type_name,
        "type_code": citation.type_code,
        "number": citation.number,
        "year": citation.year,
        "notation": citation.notation,
        "date_text": citation.date_text,
        "date": citation.date.isoformat() if citation.date else None,
        "text": citation.text,
    }


class Command(BaseCommand):
    help = "In các trích dẫn văn bản (Kế hoạch số 61/KH-UBND ngày 10/4/2019 …) trong một tệp UTF-8."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="tệp văn bản UTF-8")
        parser.add_argument("--json", action="store_true", help="in danh sách JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            # utf-8-sig: files saved by Windows Notepad start with a BOM.
            content = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise CommandError(f"Không tìm thấy tệp: {path}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"Tệp không phải UTF-8: {path} ({exc})") from exc
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc}") from exc

        citations = find_citations(content)
        if options["json"]:
            payload = [citation_as_dict(c) for c in citations]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            for citation in citations:
                # A citation may wrap across a line break in the source; keep one per line.
                self.stdout.write(" ".join(citation.text.split()))
