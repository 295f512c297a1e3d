"""python manage.py compute_indicators --agency CODE --period 2023Q3 [--json] [--consolidated]"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqs.core.periods import parse_period
from cqs.core.text import format_date_short, format_number
from cqs.org.models import Agency
from cqs.reporting.compute import (
    IndicatorResult,
    active_indicators,
    compute_agencies,
    compute_consolidated,
    format_figure,
)
from cqs.reporting.models import Indicator


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _target_text(result: IndicatorResult) -> str:
    target = result.target
    if target is None:
        return ""
    unit = " %" if result.indicator.is_ratio else ""
    decimals = 0 if target.value == target.value.to_integral_value() else 2
    return f"{target.get_comparator_display()} {format_number(target.value, decimals)}{unit}"


def _status(result: IndicatorResult) -> str | None:
    if result.target_met is None:
        return None
    return "dat" if result.target_met else "chua_dat"


def result_json(result: IndicatorResult) -> dict[str, Any]:
    target = result.target
    return {
        "code": result.indicator.code,
        "name": result.indicator.name,
        "kind": result.indicator.kind,
        "unit": result.indicator.unit,
        "source": result.indicator.source,
        "value": _number(result.figure.value),
        "numerator": _number(result.figure.numerator),
        "denominator": _number(result.figure.denominator),
        "text": format_figure(result.indicator, result.figure),
        "target": None
        if target is None
        else {
            "comparator": target.comparator,
            "value": _number(target.value),
            "year": target.year,
            "agency_level": target.agency_level,
            "plan_reference": target.plan_reference,
        },
        "target_status": _status(result),
        "issues": list(result.issues),
    }


class Command(BaseCommand):
    help = (
        "Tính mọi chỉ tiêu của một cơ quan cho một kỳ báo cáo (cửa sổ số liệu theo Nghị định "
        "09/2019/NĐ-CP), kèm chỉ tiêu giao, đánh giá đạt/chưa đạt và cảnh báo kiểm tra số liệu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="Mã định danh cơ quan, ví dụ 000.00.07.H55.")
        parser.add_argument("--period", required=True, help="Mã kỳ: 2023Q3, 2024M03, 2024H1, 2024N9, 2024Y.")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")
        parser.add_argument(
            "--consolidated",
            action="store_true",
            help="Tổng hợp cơ quan và các cơ quan trực thuộc (cây tổ chức tại ngày cuối kỳ).",
        )
        parser.add_argument(
            "--no-history", action="store_true", help="Không so sánh với 4 kỳ trước (nhanh hơn)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_period(options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        agency = Agency.objects.filter(code=options["agency"].strip()).first()
        if agency is None:
            raise CommandError(f"Không có cơ quan mã {options['agency']!r}.")
        indicators = active_indicators()
        if not indicators:
            raise CommandError("Danh mục chỉ tiêu trống: chạy migrate để nạp danh mục.")
        history = not options["no_history"]
        members: list[Agency] = []
        if options["consolidated"]:
            consolidation = compute_consolidated(agency, period, indicators, check_history=history)
            results = consolidation.total
            members = consolidation.agencies
        else:
            by_code = compute_agencies(indicators, [agency.pk], period, check_history=history)[agency.pk]
            results = [by_code[ind.code] for ind in indicators]
        if options["json"]:
            payload = {
                "agency": {"code": agency.code, "name": agency.name, "level": agency.level},
                "period": {
                    "code": period.code,
                    "label": period.label,
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                },
                "consolidated": bool(options["consolidated"]),
                "agencies": [a.code for a in members],
                "indicators": [result_json(r) for r in results],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self._table(
            agency,
            period.label,
            f"{format_date_short(period.start)}–{format_date_short(period.end)}",
            results,
            indicators,
            len(members),
        )

    def _table(
        self,
        agency: Agency,
        label: str,
        window: str,
        results: list[IndicatorResult],
        indicators: list[Indicator],
        members: int,
    ) -> None:
        scope = f" (tổng hợp {members} cơ quan)" if members else ""
        self.stdout.write(f"{agency.name}{scope} — {label} (số liệu từ {window})")
        rows = [("Mã", "Chỉ tiêu", "Giá trị", "Chỉ tiêu giao", "Đánh giá")]
        notes: list[str] = []
        for result in results:
            status = {True: "Đạt", False: "Chưa đạt", None: ""}[result.target_met]
            name = result.indicator.short_name or result.indicator.name
            rows.append(
                (
                    result.indicator.code,
                    name,
                    format_figure(result.indicator, result.figure),
                    _target_text(result),
                    status,
                )
            )
            notes.extend(f"{result.indicator.code}: {issue}" for issue in result.issues)
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        if notes:
            self.stdout.write("")
            self.stdout.write("Cảnh báo kiểm tra số liệu:")
            for note in notes:
                self.stdout.write(f"- {note}")
