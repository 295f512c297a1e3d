"""Routing incoming documents, passing them on, progress, completion and chasing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from cqs.audit.models import AuditEvent
from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import VN_TZ, add_working_days
from cqs.documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Document,
    DocumentEvent,
    DocumentStatus,
    Urgency,
)
from cqs.documents.services import (
    RouteTarget,
    assignment_chase,
    assignment_complete,
    assignment_forward,
    assignment_progress,
    chase_overdue,
    document_route,
    outgoing_release,
)
from cqs.documents.services._common import local_today
from cqs.documents.tests.test_services_common import (
    World,
    approved,
    audit_actions,
    last_event,
    register,
    world,
)
from cqs.notify.models import Notification
from cqs.org.models import Unit

pytestmark = pytest.mark.django_db


def _route(w: World, document: Document, **kwargs) -> list[Assignment]:
    kwargs.setdefault("lead", w.unit_a)
    kwargs.setdefault("direction", "Giao Văn phòng chủ trì tham mưu trả lời.")
    return document_route(by=w.leader_a, document=document, **kwargs)


def test_route_creates_lead_support_and_information_with_default_deadlines(cast, settings):
    settings.DOCUMENT_DEFAULT_HANDLING_DAYS = 7
    w = world(cast)
    document = register(w)
    own = local_today() + timedelta(days=30)

    lead, support, info = _route(
        w,
        document,
        supports=[RouteTarget(unit=w.unit_a2, deadline=own, direction="Phối hợp rà soát pháp lý.")],
        informed=[w.officer_a2],
    )

    document.refresh_from_db()
    assert document.status == DocumentStatus.ROUTED
    assert (lead.role, lead.unit, lead.assignee) == (AssignmentRole.LEAD, w.unit_a, None)
    assert lead.deadline == add_working_days(local_today(), 7)
    assert lead.direction == "Giao Văn phòng chủ trì tham mưu trả lời."
    assert (support.role, support.deadline, support.direction) == (
        AssignmentRole.SUPPORT,
        own,
        "Phối hợp rà soát pháp lý.",
    )
    assert (info.role, info.assignee, info.deadline) == (AssignmentRole.INFORMATION, w.officer_a2, None)
    # The unit's head is told, not the whole unit; the person for information is told too.
    assert Notification.objects.filter(user=w.head_a, title__startswith="Văn bản giao chủ trì").exists()
    assert Notification.objects.filter(user=w.officer_a2, title__startswith="Văn bản giao để biết").exists()
    assert not Notification.objects.filter(user=w.officer_a).exists()
    assert audit_actions(document) == ["documents.incoming.register", "documents.incoming.route"]
    event = last_event(document)
    assert "chủ trì: Văn phòng HĐND và UBND xã An Lạc" in event.description


def test_default_deadline_never_passes_the_documents_due_date(cast):
    w = world(cast)
    due = add_working_days(local_today(), 3)
    document = register(w, due_date=due)

    [lead] = _route(w, document, deadline_working_days=10)

    assert lead.deadline == due


@pytest.mark.parametrize("who", ["clerk_a", "head_a", "officer_a", "leader_b"])
def test_only_the_agency_leader_routes(cast, who):
    w = world(cast)
    document = register(w)
    with pytest.raises(PermissionDenied):
        document_route(by=getattr(w, who), document=document, lead=w.unit_a, direction="Xử lý.")
    assert not Assignment.objects.exists()


def test_routing_refusals(cast):
    w = world(cast)
    document = register(w)
    with pytest.raises(ApplicationError, match="ý kiến chỉ đạo"):
        _route(w, document, direction="  ")
    with pytest.raises(ApplicationError, match="không phải đơn vị"):
        _route(w, document, lead=w.unit_b)
    with pytest.raises(ApplicationError, match="không phải cán bộ của cơ quan"):
        _route(w, document, lead=w.officer_b)
    empty = Unit.objects.create(agency=w.commune_a, name="Tổ Công nghệ số", notation="CNS")
    with pytest.raises(ApplicationError, match="chưa có cán bộ"):
        _route(w, document, lead=empty)
    with pytest.raises(ApplicationError, match="được chọn hai lần"):
        _route(w, document, supports=[w.unit_a])
    with pytest.raises(ApplicationError, match="đã qua"):
        _route(w, document, deadline=local_today() - timedelta(days=1))
    assert not Assignment.objects.exists()
    document.refresh_from_db()
    assert document.status == DocumentStatus.REGISTERED

    _route(w, document)
    with pytest.raises(ApplicationError, match="Không thể chuyển văn bản từ trạng thái “Đã phân công xử lý”"):
        _route(w, document)


def test_unit_head_forwards_officer_completes_and_the_document_is_done(cast):
    w = world(cast)
    document = register(w)
    lead, support = _route(w, document, supports=[w.unit_a2])

    child = assignment_forward(
        by=w.head_a, assignment=lead, to_user=w.officer_a, direction="Đồng chí Viên dự thảo."
    )
    lead.refresh_from_db()
    assert (child.parent, child.assignee, child.deadline, child.role) == (
        lead,
        w.officer_a,
        lead.deadline,
        "chu_tri",
    )
    assert lead.status == AssignmentStatus.FORWARDED
    assert Notification.objects.filter(user=w.officer_a).exists()

    assignment_progress(by=w.officer_a, assignment=child, note="Đã dự thảo văn bản trả lời.")
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_PROGRESS

    with pytest.raises(ApplicationError, match="chuyển cho cán bộ"):
        assignment_complete(by=w.head_a, assignment=lead, note="")

    reply = approved(w, doc_type="Báo cáo")
    outgoing_release(by=w.clerk_a, document=reply)
    assignment_complete(by=w.officer_a, assignment=child, note="Đã trả lời.", reply_document=reply)

    lead.refresh_from_db()
    document.refresh_from_db()
    assert lead.status == AssignmentStatus.DONE and lead.reply_document == reply
    # The support unit has not finished, but the lead's completion settles the document.
    assert document.status == DocumentStatus.DONE
    support.refresh_from_db()
    assert support.status == AssignmentStatus.PENDING
    # The supporting unit (no head: its members handle it) may still close its part.
    assignment_complete(by=w.officer_a2, assignment=support, note="Đã góp ý.")
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE
    assert not last_event(document).description.endswith("giải quyết xong.")
    assert Notification.objects.filter(user=w.head_a, title__startswith="Đã hoàn thành xử lý").exists()
    assert audit_actions(document)[-4:] == [
        "documents.assignment.forward",
        "documents.assignment.progress",
        "documents.assignment.complete",
        "documents.assignment.complete",
    ]


def test_forwarding_refusals(cast):
    w = world(cast)
    document = register(w)
    [lead] = _route(w, document)

    with pytest.raises(PermissionDenied):
        assignment_forward(by=w.officer_a, assignment=lead, to_user=w.officer_a2, direction="")
    with pytest.raises(ApplicationError, match="không phải cán bộ"):
        assignment_forward(by=w.head_a, assignment=lead, to_user=w.officer_b, direction="")
    with pytest.raises(ApplicationError, match="không được sau thời hạn"):
        assignment_forward(
            by=w.head_a,
            assignment=lead,
            to_user=w.officer_a,
            direction="",
            deadline=local_today() + timedelta(days=60),
        )
    assignment_forward(by=w.head_a, assignment=lead, to_user=w.officer_a, direction="")
    with pytest.raises(ApplicationError, match="đã được chuyển"):
        assignment_forward(by=w.head_a, assignment=lead, to_user=w.officer_a, direction="")


def test_progress_and_completion_need_the_handler_and_an_open_assignment(cast):
    w = world(cast)
    document = register(w)
    [lead] = _route(w, document, lead=w.officer_a)

    with pytest.raises(PermissionDenied):
        assignment_progress(by=w.officer_a2, assignment=lead, note="Tôi làm giúp.")
    with pytest.raises(ApplicationError, match="nội dung tiến độ"):
        assignment_progress(by=w.officer_a, assignment=lead, note=" ")
    foreign = approved(w)
    with pytest.raises(ApplicationError, match="văn bản đi của chính cơ quan"):
        assignment_complete(by=w.officer_a, assignment=lead, note="", reply_document=register(w, number="99"))
    assignment_complete(by=w.officer_a, assignment=lead, note="", reply_document=foreign)
    with pytest.raises(ApplicationError):
        assignment_progress(by=w.officer_a, assignment=lead, note="Thêm.")


def test_chase_counts_reminders_and_notifies_the_handlers(cast):
    w = world(cast)
    document = register(w)
    [lead] = _route(w, document)
    mail.outbox.clear()

    assignment_chase(by=w.clerk_a, assignment=lead, message="Đề nghị báo cáo trước thứ Sáu.")
    assignment_chase(by=w.leader_a, assignment=lead, message="")

    lead.refresh_from_db()
    assert lead.reminders == 2
    assert lead.last_chased_on == local_today()
    chases = Notification.objects.filter(user=w.head_a, title__startswith="Đôn đốc")
    assert chases.count() == 2
    assert "Đề nghị báo cáo trước thứ Sáu." in chases.order_by("id")[0].body
    assert "(lần 2)" in last_event(document).description
    with pytest.raises(PermissionDenied):
        assignment_chase(by=w.officer_a, assignment=lead, message="")


def test_chase_overdue_chases_each_overdue_assignment_once_a_day(cast, django_capture_on_commit_callbacks):
    w = world(cast)
    monday = date(2026, 3, 2)
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ), tick=False):
        urgent = register(w, number="1", urgency=Urgency.URGENT)
        calm = register(w, number="2")
        finished = register(w, number="3")
        [overdue_lead, overdue_support, info] = _route(
            w, urgent, deadline=monday + timedelta(days=2), supports=[w.unit_a2], informed=[w.officer_a2]
        )
        [not_yet] = _route(w, calm, deadline=monday + timedelta(days=10))
        [done] = _route(w, finished, lead=w.officer_a, deadline=monday + timedelta(days=1))
        assignment_complete(by=w.officer_a, assignment=done, note="Xong.")

    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert chase_overdue(today=date(2026, 3, 5)) == 2
    assert chase_overdue(today=date(2026, 3, 5)) == 0
    assert chase_overdue(today=date(2026, 3, 6)) == 2

    for assignment, reminders in (
        (overdue_lead, 2),
        (overdue_support, 2),
        (info, 0),
        (not_yet, 0),
        (done, 0),
    ):
        assignment.refresh_from_db()
        assert assignment.reminders == reminders
    assert AuditEvent.objects.count() == before + 2  # one event per run that chased something
    assert DocumentEvent.objects.filter(document=urgent, action="assignment.chase").count() == 4
    assert any("quá hạn" in m.body and m.to == [w.head_a.email] for m in mail.outbox)


def test_chase_overdue_command(cast):
    w = world(cast)
    document = register(w)
    [lead] = _route(w, document)

    assert lead.deadline is not None
    call_command("chase_overdue", "--date", (lead.deadline + timedelta(days=1)).isoformat())

    lead.refresh_from_db()
    assert lead.reminders == 1


def test_urgent_documents_sort_first(cast):
    w = world(cast)
    normal = register(w, number="1")
    flash = register(w, number="2", urgency=Urgency.FLASH)
    urgent = register(w, number="3", urgency=Urgency.URGENT)

    assert list(Document.objects.urgent_first()) == [flash, urgent, normal]
