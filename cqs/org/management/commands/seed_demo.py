"""`python manage.py seed_demo [--json]`: load the demo province and print its accounts."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cqs.org.demo import DEMO_PASSWORD, DemoAccount, DemoContext, demo_accounts, seed_demo
from cqs.org.models import Role


def _roles(account: DemoAccount) -> str:
    labels = [Role(r).label for r in account.roles]
    return ", ".join(["Quản trị hệ thống (superuser)", *labels] if account.is_superuser else labels)


def _as_json(ctx: DemoContext, accounts: list[DemoAccount]) -> str:
    data = {
        "province": ctx.province_name,
        "password": DEMO_PASSWORD,
        "accounts": [
            {
                "username": a.username,
                "password": DEMO_PASSWORD,
                "full_name": a.full_name,
                "agency": a.agency,
                "title": a.title,
                "roles": list(a.roles),
                "until": a.until.isoformat() if a.until else None,
                "is_superuser": a.is_superuser,
            }
            for a in accounts
        ],
        "created": dict(sorted(ctx.stats.created.items())),
        "updated": dict(sorted(ctx.stats.updated.items())),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Nạp tỉnh mẫu (cây cơ quan, đơn vị, cán bộ, tài khoản). Chạy lại không tạo trùng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="In danh sách tài khoản mẫu dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        ctx = seed_demo()
        accounts = demo_accounts(ctx)
        if options["json"]:
            self.stdout.write(_as_json(ctx, accounts))
            return
        stats = ctx.stats
        if stats.changed:
            self.stdout.write(
                f"Đã nạp tỉnh mẫu {ctx.province_name}: tạo mới {stats.created.total()} bản ghi, "
                f"cập nhật {stats.updated.total()} bản ghi."
            )
        else:
            self.stdout.write(f"Tỉnh mẫu {ctx.province_name} đã có đủ dữ liệu; không có gì thay đổi.")
        self.stdout.write(f"\nTài khoản mẫu — mật khẩu chung: {DEMO_PASSWORD}\n")
        header = ("Tài khoản", "Mật khẩu", "Họ và tên", "Cơ quan", "Chức danh", "Vai trò")
        rows: list[tuple[str, ...]] = [header]
        for a in accounts:
            agency = a.agency + (f" (đến {a.until:%d/%m/%Y})" if a.until else "")
            rows.append((a.username, DEMO_PASSWORD, a.full_name, agency, a.title, _roles(a)))
        self.stdout.write(_table(rows))
