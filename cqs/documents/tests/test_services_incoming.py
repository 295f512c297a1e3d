"""Registering incoming documents: arrival numbers, duplicates, refusals, files."""

from __future__ import annotations

import datetime
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document as new_docx

from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import VN_TZ
from cqs.documents.files import UploadError
from cqs.documents.models import (
    Direction,
    Document,
    DocumentFile,
    DocumentStatus,
    RegisterCounter,
    RegisterSeries,
    Secrecy,
    Urgency,
)
from cqs.documents.services import (
    DuplicateDocumentWarning,
    find_duplicates,
    incoming_register,
    incoming_return,
)
from cqs.documents.tests.test_services_common import audit_actions, incoming_data, register, timeline, world
from cqs.notify.models import Notification, NotificationLevel

pytestmark = pytest.mark.django_db


def test_register_gives_consecutive_arrival_numbers_and_presents_to_leaders(cast):
    w = world(cast)

    first = register(w, number="12")
    second = register(w, number="13", urgency=Urgency.FLASH)

    assert (first.direction, first.status) == (Direction.INCOMING, DocumentStatus.REGISTERED)
    assert (first.arrival_number, second.arrival_number) == (1, 2)
    assert first.series == RegisterSeries.INCOMING
    assert first.registered_at is not None
    assert first.registered_year == first.registered_at.astimezone(VN_TZ).year
    assert first.created_by == w.clerk_a
    assert "trien khai chuyen doi so" in first.search_text
    assert audit_actions(first) == ["documents.incoming.register"]
    assert timeline(first) == ["incoming.register"]
    assert "số đến 01" in first.events.get().description
    urgent = Notification.objects.get(user=w.leader_a, title__contains="13/UBND-KGVX")
    assert urgent.level == NotificationLevel.URGENT
    assert not Notification.objects.filter(user=w.officer_a).exists()


def test_secret_documents_take_the_secret_series(cast):
    w = world(cast)
    register(w, number="1")
    secret = register(w, number="2", secrecy=Secrecy.SECRET)
    register(w, number="3")

    assert (secret.series, secret.arrival_number) == (RegisterSeries.INCOMING_SECRET, 1)
    normal = Document.objects.filter(series=RegisterSeries.INCOMING).values_list("arrival_number", flat=True)
    assert sorted(n or 0 for n in normal) == [1, 2]


@pytest.mark.parametrize("who", ["officer_a", "clerk_b", "leader_a"])
def test_only_the_owner_agencys_clerk_registers(cast, who):
    w = world(cast)
    with pytest.raises(PermissionDenied, match="văn thư"):
        incoming_register(by=getattr(w, who), owner=w.commune_a, data=incoming_data())
    assert not Document.objects.exists()
    assert not RegisterCounter.objects.exists()


def test_duplicate_is_warned_accent_and_case_insensitively(cast):
    w = world(cast)
    original = register(
        w, number="05", notation="QĐ-UBND", issuing_agency_name="Ủy ban nhân dân tỉnh Thử Nghiệm"
    )

    with pytest.raises(DuplicateDocumentWarning) as warned:
        register(w, number="5", notation="qd-ubnd", issuing_agency_name="UY BAN NHAN DAN  TINH THU NGHIEM")

    assert warned.value.duplicates == [original]
    assert warned.value.code == "duplicate"
    assert "05/QĐ-UBND" in warned.value.message and "số đến 01" in warned.value.message
    assert Document.objects.count() == 1
    assert RegisterCounter.objects.get().last_number == 1  # the refused registration used no number

    confirmed = incoming_register(
        by=w.clerk_a,
        owner=w.commune_a,
        data=incoming_data(
            number="5", notation="qd-ubnd", issuing_agency_name="UY BAN NHAN DAN TINH THU NGHIEM"
        ),
        confirm_duplicate=True,
    )
    assert confirmed.arrival_number == 2
    assert audit_actions(confirmed) == ["documents.incoming.register"]


def test_same_number_from_another_issuer_or_agency_is_no_duplicate(cast):
    w = world(cast)
    register(w, number="05", notation="QĐ-UBND")

    assert find_duplicates(w.commune_a, "05", "QĐ-UBND", "Sở Nội vụ") == []
    assert find_duplicates(w.commune_a, "06", "QĐ-UBND", "Ủy ban nhân dân tỉnh Thử Nghiệm") == []
    assert find_duplicates(w.commune_b, "05", "QĐ-UBND", "Ủy ban nhân dân tỉnh Thử Nghiệm") == []
    assert find_duplicates(w.commune_a, "", "QĐ-UBND", "Ủy ban nhân dân tỉnh Thử Nghiệm") == []


def test_returned_documents_do_not_count_as_duplicates(cast):
    w = world(cast)
    first = register(w, number="7")
    incoming_return(by=w.clerk_a, document=first, reason="Gửi nhầm nơi nhận.")

    assert find_duplicates(w.commune_a, "7", "UBND-KGVX", "Ủy ban nhân dân tỉnh Thử Nghiệm") == []
    assert register(w, number="7").arrival_number == 2


def test_arrival_in_the_future_or_before_the_issue_date_is_refused(cast):
    w = world(cast)
    now = timezone.now()
    with pytest.raises(ApplicationError, match="Ngày đến không thể sau"):
        register(w, arrival_date=now + timedelta(hours=2))
    with pytest.raises(ApplicationError, match="Ngày văn bản không thể sau ngày đến"):
        register(w, arrival_date=now - timedelta(days=5), issued_on=(now - timedelta(days=1)).date())
    assert not Document.objects.exists()


def test_unknown_fields_are_a_programming_error(cast):
    w = world(cast)
    with pytest.raises(ValueError, match="Unknown incoming document fields"):
        register(w, status=DocumentStatus.DONE)


def _docx(text: str) -> bytes:
    out = io.BytesIO()
    document = new_docx()
    document.add_paragraph(text)
    document.save(out)
    return out.getvalue()


def test_files_are_stored_with_the_registration(cast):
    w = world(cast)
    upload = SimpleUploadedFile("cong-van.docx", _docx("Nội dung về tiêm chủng mở rộng"))

    document = incoming_register(by=w.clerk_a, owner=w.commune_a, data=incoming_data(), files=[upload])

    stored = DocumentFile.objects.get(document=document)
    assert stored.kind == DocumentFile.Kind.MAIN
    assert "tiêm chủng" in stored.text
    document.refresh_from_db()
    assert "tiem chung mo rong" in document.search_text
    assert audit_actions(document) == ["documents.incoming.register", "documents.file.attach"]


def test_a_refused_file_leaves_nothing_behind(cast):
    w = world(cast)
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00 not a document")

    with pytest.raises(UploadError):
        incoming_register(by=w.clerk_a, owner=w.commune_a, data=incoming_data(), files=[upload])

    assert not Document.objects.exists()
    assert not RegisterCounter.objects.exists()


def test_registration_links_citations_to_the_registered_document_both_ways(cast):
    """A registered document that cites another links to it, and an older citation of a
    document registered later is linked when that document arrives."""
    from cqs.documents.models import Citation
    from cqs.documents.services import incoming_register

    clerk = cast.clerk_a
    owner = clerk.positions.first().agency
    base = {
        "doc_type": "Kế hoạch",
        "issuing_agency_name": "Ủy ban nhân dân tỉnh Sơn Hà",
        "issued_on": datetime.date(2025, 3, 10),
        "urgency": 0,
        "secrecy": 0,
    }
    reply = incoming_register(
        by=clerk,
        owner=owner,
        data={
            **base,
            "doc_type": "Công văn",
            "number": "12",
            "notation": "UBND-VP",
            "subject": "Triển khai Kế hoạch số 61/KH-UBND ngày 10/3/2025 về chuyển đổi số",
        },
    )
    citation = Citation.objects.get(document=reply)
    assert (citation.number, citation.notation, citation.target_id) == ("61", "KH-UBND", None)
    plan = incoming_register(
        by=clerk,
        owner=owner,
        data={**base, "number": "61", "notation": "KH-UBND", "subject": "Kế hoạch chuyển đổi số năm 2025"},
    )
    citation.refresh_from_db()
    assert citation.target_id == plan.pk
