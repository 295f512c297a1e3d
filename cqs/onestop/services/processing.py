"""Processing: hand-overs and route changes (form 06), leader approval and the result,
return, supplement requests (form 02) and supplies, refusal (form 03), apology with a new
date (form 04), stop (form 05) and withdrawal.

A change of route or a hand-over never touches `due_date`; only a supplement pause (by the
working days it lasted) and a form-04 new date move it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.files.base import File
from django.db import transaction

from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import get_calendar
from cqs.onestop.models import (
    Apology,
    Dossier,
    DossierPause,
    DossierStatus,
    DossierStep,
    EventKind,
)
from cqs.onestop.permissions import can_approve, can_handle, require
from cqs.onestop.services._common import (
    clean_text,
    format_day,
    local_date,
    local_today,
    lock,
    now,
    person,
    record,
    require_text,
)
from cqs.onestop.services.digitise import prepare_component
from cqs.onestop.services.reception import _store_component, _StoredFiles
from cqs.onestop.workflow import PAUSABLE_STATUSES, require_transition
from cqs.org.models import Unit

S = DossierStatus


def current_step(dossier: Dossier) -> DossierStep | None:
    return dossier.steps.filter(finished_at__isnull=True).order_by("-order").first()


def _close_step(dossier: Dossier, *, actor: Any, handed_to: Any = None, note: str = "") -> None:
    step = current_step(dossier)
    if step is not None:
        step.finished_at = now()
        step.handed_over_by = actor
        step.handed_to = handed_to
        if note:
            step.note = note[:500]
        step.save(update_fields=["finished_at", "handed_over_by", "handed_to", "note"])


def _open_step(
    dossier: Dossier, *, name: str, unit: Unit | None, officer: Any, allotted_days: int, note: str = ""
) -> DossierStep:
    last = dossier.steps.order_by("-order").values_list("order", flat=True).first() or 0
    return DossierStep.objects.create(
        dossier=dossier,
        order=last + 1,
        name=name,
        unit=unit,
        officer=officer,
        allotted_days=max(0, allotted_days),
        started_at=now(),
        note=note[:500],
    )


def _finish(dossier: Dossier, status: str) -> None:
    moment = now()
    dossier.status = status
    dossier.finished_at = moment
    dossier.finished_on = local_date(moment)
    dossier.is_paused = False


def _check_unit(dossier: Dossier, unit: Unit | None) -> None:
    if unit is not None and unit.agency_id not in (dossier.agency_id, dossier.receiving_agency_id):
        raise ApplicationError("Đơn vị xử lý phải thuộc cơ quan giải quyết hồ sơ.", code="unit")


def dossier_handover(
    *,
    actor: Any,
    dossier: Dossier,
    step_name: str,
    officer: Any = None,
    unit: Unit | None = None,
    allotted_days: int = 0,
    note: str = "",
) -> Dossier:
    """Hand the dossier to the next step (form 06 row): from reception to processing, or from
    one processing unit/officer to the next. The deadline stays as it is."""
    name = require_text(step_name, "Cần ghi tên bước xử lý.")
    with transaction.atomic():
        lock(dossier)
        require(can_handle(actor, dossier), "Bạn không xử lý hồ sơ này.")
        previous = dossier.status
        if previous == S.RECEIVED:
            require_transition(dossier, S.PROCESSING)
            dossier.status = S.PROCESSING
            dossier.save()
        elif previous != S.PROCESSING:
            raise ApplicationError(
                f"Hồ sơ đang ở trạng thái “{dossier.get_status_display()}”, không chuyển xử lý được."
            )
        _check_unit(dossier, unit)
        _close_step(dossier, actor=actor, handed_to=officer, note=clean_text(note))
        _open_step(
            dossier, name=name, unit=unit, officer=officer, allotted_days=allotted_days, note=clean_text(note)
        )
        to = person(officer) if officer is not None else (unit.name if unit else name)
        record(
            actor=actor,
            dossier=dossier,
            kind=EventKind.HANDOVER,
            from_status=previous,
            note=f"{name}: chuyển cho {to}.",
            payload={"officer": getattr(officer, "pk", None), "unit": getattr(unit, "pk", None)},
        )
    return dossier


def dossier_change_route(
    *,
    actor: Any,
    dossier: Dossier,
    step_name: str,
    officer: Any = None,
    unit: Unit | None = None,
    allotted_days: int = 0,
    reason: str,
) -> Dossier:
    """Change the processing route (another unit or officer). The deadline never restarts."""
    why = require_text(reason, "Cần ghi lý do thay đổi quy trình xử lý.")
    name = require_text(step_name, "Cần ghi tên bước xử lý.")
    with transaction.atomic():
        lock(dossier)
        require(can_handle(actor, dossier), "Bạn không xử lý hồ sơ này.")
        if dossier.status not in (S.RECEIVED, S.PROCESSING):
            raise ApplicationError("Chỉ thay đổi quy trình khi hồ sơ đang xử lý.")
        _check_unit(dossier, unit)
        due_before = dossier.due_date
        _close_step(dossier, actor=actor, handed_to=officer, note=f"Thay đổi quy trình: {why}")
        _open_step(dossier, name=name, unit=unit, officer=officer, allotted_days=allotted_days, note=why)
        if dossier.status == S.RECEIVED:
            dossier.status = S.PROCESSING
            dossier.save()
        assert dossier.due_date == due_before
        record(
            actor=actor,
            dossier=dossier,
            kind=EventKind.ROUTE_CHANGED,
            from_status=dossier.status,
            note=f"Thay đổi quy trình xử lý: {name}. Lý do: {why}. Hạn giải quyết giữ nguyên "
            f"{format_day(dossier.due_date) if dossier.due_date else ''}.",
            public=False,
        )
    return dossier


def dossier_submit_for_approval(
    *, actor: Any, dossier: Dossier, leader: Any = None, note: str = ""
) -> Dossier:
    with transaction.atomic():
        lock(dossier)
        require(can_handle(actor, dossier), "Bạn không xử lý hồ sơ này.")
        previous = dossier.status
        require_transition(dossier, S.AWAITING_APPROVAL)
        dossier.status = S.AWAITING_APPROVAL
        dossier.save()
        _close_step(dossier, actor=actor, handed_to=leader, note=clean_text(note))
        _open_step(dossier, name="Lãnh đạo phê duyệt", unit=None, officer=leader, allotted_days=1)
        record(
            actor=actor,
            dossier=dossier,
            kind=EventKind.SUBMITTED_FOR_APPROVAL,
            from_status=previous,
            note=clean_text(note) or "Trình lãnh đạo phê duyệt kết quả.",
        )
    return dossier


def dossier_send_back(*, actor: Any, dossier: Dossier, reason: str, officer: Any = None) -> Dossier:
    """The leader sends the draft result back for rework (the deadline keeps running)."""
    why = require_text(reason, "Cần ghi lý do trả lại để xử lý lại.")
    with transaction.atomic():
        lock(dossier)
        require(can_approve(actor, dossier), "Chỉ lãnh đạo cơ quan giải quyết được phê duyệt hồ sơ.")
        previous = dossier.status
        require_transition(dossier, S.PROCESSING)
        dossier.status = S.PROCESSING
        dossier.save()
        _close_step(dossier, actor=actor, handed_to=officer, note=why)
        _open_step(
            dossier,
            name="Xử lý lại theo ý kiến lãnh đạo",
            unit=None,
            officer=officer,
            allotted_days=1,
            note=why,
        )
        record(
            actor=actor,
            dossier=dossier,
            kind=EventKind.SENT_BACK,
            from_status=previous,
            note=why,
            public=False,
        )
    return dossier


def dossier_approve(
    *,
    actor: Any,
    dossier: Dossier,
    result_summary: str,
    result_upload: File[Any] | None = None,
) -> Dossier:
    """The leader approves: processing ends now and the result is issued as a digitised PDF
    (the uploaded signed scan, or the result document rendered from the summary). The agency's
    digital signature is applied by its clerk (`dossier_sign_result`); until then the result
    says it is not yet signed."""
    from cqs.onestop.render import result_pdf

    summary = require_text(result_summary, "Cần ghi nội dung kết quả giải quyết.")
    scan = (
        prepare_component(result_upload, component="kết quả giải quyết")
        if result_upload is not None
        else None
    )
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            lock(dossier)
            require(can_approve(actor, dossier), "Chỉ lãnh đạo cơ quan giải quyết được phê duyệt hồ sơ.")
            previous = dossier.status
            require_transition(dossier, S.APPROVED)
            _finish(dossier, S.APPROVED)
            _close_step(dossier, actor=actor, note="Phê duyệt kết quả")
            if scan is not None:
                pdf, name = scan.pdf, f"ket-qua-{dossier.code}.pdf"
            else:
                pdf, name = result_pdf(dossier, summary=summary, signer=actor), f"ket-qua-{dossier.code}.pdf"
            dossier.result_file.name = stored.save(
                f"onestop/results/{dossier.agency_id}/{dossier.code}/{name}", pdf
            )
            dossier.result_digitised = True
            dossier.result_signed = False
            dossier.result_note = _unsigned_note(dossier)
            dossier.save()
            record(
                actor=actor,
                dossier=dossier,
                kind=EventKind.APPROVED,
                from_status=previous,
                note=f"Đã có kết quả: {summary}",
                payload={"uploaded": scan is not None},
            )
            transaction.on_commit(stored.commit)
    finally:
        stored.finish()
    return dossier


def _unsigned_note(dossier: Dossier) -> str:
    from cqs.signing.models import Certificate, CertificateKind

    has_certificate = Certificate.objects.filter(
        owner_agency_id=dossier.agency_id, kind=CertificateKind.AGENCY, is_active=True
    ).exists()
    if has_certificate:
        return "Kết quả điện tử chờ văn thư ký số bằng chứng thư số của cơ quan."
    return "Cơ quan chưa có chứng thư số; kết quả điện tử được lưu chưa ký số."


def dossier_sign_result(*, actor: Any, dossier: Dossier, reauth_ok: bool) -> Dossier:
    """The agency's clerk signs the result PDF with the agency certificate (PAdES)."""
    from cqs.signing.models import Certificate, CertificateKind
    from cqs.signing.services import sign_attachment

    stored = _StoredFiles()
    try:
        with transaction.atomic():
            lock(dossier)
            if dossier.status not in (S.APPROVED, S.RETURNED) or not dossier.result_file:
                raise ApplicationError("Hồ sơ chưa có kết quả điện tử để ký số.")
            if dossier.result_signed:
                raise ApplicationError("Kết quả đã được ký số.")
            certificate = (
                Certificate.objects.filter(
                    owner_agency_id=dossier.agency_id, kind=CertificateKind.AGENCY, is_active=True
                )
                .order_by("-not_after")
                .first()
            )
            if certificate is None:
                raise ApplicationError(
                    "Cơ quan chưa có chứng thư số để ký kết quả; kết quả được lưu chưa ký số."
                )
            with dossier.result_file.open("rb") as handle:
                pdf = handle.read()
            signed = sign_attachment(
                by=actor,
                pdf=pdf,
                certificate=certificate,
                number_notation=dossier.code,
                reauth_ok=reauth_ok,
                document_ref=f"onestop:{dossier.code}",
            )
            old_name = dossier.result_file.name
            dossier.result_file.name = stored.save(old_name.replace(".pdf", "-ky-so.pdf"), signed.content)
            dossier.result_signed = True
            dossier.result_note = f"Đã ký số bằng chứng thư của {certificate.common_name}."
            dossier.save()
            record(
                actor=actor,
                dossier=dossier,
                kind=EventKind.APPROVED,
                from_status=dossier.status,
                note="Kết quả điện tử đã được ký số bằng chứng thư số của cơ quan.",
                payload={"certificate": certificate.pk},
            )
            transaction.on_commit(stored.commit)
    finally:
        stored.finish()
    return dossier


def dossier_return(*, actor: Any, dossier: Dossier, note: str = "") -> Dossier:
    """The result is handed back (at the counter, by post, or electronically)."""
    with transaction.atomic():
        lock(dossier)
        require(can_handle(actor, dossier), "Bạn không xử lý hồ sơ này.")
        previous = dossier.status
        require_transition(dossier, S.RETURNED)
        dossier.status = S.RETURNED
        dossier.returned_at = now()
        dossier.save()
        record(
            actor=actor,
            dossier=dossier,
            kind=EventKind.RETURNED,
            from_status=previous,
            note=clean_text(note) or "Đã trả kết quả cho người nộp.",
        )
    return dossier


# --------------------------------------------------------------------------- supplements


def dossier_request_supplement(
    *, actor: Any, dossier: Dossier, missing: Sequence[str], reason: str, legal_basis: str = ""
) -> DossierPause:
    """Form 02: what is missing and why, in one request; the clock stops until it is supplied."""
    items = [clean_text(item) for item in missing if clean_text(item)]
    why = require_text(reason, "Cần nêu lý do yêu cầu bổ sung (căn cứ, nội dung chưa đúng).")
    if not items:
        raise ApplicationError("Cần liệt kê nội dung, thành phần hồ sơ phải bổ sung.", code="required")
    with transaction.atomic():
        lock(dossier)
        require(can_handle(actor, dossier), "Bạn không xử lý hồ sơ này.")
        previous = dossier.status
        if previous not in PAUSABLE_STATUSES:
            raise ApplicationError(
                f"Không yêu cầu bổ sung được khi hồ sơ đang ở trạng thái “{dossier.get_status_display()}”."
            )
        require_transition(dossier, S.SUPPLEMENT)
        text = "\n".join(f"- {item}" for item in items) + f"\nLý do: {why}"
        pause = DossierPause.objects.create(
            dossier=dossier,
            reason=text,
            legal_basis=clean_text(legal_basis),
            resume_status=previous,
            requested_by=actor,
            requested_at=now(),
        )
        dossier.status = S.SUPPLEMENT
        dossier.is_paused = True
        dossier.save()
        record(
            actor=actor,
            dossier=dossier,
            kind=EventKind.SUPPLEMENT_REQUESTED,
            from_status=previous,
            note=text + (f"\nCăn cứ: {pause.legal_basis}" if pause.legal_basis else ""),
            payload={"pause": pause.pk},
        )
    return pause


def supply_supplement(*, actor: Any, dossier: Dossier, files: Mapping[int, File[Any]], note: str) -> Dossier:
    """The applicant (online owner) or the one-stop officer (on paper) supplies: the files are
    digitised, the dossier goes back where it was, and the due date moves by the working days
    the pause lasted (working days d with request day < d ≤ supply day)."""
    is_owner = dossier.owner_id is not None and getattr(actor, "pk", None) == dossier.owner_id
    if not is_owner and not can_handle(actor, dossier):
        raise ApplicationError(
            "Chỉ người nộp hồ sơ hoặc cán bộ một cửa được bổ sung hồ sơ.", code="forbidden"
        )
    components = {c.pk: c for c in dossier.version.components.all()}
    scans = {}
    for component_id, upload in files.items():
        component = components.get(int(component_id))
        label = component.name if component else "Tài liệu bổ sung"
        scans[int(component_id)] = (
            component,
            prepare_component(upload, component=label),
            str(upload.name),
            label,
        )
    text = clean_text(note)
    if not scans and not text:
        raise ApplicationError("Cần tải lên tài liệu bổ sung hoặc ghi nội dung đã bổ sung.", code="required")
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            lock(dossier)
            if dossier.status != S.SUPPLEMENT:
                raise ApplicationError("Hồ sơ không ở trạng thái chờ bổ sung.")
            pause = dossier.pauses.filter(supplied_at__isnull=True).order_by("-requested_at").first()
            if pause is None:
                raise ApplicationError("Không tìm thấy yêu cầu bổ sung đang chờ.")
            require_transition(dossier, pause.resume_status)
            moment = now()
            pause.supplied_at = moment
            days = get_calendar().working_days_between(local_date(pause.requested_at), local_date(moment))
            pause.paused_days = max(0, days)
            pause.save(update_fields=["supplied_at", "paused_days"])
            for _, (component, scan, original, label) in sorted(scans.items(), key=lambda kv: kv[0]):
                _store_component(
                    dossier=dossier,
                    component=component,
                    name=label,
                    digitised=scan,
                    is_paper=not is_owner,
                    stored=stored,
                    original_name=original,
                )
            previous = dossier.status
            dossier.status = pause.resume_status
            dossier.is_paused = False
            if dossier.due_date is not None and pause.paused_days:
                dossier.due_date = get_calendar().add_working_days(dossier.due_date, pause.paused_days)
                dossier.paused_days += pause.paused_days
            dossier.save()
            extension = (
                f" Hạn giải quyết lùi {pause.paused_days} ngày làm việc, "
                f"đến ngày {format_day(dossier.due_date)}."
                if dossier.due_date is not None and pause.paused_days
                else ""
            )
            record(
                actor=actor,
                dossier=dossier,
                kind=EventKind.SUPPLIED,
                from_status=previous,
                note=(text or f"Đã bổ sung {len(scans)} tài liệu.") + extension,
                payload={"pause": pause.pk, "paused_days": pause.paused_days, "files": len(scans)},
            )
            transaction.on_commit(stored.commit)
    finally:
        stored.finish()
    return dossier


# --------------------------------------------------------------------------- refusal, stop, withdrawal


def dossier_refuse(*, actor: Any, dossier: Dossier, reason: str, legal_basis: str = "") -> Dossier:
    """Form 03: refusal, always with a human-readable reason."""
    why = require_text(reason, "Từ chối giải quyết phải nêu rõ lý do.")
    with transaction.atomic():
        lock(dossier)
        require(can_handle(actor, dossier) or can_approve(actor, dossier), "Bạn không xử lý hồ sơ này.")
        previous = dossier.status
        require_transition(dossier, S.REFUSED)
        _finish(dossier, S.REFUSED)
        dossier.status_reason = why + (
            f"\nCăn cứ: {clean_text(legal_basis)}" if clean_text(legal_basis) else ""
        )
        dossier.save()
        _close_step(dossier, actor=actor, note="Từ chối giải quyết")
        record(
            actor=actor,
            dossier=dossier,
            kind=EventKind.REFUSED,
            from_status=previous,
            note=dossier.status_reason,
        )
    return dossier


def dossier_stop(*, actor: Any, dossier: Dossier, reason: str) -> Dossier:
    """Form 05: processing stops (e.g. at the applicant's request, or the supplement never came)."""
    why = require_text(reason, "Cần nêu lý do dừng giải quyết hồ sơ.")
    with transaction.atomic():
        lock(dossier)
        require(can_handle(actor, dossier) or can_approve(actor, dossier), "Bạn không xử lý hồ sơ này.")
        previous = dossier.status
        require_transition(dossier, S.STOPPED)
        _finish(dossier, S.STOPPED)
        dossier.status_reason = why
        dossier.save()
        _close_step(dossier, actor=actor, note="Dừng giải quyết")
        record(actor=actor, dossier=dossier, kind=EventKind.STOPPED, from_status=previous, note=why)
    return dossier


def dossier_withdraw(*, actor: Any, dossier: Dossier, reason: str) -> Dossier:
    """The applicant withdraws (online by the owner, or through the officer at the counter)."""
    why = require_text(reason, "Cần ghi lý do rút hồ sơ.")
    with transaction.atomic():
        lock(dossier)
        is_owner = dossier.owner_id is not None and getattr(actor, "pk", None) == dossier.owner_id
        require(is_owner or can_handle(actor, dossier), "Bạn không được rút hồ sơ này.")
        previous = dossier.status
        require_transition(dossier, S.WITHDRAWN)
        _finish(dossier, S.WITHDRAWN)
        dossier.status_reason = why
        dossier.save()
        _close_step(dossier, actor=actor, note="Rút hồ sơ")
        record(actor=actor, dossier=dossier, kind=EventKind.WITHDRAWN, from_status=previous, note=why)
    return dossier


def dossier_apologise(*, actor: Any, dossier: Dossier, reason: str, new_due_date: date) -> Apology:
    """Form 04: a dossier about to be late gets a written apology and a new date, issued
    before its due date (regulations.md §4.3). The new date must be a later working day."""
    why = require_text(reason, "Cần nêu lý do chậm giải quyết.")
    with transaction.atomic():
        lock(dossier)
        require(can_handle(actor, dossier) or can_approve(actor, dossier), "Bạn không xử lý hồ sơ này.")
        if not dossier.is_open or dossier.due_date is None:
            raise ApplicationError("Chỉ hồ sơ đang giải quyết mới có văn bản xin lỗi và hẹn lại ngày trả.")
        today = local_today()
        if today >= dossier.due_date:
            raise ApplicationError(
                f"Văn bản xin lỗi phải gửi trước ngày hẹn trả {format_day(dossier.due_date)}; "
                "hồ sơ đã đến hoặc quá hạn.",
                code="too_late",
            )
        if new_due_date <= dossier.due_date:
            raise ApplicationError(
                f"Ngày hẹn mới phải sau ngày hẹn cũ {format_day(dossier.due_date)}.", code="new_date"
            )
        if not get_calendar().is_working_day(new_due_date):
            raise ApplicationError(
                f"Ngày {format_day(new_due_date)} không phải ngày làm việc.", code="new_date"
            )
        apology = Apology.objects.create(
            dossier=dossier,
            reason=why,
            old_due_date=dossier.due_date,
            new_due_date=new_due_date,
            issued_by=actor,
            issued_at=now(),
        )
        dossier.due_date = new_due_date
        dossier.save()
        record(
            actor=actor,
            dossier=dossier,
            kind=EventKind.APOLOGY,
            from_status=dossier.status,
            note=f"Xin lỗi vì chậm giải quyết: {why}. Hẹn lại ngày trả kết quả: {format_day(new_due_date)}.",
            payload={"old": apology.old_due_date, "new": new_due_date},
        )
    return apology
