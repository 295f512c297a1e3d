"""Reception: dossier codes, counter and postal reception with digitisation and reuse, online
submission and its check by the one-stop officer (form 01 dates).

Slow work (validation, OCR) happens before the transaction; the transaction then takes the
code, stores the files and writes the history and audit event. A stored file whose
transaction does not commit is deleted again.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from cqs.core.errors import ApplicationError
from cqs.core.text import fold
from cqs.core.workcalendar import get_calendar
from cqs.onestop.models import (
    Channel,
    Dossier,
    DossierComponent,
    DossierSequence,
    DossierStatus,
    DossierStep,
    EventKind,
    OnlineLevel,
    PaymentStatus,
    ProcedureComponent,
    ProcedureVersion,
)
from cqs.onestop.permissions import can_handle, can_receive, require
from cqs.onestop.services._common import (
    clean_text,
    format_day,
    local_date,
    lock,
    now,
    record,
    require_text,
)
from cqs.onestop.services.digitise import DigitisedFile, prepare_component
from cqs.onestop.workflow import require_transition
from cqs.org.models import Agency

ID_HINT = "Số định danh cá nhân (CCCD) gồm 12 chữ số."


@dataclass(frozen=True)
class ApplicantData:
    name: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""

    def cleaned(self) -> ApplicantData:
        name = require_text(self.name, "Cần nhập họ và tên người nộp hồ sơ.")
        id_number = clean_text(self.id_number).replace(" ", "")
        if not (id_number.isdigit() and len(id_number) in (9, 12)):
            raise ApplicationError(f"Số định danh “{id_number}” không hợp lệ. {ID_HINT}", code="id_number")
        phone = clean_text(self.phone).replace(" ", "").replace(".", "")
        if phone and not (phone.lstrip("+").isdigit() and 9 <= len(phone.lstrip("+")) <= 12):
            raise ApplicationError(f"Số điện thoại “{phone}” không hợp lệ.", code="phone")
        email = clean_text(self.email)
        if email and ("@" not in email or " " in email):
            raise ApplicationError(f"Địa chỉ thư điện tử “{email}” không hợp lệ.", code="email")
        return ApplicantData(
            name=name, id_number=id_number, phone=phone, email=email, address=clean_text(self.address)
        )


# --------------------------------------------------------------------------- codes and dates


def next_code(*, agency: Agency, day: date) -> str:
    """`<agency identifier>-<yymmdd>-<nnnn>`; the day's counter row stays locked until the
    caller's transaction ends, so concurrent receptions get distinct, gapless numbers."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                DossierSequence.objects.get_or_create(agency=agency, day=day)
        except IntegrityError:  # a concurrent first reception of the day created it
            pass
        sequence = DossierSequence.objects.select_for_update().get(agency=agency, day=day)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        return f"{agency.code}-{day:%y%m%d}-{sequence.last_number:04d}"


def appointment_for(version: ProcedureVersion, received_at: datetime) -> date:
    """Form 01's return date: `processing_days` working days after the receipt day; a dossier
    received after the same-day cut-off (or on a day off) counts from the next working day."""
    calendar = get_calendar()
    receipt_day = calendar.effective_receipt_day(received_at, version.same_day_cutoff)
    return calendar.add_working_days(receipt_day, version.processing_days)


def _require_version_usable(version: ProcedureVersion, agency: Agency, on: date) -> None:
    procedure = version.procedure
    if not procedure.is_active:
        raise ApplicationError(f"Thủ tục “{procedure.name}” đã ngừng áp dụng.", code="inactive")
    if version.effective_from > on:
        raise ApplicationError(
            f"Phiên bản {version.number} của thủ tục “{procedure.name}” áp dụng từ ngày "
            f"{format_day(version.effective_from)}.",
            code="not_effective",
        )
    if version.competent_agency_id is not None:
        if version.competent_agency_id != agency.pk:
            raise ApplicationError(
                f"Thủ tục “{procedure.name}” do {version.competent_agency} giải quyết, không phải {agency}.",
                code="competence",
            )
    elif procedure.level != agency.level:
        raise ApplicationError(
            f"Thủ tục “{procedure.name}” thuộc thẩm quyền {procedure.get_level_display().lower()}, "
            f"{agency} không giải quyết.",
            code="competence",
        )


def _initial_payment(version: ProcedureVersion, paid_at_counter: bool) -> str:
    if version.fee <= 0:
        return PaymentStatus.NO_FEE
    return PaymentStatus.PAID if paid_at_counter else PaymentStatus.UNPAID


# --------------------------------------------------------------------------- components


def reusable_components(id_number: str, names: Collection[str]) -> dict[str, DossierComponent]:
    """The latest digitised component with the same (accent-folded) name the applicant with
    `id_number` already provided in an earlier dossier, keyed by folded name."""
    wanted = {fold(name) for name in names}
    found: dict[str, DossierComponent] = {}
    rows = (
        DossierComponent.objects.filter(
            dossier__applicant_id_number=id_number, digitised=True, reused_from__isnull=True
        )
        .exclude(file="")
        .select_related("dossier")
        .order_by("-added_at", "-id")
    )
    for row in rows[:500]:
        key = fold(row.name)
        if key in wanted and key not in found:
            found[key] = row
    return found


class _StoredFiles:
    """Deletes the files stored in a transaction that did not commit."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.committed = False

    def save(self, name: str, data: bytes) -> str:
        stored = default_storage.save(name, ContentFile(data))
        self.names.append(stored)
        return stored

    def commit(self) -> None:
        self.committed = True

    def cleanup(self) -> None:
        if not self.committed:
            for name in self.names:
                default_storage.delete(name)

    def finish(self) -> None:
        """After the service's atomic block: clean up now, or when the caller's outer
        transaction commits (a rolled-back inner block never marked the files committed)."""
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(self.cleanup)
        else:
            self.cleanup()


def _component_name(dossier: Dossier, digitised: DigitisedFile) -> str:
    return f"onestop/dossiers/{dossier.agency_id}/{dossier.code}/{digitised.sha256[:16]}-{digitised.name}"


def _store_component(
    *,
    dossier: Dossier,
    component: ProcedureComponent | None,
    name: str,
    digitised: DigitisedFile | None,
    is_paper: bool,
    stored: _StoredFiles,
    original_name: str = "",
) -> DossierComponent:
    row = DossierComponent(dossier=dossier, component=component, name=name, is_paper=is_paper, added_at=now())
    if digitised is not None:
        row.file.name = stored.save(_component_name(dossier, digitised), digitised.pdf)
        row.original_name = original_name or digitised.name
        row.sha256 = digitised.sha256
        row.text = digitised.text
        row.digitised = digitised.digitised
        row.quality_note = digitised.quality_note
    elif is_paper:
        row.quality_note = "Nhận bản giấy, chưa quét."
    row.save()
    return row


def _reuse(dossier: Dossier, component: ProcedureComponent, source: DossierComponent) -> DossierComponent:
    return DossierComponent.objects.create(
        dossier=dossier,
        component=component,
        name=component.name,
        file=source.file.name,
        original_name=source.original_name,
        sha256=source.sha256,
        text=source.text,
        is_paper=False,
        digitised=True,
        reused_from=source,
        quality_note=f"Tái sử dụng từ hồ sơ {source.dossier.code}",
        added_at=now(),
    )


def _digitise_all(
    version: ProcedureVersion, files: Mapping[int, File[Any]]
) -> dict[int, tuple[ProcedureComponent, DigitisedFile, str]]:
    components = {c.pk: c for c in version.components.all()}
    out: dict[int, tuple[ProcedureComponent, DigitisedFile, str]] = {}
    for component_id, upload in files.items():
        component = components.get(int(component_id))
        if component is None:
            raise ApplicationError("Thành phần hồ sơ không thuộc thủ tục này.", code="component")
        out[component.pk] = (component, prepare_component(upload, component=component.name), str(upload.name))
    return out


def _missing_required(version: ProcedureVersion, provided: Collection[int]) -> list[str]:
    return [c.name for c in version.components.all() if c.is_required and c.pk not in provided]


# --------------------------------------------------------------------------- counter


def receive_at_counter(
    *,
    actor: Any,
    version: ProcedureVersion,
    agency: Agency,
    applicant: ApplicantData,
    checked: Collection[int] = (),
    files: Mapping[int, File[Any]] | None = None,
    reuse: Collection[int] = (),
    channel: str = Channel.COUNTER,
    receiving_agency: Agency | None = None,
    paid_at_counter: bool = False,
) -> Dossier:
    """A one-stop officer receives a complete dossier in person or by post (form 01).

    `checked` are the components brought on paper (ticked off), `files` their scans by
    component id (digitised now), `reuse` the components taken from the applicant's earlier
    dossiers instead of asking again. Every required component must be one of those.
    """
    receiving = receiving_agency or agency
    require(can_receive(actor, receiving.pk), "Chỉ cán bộ một cửa của cơ quan được tiếp nhận hồ sơ.")
    if channel not in (Channel.COUNTER, Channel.POSTAL):
        raise ApplicationError("Tại bộ phận một cửa chỉ tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính.")
    applicant = applicant.cleaned()
    moment = now()
    _require_version_usable(version, agency, local_date(moment))
    digitised = _digitise_all(version, files or {})
    components = {c.pk: c for c in version.components.all()}
    reusable = reusable_components(
        applicant.id_number, [components[i].name for i in reuse if i in components]
    )
    reused: dict[int, DossierComponent] = {}
    for component_id in reuse:
        component = components.get(int(component_id))
        if component is None:
            raise ApplicationError("Thành phần hồ sơ không thuộc thủ tục này.", code="component")
        if component.pk in digitised:
            continue
        source = reusable.get(fold(component.name))
        if source is None:
            raise ApplicationError(
                f"Không có bản số hóa “{component.name}” của người nộp để tái sử dụng.", code="reuse"
            )
        reused[component.pk] = source
    provided = set(int(i) for i in checked) | set(digitised) | set(reused)
    missing = _missing_required(version, provided)
    if missing:
        raise ApplicationError(
            "Hồ sơ chưa đủ thành phần bắt buộc: " + "; ".join(missing) + ". Hãy hướng dẫn người nộp bổ sung "
            "(không tiếp nhận hồ sơ thiếu).",
            code="incomplete",
        )
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            appointment = appointment_for(version, moment)
            dossier = Dossier.objects.create(
                code=next_code(agency=receiving, day=local_date(moment)),
                version=version,
                agency=agency,
                receiving_agency=receiving,
                channel=channel,
                applicant_name=applicant.name,
                applicant_id_number=applicant.id_number,
                applicant_phone=applicant.phone,
                applicant_email=applicant.email,
                applicant_address=applicant.address,
                received_by=actor,
                created_at=moment,
                received_at=moment,
                appointment_date=appointment,
                due_date=appointment,
                status=DossierStatus.RECEIVED,
                fee=version.fee,
                payment_status=_initial_payment(version, paid_at_counter),
            )
            for component_id in sorted(provided):
                component = components[component_id]
                if component_id in reused:
                    _reuse(dossier, component, reused[component_id])
                    continue
                scan = digitised.get(component_id)
                _store_component(
                    dossier=dossier,
                    component=component,
                    name=component.name,
                    digitised=scan[1] if scan else None,
                    is_paper=True,
                    stored=stored,
                    original_name=scan[2] if scan else "",
                )
            DossierStep.objects.create(
                dossier=dossier,
                order=1,
                name="Tiếp nhận hồ sơ",
                officer=actor,
                started_at=moment,
                finished_at=moment,
            )
            record(
                actor=actor,
                dossier=dossier,
                kind=EventKind.RECEIVED,
                note=f"Tiếp nhận {Channel(channel).label.lower()}; "
                f"hẹn trả kết quả ngày {format_day(appointment)}.",
                payload={"version": version.pk, "components": len(provided), "reused": len(reused)},
            )
            transaction.on_commit(stored.commit)
    finally:
        stored.finish()
    return dossier


# --------------------------------------------------------------------------- online


def submit_online(
    *,
    actor: Any,
    version: ProcedureVersion,
    agency: Agency,
    applicant: ApplicantData,
    files: Mapping[int, File[Any]],
) -> Dossier:
    """A citizen submits online: the code is assigned at once, the one-stop officer checks it
    next (`accept_online`). A fee leaves the payment "chưa thanh toán"."""
    if not getattr(actor, "is_authenticated", False):
        raise ApplicationError("Cần đăng nhập để nộp hồ sơ trực tuyến.", code="login")
    if version.online_level == OnlineLevel.NONE:
        raise ApplicationError(
            f"Thủ tục “{version.procedure.name}” chưa được cung cấp trực tuyến; hãy nộp tại bộ phận một cửa.",
            code="not_online",
        )
    applicant = applicant.cleaned()
    moment = now()
    _require_version_usable(version, agency, local_date(moment))
    digitised = _digitise_all(version, files)
    missing = _missing_required(version, digitised)
    if missing:
        raise ApplicationError(
            "Chưa tải lên thành phần bắt buộc: " + "; ".join(missing) + ".", code="incomplete"
        )
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(
                code=next_code(agency=agency, day=local_date(moment)),
                version=version,
                agency=agency,
                receiving_agency=agency,
                channel=Channel.ONLINE,
                applicant_name=applicant.name,
                applicant_id_number=applicant.id_number,
                applicant_phone=applicant.phone,
                applicant_email=applicant.email,
                applicant_address=applicant.address,
                owner=actor,
                created_at=moment,
                submitted_at=moment,
                status=DossierStatus.SUBMITTED,
                fee=version.fee,
                payment_status=_initial_payment(version, False),
            )
            for _id, (component, scan, original) in sorted(digitised.items()):
                _store_component(
                    dossier=dossier,
                    component=component,
                    name=component.name,
                    digitised=scan,
                    is_paper=False,
                    stored=stored,
                    original_name=original,
                )
            record(
                actor=actor,
                dossier=dossier,
                kind=EventKind.SUBMITTED,
                note="Nộp hồ sơ trực tuyến; bộ phận một cửa sẽ kiểm tra và tiếp nhận.",
                payload={"version": version.pk, "components": len(digitised)},
            )
            transaction.on_commit(stored.commit)
    finally:
        stored.finish()
    return dossier


def accept_online(*, actor: Any, dossier: Dossier) -> Dossier:
    """The one-stop officer finds an online dossier complete and valid: the clock starts now
    and form 01 gets its appointment date."""
    with transaction.atomic():
        lock(dossier)
        require(can_receive(actor, dossier.receiving_agency_id), "Chỉ cán bộ một cửa được tiếp nhận hồ sơ.")
        require_transition(dossier, DossierStatus.RECEIVED)
        previous = dossier.status
        moment = now()
        dossier.received_at = moment
        dossier.received_by = actor
        dossier.appointment_date = dossier.due_date = appointment_for(dossier.version, moment)
        dossier.status = DossierStatus.RECEIVED
        dossier.save()
        DossierStep.objects.create(
            dossier=dossier,
            order=(dossier.steps.count() + 1),
            name="Tiếp nhận hồ sơ trực tuyến",
            officer=actor,
            started_at=dossier.submitted_at or moment,
            finished_at=moment,
        )
        record(
            actor=actor,
            dossier=dossier,
            kind=EventKind.RECEIVED,
            from_status=previous,
            note=f"Hồ sơ hợp lệ, đã tiếp nhận; hẹn trả kết quả ngày {format_day(dossier.appointment_date)}.",
        )
    return dossier


def add_component(
    *, actor: Any, dossier: Dossier, component_id: int | None, upload: File[Any], name: str = ""
) -> DossierComponent:
    """Scan a further paper component into an open dossier (e.g. one brought later)."""
    component = dossier.version.components.filter(pk=component_id).first() if component_id else None
    label = component.name if component else require_text(name, "Cần ghi tên thành phần hồ sơ.")
    scan = prepare_component(upload, component=label)
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            lock(dossier)
            require(can_handle(actor, dossier), "Bạn không xử lý hồ sơ này.")
            if not dossier.is_open and dossier.status != DossierStatus.SUBMITTED:
                raise ApplicationError("Hồ sơ đã kết thúc xử lý, không thêm được thành phần.")
            row = _store_component(
                dossier=dossier,
                component=component,
                name=label,
                digitised=scan,
                is_paper=True,
                stored=stored,
                original_name=str(upload.name),
            )
            record(
                actor=actor,
                dossier=dossier,
                kind=EventKind.COMPONENT_ADDED,
                from_status=dossier.status,
                note=f"Số hóa thành phần “{label}”.",
                public=True,
            )
            transaction.on_commit(stored.commit)
    finally:
        stored.finish()
    return row


__all__ = [
    "ApplicantData",
    "accept_online",
    "add_component",
    "appointment_for",
    "next_code",
    "receive_at_counter",
    "reusable_components",
    "submit_online",
]
