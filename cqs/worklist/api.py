"""JSON API of Theo dõi nhiệm vụ (django-ninja router mounted by config/api.py at /api/nhiem-vu/).

Authentication is the Django session (`ninja.security.django_auth`, which also checks the
CSRF token on unsafe methods), so the API sees exactly what the screens see: the same
permission gate (404 for tasks the user may not see) and the same services.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.security import django_auth

from cqs.core.errors import ApplicationError
from cqs.worklist import permissions as perms
from cqs.worklist import selectors, services
from cqs.worklist.models import Task

router = Router(tags=["Theo dõi nhiệm vụ"], auth=django_auth)


class ErrorOut(Schema):
    detail: str


class TaskOut(Schema):
    id: int
    title: str
    plan_id: int | None
    parent_id: int | None
    assigning_agency: str
    lead_agency_id: int
    lead_agency: str
    lead_unit: str | None
    assigned_on: date
    deadline: date
    extended_deadline: date | None
    due: date
    status: str
    status_label: str
    timing: str
    timing_label: str
    note: str
    percent: int
    finished_on: date | None


class ProgressOut(Schema):
    id: int
    text: str
    percent: int
    agency: str
    reported_by: str
    reported_at: datetime
    files: list[dict[str, Any]]


class ReminderOut(Schema):
    sequence: int
    kind: str
    kind_label: str
    text: str
    sent_at: datetime


class ExtensionOut(Schema):
    new_deadline: date
    previous_deadline: date
    reason: str
    status: str
    status_label: str
    decision_reason: str


class TaskDetailOut(TaskOut):
    description: str
    expected_result: str
    result_note: str
    supporting_agencies: list[str]
    progress: list[ProgressOut]
    reminders: list[ReminderOut]
    extensions: list[ExtensionOut]


class TaskListOut(Schema):
    count: int
    items: list[TaskOut]


class DoneIn(Schema):
    result_note: str


def _task_out(task: Task, today: date) -> dict[str, Any]:
    timing = selectors.timing_of(task, today)
    return {
        "id": task.pk,
        "title": task.title,
        "plan_id": task.plan_id,
        "parent_id": task.parent_id,
        "assigning_agency": task.assigning_agency.name,
        "lead_agency_id": task.lead_agency_id,
        "lead_agency": task.lead_agency.name,
        "lead_unit": task.lead_unit.name if task.lead_unit else None,
        "assigned_on": task.assigned_on,
        "deadline": task.deadline,
        "extended_deadline": task.extended_deadline,
        "due": timing.due,
        "status": task.status,
        "status_label": task.get_status_display(),
        "timing": timing.timing.value,
        "timing_label": timing.timing.label,
        "note": timing.note,
        "percent": task.percent,
        "finished_on": task.finished_on,
    }


def _name(user: Any) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "username", ""))


def _detail_out(task: Task, today: date) -> dict[str, Any]:
    data = _task_out(task, today)
    data.update(
        description=task.description,
        expected_result=task.expected_result,
        result_note=task.result_note,
        supporting_agencies=[a.name for a in task.supporting_agencies.all()],
        progress=[
            {
                "id": p.pk,
                "text": p.text,
                "percent": p.percent,
                "agency": p.agency.name,
                "reported_by": _name(p.reported_by),
                "reported_at": p.reported_at,
                "files": [
                    {"id": f.pk, "name": f.original_name, "size": f.size, "sha256": f.sha256}
                    for f in p.files.all()
                ],
            }
            for p in task.progress_reports.select_related("agency", "reported_by").prefetch_related("files")
        ],
        reminders=[
            {
                "sequence": r.sequence,
                "kind": r.kind,
                "kind_label": r.get_kind_display(),
                "text": r.text,
                "sent_at": r.sent_at,
            }
            for r in task.reminders.all()
        ],
        extensions=[
            {
                "new_deadline": e.new_deadline,
                "previous_deadline": e.previous_deadline,
                "reason": e.reason,
                "status": e.status,
                "status_label": e.get_status_display(),
                "decision_reason": e.decision_reason,
            }
            for e in task.extensions.all()
        ],
    )
    return data


@router.get("/", response=TaskListOut, summary="Danh sách nhiệm vụ người dùng được xem")
def list_tasks(
    request: HttpRequest,
    trang_thai: str = "",
    ke_hoach: int | None = None,
    co_quan: int | None = None,
    q: str = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Tasks visible to the user, overdue first; `trang_thai` is one of qua_han, trong_han,
    xin_gia_han, hoan_thanh, da_huy; `co_quan` filters by lead or supporting agency."""
    today = services.local_today()
    filters = selectors.TaskFilters(plan_id=ke_hoach, agency_id=co_quan, status=trang_thai, query=q)
    qs = selectors.apply_filters(perms.visible_tasks(request.user), filters, today)
    qs = selectors.overdue_first(qs.select_related("assigning_agency", "lead_agency", "lead_unit"), today)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    return {"count": qs.count(), "items": [_task_out(t, today) for t in qs[offset : offset + limit]]}


@router.get("/{task_id}", response=TaskDetailOut, summary="Chi tiết nhiệm vụ")
def task_detail(request: HttpRequest, task_id: int) -> dict[str, Any]:
    task = perms.access_task(request.user, task_id)
    return _detail_out(task, services.local_today())


@router.post(
    "/{task_id}/tien-do",
    response={201: ProgressOut, 400: ErrorOut, 403: ErrorOut},
    summary="Báo cáo tiến độ (multipart: text, percent, files)",
)
def report_progress(
    request: HttpRequest,
    task_id: int,
    text: Form[str],
    percent: Form[int],
    files: list[UploadedFile] = File(None),  # type: ignore[type-arg]  # noqa: B008
) -> tuple[int, dict[str, Any]]:
    task = perms.access_task(request.user, task_id)
    try:
        progress = services.task_report_progress(
            by=request.user, task=task, text=text, percent=percent, files=list(files or [])
        )
    except ApplicationError as error:
        return 400, {"detail": error.message}
    except PermissionDenied as error:
        return 403, {"detail": str(error)}
    return 201, {
        "id": progress.pk,
        "text": progress.text,
        "percent": progress.percent,
        "agency": progress.agency.name,
        "reported_by": _name(request.user),
        "reported_at": progress.reported_at,
        "files": [
            {"id": f.pk, "name": f.original_name, "size": f.size, "sha256": f.sha256}
            for f in progress.files.all()
        ],
    }


@router.post(
    "/{task_id}/hoan-thanh",
    response={200: TaskOut, 400: ErrorOut, 403: ErrorOut},
    summary="Báo cáo hoàn thành nhiệm vụ",
)
def mark_done(request: HttpRequest, task_id: int, payload: DoneIn) -> tuple[int, dict[str, Any]]:
    task = perms.access_task(request.user, task_id)
    try:
        services.task_mark_done(by=request.user, task=task, result_note=payload.result_note)
    except ApplicationError as error:
        return 400, {"detail": error.message}
    except PermissionDenied as error:
        return 403, {"detail": str(error)}
    task = perms.access_task(request.user, task_id)
    return 200, _task_out(task, services.local_today())
