"""The gate: who sees a task (404 for everyone else), and who may act."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from cqs.worklist import permissions as perms
from cqs.worklist.models import Task
from cqs.worklist.services import TaskSpec, task_assign

pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture
def province_task(cast: Any, people: dict[str, Any]) -> Task:
    """UBND tỉnh → Sở Nội vụ chủ trì, xã An Lạc phối hợp."""
    spec = TaskSpec(
        title="Nhiệm vụ tỉnh",
        lead_agency=cast.department,
        supporting_agencies=[cast.commune_a],
        working_days=5,
    )
    return task_assign(by=people["province_leader"], assigning_agency=cast.province, spec=spec)


@pytest.fixture
def department_task(cast: Any) -> Task:
    """Sở Nội vụ → its own Văn phòng Sở."""
    spec = TaskSpec(
        title="Việc nội bộ Sở", lead_agency=cast.department, lead_unit=cast.unit_department, working_days=5
    )
    return task_assign(by=cast.department_leader, assigning_agency=cast.department, spec=spec)


@pytest.mark.parametrize(
    ("who", "sees_province_task", "sees_department_task"),
    [
        ("province_admin", True, True),
        ("office_reporter", True, True),  # the committee's office sees what the committee sees
        ("department_leader", True, True),
        ("clerk_a", True, False),  # supporting agency only
        ("officer_a", True, False),
        ("clerk_b", False, False),
        ("province_leader", True, True),
        ("department_officer", True, True),
    ],
)
def test_404_matrix(
    cast: Any,
    people: dict[str, Any],
    province_task: Task,
    department_task: Task,
    who: str,
    sees_province_task: bool,
    sees_department_task: bool,
) -> None:
    user = cast.users.get(who) or people[who]
    for task, expected in ((province_task, sees_province_task), (department_task, sees_department_task)):
        if expected:
            assert perms.access_task(user, task.pk) == task
        else:
            with pytest.raises(Http404):
                perms.access_task(user, task.pk)
    visible = set(perms.visible_tasks(user).values_list("pk", flat=True))
    assert visible == {
        t.pk for t, ok in ((province_task, sees_province_task), (department_task, sees_department_task)) if ok
    }


def test_unknown_or_junk_ids_are_404(cast: Any) -> None:
    for junk in (999999, "abc"):
        with pytest.raises(Http404):
            perms.access_task(cast.province_admin, junk)


@pytest.mark.parametrize(
    ("who", "manage", "report", "finish", "split"),
    [
        ("province_leader", True, False, False, True),
        ("office_reporter", True, False, False, True),
        ("department_leader", False, True, True, True),
        ("department_officer", False, True, True, False),
        ("officer_a", False, True, False, False),
        ("clerk_b", False, False, False, False),
    ],
)
def test_action_rights(
    cast: Any,
    people: dict[str, Any],
    province_task: Task,
    who: str,
    manage: bool,
    report: bool,
    finish: bool,
    split: bool,
) -> None:
    user = cast.users.get(who) or people[who]
    assert perms.can_manage(user, province_task) is manage
    assert perms.can_report(user, province_task) is report
    assert perms.can_finish(user, province_task) is finish
    assert perms.can_split(user, province_task) is split


def test_acting_agencies(cast: Any, people: dict[str, Any]) -> None:
    assert perms.acting_agency_ids(people["province_leader"]) == [cast.province.pk]
    assert perms.acting_agency_ids(cast.office_reporter) == [cast.province.pk]
    assert perms.acting_agency_ids(cast.department_leader) == [cast.department.pk]
    assert perms.acting_agency_ids(cast.clerk_a) == []
