"""JSON API of Một cửa điện tử (django-ninja router mounted by config/api.py at /api/mot-cua/).

Staff endpoints authenticate with the Django session (`django_auth`) and go through the
screens' gates: `visible_dossiers` for lists, `access_dossier` for one dossier (404 for a
dossier the user may not see), one-stop staff only. The status look-up by code is public
and carries no personal data, as on the portal (`selectors.public_status`).

    GET /api/mot-cua/ho-so?co_quan=&trang_thai=&thu_tuc=&kenh=&sap_xep=han&q=&sau=
    GET /api/mot-cua/ho-so/{id}
    GET /api/mot-cua/tra-cuu/{code}
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from cqs.onestop.models import Channel, Dossier, DossierStatus
from cqs.onestop.permissions import access_dossier, can_use_onestop, staff_agency_ids, visible_dossiers
from cqs.onestop.selectors import ListFilters, dossier_page, progress, public_status, steps_of, timing_label
from cqs.onestop.services._common import local_today
from cqs.org.permissions import NOT_FOUND

router = Router(tags=["Một cửa điện tử"])


class ErrorOut(Schema):
    detail: str


class DossierOut(Schema):
    id: int
    code: str
    procedure_code: str
    procedure: str
    agency_id: int
    channel: str
    channel_label: str
    applicant_name: str
    status: str
    status_label: str
    received_at: datetime | None
    appointment_date: date | None
    due_date: date | None
    finished_on: date | None
    is_paused: bool
    timing_label: str
    progress: str | None


class DossierPageOut(Schema):
    items: list[DossierOut]
    next: str
    has_more: bool


class StepOut(Schema):
    order: int
    name: str
    unit: str | None
    officer: str | None
    allotted_days: int
    started_at: datetime
    finished_at: datetime | None


class DossierDetailOut(DossierOut):
    applicant_id_number: str
    applicant_phone: str
    applicant_email: str
    applicant_address: str
    fee: int
    payment_status: str
    paused_days: int
    steps: list[StepOut]


class PublicStatusOut(Schema):
    code: str
    procedure_name: str
    agency_name: str
    status: str
    status_label: str
    received_on: date | None
    appointment_date: date | None
    due_date: date | None
    current_step: str
    finished_on: date | None
    timing_label: str


def _require_staff(request: HttpRequest) -> None:
    if not can_use_onestop(request.user):
        raise Http404(NOT_FOUND)


def _out(dossier: Dossier, today: date) -> dict[str, object]:
    procedure = dossier.version.procedure
    return {
        "id": dossier.pk,
        "code": dossier.code,
        "procedure_code": procedure.code,
        "procedure": procedure.name,
        "agency_id": dossier.agency_id,
        "channel": dossier.channel,
        "channel_label": dossier.get_channel_display(),
        "applicant_name": dossier.applicant_name,
        "status": dossier.status,
        "status_label": dossier.get_status_display(),
        "received_at": dossier.received_at,
        "appointment_date": dossier.appointment_date,
        "due_date": dossier.due_date,
        "finished_on": dossier.finished_on,
        "is_paused": dossier.is_paused,
        "timing_label": timing_label(dossier, today),
        "progress": progress(dossier, today),
    }


def _person(user: object | None) -> str | None:
    if user is None:
        return None
    full_name = getattr(user, "get_full_name", lambda: "")()
    return str(full_name or getattr(user, "username", ""))


@router.get("/ho-so", response={200: DossierPageOut, 404: ErrorOut}, auth=django_auth)
def dossier_list(
    request: HttpRequest,
    co_quan: int | None = None,
    trang_thai: str = "",
    thu_tuc: int | None = None,
    kenh: str = "",
    sap_xep: str = "",
    q: str = "",
    sau: str = "",
) -> dict[str, object]:
    """An agency's dossiers, 50 a page, newest first (`sap_xep=han`: open ones by due date);
    `sau` is the `next` cursor of the previous page. `co_quan`: one of the user's agencies
    (default: the first). Unknown filter values are ignored, as on the screen."""
    _require_staff(request)
    user = request.user
    agencies = sorted(staff_agency_ids(user))
    if co_quan is not None and (co_quan in agencies or getattr(user, "is_superuser", False)):
        agency_id = co_quan
    elif agencies:
        agency_id = agencies[0]
    else:
        raise Http404(NOT_FOUND)
    filters = ListFilters(
        agency_id=agency_id,
        status=trang_thai if trang_thai in DossierStatus.values else "",
        procedure_id=thu_tuc,
        channel=kenh if kenh in Channel.values else "",
        overdue_first=sap_xep == "han",
        query=q[:40],
    )
    page = dossier_page(visible_dossiers(user), filters, after=sau)
    today = local_today()
    return {"items": [_out(d, today) for d in page.rows], "next": page.next_cursor, "has_more": page.has_more}


@router.get("/ho-so/{dossier_id}", response={200: DossierDetailOut, 404: ErrorOut}, auth=django_auth)
def dossier_detail(request: HttpRequest, dossier_id: int) -> dict[str, object]:
    """One dossier with the applicant's details and its processing steps."""
    _require_staff(request)
    dossier = access_dossier(request.user, dossier_id)
    return {
        **_out(dossier, local_today()),
        "applicant_id_number": dossier.applicant_id_number,
        "applicant_phone": dossier.applicant_phone,
        "applicant_email": dossier.applicant_email,
        "applicant_address": dossier.applicant_address,
        "fee": dossier.fee,
        "payment_status": dossier.payment_status,
        "paused_days": dossier.paused_days,
        "steps": [
            {
                "order": step.order,
                "name": step.name,
                "unit": step.unit.name if step.unit else None,
                "officer": _person(step.officer),
                "allotted_days": step.allotted_days,
                "started_at": step.started_at,
                "finished_at": step.finished_at,
            }
            for step in steps_of(dossier)
        ],
    }


@router.get("/tra-cuu/{code}", response={200: PublicStatusOut, 404: ErrorOut}, auth=None)
def status_lookup(request: HttpRequest, code: str) -> PublicStatusOut | tuple[int, dict[str, str]]:
    """Anyone: where a dossier stands, from its code (no personal data)."""
    found = public_status(code)
    if found is None:
        return 404, {"detail": "Không tìm thấy hồ sơ có mã này. Kiểm tra lại mã trên phiếu hẹn."}
    return PublicStatusOut(**found.__dict__)
