"""Task-tracking benchmarks, found by `python -m bench` (it imports every app's `benchmarks`).

    python -m bench worklist_stats --json
    python -m bench worklist_stats --param tasks=200000 --database-url postgres://…

`worklist_stats` fills a synthetic province (`agencies` agencies) with `tasks` tasks spread
over two years (a fifth of them in one plan, a tenth with a granted extension, most
finished, some cancelled), then times what the reporting module and the board do:

* ``stats_year_all_agencies`` — `task_stats_by_agency` for every agency over a year (one
  GROUP BY query);
* ``stats_quarter_one_plan`` — the same for one quarter and one plan;
* ``table_plan`` — `task_table` of the plan for the year (the annex of a report);
* ``leader_list_page`` — the first page (50 rows) of the chairman's "Nhiệm vụ đã giao",
  overdue first.

Rows are written with `bulk_create` inside the benchmark's transaction and rolled back."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from bench.generate import generate_province
from bench.harness import Figures, benchmark, summarize, time_calls
from cqs.accounts.models import User
from cqs.org.models import Agency, AgencyKind, Position, PositionRole, Role
from cqs.worklist.models import ExtensionRequest, ExtensionStatus, Plan, Task, TaskStatus
from cqs.worklist.selectors import TaskFilters, assigned_by_me
from cqs.worklist.stats import task_stats_by_agency, task_table


def _fill(
    province_agencies: list[Agency], tasks: int, rng: random.Random, today: dt.date
) -> tuple[Plan, Any]:
    top = next(a for a in province_agencies if a.kind == AgencyKind.PROVINCIAL_COMMITTEE)
    leader = User.objects.create(username=f"bench-lanhdao-{rng.randrange(10**9)}", full_name="Lãnh đạo tỉnh")
    position = Position.objects.create(user=leader, agency=top, title="Chủ tịch")
    PositionRole.objects.create(position=position, role=Role.LEADER)
    plan = Plan.objects.create(
        title=f"Kế hoạch benchmark {rng.randrange(10**9)}", issuing_agency=top, year=today.year
    )
    rows: list[Task] = []
    for i in range(tasks):
        assigned = today - dt.timedelta(days=rng.randrange(730))
        deadline = assigned + dt.timedelta(days=rng.randrange(10, 120))
        roll = rng.random()
        finished = assigned + dt.timedelta(days=rng.randrange(5, 150)) if roll < 0.7 else None
        if finished is not None and finished > today:
            finished = None
        cancelled = assigned + dt.timedelta(days=3) if 0.7 <= roll < 0.73 else None
        status = (
            TaskStatus.DONE if finished else TaskStatus.CANCELLED if cancelled else TaskStatus.IN_PROGRESS
        )
        rows.append(
            Task(
                plan=plan if i % 5 == 0 else None,
                order=i,
                title=f"Nhiệm vụ số {i} về chuyển đổi số",
                assigned_by=leader,
                assigning_agency=top,
                lead_agency=rng.choice(province_agencies),
                assigned_on=assigned,
                deadline=deadline,
                status=status,
                finished_on=finished,
                cancelled_on=cancelled,
                percent=100 if finished else rng.randrange(0, 90, 10),
            )
        )
    created = Task.objects.bulk_create(rows, batch_size=2000)
    extensions = [
        ExtensionRequest(
            task=t,
            previous_deadline=t.deadline,
            new_deadline=t.deadline + dt.timedelta(days=30),
            reason="Gia hạn",
            requested_by=leader,
            requested_at=dt.datetime.combine(t.deadline, dt.time(9), tzinfo=dt.UTC),
            status=ExtensionStatus.GRANTED,
            decided_by=leader,
            decided_at=dt.datetime.combine(t.deadline, dt.time(10), tzinfo=dt.UTC),
            decided_on=t.deadline,
        )
        for t in created
        if t.pk % 10 == 0
    ]
    ExtensionRequest.objects.bulk_create(extensions, batch_size=2000)
    return plan, leader


@benchmark("worklist_stats")
def worklist_stats(agencies: int = 200, tasks: int = 20000, repeat: int = 5, seed: int = 2025) -> Figures:
    """Task indicators by agency, a plan's task table and the leader's list: median and p95 in ms."""
    if repeat < 1 or tasks < 1:
        raise ValueError("tasks and repeat must be at least 1")
    rng = random.Random(seed)
    today = dt.date.today()
    province = generate_province(agencies=agencies, staff_per_agency=0)
    plan, leader = _fill(province.agencies, tasks, rng, today)
    ids = [a.pk for a in province.agencies]
    year_start = today - dt.timedelta(days=365)
    quarter_start = today - dt.timedelta(days=91)
    plan_rows = len(task_table(plan_id=plan.pk, agency_ids=None, start=year_start, end=today))
    return {
        "agencies": len(ids),
        "tasks": tasks,
        "plan_rows": plan_rows,
        "stats_year_all_agencies": summarize(
            time_calls(lambda: task_stats_by_agency(ids, year_start, today), repeat=repeat)
        ),
        "stats_quarter_one_plan": summarize(
            time_calls(
                lambda: task_stats_by_agency(ids, quarter_start, today, plan_id=plan.pk), repeat=repeat
            )
        ),
        "table_plan": summarize(
            time_calls(
                lambda: task_table(plan_id=plan.pk, agency_ids=None, start=year_start, end=today),
                repeat=repeat,
            )
        ),
        "leader_list_page": summarize(
            time_calls(lambda: list(assigned_by_me(leader, TaskFilters(), today)[:50]), repeat=repeat)
        ),
    }
