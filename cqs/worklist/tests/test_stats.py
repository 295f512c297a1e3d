"""The indicators and the task table the reporting module inserts (exact numbers)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from cqs.worklist.stats import TaskRow, TaskStats, task_stats_by_agency, task_table
from cqs.worklist.tests.factories import add_progress, grant_extension, make_plan, make_task

START, END = date(2025, 7, 1), date(2025, 8, 29)


@pytest.fixture
def scene(cast: Any) -> dict[str, Any]:
    dep, by, prov = cast.department, cast.department_leader, cast.province
    plan = make_plan(prov)

    def task(title: str, assigned_on: date, deadline: date, **kw: Any) -> Any:
        return make_task(
            by=by,
            assigning=prov,
            lead=kw.pop("lead", dep),
            title=title,
            assigned_on=assigned_on,
            deadline=deadline,
            **kw,
        )

    t: dict[str, Any] = {"plan": plan}
    t["A"] = task("A", date(2025, 6, 20), date(2025, 7, 15), finished_on=date(2025, 7, 10))
    t["B"] = task(
        "Xây dựng quy chế",
        date(2025, 7, 1),
        date(2025, 7, 31),
        finished_on=date(2025, 7, 31),
        plan=plan,
        order=1,
        supporters=[cast.commune_a],
    )
    t["C"] = task(
        "Ban hành danh mục",
        date(2025, 7, 2),
        date(2025, 7, 21),
        finished_on=date(2025, 7, 25),
        plan=plan,
        order=2,
        result_note="Đã ban hành quy chế",
    )
    t["D"] = task("D", date(2025, 7, 3), END)
    t["E"] = task("E", date(2025, 7, 4), date(2025, 8, 28))
    t["F"] = task("Khảo sát hạ tầng", date(2025, 7, 5), date(2025, 8, 1), plan=plan, order=3)
    grant_extension(t["F"], by=by, on=date(2025, 7, 30), new_deadline=date(2025, 9, 15))
    t["G"] = task("G", date(2025, 7, 6), date(2025, 8, 1))
    grant_extension(t["G"], by=by, on=date(2025, 9, 1), new_deadline=date(2025, 9, 30))
    t["H"] = task("H", date(2025, 7, 7), date(2025, 8, 11), finished_on=date(2025, 9, 5))
    t["I"] = task("I", date(2025, 7, 8), date(2025, 8, 11), cancelled_on=date(2025, 8, 1))
    t["J"] = task("J", date(2025, 7, 9), date(2025, 8, 20), cancelled_on=date(2025, 9, 10))
    t["K"] = task(
        "Giao Văn phòng Sở dự thảo",
        date(2025, 7, 2),
        date(2025, 7, 25),
        parent=t["B"],
        lead_unit=cast.unit_department,
        finished_on=date(2025, 7, 24),
    )
    t["L"] = task(
        "Rà soát thiết bị tại xã",
        date(2025, 7, 10),
        date(2025, 8, 15),
        parent=t["D"],
        lead=cast.commune_a,
        finished_on=date(2025, 8, 14),
    )
    t["M"] = task("M", date(2025, 9, 1), date(2025, 9, 30))
    add_progress(t["B"], by=by, on=date(2025, 7, 15), percent=50, text="Đang triển khai")
    add_progress(t["F"], by=by, on=date(2025, 8, 10), percent=40, text="Đang khảo sát")
    add_progress(t["F"], by=by, on=date(2025, 9, 5), percent=80, text="Đã xong khảo sát")
    return t


def test_stats_by_lead_agency_as_at_the_end(
    cast: Any, scene: dict[str, Any], django_assert_num_queries: Any
) -> None:
    ids = [cast.department.pk, cast.commune_a.pk, cast.office.pk]
    with django_assert_num_queries(1):
        stats = task_stats_by_agency(ids, START, END)
    assert stats[cast.department.pk] == TaskStats(
        assigned=8, done_early=1, done_on_time=1, done_late=1, in_progress_within=2, overdue=4
    )
    assert stats[cast.commune_a.pk] == TaskStats(1, 1, 0, 0, 0, 0)
    assert stats[cast.office.pk] == TaskStats(0, 0, 0, 0, 0, 0)


def test_stats_of_one_plan(cast: Any, scene: dict[str, Any]) -> None:
    stats = task_stats_by_agency([cast.department.pk], START, END, plan_id=scene["plan"].pk)
    assert stats == {cast.department.pk: TaskStats(3, 0, 1, 1, 1, 0)}


def test_a_later_end_sees_later_events(cast: Any, scene: dict[str, Any]) -> None:
    stats = task_stats_by_agency([cast.department.pk], START, date(2025, 9, 10))
    # M assigned; H done late; G extended on 01/09 (overdue again by 10/09? no: 30/09); J cancelled.
    assert stats[cast.department.pk] == TaskStats(
        assigned=8, done_early=1, done_on_time=1, done_late=2, in_progress_within=3, overdue=2
    )


def test_task_table_of_a_plan(cast: Any, scene: dict[str, Any]) -> None:
    rows = task_table(plan_id=scene["plan"].pk, agency_ids=None, start=START, end=END)
    assert rows == [
        TaskRow(
            "1",
            "Xây dựng quy chế",
            "Sở Nội vụ",
            "Ủy ban nhân dân xã An Lạc",
            "Đã hoàn thành ngày 31/07/2025: Đang triển khai",
            "Hoàn thành đúng hạn",
        ),
        TaskRow(
            "2",
            "Ban hành danh mục",
            "Sở Nội vụ",
            "",
            "Đã hoàn thành ngày 25/07/2025: Đã ban hành quy chế",
            "Hoàn thành quá hạn 4 ngày làm việc",
        ),
        TaskRow(
            "3",
            "Khảo sát hạ tầng",
            "Sở Nội vụ",
            "",
            "Đang khảo sát (đạt 40 %, báo cáo ngày 10/08/2025)",
            "Trong hạn (hạn 15/09/2025); đã gia hạn từ 01/08/2025 đến 15/09/2025",
        ),
    ]


def test_task_table_numbers_sub_tasks_and_filters_agencies(cast: Any, scene: dict[str, Any]) -> None:
    rows = task_table(plan_id=None, agency_ids=[cast.department.pk], start=START, end=END)
    numbers = {row.content: row.number for row in rows}
    assert numbers["Xây dựng quy chế"] == "1"
    assert numbers["Giao Văn phòng Sở dự thảo"] == "1.1"
    assert "A" in numbers  # finished within the window
    assert "I" not in numbers and "M" not in numbers
    sub = next(r for r in rows if r.number == "1.1")
    assert sub.lead == "Sở Nội vụ (Văn phòng Sở)"
    assert sub.note == "Hoàn thành trước hạn 1 ngày làm việc"
    commune = task_table(plan_id=None, agency_ids=[cast.commune_a.pk], start=START, end=END)
    assert [(r.number, r.content) for r in commune] == [
        ("1", "Xây dựng quy chế"),
        ("2", "Rà soát thiết bị tại xã"),
    ]
    assert commune[1].result == "Đã hoàn thành ngày 14/08/2025."
