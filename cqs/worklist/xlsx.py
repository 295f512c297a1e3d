"""XLSX export and import of a plan's tasks, in the layout of a plan's annex table.

Columns: STT, Nội dung nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Thời hạn, Kết quả dự
kiến, Ghi chú. The header row is found by its "STT" cell (title rows above it are fine).

Import rules:

* Agencies are matched by identifier code (000.00.01.H99) or by name, accent- and
  case-insensitively (`cqs.core.text.fold`), also by short name; a lead agency written
  "Sở Nội vụ (Văn phòng Sở)" names a unit of it. Supporting agencies are separated by ";"
  or new lines, or by commas (a name that itself holds a comma, "Sở Văn hóa, Thể thao và
  Du lịch", is still found).
* Thời hạn: a date cell, "dd/mm/yyyy", "N ngày làm việc" (from the day of import),
  "Tháng M/YYYY", "Quý I/YYYY" … "Quý IV/YYYY", "Năm YYYY" (the last day of that span).
* STT "2.1" makes a sub-task of row "2" (given by the lead agency of row 2).
* Every row is checked first; any error gives the list of Vietnamese messages with row
  numbers and nothing is imported (all or nothing).
"""

from __future__ import annotations

import calendar
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils.exceptions import InvalidFileException

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.core.text import fold, format_date_short, nfc
from cqs.org.models import Agency, Unit
from cqs.worklist import permissions as perms
from cqs.worklist.models import Plan, Task
from cqs.worklist.selectors import timing_of
from cqs.worklist.services import TaskSpec, _announce, _create, local_today, resolve_deadline

HEADERS = (
    "STT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời hạn",
    "Kết quả dự kiến",
    "Ghi chú",
)
MAX_ROWS = 2000
MAX_BYTES = 10 * 1024 * 1024


class ImportRowsError(ApplicationError):
    """The import was refused; `errors` lists one Vietnamese message per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("Không nhập được danh sách nhiệm vụ: " + " ".join(errors[:20]), code="import")
        self.errors = errors


# --------------------------------------------------------------------------- export


def _lead_label(task: Task) -> str:
    return f"{task.lead_agency.name} ({task.lead_unit.name})" if task.lead_unit else task.lead_agency.name


def export_plan(plan: Plan, tasks: list[Task], *, today: date) -> bytes:
    """The plan's tasks as an annex table; sub-tasks numbered "2.1" under their parent."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Nhiệm vụ"
    sheet.append([plan.title])
    sheet.append([plan.citation or f"Năm {plan.year}"])
    sheet.append([])
    sheet.append(list(HEADERS))
    bold = Font(bold=True)
    thin = Side(style="thin")
    for cell in sheet[4]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet["A1"].font = Font(bold=True, size=13)
    by_parent: dict[int | None, list[Task]] = {}
    ids = {t.pk for t in tasks}
    for task in tasks:
        key = task.parent_id if task.parent_id in ids else None
        by_parent.setdefault(key, []).append(task)

    def write(task: Task, number: str) -> None:
        supporters = "; ".join(
            [a.name for a in task.supporting_agencies.all()] + [u.name for u in task.supporting_units.all()]
        )
        sheet.append(
            [
                number,
                task.title,
                _lead_label(task),
                supporters,
                task.current_deadline,
                task.expected_result,
                timing_of(task, today).note,
            ]
        )
        sheet.cell(row=sheet.max_row, column=5).number_format = "DD/MM/YYYY"
        for index, child in enumerate(by_parent.get(task.pk, []), start=1):
            write(child, f"{number}.{index}")

    for index, task in enumerate(by_parent.get(None, []), start=1):
        write(task, str(index))
    for row in sheet.iter_rows(min_row=4, max_row=sheet.max_row, max_col=len(HEADERS)):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if (cell.row or 0) > 4:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    for column, width in zip("ABCDEFG", (7, 60, 30, 35, 12, 35, 30), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- matching


class AgencyIndex:
    """Agencies valid today, by code and by folded name / short name."""

    def __init__(self, today: date) -> None:
        self.by_code: dict[str, Agency] = {}
        self.by_name: dict[str, list[Agency]] = {}
        for agency in Agency.objects.valid_on(today):
            self.by_code[agency.code.upper()] = agency
            for name in {agency.name, agency.short_name}:
                if name:
                    self.by_name.setdefault(_key(name), []).append(agency)
        self.units: dict[tuple[int, str], Unit] = {
            (u.agency_id, _key(u.name)): u for u in Unit.objects.filter(is_active=True)
        }

    def find(self, text: str) -> tuple[Agency | None, str]:
        """The agency, or None with why not."""
        found = self.by_code.get(text.strip().upper())
        if found is not None:
            return found, ""
        matches = self.by_name.get(_key(text), [])
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            return None, f"tên «{text}» trùng với nhiều cơ quan, hãy ghi mã định danh"
        return None, f"không tìm thấy cơ quan «{text}»"


def _key(text: str) -> str:
    return " ".join(fold(nfc(text)).replace("ubnd", "uy ban nhan dan").split())


_UNIT_RE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def _lead(index: AgencyIndex, text: str) -> tuple[Agency | None, Unit | None, str]:
    agency, why = index.find(text)
    if agency is not None:
        return agency, None, ""
    match = _UNIT_RE.match(text)
    if match:
        parent, reason = index.find(match.group(1))
        if parent is None:
            return None, None, reason
        unit = index.units.get((parent.pk, _key(match.group(2))))
        if unit is None:
            return None, None, f"không tìm thấy đơn vị «{match.group(2)}» của {parent.name}"
        return parent, unit, ""
    return None, None, why


def _supporters(index: AgencyIndex, text: str) -> tuple[list[Agency], list[str]]:
    found: list[Agency] = []
    errors: list[str] = []
    for chunk in re.split(r"[;\n]+", text):
        parts = [p.strip() for p in chunk.split(",") if p.strip()]
        start = 0
        while start < len(parts):
            # The longest run of comma-separated pieces that names one agency.
            for end in range(len(parts), start, -1):
                agency, _ = index.find(", ".join(parts[start:end]))
                if agency is not None:
                    found.append(agency)
                    start = end
                    break
            else:
                errors.append(index.find(parts[start])[1])
                start += 1
    unique = list({a.pk: a for a in found}.values())
    return unique, errors


# --------------------------------------------------------------------------- deadlines

_DAYS_RE = re.compile(r"^(\d{1,4})\s*ngày\s*làm\s*việc$", re.IGNORECASE)
_DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_MONTH_RE = re.compile(r"^tháng\s*(\d{1,2})\s*[/.-]\s*(\d{4})$", re.IGNORECASE)
_QUARTER_RE = re.compile(r"^quý\s*(I{1,3}|IV|[1-4])\s*[/.-]\s*(?:năm\s*)?(\d{4})$", re.IGNORECASE)
_YEAR_RE = re.compile(r"^năm\s*(\d{4})$", re.IGNORECASE)
_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def parse_deadline(value: Any) -> tuple[date | None, int | None, str]:
    """(date, working days, error) from a Thời hạn cell."""
    if isinstance(value, datetime):
        return value.date(), None, ""
    if isinstance(value, date):
        return value, None, ""
    text = nfc(str(value or "")).strip()
    if not text:
        return None, None, "thiếu thời hạn"
    try:
        if m := _DAYS_RE.match(text):
            return None, int(m.group(1)), ""
        if m := _DATE_RE.match(text):
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1))), None, ""
        if m := _MONTH_RE.match(text):
            year, month = int(m.group(2)), int(m.group(1))
            return date(year, month, calendar.monthrange(year, month)[1]), None, ""
        if m := _QUARTER_RE.match(text):
            year, quarter = int(m.group(2)), _QUARTERS[m.group(1).upper()]
            month = quarter * 3
            return date(year, month, calendar.monthrange(year, month)[1]), None, ""
        if m := _YEAR_RE.match(text):
            return date(int(m.group(1)), 12, 31), None, ""
    except ValueError:
        return None, None, f"thời hạn «{text}» không phải ngày có thật"
    return (
        None,
        None,
        (
            f"không hiểu thời hạn «{text}» (ghi ngày dd/mm/yyyy, «N ngày làm việc», «Tháng 6/2025», "
            "«Quý II/2025» hoặc «Năm 2025»)"
        ),
    )


# --------------------------------------------------------------------------- import


@dataclass
class _Row:
    line: int
    number: str
    spec: TaskSpec


def _cell(row: tuple[Any, ...], index: int) -> Any:
    return row[index] if index < len(row) else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()


_STATUS_NOTES = ("trong han", "qua han", "hoan thanh", "da huy")


def _note(text: str) -> str:
    """A Ghi chú becomes the task's description, unless it is a status our export wrote."""
    return "" if fold(text).startswith(_STATUS_NOTES) else text


def _sheet_rows(data: bytes) -> list[tuple[int, tuple[Any, ...]]]:
    if len(data) > MAX_BYTES:
        raise ImportRowsError(["Tệp quá lớn (tối đa 10 MB)."])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportRowsError(["Tệp không phải bảng tính Excel (.xlsx) đọc được."]) from None
    sheet = workbook.worksheets[0]
    rows = [(i, tuple(r)) for i, r in enumerate(sheet.iter_rows(values_only=True), start=1)]
    workbook.close()
    return rows


def _header_line(rows: list[tuple[int, tuple[Any, ...]]]) -> int:
    for line, row in rows[:20]:
        if fold(_text(_cell(row, 0))) == "stt" and fold(_text(_cell(row, 1))).startswith("noi dung"):
            return line
    raise ImportRowsError(
        ["Không tìm thấy dòng tiêu đề (STT, Nội dung nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp…)."]
    )


def parse_rows(data: bytes, *, today: date) -> list[_Row]:
    """Every row checked; `ImportRowsError` listing all problems (with row numbers) if any."""
    rows = _sheet_rows(data)
    header = _header_line(rows)
    index = AgencyIndex(today)
    parsed: list[_Row] = []
    errors: list[str] = []
    numbers: set[str] = set()
    for line, row in rows:
        if line <= header or not any(_text(v) for v in row[:7]):
            continue
        if len(parsed) >= MAX_ROWS:
            errors.append(f"Quá {MAX_ROWS} dòng nhiệm vụ; hãy chia nhỏ tệp.")
            break
        problems: list[str] = []
        number = _text(_cell(row, 0)).rstrip(".")
        title = _text(_cell(row, 1))
        if not title:
            problems.append("thiếu nội dung nhiệm vụ")
        lead_text = _text(_cell(row, 2))
        agency, unit, why = _lead(index, lead_text) if lead_text else (None, None, "thiếu cơ quan chủ trì")
        if agency is None:
            problems.append(f"cơ quan chủ trì: {why}")
        supporters, bad = _supporters(index, _text(_cell(row, 3)))
        problems += [f"cơ quan phối hợp: {b}" for b in bad]
        deadline, days, deadline_error = parse_deadline(_cell(row, 4))
        if deadline_error:
            problems.append(deadline_error)
        elif deadline is not None and deadline < today:
            problems.append(f"thời hạn {format_date_short(deadline)} đã qua")
        if number and not re.fullmatch(r"\d+(\.\d+)*", number):
            problems.append(f"STT «{number}» không hợp lệ (ghi 1, 2, 2.1 …)")
        elif number in numbers:
            problems.append(f"STT «{number}» bị trùng")
        elif "." in number and number.rsplit(".", 1)[0] not in numbers:
            problems.append(f"nhiệm vụ con {number} đứng trước nhiệm vụ {number.rsplit('.', 1)[0]}")
        if problems:
            errors.append(f"Dòng {line}: " + "; ".join(problems) + ".")
            continue
        assert agency is not None
        numbers.add(number)
        spec = TaskSpec(
            title=title,
            lead_agency=agency,
            lead_unit=unit,
            supporting_agencies=supporters,
            deadline=deadline,
            working_days=days,
            expected_result=_text(_cell(row, 5)),
            description=_note(_text(_cell(row, 6))),
        )
        parsed.append(_Row(line=line, number=number or str(len(parsed) + 1), spec=spec))
    if errors:
        raise ImportRowsError(errors)
    if not parsed:
        raise ImportRowsError(["Tệp không có dòng nhiệm vụ nào dưới dòng tiêu đề."])
    return parsed


def import_plan_tasks(*, by: Any, plan: Plan, data: bytes) -> list[Task]:
    """Create the plan's tasks from an annex table, all or nothing; one audit event."""
    assigning = plan.issuing_agency
    perms.require(
        assigning.pk in perms.acting_agency_ids(by), "Bạn không có quyền giao nhiệm vụ theo kế hoạch này."
    )
    today = local_today()
    rows = parse_rows(data, today=today)
    created: dict[str, Task] = {}
    errors: list[str] = []
    with transaction.atomic():
        start = plan.tasks.filter(parent=None).count()
        for position, row in enumerate(rows, start=1):
            parent_number = row.number.rsplit(".", 1)[0] if "." in row.number else None
            parent = created.get(parent_number) if parent_number else None
            giver = parent.lead_agency if parent is not None else assigning
            try:
                resolve_deadline(
                    assigned_on=today, deadline=row.spec.deadline, working_days=row.spec.working_days
                )
                task = _create(
                    row.spec,
                    by=by,
                    assigning=giver,
                    plan=plan,
                    parent=parent,
                    today=today,
                    order=start + position,
                )
            except ApplicationError as error:
                errors.append(f"Dòng {row.line}: {error.message}")
                continue
            created[row.number] = task
        if errors:  # leaving the block with the error rolls every row back
            raise ImportRowsError(errors)
        for task in created.values():
            _announce(task, by=by)
        audit_record(
            actor=by,
            action="worklist.plan.import",
            target=plan,
            agency_id=assigning.pk,
            payload={"tasks": [t.pk for t in created.values()], "rows": len(rows)},
        )
    return list(created.values())
