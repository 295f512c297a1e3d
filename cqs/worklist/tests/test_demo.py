"""The demo plan: every state is there, and a second run changes nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from cqs.org.demo import seed_agencies, seed_demo, seed_staff, seed_units
from cqs.worklist.demo import seed_worklist
from cqs.worklist.models import ExtensionStatus, Plan, Reminder, Task, TaskEvidence, TaskStatus
from cqs.worklist.selectors import timing_of
from cqs.worklist.services import local_today
from cqs.worklist.timing import Timing

STEPS = [seed_agencies, seed_units, seed_staff, seed_worklist]


@pytest.mark.django_db
def test_demo_plan_has_every_state_and_is_idempotent(settings: Any) -> None:
    seed_demo(steps=STEPS)
    plan = Plan.objects.get()
    assert plan.title == f"Kế hoạch chuyển đổi số tỉnh Sơn Hà năm {plan.year}"
    assert plan.citation.startswith("Kế hoạch số 18/KH-UBND ngày ")
    today = local_today()
    tasks = list(Task.objects.all())
    timings = Counter(timing_of(t, today).timing for t in tasks)
    assert set(timings) == set(Timing), timings
    assert timings[Timing.OVERDUE] >= 4 and timings[Timing.WITHIN] >= 5
    assert Task.objects.filter(plan=plan, parent=None).count() == 23
    assert Task.objects.filter(plan=None).count() == 2  # from meeting conclusions
    assert Task.objects.filter(parent__isnull=False, status=TaskStatus.DONE).count() == 2
    assert set(Task.objects.values_list("extensions__status", flat=True)) >= {
        ExtensionStatus.GRANTED,
        ExtensionStatus.REFUSED,
        ExtensionStatus.PENDING,
    }
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"nhac_nho", "phe_binh", "kiem_diem"}
    assert TaskEvidence.objects.exists()
    counts = (Task.objects.count(), Reminder.objects.count(), TaskEvidence.objects.count())
    ctx = seed_demo(steps=STEPS)
    assert not ctx.stats.changed
    assert (Task.objects.count(), Reminder.objects.count(), TaskEvidence.objects.count()) == counts


@pytest.mark.django_db
def test_demo_screens_render_for_the_chairman_and_a_commune(client: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    seed_demo(steps=STEPS)
    users = get_user_model().objects
    client.force_login(users.get(username="lanhdao.tinh"))
    listing = client.get(reverse("worklist:assigned")).content.decode()
    assert listing.index("Quá hạn") < listing.index("Đang thực hiện, trong hạn")
    assert client.get(reverse("worklist:board")).status_code == 200
    plan = Plan.objects.get()
    assert client.get(reverse("worklist:plan", args=[plan.pk])).status_code == 200
    for task in Task.objects.all():
        assert client.get(reverse("worklist:detail", args=[task.pk])).status_code == 200
    client.force_login(users.get(username="chuyenvien.xa-thanh-lam"))
    owed = client.get(reverse("worklist:agency")).content.decode()
    assert "Khẩn trương khắc phục tình trạng hồ sơ trễ hạn" in owed
    other = (
        Task.objects.filter(lead_agency__code__endswith=".H99")
        .exclude(lead_agency__name__contains="Thanh Lâm")
        .exclude(supporting_agencies__name__contains="Thanh Lâm")
        .first()
    )
    assert other is not None
    assert client.get(reverse("worklist:detail", args=[other.pk])).status_code == 404
