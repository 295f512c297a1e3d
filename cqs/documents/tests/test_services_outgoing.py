"""Drafting, review, approval, release (numbering and delivery) and recall."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import VN_TZ
from cqs.documents.models import (
    Comment,
    Delivery,
    DeliveryStatus,
    Direction,
    Document,
    DocumentFile,
    DocumentStatus,
    RegisterCounter,
    RegisterSeries,
    Secrecy,
)
from cqs.documents.permissions import visible_documents
from cqs.documents.services import (
    incoming_register_arrived,
    incoming_return,
    outgoing_approve,
    outgoing_comment,
    outgoing_draft_create,
    outgoing_recall,
    outgoing_release,
    outgoing_review,
    outgoing_send_back,
    outgoing_submit,
    outgoing_update,
)
from cqs.documents.services._common import local_today
from cqs.documents.tests.test_services_common import (
    approved,
    audit_actions,
    copy_of,
    draft,
    last_event,
    released,
    timeline,
    world,
)
from cqs.notify.models import Notification

pytestmark = pytest.mark.django_db


def test_draft_takes_defaults_from_the_drafter_and_signer(cast):
    w = world(cast)

    document = draft(w)

    assert (document.direction, document.status) == (Direction.OUTGOING, DocumentStatus.DRAFT)
    assert document.drafter == w.officer_a and document.drafting_unit == w.unit_a
    assert document.issuing_agency == w.commune_a
    assert document.issuing_agency_name == w.commune_a.name
    assert (document.signer_name, document.signer_title) == ("Vũ Văn Lãnh", "Chủ tịch UBND xã")
    assert list(document.recipient_agencies.all()) == [w.commune_b]
    assert document.recipients_text == "Sở Tài chính tỉnh Bên Cạnh\nBáo Thử Nghiệm"
    assert document.number == "" and document.series == ""
    assert audit_actions(document) == ["documents.outgoing.draft_create"]


def test_draft_refusals(cast):
    w = world(cast)
    with pytest.raises(ApplicationError, match="29 loại văn bản hành chính"):
        draft(w, doc_type="Nghị định")
    with pytest.raises(ApplicationError, match="không phải lãnh đạo"):
        draft(w, signer=w.officer_a2)
    with pytest.raises(ApplicationError, match="chính mình"):
        draft(w, recipient_agencies=[w.commune_a.pk])
    with pytest.raises(ApplicationError, match="không còn hoạt động"):
        draft(w, recipient_agencies=[w.old_commune])
    with pytest.raises(ApplicationError, match="Đơn vị soạn thảo phải thuộc"):
        draft(w, drafting_unit=w.unit_b)
    assert not Document.objects.exists()


def test_only_staff_of_the_agency_draft(cast):
    w = world(cast)
    with pytest.raises(PermissionDenied):
        outgoing_draft_create(by=w.clerk_b, owner=w.commune_a, data={"doc_type": "Báo cáo", "subject": "X"})
    assert not Document.objects.exists()


def test_update_by_whoever_holds_the_draft(cast):
    w = world(cast)
    document = draft(w)

    outgoing_update(by=w.officer_a, document=document, data={"subject": "Về việc báo cáo quý IV"})
    assert document.subject == "Về việc báo cáo quý IV"
    with pytest.raises(PermissionDenied):
        outgoing_update(by=w.officer_a2, document=document, data={"subject": "Khác"})

    outgoing_update(
        by=w.officer_a, document=document, data={"subject": "Về việc báo cáo quý IV"}
    )  # no change
    assert audit_actions(document) == ["documents.outgoing.draft_create", "documents.outgoing.update"]
    assert "trích yếu" in last_event(document).description

    outgoing_submit(by=w.officer_a, document=document)
    with pytest.raises(PermissionDenied):
        outgoing_update(by=w.officer_a, document=document, data={"subject": "Muộn"})
    outgoing_update(by=w.head_a, document=document, data={"recipient_agencies": [w.commune_b, w.department]})
    assert set(document.recipient_agencies.all()) == {w.commune_b, w.department}


def test_colleagues_comment_and_the_drafter_is_told(cast):
    w = world(cast)
    document = draft(w)

    comment = outgoing_comment(by=w.officer_a2, document=document, text="Đề nghị bổ sung số liệu quý III.")

    assert Comment.objects.get() == comment
    assert Notification.objects.filter(user=w.officer_a, title__startswith="Góp ý dự thảo").exists()
    with pytest.raises(PermissionDenied):
        outgoing_comment(by=w.clerk_b, document=document, text="Tôi ở xã khác.")
    with pytest.raises(ApplicationError, match="không được để trống"):
        outgoing_comment(by=w.officer_a2, document=document, text=" ")


def test_submit_needs_signer_recipients_and_the_drafter(cast):
    w = world(cast)
    unsigned = draft(w, signer=None, signer_authority="")
    with pytest.raises(ApplicationError, match="chưa chọn người ký"):
        outgoing_submit(by=w.officer_a, document=unsigned)
    nowhere = draft(w, recipient_agencies=[], recipients_text="")
    with pytest.raises(ApplicationError, match="chưa có nơi nhận"):
        outgoing_submit(by=w.officer_a, document=nowhere)
    fine = draft(w)
    with pytest.raises(PermissionDenied, match="người soạn thảo"):
        outgoing_submit(by=w.officer_a2, document=fine)

    outgoing_submit(by=w.officer_a, document=fine)

    assert fine.status == DocumentStatus.IN_REVIEW
    assert Notification.objects.filter(user=w.head_a, title__startswith="Dự thảo chờ duyệt").exists()


def test_review_and_signing_send_back_with_a_reason(cast):
    w = world(cast)
    document = draft(w)
    outgoing_submit(by=w.officer_a, document=document)

    with pytest.raises(PermissionDenied):
        outgoing_review(by=w.officer_a2, document=document, approve=True)
    with pytest.raises(ApplicationError, match="lý do"):
        outgoing_review(by=w.head_a, document=document, approve=False, note="")
    outgoing_review(by=w.head_a, document=document, approve=False, note="Thiếu căn cứ pháp lý.")
    assert (document.status, document.status_reason) == (DocumentStatus.DRAFT, "Thiếu căn cứ pháp lý.")
    assert Notification.objects.filter(user=w.officer_a, body__contains="Thiếu căn cứ pháp lý.").exists()

    outgoing_submit(by=w.officer_a, document=document)
    assert document.status_reason == ""
    outgoing_review(by=w.head_a, document=document, approve=True)
    assert document.status == DocumentStatus.REVIEWED
    with pytest.raises(PermissionDenied, match="người ký"):
        outgoing_approve(by=w.head_a, document=document, approve=True)
    outgoing_approve(by=w.leader_a, document=document, approve=False, note="Sửa lại nơi nhận.")
    assert document.status == DocumentStatus.DRAFT
    with pytest.raises(ApplicationError, match="Không thể chuyển văn bản"):
        outgoing_approve(by=w.leader_a, document=document, approve=True)


def test_release_numbers_notates_and_delivers(cast):
    w = world(cast)
    document = approved(w)
    with pytest.raises(PermissionDenied, match="văn thư"):
        outgoing_release(by=w.officer_a, document=document)

    outgoing_release(by=w.clerk_a, document=document)

    assert document.status == DocumentStatus.RELEASED
    assert (document.number, document.notation, document.reference) == ("01", "UBND-VP", "01/UBND-VP")
    assert (document.series, document.issued_on) == (RegisterSeries.OUTGOING, local_today())
    assert document.registered_year == local_today().year and document.is_electronic
    second = released(w, doc_type="Báo cáo")
    assert second.reference == "02/BC-UBND"

    deliveries = {d.recipient_name: d for d in document.deliveries.all()}
    assert set(deliveries) == {w.commune_b.name, "Sở Tài chính tỉnh Bên Cạnh", "Báo Thử Nghiệm"}
    platform = deliveries[w.commune_b.name]
    assert platform.status == DeliveryStatus.ARRIVED
    assert deliveries["Báo Thử Nghiệm"].status == DeliveryStatus.EXTERNAL_PENDING
    assert deliveries["Báo Thử Nghiệm"].recipient is None

    # The recipient has it at once, as an incoming document waiting for its clerk.
    copy = copy_of(document, w.commune_b)
    assert copy.source == document
    assert (copy.owner, copy.direction, copy.status) == (
        w.commune_b,
        Direction.INCOMING,
        DocumentStatus.ARRIVED,
    )
    assert (copy.number, copy.notation, copy.issuing_agency) == ("01", "UBND-VP", w.commune_a)
    assert copy.arrival_number is None
    assert copy in visible_documents(w.clerk_b)
    assert Notification.objects.filter(
        user=w.clerk_b, title="Văn bản mới đến: Công văn số 01/UBND-VP"
    ).exists()
    assert audit_actions(document)[-1] == "documents.outgoing.release"
    assert timeline(copy) == ["incoming.arrive"]


def test_released_files_travel_with_the_copy(cast):
    w = world(cast)
    document = approved(w)
    for kind, name in ((DocumentFile.Kind.MAIN, "cv.pdf"), (DocumentFile.Kind.DRAFT, "du-thao.docx")):
        stored = DocumentFile(
            document=document,
            kind=kind,
            original_name=name,
            content_type="application/pdf",
            size=3,
            sha256=name,
        )
        stored.file.save(name, ContentFile(b"%PD"), save=True)

    outgoing_release(by=w.clerk_a, document=document)

    copy = copy_of(document, w.commune_b)
    [travelled] = copy.files.all()
    assert (travelled.original_name, travelled.file.name) == (
        "cv.pdf",
        document.files.get(kind="chinh").file.name,
    )


def test_release_date_cannot_be_in_the_future(cast):
    w = world(cast)
    document = approved(w)
    with pytest.raises(ApplicationError, match="sau ngày hôm nay"):
        outgoing_release(by=w.clerk_a, document=document, released_on=local_today() + timedelta(days=1))
    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED
    assert not RegisterCounter.objects.exists()


def test_numbering_restarts_on_the_first_of_january_in_vietnam(cast):
    w = world(cast)
    # 31/12/2025 22:00 in Vietnam, then 01/01/2026 00:30 in Vietnam (still 31/12 17:30 UTC).
    with time_machine.travel(datetime(2025, 12, 31, 22, 0, tzinfo=VN_TZ), tick=False):
        first = released(w)
        second = released(w)
    with time_machine.travel(datetime(2026, 1, 1, 0, 30, tzinfo=VN_TZ), tick=False):
        new_year = released(w)

    assert [(d.number, d.registered_year) for d in (first, second, new_year)] == [
        ("01", 2025),
        ("02", 2025),
        ("01", 2026),
    ]
    assert str(new_year.issued_on) == "2026-01-01"


def test_secret_documents_are_never_sent_electronically(cast):
    w = world(cast)
    released(w)

    secret = released(w, secrecy=Secrecy.SECRET)

    assert (secret.series, secret.number, secret.is_electronic) == (
        RegisterSeries.OUTGOING_SECRET,
        "01",
        False,
    )
    assert {d.status for d in secret.deliveries.all()} == {DeliveryStatus.PAPER}
    assert secret.deliveries.get(recipient=w.commune_b).received_document is None
    assert not Document.objects.filter(source=secret).exists()
    assert not Document.objects.filter(owner=w.commune_b, secrecy__gt=0).exists()
    # The database refuses a secret copy received over the platform whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            owner=w.commune_b,
            direction=Direction.INCOMING,
            status=DocumentStatus.ARRIVED,
            doc_type="Công văn",
            issuing_agency_name=w.commune_a.name,
            subject=secret.subject,
            secrecy=Secrecy.SECRET,
            source=secret,
        )


def test_clerk_sends_back_an_approved_document(cast):
    w = world(cast)
    document = approved(w)
    with pytest.raises(PermissionDenied):
        outgoing_send_back(by=w.officer_a2, document=document, reason="Sai thể thức.")

    outgoing_send_back(by=w.clerk_a, document=document, reason="Sai thể thức trình bày nơi nhận.")

    assert (document.status, document.status_reason) == (
        DocumentStatus.DRAFT,
        "Sai thể thức trình bày nơi nhận.",
    )
    with pytest.raises(ApplicationError, match="chờ phát hành"):
        outgoing_send_back(by=w.clerk_a, document=document, reason="Lần nữa.")


def test_recall_freezes_the_original_and_cancels_the_copies(cast):
    w = world(cast)
    document = released(w)
    copy = copy_of(document, w.commune_b)
    incoming_register_arrived(by=w.clerk_b, document=copy)

    with pytest.raises(ApplicationError, match="lý do"):
        outgoing_recall(by=w.clerk_a, document=document, reason="")
    with pytest.raises(PermissionDenied):
        outgoing_recall(by=w.officer_a, document=document, reason="Sai số liệu.")
    outgoing_recall(by=w.leader_a, document=document, reason="Sai số liệu tại mục 2.")

    document.refresh_from_db()
    copy.refresh_from_db()
    assert (document.status, document.reference, document.body != "") == (
        DocumentStatus.RECALLED,
        "01/UBND-VP",
        True,
    )
    assert (copy.status, copy.status_reason, copy.body) == (
        DocumentStatus.CANCELLED,
        "Sai số liệu tại mục 2.",
        "",
    )
    assert copy.reference == "01/UBND-VP" and copy.arrival_number == 1  # the recall's metadata stays
    assert "phoi hop" not in copy.search_text and "01/ubnd-vp" in copy.search_text
    statuses = {
        d.recipient_name: (d.status, d.status_reason) for d in Delivery.objects.filter(document=document)
    }
    assert set(statuses.values()) == {(DeliveryStatus.RECALLED, "Sai số liệu tại mục 2.")}
    assert Notification.objects.filter(user=w.clerk_b, title__startswith="Văn bản bị thu hồi").exists()
    assert audit_actions(document)[-1] == "documents.outgoing.recall"
    assert timeline(copy)[-1] == "incoming.cancel"
    with pytest.raises(ApplicationError, match="Không thể chuyển văn bản"):
        outgoing_recall(by=w.leader_a, document=document, reason="Lần nữa.")
    with pytest.raises(ApplicationError, match="Không thể chuyển văn bản"):
        incoming_return(by=w.clerk_b, document=copy, reason="Muộn.")


def test_recall_of_a_draft_is_refused(cast):
    w = world(cast)
    document = draft(w)
    with pytest.raises(ApplicationError, match="Không thể chuyển văn bản từ trạng thái “Dự thảo”"):
        outgoing_recall(by=w.leader_a, document=document, reason="Không cần nữa.")
