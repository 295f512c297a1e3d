""" "Việc của tôi" (overdue first) and the follow-up list with its bulk chase and acknowledgement."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cqs.documents.models import Assignment, AssignmentRole, AssignmentStatus, DocumentEvent
from cqs.documents.services import RouteTarget, document_route
from cqs.documents.tests.test_services_common import World, register, world
from cqs.documents.tests.test_views_incoming import client_for
from cqs.notify.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(cast) -> World:
    return world(cast)


def _routed(w: World, subject: str, *, deadline_in: int, number: str) -> Assignment:
    document = register(w, subject=subject, number=number)
    today = timezone.localdate()
    (lead, *_) = document_route(
        by=w.leader_a,
        document=document,
        lead=RouteTarget(user=w.officer_a, deadline=today + timedelta(days=deadline_in)),
        informed=[w.officer_a2],
        direction="Đề nghị xử lý.",
    )
    return lead


def test_my_work_lists_overdue_first(w):
    _routed(w, "Về việc còn nhiều thời gian", deadline_in=30, number="1")
    with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
        _routed(w, "Về việc đã quá hạn xử lý", deadline_in=5, number="2")

    html = client_for(w.officer_a).get(reverse("documents:my_work")).content.decode()

    assert html.index("đã quá hạn xử lý") < html.index("còn nhiều thời gian")
    assert "badge-overdue" in html and "2 phân công" in html


def test_follow_up_bulk_chase_counts_and_notifies(w):
    with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
        late = _routed(w, "Về việc báo cáo chậm", deadline_in=5, number="3")
    _routed(w, "Về việc chưa đến hạn", deadline_in=30, number="4")
    client = client_for(w.clerk_a)

    listing = client.get(reverse("documents:follow_up")).content.decode()
    assert "báo cáo chậm" in listing and "chưa đến hạn" not in listing  # overdue by default

    response = client.post(
        reverse("documents:bulk_chase"),
        {"chon": [str(late.pk)], "message": "Đề nghị báo cáo ngay.", "loc": ""},
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.reminders == 1
    assert Notification.objects.filter(user=w.officer_a, title__startswith="Đôn đốc").exists()
    assert DocumentEvent.objects.filter(document=late.document, action="assignment.chase").exists()
    page = client.get(reverse("documents:follow_up"), follow=True).content.decode()
    assert "Đã đôn đốc 1 lần" in page


def test_officers_cannot_chase(w):
    with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
        late = _routed(w, "Về việc quá hạn", deadline_in=5, number="5")
    client_for(w.officer_a2).post(reverse("documents:bulk_chase"), {"chon": [str(late.pk)]})
    late.refresh_from_db()
    assert late.reminders == 0


def test_for_information_items_are_acknowledged_in_bulk(w):
    lead = _routed(w, "Về việc thông báo lịch công tác", deadline_in=10, number="6")
    info = Assignment.objects.get(document=lead.document, role=AssignmentRole.INFORMATION)
    client = client_for(w.officer_a2)
    html = client.get(reverse("documents:my_work")).content.decode()
    assert f'name="chon" value="{info.pk}"' in html

    client.post(reverse("documents:bulk_acknowledge"), {"chon": [str(info.pk), str(lead.pk)]})
    info.refresh_from_db()
    lead.refresh_from_db()
    assert info.status == AssignmentStatus.DONE
    assert lead.status == AssignmentStatus.PENDING  # not theirs, and not for information


def test_my_work_lists_what_waits_for_each_role(w):
    from cqs.documents.services import outgoing_review, outgoing_submit
    from cqs.documents.tests.test_services_common import draft

    register(w, number="7", subject="Về việc chờ phân công")
    document = draft(w)
    outgoing_submit(by=w.officer_a, document=document)
    outgoing_review(by=w.head_a, document=document, approve=True)

    leader = client_for(w.leader_a).get(reverse("documents:my_work")).content.decode()
    assert "Văn bản đến chờ phân công" in leader and "Văn bản chờ tôi ký duyệt" in leader
    assert "?trang_thai=da_vao_so" in leader
    officer = client_for(w.officer_a).get(reverse("documents:my_work")).content.decode()
    assert "Chờ tôi xử lý" not in officer
