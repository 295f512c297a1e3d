"""The payment return URL, and the simulated bank's own pages (demo only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from cqs.portal.models import PaymentAttempt, PaymentStatus
from cqs.portal.payments import PaymentVerificationError
from cqs.portal.payments.simulated import SimulatedProvider, bank_answer, read_checkout
from cqs.portal.services.payments import payment_complete
from cqs.portal.views.common import render


def payment_return(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider sends the citizen back here; the answer is verified on the server."""
    params = {key: request.GET.get(key, "") for key in request.GET}
    try:
        attempt = payment_complete(provider_code=provider, params=params)
    except PaymentVerificationError as error:
        return render(request, "portal/payment_refused.html", {"reason": error.message}, status=400)
    dossier = attempt.dossier
    if attempt.status == PaymentStatus.PAID:
        messages.success(
            request, "Thanh toán thành công. Cơ quan giải quyết đã nhận được khoản phí, lệ phí của bạn."
        )
        return redirect("portal:confirmation", code=dossier.code)
    messages.error(
        request,
        f"Chưa thanh toán được: {attempt.failure_reason or attempt.get_status_display()} "
        "Bạn có thể thanh toán lại.",
    )
    return redirect("portal:dossier", code=dossier.code)


@require_http_methods(["GET", "POST"])
def simulated_bank(request: HttpRequest) -> HttpResponse:
    """The simulated bank's checkout: shows the signed request and lets the citizen pay or cancel."""
    source = request.POST if request.method == "POST" else request.GET
    params = {key: source.get(key, "") for key in ("ref", "amount", "expires", "info", "sig")}
    try:
        checkout = read_checkout(params)
    except PaymentVerificationError as error:
        raise BadRequest(error.message) from None
    attempt = PaymentAttempt.objects.filter(reference=checkout.reference).select_related("dossier").first()
    from django.utils import timezone

    expired = timezone.now() > checkout.expires_at
    if request.method == "POST":
        answer = bank_answer(checkout, pay=request.POST.get("hanh-dong") == "thanh-toan")
        return HttpResponseRedirect(SimulatedProvider().return_url(answer))
    return render(
        request,
        "portal/simulated_bank.html",
        {"checkout": checkout, "params": params, "expired": expired, "attempt": attempt},
    )
