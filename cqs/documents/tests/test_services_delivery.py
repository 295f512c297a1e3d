"""The sender follows its recipients' handling; a recipient returns a document with a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cqs.core.errors import ApplicationError
from cqs.documents.models import Delivery, DeliveryStatus, Document, DocumentStatus, RegisterSeries
from cqs.documents.services import (
    DuplicateDocumentWarning,
    assignment_complete,
    assignment_progress,
    document_route,
    incoming_register,
    incoming_register_arrived,
    incoming_return,
)
from cqs.documents.tests.test_services_common import World, audit_actions, copy_of, register, released, world
from cqs.notify.models import Notification

pytestmark = pytest.mark.django_db


def _sent(w: World) -> tuple[Delivery, Document, Document]:
    """The delivery to commune B of a released document, the document, and B's copy."""
    document = released(w)
    return document.deliveries.get(recipient=w.commune_b), document, copy_of(document, w.commune_b)


def test_sender_sees_the_recipient_status_move_on(cast):
    w = world(cast)
    delivery, _, copy = _sent(w)
    seen = [delivery.status]

    def step() -> None:
        delivery.refresh_from_db()
        seen.append(delivery.status)

    incoming_register_arrived(by=w.clerk_b, document=copy)
    step()
    [lead] = document_route(by=w.leader_b, document=copy, lead=w.officer_b, direction="Đồng chí Bé xử lý.")
    step()
    assignment_progress(by=w.officer_b, assignment=lead, note="Đang tổng hợp.")
    step()
    assignment_complete(by=w.officer_b, assignment=lead, note="Đã báo cáo.")
    step()

    assert seen == [
        DeliveryStatus.ARRIVED,
        DeliveryStatus.REGISTERED,
        DeliveryStatus.ASSIGNED,
        DeliveryStatus.IN_PROGRESS,
        DeliveryStatus.DONE,
    ]
    copy.refresh_from_db()
    assert (copy.status, copy.arrival_number, copy.series) == (
        DocumentStatus.DONE,
        1,
        RegisterSeries.INCOMING,
    )
    assert audit_actions(copy) == [
        "documents.incoming.register_arrived",
        "documents.incoming.route",
        "documents.assignment.progress",
        "documents.assignment.complete",
    ]


def test_arrived_copy_takes_the_next_arrival_number_and_warns_of_a_paper_duplicate(cast):
    w = world(cast)
    delivery, document, copy = _sent(w)
    paper = {
        "doc_type": "Công văn",
        "number": "1",
        "notation": "ubnd-vp",
        "issuing_agency_name": w.commune_a.name.upper(),
        "subject": document.subject,
    }
    # The paper copy is carried in before the clerk opens the electronic one: she is warned...
    with pytest.raises(DuplicateDocumentWarning, match="đã đến qua nền tảng, đang chờ vào sổ"):
        incoming_register(by=w.clerk_b, owner=w.commune_b, data=paper)
    incoming_register(by=w.clerk_b, owner=w.commune_b, data=paper, confirm_duplicate=True)
    # ... and warned again, the other way round, when she registers the electronic one.
    with pytest.raises(DuplicateDocumentWarning, match="đã được vào sổ ngày .*, số đến 01"):
        incoming_register_arrived(by=w.clerk_b, document=copy)
    with pytest.raises(PermissionDenied):
        incoming_register_arrived(by=w.clerk_a, document=copy)

    incoming_register_arrived(by=w.clerk_b, document=copy, confirm_duplicate=True)

    assert copy.arrival_number == 2
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REGISTERED


def test_return_needs_a_reason_and_shows_at_both_ends(cast):
    w = world(cast)
    delivery, document, copy = _sent(w)

    with pytest.raises(ApplicationError, match="Phải nêu lý do trả lại"):
        incoming_return(by=w.clerk_b, document=copy, reason="  ")
    with pytest.raises(PermissionDenied):
        incoming_return(by=w.officer_b, document=copy, reason="Không thuộc thẩm quyền.")
    copy.refresh_from_db()
    assert copy.status == DocumentStatus.ARRIVED

    incoming_return(by=w.clerk_b, document=copy, reason="Gửi nhầm: không thuộc thẩm quyền của xã.")

    delivery.refresh_from_db()
    assert (copy.status, copy.status_reason) == (
        DocumentStatus.RETURNED,
        "Gửi nhầm: không thuộc thẩm quyền của xã.",
    )
    assert (delivery.status, delivery.status_reason) == (
        DeliveryStatus.RETURNED,
        "Gửi nhầm: không thuộc thẩm quyền của xã.",
    )
    for sender_side in (w.clerk_a, w.officer_a):
        assert Notification.objects.filter(
            user=sender_side, title="Văn bản bị trả lại: Công văn số 01/UBND-VP", body__contains="Gửi nhầm"
        ).exists()
    assert audit_actions(copy) == ["documents.incoming.return"]
    with pytest.raises(ApplicationError, match="Không thể chuyển văn bản"):
        incoming_register_arrived(by=w.clerk_b, document=copy)


def test_a_routed_document_can_no_longer_be_returned(cast):
    w = world(cast)
    document = register(w)
    document_route(by=w.leader_a, document=document, lead=w.unit_a, direction="Xử lý.")
    with pytest.raises(ApplicationError, match="Không thể chuyển văn bản từ trạng thái “Đã phân công xử lý”"):
        incoming_return(by=w.clerk_a, document=document, reason="Nhầm.")


def test_a_paper_document_is_returned_without_delivery(cast):
    w = world(cast)
    document = register(w)

    incoming_return(by=w.clerk_a, document=document, reason="Sai thể thức, đề nghị ban hành lại.")

    assert document.status == DocumentStatus.RETURNED
    assert not Delivery.objects.exists()
