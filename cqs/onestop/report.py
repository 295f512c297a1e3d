"""The one-stop statistics report (regulations.md §2.4) with its balance checks, as a screen,
a Decree-30 PDF and an XLSX workbook, built from `cqs.onestop.stats`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cqs.core.text import format_date_short, format_ratio_percent
from cqs.documents.render import header_names
from cqs.onestop.stats import DossierStats, dossier_stats_by_agency
from cqs.org.models import Agency
from cqs.rendering.model import OfficialDocument, Paragraph, SignatureBlock, Table
from cqs.rendering.pdf import render_pdf

COLUMNS: tuple[tuple[str, str], ...] = (
    ("total", "Tổng số tiếp nhận"),
    ("received_online", "Trực tuyến"),
    ("in_person", "Trực tiếp, bưu chính"),
    ("carried_over", "Kỳ trước chuyển sang"),
    ("resolved", "Đã giải quyết"),
    ("resolved_early", "Trước hạn"),
    ("resolved_on_time", "Đúng hạn"),
    ("resolved_late", "Quá hạn"),
    ("in_progress", "Đang giải quyết"),
    ("in_progress_within", "Trong hạn"),
    ("in_progress_overdue", "Quá hạn"),
)


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class ReportRow:
    agency: Agency | None
    stats: DossierStats

    def value(self, key: str) -> int:
        if key == "total":
            return self.stats.total
        if key == "in_person":
            return self.stats.received_counter + self.stats.received_postal
        return int(getattr(self.stats, key))

    @property
    def name(self) -> str:
        return self.agency.name if self.agency else "Tổng cộng"

    @property
    def cells(self) -> list[int]:
        return [self.value(key) for key, _ in COLUMNS]

    @property
    def checks(self) -> list[Check]:
        s = self.stats
        return [
            Check(
                "Tiếp nhận = trực tuyến + trực tiếp, bưu chính + kỳ trước",
                s.total == s.received_online + s.received_counter + s.received_postal + s.carried_over,
                f"{s.total} = {s.received_online} + {s.received_counter + s.received_postal} "
                f"+ {s.carried_over}",
            ),
            Check(
                "Đã giải quyết = trước hạn + đúng hạn + quá hạn",
                s.resolved == s.resolved_early + s.resolved_on_time + s.resolved_late,
                f"{s.resolved} = {s.resolved_early} + {s.resolved_on_time} + {s.resolved_late}",
            ),
            Check(
                "Đang giải quyết = trong hạn + quá hạn",
                s.in_progress == s.in_progress_within + s.in_progress_overdue,
                f"{s.in_progress} = {s.in_progress_within} + {s.in_progress_overdue}",
            ),
            Check(
                "Tiếp nhận = đã giải quyết + đang giải quyết",
                s.total == s.resolved + s.in_progress,
                f"{s.total} = {s.resolved} + {s.in_progress}",
            ),
        ]

    @property
    def rates(self) -> list[tuple[str, str]]:
        s = self.stats
        return [
            ("Tỷ lệ trực tuyến", format_ratio_percent(s.received_online, s.received)),
            (
                "Tỷ lệ giải quyết đúng hạn",
                format_ratio_percent(s.resolved_early + s.resolved_on_time, s.resolved),
            ),
            (
                "Tỷ lệ đúng hạn (QĐ 766)",
                format_ratio_percent(s.resolved_early + s.resolved_on_time + s.in_progress_within, s.total),
            ),
            (
                "Tỷ lệ số hóa thành phần hồ sơ",
                format_ratio_percent(s.components_digitised, s.components_total),
            ),
            ("Tỷ lệ số hóa kết quả", format_ratio_percent(s.results_digitised, s.resolved)),
            ("Hồ sơ trực tuyến một phần", f"{s.online_partial}/{s.partial_total}"),
            ("Hồ sơ trực tuyến toàn trình", f"{s.online_full}/{s.full_total}"),
            ("Thanh toán trực tuyến", f"{s.paid_online}/{s.fee_dossiers}"),
            ("Mức độ hài lòng", format_ratio_percent(s.ratings_satisfied, s.ratings)),
        ]


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    rows: list[ReportRow]
    total: ReportRow

    @property
    def all_ok(self) -> bool:
        return all(check.ok for row in [*self.rows, self.total] for check in row.checks)


def _sum(stats: Sequence[DossierStats]) -> DossierStats:
    return DossierStats(**{f.name: sum(getattr(s, f.name) for s in stats) for f in fields(DossierStats)})


def build_report(agencies: Sequence[Agency], start: date, end: date) -> Report:
    stats = dossier_stats_by_agency([a.pk for a in agencies], start, end)
    rows = [ReportRow(agency=a, stats=stats[a.pk]) for a in agencies]
    return Report(
        start=start, end=end, rows=rows, total=ReportRow(agency=None, stats=_sum([r.stats for r in rows]))
    )


def _title(report: Report) -> str:
    return f"Từ ngày {format_date_short(report.start)} đến ngày {format_date_short(report.end)}"


def report_document(report: Report, agency: Agency | None) -> OfficialDocument:
    parent, own = header_names(agency) if agency else ("", "Bộ phận một cửa")
    rows = [[str(i), r.name, *map(str, r.cells)] for i, r in enumerate(report.rows, start=1)]
    rows.append(["", "Tổng cộng", *map(str, report.total.cells)])
    return OfficialDocument(
        parent_agency_name=parent,
        issuing_agency_name=own,
        number=None,
        notation=f"BC-{agency.notation}" if agency else "BC",
        place=agency.place_name if agency else "Sơn Hà",
        issued_on=report.end,
        type_name="Báo cáo",
        subject=f"Tình hình, kết quả giải quyết thủ tục hành chính {_title(report).lower()}",
        body=[
            Table(
                title="Bảng 1. Tình hình tiếp nhận và giải quyết hồ sơ",
                header=["STT", "Cơ quan", *(label for _, label in COLUMNS)],
                rows=rows,
                widths=[0.8, 4, *([1.3] * len(COLUMNS))],
            ),
            Paragraph("Kiểm tra cân đối số liệu:", bold=True),
            *[
                Paragraph(f"{'Đạt' if c.ok else 'KHÔNG ĐẠT'}: {c.label} ({c.detail}).")
                for c in report.total.checks
            ],
            Table(
                title="Bảng 2. Các tỷ lệ",
                header=["Chỉ tiêu", "Kết quả"],
                rows=[list(rate) for rate in report.total.rates],
                widths=[6, 3],
            ),
        ],
        signature=SignatureBlock("", "", "Người lập báo cáo", "Bộ phận tiếp nhận và trả kết quả"),
    )


def report_pdf(report: Report, agency: Agency | None) -> bytes:
    return render_pdf(report_document(report, agency))


def report_xlsx(report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Thống kê một cửa"
    sheet.append([f"Tình hình tiếp nhận và giải quyết hồ sơ {_title(report).lower()}"])
    sheet["A1"].font = Font(bold=True)
    header = ["STT", "Cơ quan", *(label for _, label in COLUMNS)]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for i, row in enumerate(report.rows, start=1):
        sheet.append([i, row.name, *row.cells])
    sheet.append(["", "Tổng cộng", *report.total.cells])
    sheet.append([])
    sheet.append(["Kiểm tra", "Nội dung", "Kết quả"])
    for check in report.total.checks:
        sheet.append(["Đạt" if check.ok else "Không đạt", check.label, check.detail])
    sheet.append([])
    for label, value in report.total.rates:
        sheet.append(["", label, value])
    sheet.column_dimensions["B"].width = 48
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
