"""The catalogue as XLSX: export → import round trip, new versions, all-or-nothing errors."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from cqs.core.errors import ApplicationError
from cqs.onestop.catalogue import export_xlsx, import_xlsx
from cqs.onestop.models import Procedure, ProcedureVersion


def _book(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def _save(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_round_trip_changes_nothing(world: Any) -> None:
    data = export_xlsx()
    result = import_xlsx(actor=world.cast.province_admin, data=data)
    assert (result.procedures, result.created, result.updated) == (1, 0, 0)
    assert ProcedureVersion.objects.count() == 1
    again = _book(export_xlsx())
    assert [c.value for c in again["Thủ tục"][2]] == [c.value for c in _book(data)["Thủ tục"][2]]


def test_changed_rules_make_a_new_version_and_new_codes_a_new_procedure(world: Any) -> None:
    book = _book(export_xlsx())
    sheet = book["Thủ tục"]
    sheet["F2"] = 5  # processing days
    sheet.append(
        ["2.000908.000.00.00.H55", "Chứng thực chữ ký", "Chứng thực", "Cấp xã", "", 0, "15:00", 10000]
        + ["Toàn trình", "Bản chứng thực", "QĐ 1/QĐ-UBND", "01/01/2025"]
    )
    book["Thành phần"].append(
        ["2.000908.000.00.00.H55", 1, "Giấy tờ cần chứng thực chữ ký", "Bản chính", "Có"]
    )
    result = import_xlsx(actor=world.cast.province_admin, data=_save(book))
    assert (result.created, result.updated) == (1, 1)
    khai_sinh = Procedure.objects.get(code=world.version.procedure.code)
    current = khai_sinh.versions.get(is_current=True)
    assert current.number == 2 and current.processing_days == 5 and current.components.count() == 3
    world.version.refresh_from_db()
    assert not world.version.is_current and world.version.processing_days == 3
    new = Procedure.objects.get(code="2.000908.000.00.00.H55").versions.get()
    assert new.same_day_cutoff is not None and new.fee == 10000 and new.online_level == "toan_trinh"


def test_errors_name_their_rows_and_nothing_is_imported(world: Any) -> None:
    book = _book(export_xlsx())
    sheet = book["Thủ tục"]
    sheet.append(
        ["2.9", "Thủ tục sai", "X", "Cấp thôn", "", "ba", "", 0, "Toàn trình", "KQ", "", "01/01/2025"]
    )
    sheet.append(
        ["2.000909.000.00.00.H55", "", "X", "Cấp xã", "", 1, "", 0, "Cấp độ 4", "KQ", "", "32/13/2025"]
    )
    sheet["F2"] = 9
    with pytest.raises(ApplicationError) as caught:
        import_xlsx(actor=world.cast.province_admin, data=_save(book))
    message = caught.value.message
    assert "dòng 3: mã thủ tục “2.9”" in message and "dòng 3: cấp thực hiện “Cấp thôn”" in message
    assert "dòng 3: thời hạn “ba” không phải số" in message
    assert "dòng 4: thiếu tên thủ tục" in message and "dòng 4: mức độ trực tuyến “Cấp độ 4”" in message
    assert "dòng 4: ngày áp dụng “32/13/2025”" in message
    assert ProcedureVersion.objects.count() == 1 and world.version.processing_days == 3


def test_not_a_workbook(world: Any) -> None:
    with pytest.raises(ApplicationError, match="không phải bảng tính"):
        import_xlsx(actor=world.cast.province_admin, data=b"not excel")
