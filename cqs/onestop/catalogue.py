"""The procedure catalogue as an XLSX workbook: export, and an all-or-nothing import with
row-numbered Vietnamese errors.

Sheet "Thủ tục" (one row per procedure, its current version) and sheet "Thành phần" (one row
per component, keyed by the procedure code). Importing a code that exists with different
rules creates a new version (the old one stays with the dossiers received under it);
identical rules change nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.core.text import nfc
from cqs.onestop.models import (
    PROCEDURE_CODE_VALIDATOR,
    OnlineLevel,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
)
from cqs.org.models import Agency, AgencyLevel

PROCEDURE_HEADER = (
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Cơ quan có thẩm quyền (mã định danh)",
    "Thời hạn (ngày làm việc)",
    "Giờ tiếp nhận cuối",
    "Phí, lệ phí (đồng)",
    "Mức độ trực tuyến",
    "Kết quả",
    "Quyết định công bố",
    "Áp dụng từ ngày",
)
COMPONENT_HEADER = ("Mã thủ tục", "Thứ tự", "Tên thành phần", "Loại bản", "Bắt buộc")
LEVELS = {label.lower(): value for value, label in AgencyLevel.choices}
ONLINE = {label.lower(): value for value, label in OnlineLevel.choices}
YES = {"có", "x", "1", "bắt buộc"}


@dataclass(frozen=True)
class ImportResult:
    procedures: int
    created: int
    updated: int


def export_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Thủ tục"
    sheet.append(PROCEDURE_HEADER)
    parts = book.create_sheet("Thành phần")
    parts.append(COMPONENT_HEADER)
    versions = (
        ProcedureVersion.objects.filter(is_current=True)
        .select_related("procedure", "competent_agency")
        .prefetch_related("components")
        .order_by("procedure__code")
    )
    for v in versions:
        p = v.procedure
        sheet.append(
            [
                p.code,
                p.name,
                p.field,
                AgencyLevel(p.level).label,
                v.competent_agency.code if v.competent_agency else "",
                v.processing_days,
                v.same_day_cutoff.strftime("%H:%M") if v.same_day_cutoff else "",
                v.fee,
                OnlineLevel(v.online_level).label,
                v.result_type,
                v.decision_reference,
                v.effective_from.strftime("%d/%m/%Y"),
            ]
        )
        for c in v.components.all():
            parts.append([p.code, c.order, c.name, c.note, "Có" if c.is_required else "Không"])
    for ws in (sheet, parts):
        for cell in ws[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    return nfc(str(value)).strip() if value is not None else ""


def _int(value: Any, what: str, errors: list[str], where: str) -> int:
    try:
        number = int(float(str(value).replace(".", "").replace(",", "."))) if _text(value) else 0
    except ValueError:
        errors.append(f"{where}: {what} “{_text(value)}” không phải số.")
        return 0
    if number < 0:
        errors.append(f"{where}: {what} không được âm.")
    return number


def _date(value: Any, errors: list[str], where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    except ValueError:
        errors.append(f"{where}: ngày áp dụng “{text}” phải có dạng dd/mm/yyyy.")
        return date(2000, 1, 1)


def _time(value: Any, errors: list[str], where: str) -> time | None:
    if isinstance(value, time):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        hour, minute = (int(part) for part in text.replace("h", ":").split(":"))
        return time(hour, minute)
    except ValueError:
        errors.append(f"{where}: giờ tiếp nhận cuối “{text}” phải có dạng 15:00.")
        return None


def _sheet(book: Any, name: str) -> Any:
    if name not in book.sheetnames:
        raise ApplicationError(f"Tệp không có trang tính “{name}”; hãy dùng tệp xuất từ danh mục làm mẫu.")
    return book[name]


def import_xlsx(*, actor: Any, data: bytes) -> ImportResult:
    """Import the workbook: every row is checked first; one error anywhere and nothing changes
    (the message lists each error with its sheet and row number)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ApplicationError("Tệp không phải bảng tính Excel (.xlsx) đọc được.") from None
    procedures_sheet, components_sheet = _sheet(book, "Thủ tục"), _sheet(book, "Thành phần")
    errors: list[str] = []
    agencies = dict(Agency.objects.values_list("code", "pk"))
    rows: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(procedures_sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = list(row) + [None] * (len(PROCEDURE_HEADER) - len(row))
        if not any(_text(c) for c in cells):
            continue
        where = f"Trang “Thủ tục”, dòng {number}"
        code = _text(cells[0])
        try:
            PROCEDURE_CODE_VALIDATOR(code)
        except ValidationError:
            errors.append(f"{where}: mã thủ tục “{code}” không đúng dạng 2.000815.000.00.00.H55.")
        if code in rows:
            errors.append(f"{where}: mã thủ tục “{code}” lặp lại.")
        name = _text(cells[1])
        if not name:
            errors.append(f"{where}: thiếu tên thủ tục.")
        level = LEVELS.get(_text(cells[3]).lower())
        if level is None:
            errors.append(
                f"{where}: cấp thực hiện “{_text(cells[3])}” không có trong danh mục "
                f"({', '.join(str(label) for label in AgencyLevel.labels)})."
            )
        agency_code = _text(cells[4])
        if agency_code and agency_code not in agencies:
            errors.append(f"{where}: không có cơ quan mã định danh “{agency_code}”.")
        online = ONLINE.get(_text(cells[8]).lower())
        if online is None:
            errors.append(
                f"{where}: mức độ trực tuyến “{_text(cells[8])}” phải là Toàn trình, Một phần "
                "hoặc Chưa cung cấp trực tuyến."
            )
        result = _text(cells[9])
        if not result:
            errors.append(f"{where}: thiếu kết quả giải quyết.")
        rows[code] = {
            "name": name,
            "field": _text(cells[2]) or "Khác",
            "level": level,
            "competent_agency_id": agencies.get(agency_code),
            "processing_days": _int(cells[5], "thời hạn", errors, where),
            "same_day_cutoff": _time(cells[6], errors, where),
            "fee": _int(cells[7], "phí, lệ phí", errors, where),
            "online_level": online,
            "result_type": result,
            "decision_reference": _text(cells[10]),
            "effective_from": _date(cells[11], errors, where),
            "components": [],
        }
    for number, row in enumerate(components_sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = list(row) + [None] * (len(COMPONENT_HEADER) - len(row))
        if not any(_text(c) for c in cells):
            continue
        where = f"Trang “Thành phần”, dòng {number}"
        code = _text(cells[0])
        if code not in rows:
            errors.append(f"{where}: mã thủ tục “{code}” không có trong trang “Thủ tục”.")
            continue
        name = _text(cells[2])
        if not name:
            errors.append(f"{where}: thiếu tên thành phần.")
        rows[code]["components"].append(
            (_int(cells[1], "thứ tự", errors, where), name, _text(cells[3]), _text(cells[4]).lower() in YES)
        )
    if not rows and not errors:
        errors.append("Tệp không có thủ tục nào (trang “Thủ tục” trống).")
    if errors:
        raise ApplicationError(
            "Không nhập được danh mục; chưa có thay đổi nào:\n" + "\n".join(errors[:200]), code="import"
        )
    created = updated = 0
    with transaction.atomic():
        for code, values in rows.items():
            components = values.pop("components")
            procedure, is_new = Procedure.objects.get_or_create(
                code=code,
                defaults={"name": values["name"], "field": values["field"], "level": values["level"]},
            )
            Procedure.objects.filter(pk=procedure.pk).update(
                name=values.pop("name"), field=values.pop("field"), level=values.pop("level"), is_active=True
            )
            current = procedure.versions.filter(is_current=True).first()
            if current is not None and _same(current, values, components):
                continue
            number = (
                procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
            ) + 1
            procedure.versions.update(is_current=False)
            version = ProcedureVersion.objects.create(
                procedure=procedure, number=number, is_current=True, **values
            )
            ProcedureComponent.objects.bulk_create(
                ProcedureComponent(version=version, order=o, name=n, note=note, is_required=req)
                for o, n, note, req in components
            )
            created += is_new
            updated += not is_new
        audit_record(
            actor=actor,
            action="onestop.catalogue_import",
            payload={"procedures": len(rows), "created": created, "updated": updated},
        )
    return ImportResult(procedures=len(rows), created=created, updated=updated)


def _same(
    version: ProcedureVersion, values: dict[str, Any], components: list[tuple[int, str, str, bool]]
) -> bool:
    for key, value in values.items():
        if getattr(version, key) != value:
            return False
    existing = [(c.order, c.name, c.note, c.is_required) for c in version.components.order_by("order", "id")]
    return existing == sorted(components)
