"""XLSX import and export of a plan's tasks: round trip, matching, bad rows (all or nothing)."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from cqs.worklist.models import Task
from cqs.worklist.services import local_today
from cqs.worklist.tests.factories import make_plan
from cqs.worklist.xlsx import HEADERS, ImportRowsError, export_plan, import_plan_tasks, parse_deadline

pytestmark = pytest.mark.usefixtures("today")


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["PHỤ LỤC: DANH MỤC NHIỆM VỤ"])
    sheet.append([])
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD: list[list[Any]] = [
    [
        1,
        "Xây dựng cơ sở dữ liệu cán bộ",
        "so noi vu",
        "UBND xã An Lạc; Văn phòng UBND tỉnh",
        "30/09/2025",
        "Cơ sở dữ liệu vận hành",
        "Ưu tiên",
    ],
    ["1.1", "Chuẩn hóa dữ liệu", "Sở Nội vụ (Văn phòng Sở)", "", "10 ngày làm việc", "", ""],
    [2, "Rà soát thủ tục", "000.00.41.T01", "Sở Nội vụ, Văn phòng UBND tỉnh", datetime(2025, 12, 31), "", ""],
    [3, "Báo cáo quý", "Ủy ban nhân dân xã Bình Yên", "", "Quý IV/2025", "Báo cáo", ""],
]


def test_import_creates_tasks_with_matched_agencies(cast: Any, people: dict[str, Any]) -> None:
    plan = make_plan(cast.province)
    created = import_plan_tasks(by=people["province_leader"], plan=plan, data=workbook(GOOD))
    assert len(created) == 4
    first, sub, second, third = created
    assert first.lead_agency == cast.department and first.deadline == date(2025, 9, 30)
    assert {a.pk for a in first.supporting_agencies.all()} == {cast.commune_a.pk, cast.office.pk}
    assert first.description == "Ưu tiên"
    assert sub.parent == first and sub.lead_unit == cast.unit_department
    assert sub.assigning_agency == cast.department and sub.deadline == date(2025, 9, 5)
    assert second.lead_agency == cast.commune_a and second.deadline == date(2025, 12, 31)
    assert {a.pk for a in second.supporting_agencies.all()} == {cast.department.pk, cast.office.pk}
    assert third.lead_agency == cast.commune_b and third.deadline == date(2025, 12, 31)


def test_bad_rows_give_row_numbers_and_nothing_is_imported(cast: Any, people: dict[str, Any]) -> None:
    plan = make_plan(cast.province)
    rows = [
        *GOOD,
        [4, "Nhiệm vụ A", "Sở Thông tin và Truyền thông", "", "31/12/2025", "", ""],
        [5, "Nhiệm vụ B", "Sở Nội vụ", "Ban Không Tồn Tại", "Thường xuyên", "", ""],
        [6, "", "Sở Nội vụ", "", "31/02/2025", "", ""],
    ]
    with pytest.raises(ImportRowsError) as raised:
        import_plan_tasks(by=people["province_leader"], plan=plan, data=workbook(rows))
    assert raised.value.errors == [
        "Dòng 8: cơ quan chủ trì: không tìm thấy cơ quan «Sở Thông tin và Truyền thông».",
        "Dòng 9: cơ quan phối hợp: không tìm thấy cơ quan «Ban Không Tồn Tại»; "
        "không hiểu thời hạn «Thường xuyên» (ghi ngày dd/mm/yyyy, «N ngày làm việc», «Tháng 6/2025», "
        "«Quý II/2025» hoặc «Năm 2025»).",
        "Dòng 10: thiếu nội dung nhiệm vụ; thời hạn «31/02/2025» không phải ngày có thật.",
    ]
    assert not Task.objects.exists()


def test_rules_checked_by_the_services_also_roll_everything_back(cast: Any, people: dict[str, Any]) -> None:
    plan = make_plan(cast.province)
    rows = [GOOD[0], ["1.1", "Con quá hạn cha", "Sở Nội vụ (Văn phòng Sở)", "", "31/10/2025", "", ""]]
    with pytest.raises(ImportRowsError, match="Dòng 5: Thời hạn nhiệm vụ con"):
        import_plan_tasks(by=people["province_leader"], plan=plan, data=workbook(rows))
    assert not Task.objects.exists()


def test_not_an_xlsx_and_no_header(cast: Any, people: dict[str, Any]) -> None:
    plan = make_plan(cast.province)
    with pytest.raises(ImportRowsError, match="không phải bảng tính Excel"):
        import_plan_tasks(by=people["province_leader"], plan=plan, data=b"%PDF-1.4 nope")
    book = Workbook()
    book.active.append(["Một", "Hai"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportRowsError, match="Không tìm thấy dòng tiêu đề"):
        import_plan_tasks(by=people["province_leader"], plan=plan, data=buffer.getvalue())


def test_only_those_acting_for_the_plans_agency_import(cast: Any) -> None:
    plan = make_plan(cast.province)
    with pytest.raises(PermissionDenied):
        import_plan_tasks(by=cast.department_leader, plan=plan, data=workbook(GOOD))


def test_round_trip(cast: Any, people: dict[str, Any]) -> None:
    plan = make_plan(cast.province)
    import_plan_tasks(by=people["province_leader"], plan=plan, data=workbook(GOOD))
    tasks = list(plan.tasks.select_related("lead_agency", "lead_unit").order_by("order", "id"))
    exported = export_plan(plan, tasks, today=local_today())
    sheet = load_workbook(io.BytesIO(exported)).active
    assert sheet is not None
    values = [[c for c in row] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert values[0] == list(HEADERS)
    assert values[1][:5] == [
        "1",
        "Xây dựng cơ sở dữ liệu cán bộ",
        "Sở Nội vụ",
        "Văn phòng UBND tỉnh; Ủy ban nhân dân xã An Lạc",
        datetime(2025, 9, 30),
    ]
    assert values[1][6] == "Trong hạn (hạn 30/09/2025)"
    assert values[2][:3] == ["1.1", "Chuẩn hóa dữ liệu", "Sở Nội vụ (Văn phòng Sở)"]
    # The exported file imports again into another plan with the same content.
    other = make_plan(cast.province, title="Bản sao")
    again = import_plan_tasks(by=people["province_leader"], plan=other, data=exported)

    def key(t: Task) -> tuple[Any, ...]:
        return (t.title, t.lead_agency_id, t.lead_unit_id, t.deadline, t.parent.title if t.parent else None)

    assert sorted(map(key, again)) == sorted(map(key, tasks))
    assert again[0].description == ""  # the status note is not copied into the description


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("15/3/2026", (date(2026, 3, 15), None)),
        ("Tháng 6/2026", (date(2026, 6, 30), None)),
        ("Quý II/2026", (date(2026, 6, 30), None)),
        ("quý 1/2026", (date(2026, 3, 31), None)),
        ("Năm 2026", (date(2026, 12, 31), None)),
        ("15 ngày làm việc", (None, 15)),
        (date(2026, 1, 5), (date(2026, 1, 5), None)),
    ],
)
def test_deadline_cells(cell: Any, expected: tuple[date | None, int | None]) -> None:
    assert parse_deadline(cell)[:2] == expected
