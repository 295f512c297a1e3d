"""Helpers for one-stop tests, benchmarks and the demo: a procedure with its version and
components, and the one-stop staff of an agency."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from cqs.core.workcalendar import VN_TZ
from cqs.onestop.models import (
    Channel,
    Dossier,
    DossierStatus,
    OnlineLevel,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
)
from cqs.org.models import Agency, AgencyLevel, Role
from cqs.org.testing import give_position, make_person

DEFAULT_COMPONENTS: tuple[tuple[str, str, bool], ...] = (
    ("Tờ khai đăng ký khai sinh theo mẫu", "Bản chính", True),
    ("Giấy chứng sinh", "Bản chính", True),
    ("Giấy chứng nhận kết hôn của cha mẹ", "Bản sao", False),
)


def make_procedure(
    *,
    code: str = "1.001193.000.00.00.H55",
    name: str = "Thủ tục đăng ký khai sinh",
    field: str = "Hộ tịch",
    level: str = AgencyLevel.COMMUNE,
    processing_days: int = 3,
    cutoff: time | None = None,
    fee: int = 0,
    online_level: str = OnlineLevel.PARTIAL,
    competent_agency: Agency | None = None,
    components: Sequence[tuple[str, str, bool]] = DEFAULT_COMPONENTS,
    effective_from: date = date(2024, 1, 1),
) -> ProcedureVersion:
    procedure = Procedure.objects.create(code=code, name=name, field=field, level=level)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        effective_from=effective_from,
        decision_reference="Quyết định số 1085/QĐ-UBND ngày 15/5/2024 của UBND tỉnh",
        competent_agency=competent_agency,
        processing_days=processing_days,
        same_day_cutoff=cutoff,
        fee=fee,
        online_level=online_level,
        result_type="Giấy khai sinh",
        step_plan=[
            {"name": "Thẩm định, xử lý", "days": max(processing_days - 1, 0)},
            {"name": "Phê duyệt", "days": 1},
        ],
    )
    for order, (component, note, required) in enumerate(components, start=1):
        ProcedureComponent.objects.create(
            version=version, order=order, name=component, note=note, is_required=required
        )
    return version


def make_staff(agency: Agency, *, prefix: str, password_hash: str | None = None) -> dict[str, Any]:
    """A one-stop officer (motcua_<prefix>) and a leader (lanhdao_<prefix>) of `agency`."""
    officer = make_person(f"motcua_{prefix}", f"Vũ Thị Cửa {prefix.upper()}", password_hash=password_hash)
    give_position(officer, agency, Role.ONE_STOP_OFFICER, title="Công chức Tư pháp - Hộ tịch")
    leader = make_person(f"lanhdao_{prefix}", f"Ngô Văn Lãnh {prefix.upper()}", password_hash=password_hash)
    give_position(leader, agency, Role.LEADER, title="Phó Chủ tịch UBND xã")
    return {"officer": officer, "leader": leader}


def at(day: date, hour: int = 9) -> datetime:
    """`hour`:00 of `day` in Vietnam."""
    return datetime.combine(day, time(hour), tzinfo=VN_TZ)


_codes = itertools.count(1)


def make_dossier(
    *,
    version: ProcedureVersion,
    agency: Agency,
    received: date | None,
    due: date | None = None,
    finished: date | None = None,
    status: str | None = None,
    channel: str = Channel.COUNTER,
    **extra: Any,
) -> Dossier:
    """A dossier row with the given dates, written directly (tests of reads and statistics)."""
    if status is None:
        status = DossierStatus.APPROVED if finished else DossierStatus.PROCESSING
    received_at = at(received) if received else None
    created = received_at or extra.pop("submitted_at", None) or at(date(2025, 1, 1))
    return Dossier.objects.create(
        code=f"{agency.code}-T-{next(_codes):06d}",
        version=version,
        agency=agency,
        receiving_agency=agency,
        channel=channel,
        applicant_name=extra.pop("applicant_name", "Nguyễn Văn An"),
        applicant_id_number=extra.pop("applicant_id_number", "051190001234"),
        created_at=created,
        submitted_at=created if channel == Channel.ONLINE else None,
        received_at=received_at,
        appointment_date=due if received else None,
        due_date=due,
        finished_at=at(finished, 16) if finished else None,
        finished_on=finished,
        status=status,
        is_paused=status == DossierStatus.SUPPLEMENT,
        returned_at=at(finished, 16) if status == DossierStatus.RETURNED and finished else None,
        **extra,
    )
