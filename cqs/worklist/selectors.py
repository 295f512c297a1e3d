"""Reads for the task screens and the API: lists with filters, the detail timeline, the board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Case, Count, DateField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from cqs.core.text import format_ratio_percent
from cqs.org.models import Agency
from cqs.worklist import permissions as perms
from cqs.worklist.models import OPEN_STATUSES, Plan, Reminder, Task, TaskStatus
from cqs.worklist.stats import TaskStats, task_stats_by_agency
from cqs.worklist.timing import TaskTiming, task_timing

# ?trang_thai= values of the list filters.
STATUS_FILTERS = {
    "qua_han": "Quá hạn",
    "trong_han": "Đang thực hiện, trong hạn",
    "xin_gia_han": "Đang xin gia hạn",
    "hoan_thanh": "Đã hoàn thành",
    "da_huy": "Đã hủy",
}


def with_due(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.annotate(current_due=Coalesce(F("extended_deadline"), F("deadline"), output_field=DateField()))


def filter_status(qs: QuerySet[Task], status: str, today: date) -> QuerySet[Task]:
    qs = with_due(qs)
    if status == "qua_han":
        late = Q(extended_deadline__lt=today) | Q(extended_deadline__isnull=True, deadline__lt=today)
        return qs.filter(late, status__in=OPEN_STATUSES)
    if status == "trong_han":
        within = Q(extended_deadline__gte=today) | Q(extended_deadline__isnull=True, deadline__gte=today)
        return qs.filter(within, status__in=OPEN_STATUSES)
    if status == "xin_gia_han":
        return qs.filter(status=TaskStatus.EXTENSION_REQUESTED)
    if status == "hoan_thanh":
        return qs.filter(status=TaskStatus.DONE)
    if status == "da_huy":
        return qs.filter(status=TaskStatus.CANCELLED)
    return qs


def overdue_first(qs: QuerySet[Task], today: date) -> QuerySet[Task]:
    """Overdue first (longest overdue on top), then open ones by due day, then finished ones."""
    rank = Case(
        When(Q(status__in=OPEN_STATUSES) & Q(current_due__lt=today), then=Value(0)),
        When(status__in=OPEN_STATUSES, then=Value(1)),
        When(status=TaskStatus.DONE, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return with_due(qs).annotate(rank=rank).order_by("rank", "current_due", "id")


def _list_qs(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.select_related("plan", "lead_agency", "lead_unit", "assigning_agency", "parent")


def reminder_counts(task_ids: list[int]) -> dict[int, int]:
    """Reminders per task for one page of a list (counted for the page only, not the whole list)."""
    rows = Reminder.objects.filter(task_id__in=task_ids).values("task_id").annotate(n=Count("id")).order_by()
    return {row["task_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class TaskFilters:
    plan_id: int | None = None
    agency_id: int | None = None
    status: str = ""
    query: str = ""


def apply_filters(qs: QuerySet[Task], filters: TaskFilters, today: date) -> QuerySet[Task]:
    if filters.plan_id:
        qs = qs.filter(plan_id=filters.plan_id)
    if filters.agency_id:
        qs = qs.filter(
            Q(lead_agency_id=filters.agency_id) | Q(supporting_agencies=filters.agency_id)
        ).distinct()
    if filters.query:
        qs = qs.filter(title__icontains=filters.query)
    if filters.status:
        qs = filter_status(qs, filters.status, today)
    return qs


def assigned_by_me(user: Any, filters: TaskFilters, today: date) -> QuerySet[Task]:
    """A leader's view: every task they gave, or their agencies gave, overdue first."""
    acting = perms.acting_agency_ids(user)
    qs = perms.visible_tasks(user).filter(Q(assigned_by=user) | Q(assigning_agency_id__in=acting))
    return overdue_first(_list_qs(apply_filters(qs, filters, today)), today)


def owed_by_agency(user: Any, agency: Agency, filters: TaskFilters, today: date) -> QuerySet[Task]:
    """An agency's view: what it leads (its units' sub-tasks included) or supports."""
    qs = perms.visible_tasks(user).filter(Q(lead_agency=agency) | Q(supporting_agencies=agency)).distinct()
    return overdue_first(_list_qs(apply_filters(qs, filters, today)), today)


def timing_of(task: Task, today: date) -> TaskTiming:
    return task_timing(
        deadline=task.deadline,
        extended_deadline=task.extended_deadline,
        finished_on=task.finished_on,
        cancelled_on=task.cancelled_on,
        on=today,
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime | date
    kind: str  # "assign", "progress", "reminder", "extension", "decision", "done", "cancel"
    who: str
    text: str
    obj: Any = None


def _name(user: Any) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "username", "")) if user is not None else ""


def timeline(task: Task) -> list[TimelineEntry]:
    """Assignment, progress (with files), reminders, extension requests and decisions, the end."""
    entries = [
        TimelineEntry(
            task.created_at, "assign", _name(task.assigned_by), f"Giao nhiệm vụ cho {task.lead_agency}."
        )
    ]
    for progress in task.progress_reports.select_related("reported_by", "agency").prefetch_related("files"):
        text = f"Báo cáo tiến độ {progress.percent} % ({progress.agency}): {progress.text}"
        entries.append(
            TimelineEntry(progress.reported_at, "progress", _name(progress.reported_by), text, progress)
        )
    for reminder in task.reminders.select_related("sent_by"):
        text = f"{reminder.get_kind_display()} lần {reminder.sequence}" + (
            f": {reminder.text}" if reminder.text else ""
        )
        entries.append(TimelineEntry(reminder.sent_at, "reminder", _name(reminder.sent_by), text, reminder))
    for ext in task.extensions.select_related("requested_by", "decided_by"):
        text = f"Xin gia hạn đến {ext.new_deadline:%d/%m/%Y}: {ext.reason}"
        entries.append(TimelineEntry(ext.requested_at, "extension", _name(ext.requested_by), text, ext))
        if ext.decided_at is not None and ext.decided_by is not None:
            verdict = ext.get_status_display() + (f": {ext.decision_reason}" if ext.decision_reason else "")
            entries.append(TimelineEntry(ext.decided_at, "decision", _name(ext.decided_by), verdict, ext))
    if task.finished_on is not None:
        entries.append(
            TimelineEntry(task.updated_at, "done", _name(task.finished_by), f"Hoàn thành: {task.result_note}")
        )
    if task.cancelled_on is not None:
        entries.append(TimelineEntry(task.updated_at, "cancel", "", f"Hủy nhiệm vụ: {task.cancel_reason}"))
    return sorted(entries, key=lambda e: (e.at if isinstance(e.at, datetime) else datetime.min, e.kind))


@dataclass(frozen=True)
class BoardRow:
    agency: Agency
    stats: TaskStats

    @property
    def on_time(self) -> int:
        return self.stats.done_early + self.stats.done_on_time

    @property
    def on_time_rate(self) -> float | None:
        """(early + on time) / done, regulations.md §2.4; None without any completion."""
        return self.on_time / self.stats.done if self.stats.done else None

    @property
    def on_time_rate_text(self) -> str:
        return format_ratio_percent(self.on_time, self.stats.done, 1)

    @property
    def total(self) -> int:
        return self.stats.done + self.stats.open


BOARD_SORTS = {
    "co_quan": lambda r: (r.agency.name,),
    "giao": lambda r: (-r.stats.assigned, r.agency.name),
    "qua_han": lambda r: (-r.stats.overdue, r.agency.name),
    "dung_han": lambda r: (-(r.on_time_rate if r.on_time_rate is not None else -1), r.agency.name),
    "tre_han": lambda r: (-r.stats.done_late, r.agency.name),
}


def board(
    user: Any, start: date, end: date, *, plan_id: int | None = None, sort: str = "qua_han"
) -> list[BoardRow]:
    """The province-wide board: one row per lead agency the user may see that has tasks."""
    lead_ids = set(perms.visible_tasks(user).values_list("lead_agency_id", flat=True).distinct())
    stats = task_stats_by_agency(lead_ids, start, end, plan_id=plan_id)
    agencies = Agency.objects.in_bulk(lead_ids)
    rows = [BoardRow(agencies[i], s) for i, s in stats.items() if s.assigned or s.done or s.open]
    return sorted(rows, key=BOARD_SORTS.get(sort, BOARD_SORTS["qua_han"]))


def plans_for(user: Any) -> QuerySet[Plan]:
    return perms.visible_plans(user).select_related("issuing_agency").annotate(task_count=Count("tasks"))
