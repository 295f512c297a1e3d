"""Rendering: a report as DOCX (python-docx) and PDF (pdftotext) in the samples' structure,
XLSX exports, and the render_report command (frozen vs live values)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from cqs.documents.models import Secrecy
from cqs.reporting.models import SectionKind
from cqs.reporting.render import consolidation_xlsx, render_file, report_document, report_xlsx
from cqs.reporting.selectors import consolidation
from cqs.reporting.services.reports import report_submit, report_update
from cqs.reporting.tests.core_helpers import outgoing, vn
from cqs.reporting.tests.life_helpers import World, build_world

pytestmark = pytest.mark.django_db

SENTENCE = (
    "Tổng số văn bản đi được trao đổi giữa UBND xã An Lạc với các cơ quan, đơn vị từ ngày 15/6/2025 "
    "đến ngày 14/9/2025 là 3 văn bản."
)


@pytest.fixture
def world(cast: Any) -> World:
    w = build_world(cast)
    for day in (1, 4, 8):
        outgoing(cast.commune_a, vn(2025, 8, day))
    outgoing(cast.commune_a, vn(2025, 8, 9), secrecy=Secrecy.SECRET)  # excluded
    outgoing(cast.commune_a, vn(2025, 9, 15, 0, 5))  # after the window
    outgoing(cast.commune_a, vn(2025, 6, 14, 23, 55))  # before the window
    return w


def _docx_text(content: bytes) -> list[str]:
    from docx import Document as Docx

    doc = Docx(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return lines


def _it_report(world: World) -> Any:
    campaign = world.launch("2025Q3", world.it)
    report = world.report(campaign, world.cast.commune_a)
    narrative = campaign.regime.sections.filter(kind=SectionKind.NARRATIVE).order_by("order").last()
    assert narrative is not None
    report_update(
        by=world.officer_a,
        report=report,
        narratives={
            narrative.pk: "Đề nghị Sở Nội vụ tổ chức tập huấn chuyển đổi số.\n- Bố trí kinh phí máy tính."
        },
    )
    return report


def test_docx_has_the_samples_structure_and_the_computed_sentence(world: World) -> None:
    report = _it_report(world)
    lines = _docx_text(render_file(report_document(report), ".docx"))
    text = "\n".join(lines)
    assert "BÁO CÁO" in text
    assert "Kết quả ứng dụng công nghệ thông tin Quý III năm 2025" in text
    assert "/BC-UBND" in text
    for heading in (
        "I. Kết quả thực hiện mục tiêu, chỉ tiêu",
        "II. Kết quả thực hiện",
        "III. Một số tồn tại",
        "V. Các kiến nghị",
    ):
        assert any(line.startswith(heading) for line in lines), heading
    assert any(SENTENCE in line for line in lines)
    assert any("được gửi dưới dạng văn bản điện tử là 3 văn bản, đạt 100 %" in line for line in lines)
    assert any(line.startswith("Nơi nhận") for line in lines)
    assert "Đề nghị Sở Nội vụ tổ chức tập huấn chuyển đổi số." in text
    assert "- Bố trí kinh phí máy tính." in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "Trần Văn Chủ" in text
    assert "Sở Nội vụ tổng hợp./." in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_pdf_text(world: World, tmp_path: Path) -> None:
    report = _it_report(world)
    pdf = tmp_path / "bc.pdf"
    pdf.write_bytes(render_file(report_document(report), ".pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = " ".join(text.split())
    assert "BÁO CÁO" in flat
    assert "là 3 văn bản." in flat
    assert "I. Kết quả thực hiện mục tiêu, chỉ tiêu" in flat
    assert "Nơi nhận" in flat


def test_xlsx_of_a_report_and_of_a_consolidation(world: World) -> None:
    from openpyxl import load_workbook

    report = _it_report(world)
    sheet = load_workbook(io.BytesIO(report_xlsx(report))).worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["VB_DI"][3] == 3
    assert rows["VB_DI_DT"][4:6] == (3, 3)
    report_submit(by=world.officer_a, report=report)
    cons = consolidation(report.campaign, world.cast.province)
    sheet = load_workbook(io.BytesIO(consolidation_xlsx(cons))).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = values[3]
    line = next(v for v in values if v[2] == "Ủy ban nhân dân xã An Lạc")
    assert line[header.index("VB_DI")] == 3
    assert line[3] == "Nộp muộn"  # a past quarter: sent today, after the deadline
    assert next(v for v in values if v[2] == "Tổng hợp")[header.index("VB_DI")] == 3


def test_render_report_command_says_which_values(world: World, tmp_path: Path) -> None:
    report = _it_report(world)
    out = tmp_path / "bao-cao.docx"
    buffer = io.StringIO()
    call_command(
        "render_report",
        agency=world.cast.commune_a.code,
        regime="BC_UDCNTT_QUY",
        period="2025Q3",
        out=str(out),
        stdout=buffer,
    )
    assert "tính trực tiếp" in buffer.getvalue()
    assert any(SENTENCE in line for line in _docx_text(out.read_bytes()))
    report_submit(by=world.officer_a, report=report)
    outgoing(world.cast.commune_a, vn(2025, 9, 1))  # live data change after submission
    buffer = io.StringIO()
    call_command(
        "render_report",
        agency=world.cast.commune_a.code,
        regime="BC_UDCNTT_QUY",
        period="2025Q3",
        out=str(out),
        stdout=buffer,
    )
    assert "đã chốt" in buffer.getvalue()
    assert any(SENTENCE in line for line in _docx_text(out.read_bytes()))  # still 3: frozen
    pdf = tmp_path / "bao-cao.pdf"
    call_command(
        "render_report",
        agency=world.cast.commune_b.code,
        regime="BC_UDCNTT_QUY",
        period="2025Q3",
        out=str(pdf),
        stdout=io.StringIO(),
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(Exception, match="không hợp lệ|không phù hợp"):
        call_command(
            "render_report",
            agency=world.cast.commune_a.code,
            regime="BC_UDCNTT_QUY",
            period="2025M01",
            out=str(out),
        )


def test_a_sent_report_keeps_its_task_table_as_it_was(world: World) -> None:
    """The task table is frozen with the values when the report is sent: a task renamed or
    finished later does not change the report; a draft reads the tasks live."""
    from datetime import date

    from cqs.worklist.tests.factories import make_plan, make_task

    cast = world.cast
    task = make_task(
        by=world.leader_a,
        assigning=cast.commune_a,
        lead=cast.commune_a,
        assigned_on=date(2025, 7, 1),
        deadline=date(2025, 12, 31),
        title="Số hóa hồ sơ một cửa năm 2025",
        plan=make_plan(cast.commune_a),
    )
    report = _it_report(world)
    assert "Số hóa hồ sơ một cửa năm 2025" in "\n".join(
        _docx_text(render_file(report_document(report), ".docx"))
    )

    report_submit(by=world.officer_a, report=report)
    report.refresh_from_db()
    assert any("Số hóa hồ sơ một cửa năm 2025" in str(rows) for rows in report.task_tables.values())
    task.title = "Số hóa hồ sơ (đã đổi tên sau khi gửi)"
    task.save()
    sent = "\n".join(_docx_text(render_file(report_document(report), ".docx")))
    assert "Số hóa hồ sơ một cửa năm 2025" in sent and "đã đổi tên" not in sent
    # A draft still reads the tasks as they are now.
    draft = world.report(report.campaign, cast.commune_b)
    task.lead_agency = cast.commune_b
    task.save()
    assert "đã đổi tên" in "\n".join(_docx_text(render_file(report_document(draft), ".docx")))
