"""Counts for the reporting module and the Decree-30 register rows."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from cqs.core.workcalendar import VN_TZ
from cqs.documents.models import Document, RegisterCounter, RegisterSeries, Secrecy, Urgency
from cqs.documents.selectors import (
    FollowUpRow,
    IncomingRegisterRow,
    OutgoingRegisterRow,
    count_assignments_done_late,
    count_assignments_done_on_time,
    count_handled_on_platform,
    count_incoming,
    count_outgoing,
    count_outgoing_electronic,
    count_outgoing_signed,
    follow_up_rows,
    incoming_register_rows,
    outgoing_register_rows,
)
from cqs.documents.services import (
    RouteTarget,
    assignment_complete,
    assignment_forward,
    assignment_progress,
    document_route,
    outgoing_recall,
)
from cqs.documents.tests.test_services_common import draft, register, released, world

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
APRIL = (date(2026, 4, 1), date(2026, 4, 30))


def _at(year: int, month: int, day: int, hour: int, minute: int) -> time_machine.travel:
    """Freeze the clock at a moment of Vietnam's time."""
    return time_machine.travel(datetime(year, month, day, hour, minute, tzinfo=VN_TZ), tick=False)


def test_outgoing_counts(cast):
    w = world(cast)
    with _at(2026, 3, 2, 9, 0):
        released(w)
        signed = released(w)
        released(w, secrecy=Secrecy.SECRET)
        recalled = released(w)
        outgoing_recall(by=w.clerk_a, document=recalled, reason="Ban hành nhầm.")
        draft(w)
    Document.objects.filter(pk=signed.pk).update(is_digitally_signed=True)
    ids = [w.commune_a.pk]

    assert count_outgoing(ids, *MARCH) == 4  # the recalled one was issued too; the draft was not
    assert count_outgoing_electronic(ids, *MARCH) == 3  # never the secret one
    assert count_outgoing_signed(ids, *MARCH) == 1
    assert count_outgoing(ids, *APRIL) == 0
    assert count_outgoing([w.commune_b.pk], *MARCH) == 0
    assert count_outgoing([w.commune_a.pk, w.commune_b.pk, w.commune_a.pk], *MARCH) == 4
    # The recipient's copies are incoming documents, counted once registered.
    assert count_incoming([w.commune_b.pk], *MARCH) == 0


def test_incoming_counts_by_registration_date_in_vietnam(cast):
    w = world(cast)
    with _at(2026, 3, 31, 23, 30):  # 16:30 UTC on 31/03
        register(w, number="1")
    with _at(2026, 4, 1, 0, 10):  # 17:10 UTC on 31/03, but 1 April in Vietnam
        register(w, number="2")
    ids = [w.commune_a.pk]

    assert count_incoming(ids, *MARCH) == 1
    assert count_incoming(ids, *APRIL) == 1
    assert count_incoming(ids, date(2026, 3, 31), date(2026, 4, 1)) == 2
    with pytest.raises(ValueError):
        count_incoming(ids, date(2026, 4, 1), date(2026, 3, 31))


def test_handled_on_platform_and_deadlines_kept(cast):
    w = world(cast)
    deadline = date(2026, 3, 4)
    with _at(2026, 3, 2, 9, 0):
        on_time, late, untouched = (register(w, number=str(n)) for n in (1, 2, 3))
        [lead_1, support_1, info_1] = document_route(
            by=w.leader_a,
            document=on_time,
            lead=w.officer_a,
            supports=[w.officer_a2],
            informed=[RouteTarget(user=w.head_a)],
            direction="Xử lý.",
            deadline=deadline,
        )
        [lead_2] = document_route(
            by=w.leader_a, document=late, lead=w.unit_a, direction="Xử lý.", deadline=deadline
        )
        document_route(
            by=w.leader_a, document=untouched, lead=w.officer_a, direction="Xử lý.", deadline=deadline
        )
        child = assignment_forward(by=w.head_a, assignment=lead_2, to_user=w.officer_a2, direction="")
    with _at(2026, 3, 4, 22, 0):  # on the deadline day in Vietnam
        assignment_complete(by=w.officer_a, assignment=lead_1, note="Xong.")
        assignment_complete(by=w.officer_a2, assignment=support_1, note="Xong.")
        assignment_complete(by=w.head_a, assignment=info_1, note="Đã biết.")
    with _at(2026, 3, 5, 6, 0):  # still 4 March in UTC, already the day after the deadline here
        assignment_complete(by=w.officer_a2, assignment=child, note="Xong muộn.")
    with _at(2026, 3, 5, 9, 0):
        assignment_progress(by=w.officer_a, assignment=untouched.assignments.get(), note="Đang làm.")
    ids = [w.commune_a.pk]

    assert count_incoming(ids, *MARCH) == 3
    assert count_handled_on_platform(ids, *MARCH) == 2
    # Lead and support items at the top of the tree; the forwarded child counts as its parent.
    assert count_assignments_done_on_time(ids, *MARCH) == 2
    assert count_assignments_done_late(ids, *MARCH) == 1
    assert count_assignments_done_on_time(ids, *APRIL) == 0
    assert count_assignments_done_late([w.commune_b.pk], *MARCH) == 0


def test_incoming_register_and_follow_up_rows(cast):
    w = world(cast)
    with _at(2026, 3, 2, 9, 0):
        first = register(w, number="15", notation="QĐ-UBND", doc_type="Quyết định", urgency=Urgency.URGENT)
        register(w, number="9", secrecy=Secrecy.SECRET)
        second = register(w, number="16", notation="UBND-VP")
        [lead, _support] = document_route(
            by=w.leader_a,
            document=first,
            lead=w.unit_a,
            supports=[w.officer_a2],
            direction="Xử lý.",
            deadline=date(2026, 3, 6),
        )
        assignment_forward(by=w.head_a, assignment=lead, to_user=w.officer_a, direction="")
    with _at(2026, 3, 10, 9, 0):
        assignment_progress(by=w.officer_a, assignment=lead.children.get(), note="Đang lấy ý kiến các thôn.")
        rows = incoming_register_rows(w.commune_a, *MARCH)
        follow = follow_up_rows(w.commune_a, *MARCH)
    secret_rows = incoming_register_rows(w.commune_a, *MARCH, secret=True)

    assert len(IncomingRegisterRow.COLUMNS) == 10 and len(FollowUpRow.COLUMNS) == 7
    assert [r.arrival_number for r in rows] == [1, 2]
    assert [r.arrival_number for r in secret_rows] == [1]
    row = rows[0]
    assert row.cells() == (
        "02/03/2026",
        "01",
        "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "15/QĐ-UBND",
        f"{first.issued_on:%d/%m/%Y}",
        "Quyết định: Về việc triển khai chuyển đổi số năm 2026",
        "Văn phòng HĐND và UBND xã An Lạc (chủ trì, giao Hoàng Văn Viên); Đinh Văn Hai (phối hợp)",
        "02/03/2026",
        "",
        "Khẩn",
    )
    assert rows[1].reference == second.reference and rows[1].transferred_on is None

    assert follow[0].cells() == (
        "01",
        f"Quyết định số 15/QĐ-UBND ngày {first.issued_on:%d/%m/%Y} của Ủy ban nhân dân tỉnh Thử Nghiệm",
        "Văn phòng HĐND và UBND xã An Lạc (chủ trì, giao Hoàng Văn Viên); Đinh Văn Hai (phối hợp)",
        "06/03/2026",
        "Đang xử lý: Đang lấy ý kiến các thôn. (quá hạn từ 06/03/2026)",
        "",
        "Khẩn",
    )
    assert follow[1].progress == "Chưa phân công"


def test_follow_up_shows_completion_and_the_reply(cast):
    w = world(cast)
    with _at(2026, 3, 2, 9, 0):
        incoming = register(w)
        [lead] = document_route(by=w.leader_a, document=incoming, lead=w.officer_a, direction="Trả lời.")
        reply = released(w, doc_type="Báo cáo")
    with _at(2026, 3, 3, 15, 0):
        assignment_complete(by=w.officer_a, assignment=lead, note="Đã trả lời.", reply_document=reply)

    [row] = follow_up_rows(w.commune_a, *MARCH)
    assert row.progress == "Đã giải quyết ngày 03/03/2026"
    assert row.reply_reference == "01/BC-UBND"


def test_outgoing_register_rows(cast):
    w = world(cast)
    with _at(2026, 3, 2, 9, 0):
        first = released(w)
        second = released(w, doc_type="Báo cáo", archive_line="VT, VP (02)", copies=3)
        released(w, secrecy=Secrecy.SECRET)
    # Numbers 03–08 went to documents outside the window; "10" must sort after "09", not "01".
    RegisterCounter.objects.filter(agency=w.commune_a, series=RegisterSeries.OUTGOING).update(last_number=8)
    with _at(2026, 3, 3, 9, 0):
        ninth = released(w)
        tenth = released(w)

    rows = outgoing_register_rows(w.commune_a, *MARCH)

    assert len(OutgoingRegisterRow.COLUMNS) == 10
    assert [r.reference for r in rows] == ["01/UBND-VP", "02/BC-UBND", "09/UBND-VP", "10/UBND-VP"]
    assert (rows[2].reference, rows[3].reference) == (ninth.reference, tenth.reference)
    assert rows[0].cells() == (
        first.reference,
        "02/03/2026",
        "Công văn: Về việc báo cáo kết quả chuyển đổi số quý III",
        "Vũ Văn Lãnh (TM. Chủ tịch UBND xã)",
        "Ủy ban nhân dân xã Bình Yên; Sở Tài chính tỉnh Bên Cạnh; Báo Thử Nghiệm",
        "VT, VP",
        "1",
        "02/03/2026",
        "",
        "",
    )
    assert (rows[1].reference, rows[1].archive_holder, rows[1].copies) == (second.reference, "VT, VP (02)", 3)
    [secret] = outgoing_register_rows(w.commune_a, *MARCH, secret=True)
    assert (secret.reference, secret.note) == ("01/UBND-VP", "Mật")
