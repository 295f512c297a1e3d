"""The shared ground of the document services: the people they involve, the state machines
and their database guard, notation building. The builders here (`world`, `register`,
`draft`, `approved`, `released`) are reused by the other service tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cqs.audit.models import AuditEvent
from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import VN_TZ
from cqs.documents.models import (
    INCOMING_STATUSES,
    OUTGOING_STATUSES,
    Direction,
    Document,
    DocumentEvent,
    DocumentStatus,
    Urgency,
)
from cqs.documents.services import (
    build_notation,
    format_number,
    incoming_register,
    outgoing_approve,
    outgoing_draft_create,
    outgoing_release,
    outgoing_review,
    outgoing_submit,
    register_year,
)
from cqs.documents.workflow import (
    INCOMING_TRANSITIONS,
    OUTGOING_TRANSITIONS,
    can_transition,
    require_transition,
)
from cqs.org.models import Role, Unit
from cqs.org.testing import Cast, give_position, make_person

pytestmark = pytest.mark.django_db

# --- builders shared by the service tests ------------------------------------------------


@dataclass(frozen=True)
class World:
    """The cast plus the leaders and officers a document's life needs.

    Commune A (UBND xã An Lạc): leader_a (chairman); unit VP with head_a (its head), clerk_a
    and officer_a; unit TP (no head) with officer_a2. Commune B: leader_b, clerk_b, officer_b.
    """

    cast: Cast
    leader_a: Any
    head_a: Any
    officer_a2: Any
    unit_a2: Unit
    leader_b: Any
    officer_b: Any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cast, name)


def world(cast: Cast) -> World:
    def person(username: str, name: str, agency: Any, role: str, title: str, unit: Unit | None = None) -> Any:
        user = make_person(username, name)
        user.email = f"{username}@example.vn"
        user.save(update_fields=["email"])
        give_position(user, agency, role, title=title, unit=unit)
        return user

    unit_a2 = Unit.objects.create(agency=cast.commune_a, name="Ban Tư pháp xã An Lạc", notation="TP")
    return World(
        cast=cast,
        leader_a=person("lanhdao_a", "Vũ Văn Lãnh", cast.commune_a, Role.LEADER, "Chủ tịch UBND xã"),
        head_a=person(
            "truongvp_a", "Ngô Thị Hạnh", cast.commune_a, Role.LEADER, "Chánh Văn phòng", cast.unit_a
        ),
        officer_a2=person(
            "chuyenvien_a2", "Đinh Văn Hai", cast.commune_a, Role.OFFICER, "Công chức Tư pháp", unit_a2
        ),
        unit_a2=unit_a2,
        leader_b=person("lanhdao_b", "Lý Văn Bình", cast.commune_b, Role.LEADER, "Chủ tịch UBND xã"),
        officer_b=person(
            "chuyenvien_b", "Mai Thị Bé", cast.commune_b, Role.OFFICER, "Chuyên viên", cast.unit_b
        ),
    )


def incoming_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "doc_type": "Công văn",
        "number": "125",
        "notation": "UBND-KGVX",
        "issued_on": timezone.now().astimezone(VN_TZ).date() - timedelta(days=2),
        "issuing_agency_name": "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "subject": "Về việc triển khai chuyển đổi số năm 2026",
        "urgency": Urgency.NORMAL,
        "signer_name": "Trần Văn Ký",
        "signer_title": "Phó Chủ tịch",
        "page_count": 2,
    }
    data.update(overrides)
    return data


def register(w: World, **overrides: Any) -> Document:
    return incoming_register(by=w.clerk_a, owner=w.commune_a, data=incoming_data(**overrides))


def outgoing_data(w: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "doc_type": "Công văn",
        "subject": "Về việc báo cáo kết quả chuyển đổi số quý III",
        "body": "Ủy ban nhân dân xã An Lạc đề nghị các cơ quan phối hợp báo cáo.",
        "signer": w.leader_a,
        "signer_authority": "TM.",
        "recipient_agencies": [w.commune_b.pk],
        "recipients_text": "- Sở Tài chính tỉnh Bên Cạnh;\n- Báo Thử Nghiệm.",
    }
    data.update(overrides)
    return data


def draft(w: World, **overrides: Any) -> Document:
    return outgoing_draft_create(by=w.officer_a, owner=w.commune_a, data=outgoing_data(w, **overrides))


def approved(w: World, **overrides: Any) -> Document:
    document = draft(w, **overrides)
    outgoing_submit(by=w.officer_a, document=document)
    outgoing_review(by=w.head_a, document=document, approve=True, note="")
    outgoing_approve(by=w.leader_a, document=document, approve=True, note="Đồng ý ban hành.")
    return document


def released(w: World, **overrides: Any) -> Document:
    document = approved(w, **overrides)
    return outgoing_release(by=w.clerk_a, document=document)


def audit_actions(document: Document) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="documents.document", target_id=str(document.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def timeline(document: Document) -> list[str]:
    return list(DocumentEvent.objects.filter(document=document).values_list("action", flat=True))


def last_event(document: Document) -> DocumentEvent:
    event = DocumentEvent.objects.filter(document=document).last()
    assert event is not None
    return event


def copy_of(document: Document, agency: Any) -> Document:
    """The incoming copy `agency` received of the released `document`."""
    copy = document.deliveries.get(recipient=agency).received_document
    assert copy is not None
    return copy


# --- the state machines ----------------------------------------------------------------------


def test_transition_tables_cover_exactly_each_directions_states():
    assert set(OUTGOING_TRANSITIONS) == set(OUTGOING_STATUSES)
    assert set(INCOMING_TRANSITIONS) == set(INCOMING_STATUSES)
    for table in (OUTGOING_TRANSITIONS, INCOMING_TRANSITIONS):
        for targets in table.values():
            assert targets <= set(table)


def test_require_transition_refuses_with_both_states_named():
    document = Document(direction=Direction.OUTGOING, status=DocumentStatus.DRAFT)
    require_transition(document, DocumentStatus.IN_REVIEW)
    assert not can_transition(document, DocumentStatus.RELEASED)
    with pytest.raises(ApplicationError) as refused:
        require_transition(document, DocumentStatus.RELEASED)
    assert refused.value.message == "Không thể chuyển văn bản từ trạng thái “Dự thảo” sang “Đã phát hành”."


def test_frozen_states_lead_nowhere():
    assert OUTGOING_TRANSITIONS[DocumentStatus.RECALLED] == frozenset()
    assert INCOMING_TRANSITIONS[DocumentStatus.CANCELLED] == frozenset()
    assert INCOMING_TRANSITIONS[DocumentStatus.RETURNED] == frozenset()


def test_database_keeps_each_direction_in_its_states(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            owner=cast.commune_a,
            direction=Direction.INCOMING,
            doc_type="Công văn",
            issuing_agency_name="X",
            subject="Y",
            status=DocumentStatus.DRAFT,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            owner=cast.commune_a,
            direction=Direction.INCOMING,
            doc_type="Công văn",
            issuing_agency_name="X",
            subject="Y",
            status=DocumentStatus.REGISTERED,  # registered without an arrival number
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            owner=cast.commune_a,
            direction=Direction.OUTGOING,
            doc_type="Công văn",
            issuing_agency_name="X",
            subject="Y",
            status=DocumentStatus.RELEASED,  # released without a number
        )


# --- numbers and notations ----------------------------------------------------------------


def test_numbers_below_ten_take_a_leading_zero():
    assert [format_number(n) for n in (1, 5, 9, 10, 375)] == ["01", "05", "09", "10", "375"]
    with pytest.raises(ValueError):
        format_number(0)


def test_notation_of_typed_documents_and_cong_van(cast):
    assert build_notation(doc_type="Báo cáo", agency=cast.department) == "BC-SNV"
    assert build_notation(doc_type="Quyết định", agency=cast.commune_a) == "QĐ-UBND"
    assert build_notation(doc_type="Công văn", agency=cast.commune_a, drafting_unit=cast.unit_a) == "UBND-VP"
    with pytest.raises(ApplicationError, match="cần có đơn vị soạn thảo"):
        build_notation(doc_type="Công văn", agency=cast.commune_a)
    with pytest.raises(ApplicationError, match="danh mục"):
        build_notation(doc_type="Sắc lệnh", agency=cast.commune_a)


def test_register_year_is_the_year_in_vietnam():
    # 31/12/2025 18:30 UTC is already 01/01/2026 01:30 in Hà Nội.
    utc_moment = datetime.fromisoformat("2025-12-31T18:30:00+00:00")
    assert register_year(utc_moment) == 2026
    assert register_year(datetime.fromisoformat("2025-12-31T16:59:59+00:00")) == 2025
    assert register_year(date(2025, 12, 31)) == 2025
