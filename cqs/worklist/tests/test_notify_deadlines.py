"""`manage.py notify_task_deadlines`: before and at the deadline, once per task per day."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cqs.audit.models import AuditEvent
from cqs.notify.models import Notification
from cqs.worklist.services import TaskSpec, task_assign, task_mark_done

pytestmark = pytest.mark.usefixtures("today")


def run(day: str, days_before: int = 3) -> str:
    out = io.StringIO()
    call_command("notify_task_deadlines", date=day, days_before=days_before, stdout=out)
    return out.getvalue()


def titles(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(user=user, title__contains="hạn nhiệm vụ").values_list("title", flat=True)
    )


def test_notices_before_and_at_the_deadline_once_a_day(cast: Any, people: dict[str, Any]) -> None:
    due_5th = task_assign(
        by=people["province_leader"],
        assigning_agency=cast.province,
        spec=TaskSpec(title="Báo cáo DTI", lead_agency=cast.department, deadline=date(2025, 9, 5)),
    )
    task_assign(  # due 03/09, three working days after 27/08 (the holidays are skipped)
        by=people["province_leader"],
        assigning_agency=cast.province,
        spec=TaskSpec(title="Rà soát dữ liệu", lead_agency=cast.commune_a, deadline=date(2025, 9, 3)),
    )
    assert run("2025-08-27") == "Đã gửi thông báo thời hạn cho 1 nhiệm vụ.\n"
    assert titles(people["commune_a_leader"]) == ["Còn 3 ngày làm việc đến hạn nhiệm vụ: Rà soát dữ liệu"]
    assert run("2025-08-27") == "Đã gửi thông báo thời hạn cho 0 nhiệm vụ.\n"  # idempotent
    assert run("2025-08-30") == "Đã gửi thông báo thời hạn cho 0 nhiệm vụ.\n"  # a Saturday: nothing
    assert run("2025-09-03").startswith("Đã gửi thông báo thời hạn cho 1 ")
    assert "Hôm nay đến hạn nhiệm vụ: Rà soát dữ liệu" in titles(people["commune_a_leader"])
    task_mark_done(by=cast.department_leader, task=due_5th, result_note="Đã gửi báo cáo")
    assert run("2025-09-05") == "Đã gửi thông báo thời hạn cho 0 nhiệm vụ.\n"  # done tasks are left alone
    assert titles(cast.department_leader) == []
    assert AuditEvent.objects.filter(action="worklist.deadline_notices").count() == 2


def test_bad_date(cast: Any) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("notify_task_deadlines", date="27/08/2025")
