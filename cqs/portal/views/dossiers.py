"""The citizen's own dossiers: list, status and public timeline with every reason, supplement,
payment, result download and rating."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from cqs.core.errors import ApplicationError
from cqs.onestop.models import DossierStatus, OnlineLevel, PaymentStatus, Rating
from cqs.portal.forms import RatingForm, SupplementNoteForm
from cqs.portal.models import DraftPurpose, PaymentAttempt
from cqs.portal.permissions import access_draft, access_own_dossier, citizen_required
from cqs.portal.selectors import open_drafts, open_pause, owner_dossiers, public_events
from cqs.portal.services.drafts import supplement_send, supplement_start
from cqs.portal.services.payments import expire_stale, payment_start
from cqs.portal.views.apply import component_page
from cqs.portal.views.common import render

# The path of a dossier as the citizen sees it (the stepper on the dossier page).
STAGES = [
    ("Đã nộp", {DossierStatus.SUBMITTED}),
    ("Đã tiếp nhận", {DossierStatus.RECEIVED}),
    ("Đang xử lý", {DossierStatus.PROCESSING, DossierStatus.AWAITING_APPROVAL, DossierStatus.SUPPLEMENT}),
    ("Có kết quả", {DossierStatus.APPROVED}),
    ("Đã trả kết quả", {DossierStatus.RETURNED}),
]


def _stepper(status: str) -> list[dict[str, object]]:
    index = next((i for i, (_, group) in enumerate(STAGES) if status in group), None)
    return [
        {"label": label, "done": index is not None and i < index, "current": i == index}
        for i, (label, _) in enumerate(STAGES)
    ]


@citizen_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    page = Paginator(owner_dossiers(request.user), 20).get_page(request.GET.get("trang"))
    return render(
        request, "portal/my_dossiers.html", {"page": page, "drafts": list(open_drafts(request.user))}
    )


@citizen_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = access_own_dossier(request.user, code)
    expire_stale(dossier=dossier)
    rating = Rating.objects.filter(dossier=dossier).first()
    return render(
        request,
        "portal/dossier.html",
        {
            "dossier": dossier,
            "procedure": dossier.version.procedure,
            "events": public_events(dossier),
            "pause": open_pause(dossier) if dossier.status == DossierStatus.SUPPLEMENT else None,
            "components": list(dossier.components.all()),
            "stepper": _stepper(dossier.status),
            "unpaid": dossier.payment_status == PaymentStatus.UNPAID and dossier.fee > 0,
            "attempts": list(PaymentAttempt.objects.filter(dossier=dossier)[:5]),
            "can_download": bool(dossier.result_file)
            and dossier.status in (DossierStatus.APPROVED, DossierStatus.RETURNED),
            "rating": rating,
            "can_rate": rating is None and dossier.status == DossierStatus.RETURNED,
            "rating_form": RatingForm(),
            "is_full": dossier.version.online_level == OnlineLevel.FULL,
            "is_closed_bad": dossier.status in (DossierStatus.REFUSED, DossierStatus.STOPPED),
        },
    )


@citizen_required
def dossier_result(request: HttpRequest, code: str) -> FileResponse:
    dossier = access_own_dossier(request.user, code)
    if not dossier.result_file or dossier.status not in (DossierStatus.APPROVED, DossierStatus.RETURNED):
        raise Http404("Hồ sơ chưa có kết quả điện tử.")
    return FileResponse(
        dossier.result_file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"ket-qua-{dossier.code}.pdf",
    )


@require_POST
@citizen_required
def dossier_rate(request: HttpRequest, code: str) -> HttpResponse:
    from cqs.onestop.services import rate_dossier

    dossier = access_own_dossier(request.user, code)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rate_dossier(
                actor=request.user,
                dossier=dossier,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, "Cảm ơn bạn đã đánh giá. Ý kiến của bạn được gửi tới cơ quan giải quyết."
            )
    else:
        messages.error(request, "Vui lòng chọn một mức đánh giá.")
    return redirect(reverse("portal:dossier", args=[dossier.code]) + "#danh-gia")


def _supplement_draft(request: HttpRequest, code: str):  # type: ignore[no-untyped-def]
    dossier = access_own_dossier(request.user, code)
    if dossier.status != DossierStatus.SUPPLEMENT:
        messages.info(request, "Hồ sơ không ở trạng thái chờ bổ sung.")
        return dossier, None
    return dossier, supplement_start(actor=request.user, dossier=dossier)


@citizen_required
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    dossier, draft = _supplement_draft(request, code)
    if draft is None:
        return redirect("portal:dossier", code=dossier.code)
    form = SupplementNoteForm(request.POST or None, initial={"note": draft.note})
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            supplement_send(actor=request.user, draft=draft, note=form.cleaned_data["note"])
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, "Đã gửi hồ sơ bổ sung. Thời hạn giải quyết được tính tiếp từ hôm nay.")
            return redirect("portal:dossier", code=dossier.code)
    files = {f.component_id: f for f in draft.files.all()}
    rows = [{"component": c, "file": files.get(c.pk)} for c in dossier.version.components.all()]
    return render(
        request,
        "portal/supplement.html",
        {
            "dossier": dossier,
            "draft": draft,
            "pause": open_pause(dossier),
            "rows": rows,
            "form": form,
            "error": error,
        },
    )


@citizen_required
def supplement_component(request: HttpRequest, code: str, component_id: int) -> HttpResponse:
    dossier, draft = _supplement_draft(request, code)
    if draft is None:
        return redirect("portal:dossier", code=dossier.code)
    draft = access_draft(request.user, draft.pk, purpose=DraftPurpose.SUPPLEMENT)
    back = reverse("portal:supplement", args=[dossier.code])
    return component_page(
        request, draft, component_id, template="portal/draft_component.html", back_url=back, done_url=back
    )


@citizen_required
def pay(request: HttpRequest, code: str) -> HttpResponse:
    """What is to be paid and the button to the payment provider."""
    dossier = access_own_dossier(request.user, code)
    if request.method == "POST":
        try:
            _, url = payment_start(actor=request.user, dossier=dossier)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("portal:dossier", code=dossier.code)
        return HttpResponseRedirect(url)
    if dossier.payment_status != PaymentStatus.UNPAID or dossier.fee <= 0:
        return redirect("portal:dossier", code=dossier.code)
    return render(request, "portal/pay.html", {"dossier": dossier, "procedure": dossier.version.procedure})
