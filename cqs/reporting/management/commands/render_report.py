"""`python manage.py render_report --agency CODE --regime CODE --period 2023Q3 --out FILE`

Writes the agency's report for the period as .docx or .pdf, laid out like the samples. When the
agency sent its report, the frozen values of that report are used; otherwise the figures are
computed from live data now. The command says which.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cqs.org.models import Agency
from cqs.reporting.compute import compute_agencies
from cqs.reporting.models import Regime, Report
from cqs.reporting.render import live_document, period_words, render_file, report_document
from cqs.reporting.selectors import regime_indicators
from cqs.reporting.services.campaigns import regime_period
from cqs.reporting.workflow import FROZEN_STATUSES


class Command(BaseCommand):
    help = "Xuất báo cáo của một cơ quan theo chế độ báo cáo và kỳ báo cáo ra tệp .docx hoặc .pdf."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", required=True, help="Mã định danh cơ quan, ví dụ 000.00.29.H99")
        parser.add_argument("--regime", required=True, help="Mã chế độ báo cáo, ví dụ BC_UDCNTT_QUY")
        parser.add_argument("--period", required=True, help="Kỳ báo cáo, ví dụ 2023Q3")
        parser.add_argument("--out", required=True, help="Tệp kết quả (.docx hoặc .pdf)")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"].strip()).first()
        if agency is None:
            raise CommandError(f"Không có cơ quan mã {options['agency']}.")
        regime = Regime.objects.filter(code=options["regime"].strip()).first()
        if regime is None:
            codes = ", ".join(Regime.objects.values_list("code", flat=True)) or "(chưa có)"
            raise CommandError(f"Không có chế độ báo cáo mã {options['regime']}. Các mã hiện có: {codes}.")
        try:
            period = regime_period(regime, options["period"])
        except Exception as error:  # ApplicationError with a Vietnamese message
            raise CommandError(str(getattr(error, "message", error))) from None
        out = Path(options["out"])
        if out.suffix.lower() not in (".docx", ".pdf"):
            raise CommandError("Tệp kết quả phải có đuôi .docx hoặc .pdf.")
        report = (
            Report.objects.filter(campaign__regime=regime, campaign__period=period.code, agency=agency)
            .select_related("campaign__regime", "agency")
            .first()
        )
        if report is not None and report.status in FROZEN_STATUSES:
            document = report_document(report)
            source = (
                f"số liệu đã chốt của báo cáo đã gửi lúc {report.submitted_at:%d/%m/%Y %H:%M} "
                f"({report.get_status_display().lower()})"
            )
        else:
            results = compute_agencies(regime_indicators(regime), [agency.pk], period)[agency.pk]
            if report is not None:  # a draft: its narratives, with live figures
                document = report_document(report, results=results)
            else:
                document = live_document(regime, agency, period, results)
            source = "số liệu tính trực tiếp từ dữ liệu hiện nay (cơ quan chưa gửi báo cáo kỳ này)"
        content = render_file(document, out.suffix.lower())
        out.write_bytes(content)
        self.stdout.write(
            f"Đã ghi {out} ({len(content):,} byte): {regime.name} — {agency.name} — {period_words(period)}; "
            f"nguồn: {source}."
        )
