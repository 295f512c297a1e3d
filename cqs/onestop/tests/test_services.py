"""The dossier services: reception, codes, dates, processing, forms of events, pauses."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from cqs.audit.models import AuditEvent
from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import VN_TZ
from cqs.onestop import services as s
from cqs.onestop.models import Channel, DossierEvent, DossierStatus, EventKind, PaymentStatus
from cqs.onestop.signals import dossier_changed
from cqs.onestop.testing import make_procedure

MONDAY = datetime(2025, 10, 6, 9, 0, tzinfo=VN_TZ)
APPLICANT = s.ApplicantData(
    name="Trần Thị Hoa", id_number="051190001234", phone="0905123456", address="Thôn 2, xã An Lạc"
)


def receive(world: Any, **kwargs: Any) -> Any:
    version = kwargs.pop("version", world.version)
    required = [c.pk for c in version.components.all() if c.is_required]
    return s.receive_at_counter(
        actor=world.officer_a,
        version=version,
        agency=world.cast.commune_a,
        applicant=kwargs.pop("applicant", APPLICANT),
        checked=kwargs.pop("checked", required),
        **kwargs,
    )


@pytest.fixture
def monday(time_machine: Any) -> datetime:
    time_machine.move_to(MONDAY, tick=False)
    return MONDAY


def test_counter_reception_assigns_code_dates_step_event_and_audit(
    world: Any, monday: datetime, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[Any] = []

    def listener(**kwargs: Any) -> None:
        sent.append(kwargs)

    dossier_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            dossier = receive(world)
    finally:
        dossier_changed.disconnect(listener)
    assert dossier.code == "000.00.41.T01-251006-0001"
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.appointment_date == date(2025, 10, 9)  # 3 working days after Monday
    assert dossier.due_date == dossier.appointment_date
    assert dossier.components.count() == 2
    assert dossier.steps.get().name == "Tiếp nhận hồ sơ"
    event = DossierEvent.objects.get(dossier=dossier)
    assert event.kind == EventKind.RECEIVED and "09/10/2025" in event.note
    assert AuditEvent.objects.filter(action="onestop.tiep_nhan", target_id=str(dossier.pk)).count() == 1
    assert len(sent) == 1 and sent[0]["dossier"] == dossier


def test_second_dossier_of_the_day_takes_the_next_number(world: Any, monday: datetime) -> None:
    receive(world)
    assert receive(world).code.endswith("-251006-0002")


def test_missing_required_component_is_refused_and_nothing_is_stored(world: Any, monday: datetime) -> None:
    with pytest.raises(ApplicationError, match="Giấy chứng sinh"):
        receive(world, checked=[world.version.components.first().pk])
    assert not DossierEvent.objects.exists()


def test_only_one_stop_officers_of_the_agency_receive(world: Any, monday: datetime) -> None:
    with pytest.raises(PermissionDenied):
        s.receive_at_counter(
            actor=world.officer_b,
            version=world.version,
            agency=world.cast.commune_a,
            applicant=APPLICANT,
            checked=[c.pk for c in world.version.components.all()],
        )


def test_invalid_id_number_is_explained(world: Any, monday: datetime) -> None:
    bad = s.ApplicantData(name="Lê Văn A", id_number="12345")
    with pytest.raises(ApplicationError, match="12 chữ số"):
        receive(world, applicant=bad)


def test_same_day_cutoff_moves_reception_to_the_next_working_day(world: Any, time_machine: Any) -> None:
    same_day = make_procedure(
        code="2.000635.000.00.00.H55",
        name="Chứng thực bản sao",
        processing_days=0,
        cutoff=time(15, 0),
        components=(("Bản chính giấy tờ", "Bản chính", True),),
    )
    time_machine.move_to(datetime(2025, 10, 6, 14, 59, tzinfo=VN_TZ), tick=False)
    assert receive(world, version=same_day).appointment_date == date(2025, 10, 6)
    time_machine.move_to(datetime(2025, 10, 6, 15, 1, tzinfo=VN_TZ), tick=False)
    assert receive(world, version=same_day).appointment_date == date(2025, 10, 7)
    time_machine.move_to(datetime(2025, 10, 10, 16, 0, tzinfo=VN_TZ), tick=False)  # Friday after 15:00
    assert receive(world, version=same_day).appointment_date == date(2025, 10, 13)


def test_procedure_of_another_level_is_refused(world: Any, monday: datetime) -> None:
    provincial = make_procedure(code="1.000105.000.00.00.H55", name="Cấp phiếu lý lịch tư pháp", level="tinh")
    with pytest.raises(ApplicationError, match="thẩm quyền"):
        receive(world, version=provincial)


def full_path(world: Any, dossier: Any) -> Any:
    s.dossier_handover(
        actor=world.officer_a,
        dossier=dossier,
        step_name="Thẩm định",
        officer=world.cast.officer_a,
        allotted_days=2,
    )
    s.dossier_submit_for_approval(actor=world.cast.officer_a, dossier=dossier, leader=world.leader_a)
    s.dossier_approve(
        actor=world.leader_a, dossier=dossier, result_summary="Cấp Giấy khai sinh bản chính số 125."
    )
    return s.dossier_return(actor=world.officer_a, dossier=dossier)


def test_full_path_to_return_records_every_transition(world: Any, monday: datetime) -> None:
    dossier = full_path(world, receive(world))
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.finished_on == date(2025, 10, 6) and dossier.returned_at is not None
    assert dossier.result_digitised and dossier.result_file.name.endswith(".pdf")
    assert "chưa có chứng thư số" in dossier.result_note
    kinds = list(dossier.events.values_list("kind", flat=True))
    assert kinds == ["tiep_nhan", "chuyen", "trinh", "phe_duyet", "tra_ket_qua"]
    assert [st.name for st in dossier.steps.order_by("order")] == [
        "Tiếp nhận hồ sơ",
        "Thẩm định",
        "Lãnh đạo phê duyệt",
    ]
    assert all(st.finished_at is not None for st in dossier.steps.all())


def test_transition_table_is_enforced(world: Any, monday: datetime) -> None:
    dossier = receive(world)
    with pytest.raises(ApplicationError, match="Không thể chuyển"):
        s.dossier_return(actor=world.officer_a, dossier=dossier)
    with pytest.raises(ApplicationError, match="Không thể chuyển"):
        s.dossier_approve(actor=world.leader_a, dossier=dossier, result_summary="x")


def test_only_a_leader_approves(world: Any, monday: datetime) -> None:
    dossier = receive(world)
    s.dossier_handover(
        actor=world.officer_a, dossier=dossier, step_name="Thẩm định", officer=world.cast.officer_a
    )
    s.dossier_submit_for_approval(actor=world.officer_a, dossier=dossier)
    with pytest.raises(PermissionDenied):
        s.dossier_approve(actor=world.officer_a, dossier=dossier, result_summary="Cấp giấy")
    s.dossier_send_back(actor=world.leader_a, dossier=dossier, reason="Sai tên cha")
    assert dossier.status == DossierStatus.PROCESSING


def test_supplement_pauses_and_extends_the_due_date_by_paused_working_days(
    world: Any, time_machine: Any
) -> None:
    time_machine.move_to(MONDAY, tick=False)
    dossier = receive(world)
    assert dossier.due_date == date(2025, 10, 9)
    s.dossier_handover(
        actor=world.officer_a, dossier=dossier, step_name="Thẩm định", officer=world.cast.officer_a
    )
    time_machine.move_to(datetime(2025, 10, 7, 10, 0, tzinfo=VN_TZ), tick=False)  # Tuesday
    pause = s.dossier_request_supplement(
        actor=world.cast.officer_a,
        dossier=dossier,
        missing=["Giấy chứng sinh bản chính"],
        reason="Bản nộp là bản photo không chứng thực",
        legal_basis="Điều 16 Luật Hộ tịch 2014",
    )
    assert dossier.status == DossierStatus.SUPPLEMENT and dossier.is_paused
    assert "Giấy chứng sinh bản chính" in pause.reason and "photo" in pause.reason
    time_machine.move_to(datetime(2025, 10, 13, 8, 0, tzinfo=VN_TZ), tick=False)  # next Monday
    s.supply_supplement(actor=world.officer_a, dossier=dossier, files={}, note="Đã nộp bản chính")
    dossier.refresh_from_db()
    pause.refresh_from_db()
    assert pause.paused_days == 4  # Wed, Thu, Fri, Mon
    assert dossier.status == DossierStatus.PROCESSING and not dossier.is_paused
    assert dossier.due_date == date(2025, 10, 15)
    assert dossier.appointment_date == date(2025, 10, 9)


def test_route_change_never_restarts_the_deadline(world: Any, time_machine: Any) -> None:
    time_machine.move_to(MONDAY, tick=False)
    dossier = receive(world)
    s.dossier_handover(
        actor=world.officer_a, dossier=dossier, step_name="Thẩm định", officer=world.cast.officer_a
    )
    time_machine.move_to(datetime(2025, 10, 8, 9, 0, tzinfo=VN_TZ), tick=False)
    s.dossier_change_route(
        actor=world.officer_a,
        dossier=dossier,
        step_name="Thẩm định lại",
        officer=world.officer_a,
        allotted_days=1,
        reason="Chuyên viên nghỉ ốm",
    )
    dossier.refresh_from_db()
    assert dossier.due_date == date(2025, 10, 9)
    assert dossier.events.filter(kind=EventKind.ROUTE_CHANGED, public=False).count() == 1


def test_refusal_requires_a_reason(world: Any, monday: datetime) -> None:
    dossier = receive(world)
    with pytest.raises(ApplicationError, match="lý do"):
        s.dossier_refuse(actor=world.officer_a, dossier=dossier, reason="  ")
    s.dossier_refuse(
        actor=world.officer_a, dossier=dossier, reason="Trẻ đã được đăng ký khai sinh tại xã khác."
    )
    assert dossier.status == DossierStatus.REFUSED and dossier.finished_at is not None


def test_apology_only_before_the_due_date(world: Any, time_machine: Any) -> None:
    time_machine.move_to(MONDAY, tick=False)
    dossier = receive(world)
    with pytest.raises(ApplicationError, match="sau ngày hẹn cũ"):
        s.dossier_apologise(
            actor=world.leader_a, dossier=dossier, reason="Chờ xác minh", new_due_date=date(2025, 10, 9)
        )
    with pytest.raises(ApplicationError, match="ngày làm việc"):
        s.dossier_apologise(
            actor=world.leader_a, dossier=dossier, reason="Chờ xác minh", new_due_date=date(2025, 10, 11)
        )
    apology = s.dossier_apologise(
        actor=world.leader_a, dossier=dossier, reason="Chờ xác minh", new_due_date=date(2025, 10, 14)
    )
    assert apology.old_due_date == date(2025, 10, 9) and dossier.due_date == date(2025, 10, 14)
    time_machine.move_to(datetime(2025, 10, 14, 9, 0, tzinfo=VN_TZ), tick=False)
    with pytest.raises(ApplicationError, match="trước ngày hẹn trả"):
        s.dossier_apologise(
            actor=world.leader_a, dossier=dossier, reason="Lại chậm", new_due_date=date(2025, 10, 20)
        )


def test_stop_and_withdraw_are_final(world: Any, monday: datetime) -> None:
    stopped = s.dossier_stop(actor=world.officer_a, dossier=receive(world), reason="Người nộp đề nghị dừng")
    assert stopped.status == DossierStatus.STOPPED
    with pytest.raises(ApplicationError):
        s.dossier_withdraw(actor=world.officer_a, dossier=stopped, reason="x")


def test_fee_at_counter(world: Any, monday: datetime) -> None:
    paid = make_procedure(
        code="1.001022.000.00.00.H55",
        name="Đăng ký kết hôn có yếu tố",
        fee=50_000,
        components=(("Tờ khai", "Bản chính", True),),
    )
    assert receive(world, version=paid).payment_status == PaymentStatus.UNPAID
    assert receive(world, version=paid, paid_at_counter=True).payment_status == PaymentStatus.PAID


def test_online_submission_then_acceptance(world: Any, monday: datetime, cast: Any) -> None:
    from cqs.documents.tests.fixtures import text_pdf

    citizen = cast.clerk_b  # any logged-in account stands in for the citizen here
    files = {
        c.pk: SimpleUploadedFile(f"tp{c.order}.pdf", text_pdf(), content_type="application/pdf")
        for c in world.version.components.filter(is_required=True)
    }
    dossier = s.submit_online(
        actor=citizen, version=world.version, agency=cast.commune_a, applicant=APPLICANT, files=files
    )
    assert dossier.status == DossierStatus.SUBMITTED and dossier.channel == Channel.ONLINE
    assert dossier.received_at is None and dossier.code.endswith("-0001")
    assert all(c.digitised and c.file for c in dossier.components.all())
    s.accept_online(actor=world.officer_a, dossier=dossier)
    assert dossier.status == DossierStatus.RECEIVED and dossier.appointment_date == date(2025, 10, 9)


def test_online_upload_of_wrong_type_is_refused(world: Any, monday: datetime, cast: Any) -> None:
    comps = list(world.version.components.filter(is_required=True))
    files = {
        comps[0].pk: SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 100),
        comps[1].pk: SimpleUploadedFile("a.pdf", b"%PDF-1.4 broken"),
    }
    with pytest.raises(ApplicationError, match="virus.exe"):
        s.submit_online(
            actor=cast.clerk_b, version=world.version, agency=cast.commune_a, applicant=APPLICANT, files=files
        )
