"""Back-office screens of Một cửa điện tử: the dossier list, reception at the counter, the
dossier page with its timeline and actions, forms 01–07 as PDF/DOCX, the catalogue and the
statistics report. Views are thin: services decide, gates answer 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cqs.core.errors import ApplicationError
from cqs.onestop import render as forms
from cqs.onestop import services
from cqs.onestop.models import (
    Channel,
    Dossier,
    DossierStatus,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
)
from cqs.onestop.permissions import (
    access_dossier,
    can_approve,
    can_handle,
    can_manage_catalogue,
    can_receive,
    can_use_onestop,
    staff_agency_ids,
    visible_dossiers,
)
from cqs.onestop.selectors import ListFilters, dossier_page, progress, register_rows, steps_of, timing_label
from cqs.onestop.services._common import local_today
from cqs.onestop.workflow import allowed_next
from cqs.org.models import Agency
from cqs.org.permissions import NOT_FOUND

S = DossierStatus


def _require_back_office(request: HttpRequest) -> None:
    if not can_use_onestop(request.user):
        raise Http404(NOT_FOUND)


def _agencies(request: HttpRequest) -> list[Agency]:
    user: Any = request.user
    if user.is_superuser:
        return list(
            Agency.objects.filter(dossiers__isnull=False).distinct().order_by("tree_path")[:300]
        ) or list(Agency.objects.order_by("tree_path")[:300])
    return list(Agency.objects.filter(pk__in=staff_agency_ids(user)).order_by("tree_path"))


def _chosen_agency(request: HttpRequest, agencies: list[Agency]) -> Agency | None:
    raw = request.GET.get("co_quan") or request.POST.get("co_quan")
    for agency in agencies:
        if raw and str(agency.pk) == raw:
            return agency
    return agencies[0] if agencies else None


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _date(raw: str | None, default: date) -> date:
    if not raw:
        return default
    for parse in (date.fromisoformat, lambda v: date(int(v[6:10]), int(v[3:5]), int(v[0:2]))):
        try:
            return parse(raw.strip())
        except (ValueError, IndexError):
            continue
    return default


# --------------------------------------------------------------------------- list


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _require_back_office(request)
    agencies = _agencies(request)
    agency = _chosen_agency(request, agencies)
    context: dict[str, Any] = {
        "agencies": agencies,
        "agency": agency,
        "statuses": S.choices,
        "channels": Channel.choices,
        "procedures": Procedure.objects.filter(is_active=True).order_by("name")[:500],
        "can_receive": agency is not None and can_receive(request.user, agency.pk),
    }
    if agency is not None:
        filters = ListFilters(
            agency_id=agency.pk,
            status=request.GET.get("trang_thai", "") if request.GET.get("trang_thai", "") in S.values else "",
            procedure_id=_int(request.GET.get("thu_tuc")),
            channel=request.GET.get("kenh", "") if request.GET.get("kenh", "") in Channel.values else "",
            overdue_first=request.GET.get("sap_xep") == "han",
            query=request.GET.get("q", "")[:40],
        )
        page = dossier_page(visible_dossiers(request.user), filters, after=request.GET.get("sau", ""))
        today = local_today()
        context.update(
            filters=filters,
            page=page,
            rows=[(d, timing_label(d, today), progress(d, today)) for d in page.rows],
        )
    htmx = getattr(request, "htmx", None)
    if htmx and request.GET.get("sau"):
        return render(request, "onestop/_rows.html", context)
    return render(request, "onestop/index.html", context)


# --------------------------------------------------------------------------- reception


def _versions_for(agency: Agency) -> QuerySet[ProcedureVersion]:
    from django.db.models import Q

    return (
        ProcedureVersion.objects.filter(
            is_current=True, procedure__is_active=True, effective_from__lte=local_today()
        )
        .filter(Q(competent_agency=agency) | Q(competent_agency__isnull=True, procedure__level=agency.level))
        .select_related("procedure")
        .order_by("procedure__field", "procedure__name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest) -> HttpResponse:
    agencies = [a for a in _agencies(request) if can_receive(request.user, a.pk)]
    if not agencies:
        raise Http404(NOT_FOUND)
    agency = _chosen_agency(request, agencies)
    assert agency is not None
    versions = _versions_for(agency)
    chosen = _int(request.POST.get("thu_tuc") or request.GET.get("thu_tuc"))
    version = versions.filter(pk=chosen).first() if chosen else None
    context: dict[str, Any] = {
        "agencies": agencies,
        "agency": agency,
        "versions": versions,
        "version": version,
        "components": list(version.components.all()) if version else [],
        "channels": [(Channel.COUNTER, Channel.COUNTER.label), (Channel.POSTAL, Channel.POSTAL.label)],
        "initial": {
            key: request.POST.get(key) or request.GET.get(key, "")
            for key in ("ho_ten", "so_dinh_danh", "dien_thoai", "email", "dia_chi", "kenh")
        },
    }
    if request.method == "POST" and version is not None:
        applicant = services.ApplicantData(
            name=request.POST.get("ho_ten", ""),
            id_number=request.POST.get("so_dinh_danh", ""),
            phone=request.POST.get("dien_thoai", ""),
            email=request.POST.get("email", ""),
            address=request.POST.get("dia_chi", ""),
        )
        files = _files(request, context["components"])
        try:
            dossier = services.receive_at_counter(
                actor=request.user,
                version=version,
                agency=agency,
                applicant=applicant,
                checked=[int(v) for v in request.POST.getlist("da_nhan") if v.isdigit()],
                files=files,
                reuse=[int(v) for v in request.POST.getlist("tai_su_dung") if v.isdigit()],
                channel=request.POST.get("kenh", Channel.COUNTER),
                paid_at_counter=request.POST.get("da_nop_phi") == "1",
            )
        except (ApplicationError, PermissionDenied) as error:
            context["error"] = getattr(error, "message", str(error))
            return render(request, "onestop/receive.html", context, status=400)
        messages.success(
            request, f"Đã tiếp nhận hồ sơ {dossier.code}; in giấy tiếp nhận (mẫu 01) cho người nộp."
        )
        return redirect("onestop:detail", pk=dossier.pk)
    id_number = request.GET.get("so_dinh_danh", "").strip()
    if version is not None and id_number:
        reusable = services.reusable_components(id_number, [c.name for c in context["components"]])
        context["reusable"] = {
            c.pk: reusable.get(_fold(c.name)) for c in context["components"] if reusable.get(_fold(c.name))
        }
    template = "onestop/_components.html" if getattr(request, "htmx", None) else "onestop/receive.html"
    return render(request, template, context)


def _files(request: HttpRequest, components: list[Any]) -> dict[int, File[Any]]:
    """The uploaded scan of each component (field ``tep_<component id>``)."""
    found: dict[int, File[Any]] = {}
    for component in components:
        upload = request.FILES.get(f"tep_{component.pk}")
        if upload is not None:
            found[component.pk] = upload
    return found


def _fold(text: str) -> str:
    from cqs.core.text import fold

    return fold(text)


# --------------------------------------------------------------------------- detail and actions


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = access_dossier(request.user, pk)
    nxt = allowed_next(dossier)
    handle = can_handle(request.user, dossier)
    approve = can_approve(request.user, dossier)
    context = {
        "dossier": dossier,
        "steps": steps_of(dossier),
        "events": dossier.events.select_related("actor").order_by("at", "id"),
        "components": dossier.components.select_related("reused_from__dossier").order_by("id"),
        "pauses": dossier.pauses.order_by("requested_at"),
        "apologies": dossier.apologies.order_by("issued_at"),
        "forms": forms.available_forms(dossier),
        "timing": timing_label(dossier),
        "can": {
            "accept": dossier.status == S.SUBMITTED
            and can_receive(request.user, dossier.receiving_agency_id),
            "handover": handle and dossier.status in (S.RECEIVED, S.PROCESSING),
            "submit": handle and S.AWAITING_APPROVAL in nxt,
            "approve": approve and S.APPROVED in nxt,
            "send_back": approve and dossier.status == S.AWAITING_APPROVAL,
            "return": handle and S.RETURNED in nxt,
            "supplement": handle and S.SUPPLEMENT in nxt,
            "supply": handle and dossier.status == S.SUPPLEMENT,
            "refuse": (handle or approve) and S.REFUSED in nxt,
            "stop": (handle or approve) and S.STOPPED in nxt,
            "apologise": (handle or approve)
            and dossier.is_open
            and dossier.due_date is not None
            and local_today() < dossier.due_date,
            "sign": dossier.result_file
            and not dossier.result_signed
            and dossier.status in (S.APPROVED, S.RETURNED),
        },
        "officers": _colleagues(dossier),
        "today": local_today(),
    }
    return render(request, "onestop/detail.html", context)


def _colleagues(dossier: Dossier) -> list[Any]:
    from django.contrib.auth import get_user_model

    from cqs.org.models import Position

    ids = Position.objects.current().filter(agency_id=dossier.agency_id).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("full_name"))


def _user(raw: str | None, dossier: Dossier) -> Any:
    pk = _int(raw)
    return next((u for u in _colleagues(dossier) if u.pk == pk), None) if pk else None


def _act(request: HttpRequest, dossier: Dossier, action: Callable[[], object], success: str) -> HttpResponse:
    try:
        action()
    except (ApplicationError, PermissionDenied) as error:
        messages.error(request, getattr(error, "message", None) or str(error))
    else:
        messages.success(request, success)
    return redirect("onestop:detail", pk=dossier.pk)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    dossier = access_dossier(request.user, pk)
    user, post = request.user, request.POST
    days = _int(post.get("so_ngay")) or 0
    actions: dict[str, tuple[Callable[[], object], str]] = {
        "tiep-nhan": (
            lambda: services.accept_online(actor=user, dossier=dossier),
            "Đã tiếp nhận hồ sơ trực tuyến.",
        ),
        "chuyen": (
            lambda: services.dossier_handover(
                actor=user,
                dossier=dossier,
                step_name=post.get("buoc", ""),
                officer=_user(post.get("nguoi_xu_ly"), dossier),
                allotted_days=days,
                note=post.get("ghi_chu", ""),
            ),
            "Đã chuyển hồ sơ.",
        ),
        "doi-quy-trinh": (
            lambda: services.dossier_change_route(
                actor=user,
                dossier=dossier,
                step_name=post.get("buoc", ""),
                officer=_user(post.get("nguoi_xu_ly"), dossier),
                allotted_days=days,
                reason=post.get("ly_do", ""),
            ),
            "Đã thay đổi quy trình; hạn giải quyết giữ nguyên.",
        ),
        "trinh": (
            lambda: services.dossier_submit_for_approval(
                actor=user,
                dossier=dossier,
                leader=_user(post.get("lanh_dao"), dossier),
                note=post.get("ghi_chu", ""),
            ),
            "Đã trình lãnh đạo phê duyệt.",
        ),
        "tra-lai": (
            lambda: services.dossier_send_back(actor=user, dossier=dossier, reason=post.get("ly_do", "")),
            "Đã trả lại để xử lý lại.",
        ),
        "phe-duyet": (
            lambda: services.dossier_approve(
                actor=user,
                dossier=dossier,
                result_summary=post.get("ket_qua", ""),
                result_upload=request.FILES.get("tep_ket_qua"),
            ),
            "Đã phê duyệt; kết quả điện tử đã được lưu.",
        ),
        "tra-ket-qua": (
            lambda: services.dossier_return(actor=user, dossier=dossier, note=post.get("ghi_chu", "")),
            "Đã trả kết quả.",
        ),
        "yeu-cau-bo-sung": (
            lambda: services.dossier_request_supplement(
                actor=user,
                dossier=dossier,
                missing=post.get("noi_dung", "").splitlines(),
                reason=post.get("ly_do", ""),
                legal_basis=post.get("can_cu", ""),
            ),
            "Đã gửi yêu cầu bổ sung (mẫu 02); thời hạn giải quyết tạm dừng.",
        ),
        "bo-sung": (
            lambda: services.supply_supplement(
                actor=user,
                dossier=dossier,
                files=_files(request, list(dossier.version.components.all())),
                note=post.get("ghi_chu", ""),
            ),
            "Đã nhận hồ sơ bổ sung; thời hạn giải quyết tiếp tục.",
        ),
        "tu-choi": (
            lambda: services.dossier_refuse(
                actor=user, dossier=dossier, reason=post.get("ly_do", ""), legal_basis=post.get("can_cu", "")
            ),
            "Đã từ chối giải quyết (mẫu 03).",
        ),
        "dung": (
            lambda: services.dossier_stop(actor=user, dossier=dossier, reason=post.get("ly_do", "")),
            "Đã dừng giải quyết (mẫu 05).",
        ),
        "xin-loi": (
            lambda: services.dossier_apologise(
                actor=user,
                dossier=dossier,
                reason=post.get("ly_do", ""),
                new_due_date=_date(post.get("ngay_hen_moi"), date.min),
            ),
            "Đã phát hành văn bản xin lỗi và hẹn lại ngày trả (mẫu 04).",
        ),
        "ky-so": (lambda: _sign(request, dossier), "Đã ký số kết quả bằng chứng thư của cơ quan."),
    }
    if action not in actions:
        raise Http404(NOT_FOUND)
    call, success = actions[action]
    return _act(request, dossier, call, success)


def _sign(request: HttpRequest, dossier: Dossier) -> object:
    from cqs.signing.reauth import require_recent_auth

    ok = require_recent_auth(request.session, request.user, request.POST.get("mat_khau") or None)
    return services.dossier_sign_result(actor=request.user, dossier=dossier, reauth_ok=ok)


_FORMATS = {
    "pdf": ("application/pdf", forms.to_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        forms.to_docx,
    ),
}


@login_required
@require_GET
def form_file(request: HttpRequest, pk: int, form: str, ext: str) -> HttpResponse:
    dossier = access_dossier(request.user, pk)
    if ext not in _FORMATS:
        raise Http404(NOT_FOUND)
    try:
        doc = forms.dossier_form(dossier, form)
    except ValueError as error:
        raise Http404(str(error)) from None
    content_type, renderer = _FORMATS[ext]
    response = HttpResponse(renderer(doc), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="mau-{form}-{dossier.code}.{ext}"'
    return response


@login_required
@require_GET
def result_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    dossier = access_dossier(request.user, pk)
    if not dossier.result_file:
        raise Http404(NOT_FOUND)
    return FileResponse(
        dossier.result_file.open("rb"), content_type="application/pdf", filename=f"ket-qua-{dossier.code}.pdf"
    )


@login_required
@require_GET
def component_file(request: HttpRequest, pk: int, component_id: int) -> HttpResponseBase:
    dossier = access_dossier(request.user, pk)
    component = get_object_or_404(dossier.components, pk=component_id)
    if not component.file:
        raise Http404(NOT_FOUND)
    return FileResponse(
        component.file.open("rb"), content_type="application/pdf", filename=f"{component.pk}.pdf"
    )


# --------------------------------------------------------------------------- register (form 07)


def _window(request: HttpRequest) -> tuple[date, date]:
    today = local_today()
    start = _date(request.GET.get("tu_ngay"), today.replace(day=1))
    end = _date(request.GET.get("den_ngay"), today)
    if end < start:
        start, end = end, start
    return start, min(end, start + timedelta(days=400))


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    _require_back_office(request)
    agencies = _agencies(request)
    agency = _chosen_agency(request, agencies)
    if agency is None:
        raise Http404(NOT_FOUND)
    start, end = _window(request)
    rows = register_rows(agency.pk, start, end)
    ext = request.GET.get("dinh_dang", "")
    if ext in _FORMATS:
        content_type, renderer = _FORMATS[ext]
        response = HttpResponse(renderer(forms.form07(agency, rows, start, end)), content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="so-theo-doi-ho-so.{ext}"'
        return response
    context = {
        "agencies": agencies,
        "agency": agency,
        "start": start,
        "end": end,
        "rows": rows.select_related("version__procedure").order_by("received_at", "id")[:500],
    }
    return render(request, "onestop/register.html", context)


# --------------------------------------------------------------------------- statistics


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    from cqs.onestop.report import build_report, report_pdf, report_xlsx

    _require_back_office(request)
    agencies = _agencies(request)
    start, end = _window(request)
    report = build_report(agencies, start, end)
    ext = request.GET.get("dinh_dang", "")
    if ext == "pdf":
        response = HttpResponse(
            report_pdf(report, agencies[0] if agencies else None), content_type="application/pdf"
        )
        response["Content-Disposition"] = 'inline; filename="thong-ke-mot-cua.pdf"'
        return response
    if ext == "xlsx":
        response = HttpResponse(
            report_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="thong-ke-mot-cua.xlsx"'
        return response
    return render(request, "onestop/statistics.html", {"report": report, "start": start, "end": end})


# --------------------------------------------------------------------------- catalogue


@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    _require_back_office(request)
    procedures = Procedure.objects.prefetch_related("versions").order_by("field", "name")
    query = request.GET.get("q", "").strip()
    if query:
        procedures = procedures.filter(name__icontains=query) | procedures.filter(code__startswith=query)
    return render(
        request,
        "onestop/catalogue.html",
        {
            "procedures": procedures[:500],
            "q": query,
            "can_manage": can_manage_catalogue(request.user),
            "levels": OnlineLevel,
        },
    )


@login_required
@require_GET
def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_back_office(request)
    procedure = get_object_or_404(Procedure, pk=pk)
    versions = (
        procedure.versions.prefetch_related("components")
        .select_related("competent_agency")
        .order_by("-number")
    )
    return render(request, "onestop/procedure.html", {"procedure": procedure, "versions": versions})


@login_required
@require_GET
def catalogue_export(request: HttpRequest) -> HttpResponse:
    from cqs.onestop.catalogue import export_xlsx

    _require_back_office(request)
    response = HttpResponse(
        export_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="danh-muc-thu-tuc.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_import(request: HttpRequest) -> HttpResponse:
    from cqs.onestop.catalogue import import_xlsx

    if not can_manage_catalogue(request.user):
        raise Http404(NOT_FOUND)
    context: dict[str, Any] = {}
    if request.method == "POST":
        upload = request.FILES.get("tep")
        if upload is None:
            context["errors"] = ["Cần chọn tệp Excel (.xlsx) danh mục thủ tục."]
        else:
            try:
                result = import_xlsx(actor=request.user, data=upload.read())
            except ApplicationError as error:
                context["errors"] = error.message.splitlines()
            else:
                messages.success(
                    request,
                    f"Đã nhập {result.procedures} thủ tục ({result.created} mới, {result.updated} cập nhật).",
                )
                return redirect(reverse("onestop:catalogue"))
    return render(
        request, "onestop/catalogue_import.html", context, status=400 if context.get("errors") else 200
    )
