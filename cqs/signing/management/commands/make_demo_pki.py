"""`python manage.py make_demo_pki [--json] [--key-type rsa|ec] [--export-root FILE]`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cqs.signing.demo import DEMO_ROOT_NAME, DemoPkiReport, ensure_demo_pki, run_after_pki
from cqs.signing.models import Certificate


def _as_json(report: DemoPkiReport) -> str:
    return json.dumps(
        {
            "root": {
                "name": DEMO_ROOT_NAME,
                "fingerprint_sha256": report.root_fingerprint,
                "created": report.root_created,
                "trust_anchor_created": report.trust_anchor_created,
            },
            "personal": report.personal,
            "agency": report.agency,
            "certificates_created": len(report.created),
            "images_created": report.images_created,
        },
        ensure_ascii=False,
        indent=2,
    )


class Command(BaseCommand):
    help = (
        "Tạo PKI thử nghiệm: CA gốc “CA Chính quyền số thử nghiệm”, chứng thư và ảnh chữ ký cho lãnh đạo, "
        "chứng thư và ảnh con dấu cho các cơ quan đang hoạt động. Chạy lại không tạo trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        parser.add_argument(
            "--key-type", choices=["rsa", "ec"], default="rsa", help="RSA 2048 (mặc định) hoặc ECDSA P-256."
        )
        parser.add_argument("--export-root", metavar="TỆP", help="Ghi chứng thư CA gốc (PEM) ra tệp này.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = ensure_demo_pki(key_type=options["key_type"])
        after = run_after_pki()
        if options["export_root"]:
            root = Certificate.objects.get(fingerprint_sha256=report.root_fingerprint)
            Path(options["export_root"]).write_text(root.certificate_pem, encoding="ascii")
        if options["json"]:
            self.stdout.write(_as_json(report))
            return
        created = report.created
        self.stdout.write(
            f"CA gốc: {DEMO_ROOT_NAME} ({'mới tạo' if report.root_created else 'đã có'}), "
            f"SHA-256 {report.root_fingerprint}"
        )
        self.stdout.write(
            f"Chứng thư cá nhân: {len(report.personal)} người, "
            f"chứng thư cơ quan: {len(report.agency)} cơ quan; "
            f"mới tạo {len(created)} chứng thư, {report.images_created} ảnh chữ ký/con dấu."
        )
        for row in created:
            self.stdout.write(f"  + {row.get('username') or row.get('code')}: {row['name']}")
        for line in after:
            self.stdout.write(line)
