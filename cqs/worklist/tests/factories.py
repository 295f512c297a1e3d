"""Plain factories for worklist tests: rows made directly, for tests of reads (stats, tables)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from cqs.org.models import Agency, Unit
from cqs.worklist.models import (
    ExtensionRequest,
    ExtensionStatus,
    Plan,
    Task,
    TaskProgress,
    TaskStatus,
)


def make_plan(agency: Agency, *, title: str = "Kế hoạch chuyển đổi số năm 2025", year: int = 2025) -> Plan:
    return Plan.objects.create(
        title=title, issuing_agency=agency, year=year, citation="Kế hoạch số 12/KH-UBND"
    )


def make_task(
    *,
    by: Any,
    assigning: Agency,
    lead: Agency,
    assigned_on: date,
    deadline: date,
    title: str = "Nhiệm vụ thử nghiệm",
    plan: Plan | None = None,
    order: int = 0,
    parent: Task | None = None,
    lead_unit: Unit | None = None,
    supporters: Iterable[Agency] = (),
    finished_on: date | None = None,
    cancelled_on: date | None = None,
    status: str | None = None,
    result_note: str = "",
) -> Task:
    if status is None:
        status = (
            TaskStatus.DONE
            if finished_on
            else TaskStatus.CANCELLED
            if cancelled_on
            else TaskStatus.IN_PROGRESS
        )
    task = Task.objects.create(
        title=title,
        plan=plan,
        order=order,
        parent=parent,
        assigned_by=by,
        assigning_agency=assigning,
        lead_agency=lead,
        lead_unit=lead_unit,
        assigned_on=assigned_on,
        deadline=deadline,
        finished_on=finished_on,
        cancelled_on=cancelled_on,
        status=status,
        result_note=result_note,
    )
    task.supporting_agencies.set(list(supporters))
    return task


def noon(day: date) -> datetime:
    return datetime.combine(day, time(5, 0), tzinfo=UTC)  # 12:00 in Vietnam


def add_progress(task: Task, *, by: Any, on: date, percent: int, text: str) -> TaskProgress:
    return TaskProgress.objects.create(
        task=task,
        text=text,
        percent=percent,
        agency=task.lead_agency,
        reported_by=by,
        reported_at=noon(on),
        reported_on=on,
    )


def grant_extension(task: Task, *, by: Any, on: date, new_deadline: date) -> ExtensionRequest:
    extension = ExtensionRequest.objects.create(
        task=task,
        previous_deadline=task.deadline,
        new_deadline=new_deadline,
        reason="Cần thêm thời gian",
        requested_by=by,
        requested_at=noon(on),
        status=ExtensionStatus.GRANTED,
        decided_by=by,
        decided_at=noon(on),
        decided_on=on,
    )
    Task.objects.filter(pk=task.pk).update(extended_deadline=new_deadline)
    task.refresh_from_db()
    return extension
