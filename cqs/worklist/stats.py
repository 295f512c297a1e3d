"""Task indicators and the task table for the reporting module (stable signatures).

Everything is "as at `end`": completions, cancellations, progress and granted extensions
after `end` are ignored, so a report for a past period reproduces exactly.

* A task counts for its **lead agency**. Sub-tasks a lead agency gives its own units
  (same lead agency as the parent) are internal splits and are not counted again; a
  sub-task given to another agency counts for that agency.
* Tasks cancelled on or before `end` are left out.
* `assigned`: assigned within [start, end]. `done_*`: finished within [start, end],
  compared with the due day in force at `end` (the deadline, or the latest extension
  granted by `end`; deadlines are stored on working days). `in_progress_within` /
  `overdue`: assigned by `end` and still open at `end`, with the due day on or after /
  before `end` (`cqs.worklist.timing` has the same rules for one task).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, DateField, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from cqs.core.text import format_date_short
from cqs.worklist.models import ExtensionRequest, ExtensionStatus, Task, TaskProgress
from cqs.worklist.timing import Timing, task_timing


@dataclass(frozen=True)
class TaskStats:
    assigned: int  # tasks whose lead agency is the agency, assigned within [start, end]
    done_early: int  # finished within [start, end], before their deadline
    done_on_time: int
    done_late: int
    in_progress_within: int  # open at `end`, deadline >= end
    overdue: int  # open at `end`, deadline < end

    @property
    def done(self) -> int:
        return self.done_early + self.done_on_time + self.done_late

    @property
    def open(self) -> int:
        return self.in_progress_within + self.overdue


ZERO = TaskStats(0, 0, 0, 0, 0, 0)


def _granted_by(end: date) -> QuerySet[ExtensionRequest]:
    return ExtensionRequest.objects.filter(status=ExtensionStatus.GRANTED, decided_on__lte=end)


def _counted(end: date) -> QuerySet[Task]:
    """Tasks that count for their lead agency, with `due` = the due day in force at `end`."""
    latest_granted = (
        _granted_by(end).filter(task=OuterRef("pk")).order_by("-decided_on", "-id").values("new_deadline")[:1]
    )
    return (
        Task.objects.exclude(parent__isnull=False, parent__lead_agency_id=F("lead_agency_id"))
        .filter(Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=end))
        .annotate(due=Coalesce(Subquery(latest_granted, output_field=DateField()), F("deadline")))
    )


def task_stats_by_agency(
    agency_ids: Collection[int], start: date, end: date, *, plan_id: int | None = None
) -> dict[int, TaskStats]:
    """One `TaskStats` per agency id (zeros for agencies without tasks), in one query."""
    if end < start:
        raise ValueError("The window ends before it starts.")
    ids = list(dict.fromkeys(agency_ids))
    result = dict.fromkeys(ids, ZERO)
    if not ids:
        return result
    qs = _counted(end).filter(lead_agency_id__in=ids)
    if plan_id is not None:
        qs = qs.filter(plan_id=plan_id)
    done = Q(finished_on__gte=start, finished_on__lte=end)
    open_at_end = Q(assigned_on__lte=end) & (Q(finished_on__isnull=True) | Q(finished_on__gt=end))
    rows = qs.values("lead_agency_id").annotate(
        assigned=Count("pk", filter=Q(assigned_on__gte=start, assigned_on__lte=end)),
        done_early=Count("pk", filter=done & Q(finished_on__lt=F("due"))),
        done_on_time=Count("pk", filter=done & Q(finished_on=F("due"))),
        done_late=Count("pk", filter=done & Q(finished_on__gt=F("due"))),
        in_progress_within=Count("pk", filter=open_at_end & Q(due__gte=end)),
        overdue=Count("pk", filter=open_at_end & Q(due__lt=end)),
    )
    for row in rows.order_by():
        agency_id = row.pop("lead_agency_id")
        result[agency_id] = TaskStats(**row)
    return result


@dataclass(frozen=True)
class TaskRow:
    number: str  # STT ("1", "2", "2.1" for sub-tasks)
    content: str
    lead: str  # lead agency (and unit) names
    supporters: str  # comma-separated names
    result: str  # "Kết quả/tiến độ": latest progress text + percent, or status words
    note: str  # Ghi chú: status label e.g. "Quá hạn 5 ngày làm việc", "Hoàn thành đúng hạn"

    COLUMNS = (
        "STT",
        "Nội dung nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Kết quả/tiến độ",
        "Ghi chú",
    )

    def cells(self) -> tuple[str, str, str, str, str, str]:
        return (self.number, self.content, self.lead, self.supporters, self.result, self.note)


def _table_tasks(
    plan_id: int | None, agency_ids: Collection[int] | None, start: date, end: date
) -> list[Task]:
    qs = Task.objects.filter(assigned_on__lte=end).filter(
        Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=end)
    )
    if plan_id is not None:
        qs = qs.filter(plan_id=plan_id)
    else:  # without a plan: the tasks that were open at some time in the window
        qs = qs.filter(Q(finished_on__isnull=True) | Q(finished_on__gte=start))
    if agency_ids is not None:
        ids = list(agency_ids)
        supported = Task.supporting_agencies.through.objects.filter(task_id=OuterRef("pk"), agency_id__in=ids)
        qs = qs.filter(Q(lead_agency_id__in=ids) | Q(pk__in=Subquery(supported.values("task_id"))))
    return list(
        qs.select_related("lead_agency", "lead_unit")
        .prefetch_related(
            "supporting_agencies",
            "supporting_units",
            Prefetch(
                "progress_reports",
                queryset=TaskProgress.objects.filter(reported_on__lte=end).order_by("reported_at", "id"),
                to_attr="progress_by_end",
            ),
            Prefetch(
                "extensions",
                queryset=_granted_by(end).order_by("decided_on", "id"),
                to_attr="granted_by_end",
            ),
        )
        .order_by(F("plan_id").asc(nulls_last=True), "order", "assigned_on", "id")
    )


def _result_text(task: Task, timing: Timing, end: date) -> str:
    latest = task.progress_by_end[-1] if task.progress_by_end else None  # type: ignore[attr-defined]
    if timing.is_done:
        assert task.finished_on is not None
        detail = task.result_note or (latest.text if latest else "")
        done = f"Đã hoàn thành ngày {format_date_short(task.finished_on)}"
        return f"{done}: {detail}" if detail else f"{done}."
    if latest is None:
        return "Chưa báo cáo tiến độ."
    return f"{latest.text} (đạt {latest.percent} %, báo cáo ngày {format_date_short(latest.reported_on)})"


def _lead_text(task: Task) -> str:
    agency = task.lead_agency.name
    return f"{agency} ({task.lead_unit.name})" if task.lead_unit is not None else agency


def _supporters_text(task: Task) -> str:
    names = [a.name for a in task.supporting_agencies.all()]
    names += [u.name for u in task.supporting_units.all()]
    return ", ".join(names)


def _row(task: Task, number: str, end: date) -> TaskRow:
    granted = task.granted_by_end  # type: ignore[attr-defined]
    timing = task_timing(
        deadline=task.deadline,
        extended_deadline=granted[-1].new_deadline if granted else None,
        finished_on=task.finished_on,
        on=end,
    )
    return TaskRow(
        number=number,
        content=task.title,
        lead=_lead_text(task),
        supporters=_supporters_text(task),
        result=_result_text(task, timing.timing, end),
        note=timing.note,
    )


def task_table(
    *, plan_id: int | None, agency_ids: Collection[int] | None, start: date, end: date
) -> list[TaskRow]:
    """The appendix table of tasks (STT, Nội dung nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp,
    Kết quả/tiến độ, Ghi chú) as at `end`.

    With `plan_id`: the plan's tasks assigned by `end`; without: tasks open at some time in
    [start, end]. With `agency_ids`: only tasks those agencies lead or support. Sub-tasks
    follow their parent ("2.1"); a sub-task whose parent is not in the table is numbered on
    its own. Cancelled tasks (by `end`) are left out.
    """
    tasks = _table_tasks(plan_id, agency_ids, start, end)
    included = {t.pk for t in tasks}
    children: dict[int, list[Task]] = {}
    roots: list[Task] = []
    for task in tasks:
        if task.parent_id is not None and task.parent_id in included:
            children.setdefault(task.parent_id, []).append(task)
        else:
            roots.append(task)
    rows: list[TaskRow] = []

    def walk(task: Task, number: str) -> None:
        rows.append(_row(task, number, end))
        for index, child in enumerate(children.get(task.pk, []), start=1):
            walk(child, f"{number}.{index}")

    for index, root in enumerate(roots, start=1):
        walk(root, str(index))
    return rows
