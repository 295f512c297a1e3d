"""Screens of one report: the editor (values with target marks, issues, differences against
live data after submission, narratives with hints, preview, sign, submit) and the requester's
accept / return; the files (PDF, DOCX, XLSX)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cqs.core.errors import ApplicationError
from cqs.reporting import permissions
from cqs.reporting.models import ReportStatus, SectionKind
from cqs.reporting.render import (
    fill_words,
    placeholders,
    render_file,
    report_document,
    report_xlsx,
    sentence_text,
)
from cqs.reporting.selectors import campaign_period, is_late, narratives, outline, report_rows
from cqs.reporting.services.reports import (
    report_accept,
    report_refresh,
    report_return,
    report_sign,
    report_submit,
    report_update,
)
from cqs.reporting.views.common import perform, refusal_message
from cqs.reporting.workflow import EDITABLE_STATUSES

_FILE_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _outline_view(report: Any, rows: list[Any]) -> list[dict[str, Any]]:
    """The outline with what each section shows in the editor."""
    period = campaign_period(report.campaign)
    words = placeholders(report.campaign.regime, report.agency, period)
    results = {row.result.indicator.code: row.result for row in rows}
    texts = narratives(report)
    items = []
    for section in outline(report.campaign.regime):
        item: dict[str, Any] = {"section": section, "kind": section.kind}
        item["title"] = fill_words(section.title, words)
        if section.kind == SectionKind.SENTENCE:
            text, complete = sentence_text(section.template, results, words)
            item.update(text=text, complete=complete)
        elif section.kind == SectionKind.NARRATIVE:
            item.update(text=texts.get(section.pk, ""), hint=fill_words(section.hint, words))
        elif section.kind == SectionKind.INDICATOR_TABLE:
            codes = {i.code for i in section.indicators.all()}
            item["rows"] = [row for row in rows if row.result.indicator.code in codes]
        items.append(item)
    return items


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = permissions.report_for(request.user, pk)
    frozen = report.status not in EDITABLE_STATUSES
    rows = report_rows(report, with_live=frozen)
    context = {
        "report": report,
        "campaign": report.campaign,
        "regime": report.campaign.regime,
        "period": campaign_period(report.campaign),
        "rows": rows,
        "differences": [r for r in rows if r.differs],
        "sections": _outline_view(report, rows),
        "frozen": frozen,
        "late": is_late(report),
        "can_edit": permissions.can_edit_report(request.user, report) and not frozen,
        "can_sign": permissions.can_sign_report(request.user, report) and not frozen,
        "can_review": permissions.can_review_report(request.user, report)
        and report.status == ReportStatus.SUBMITTED,
        "issues": [(r.result.indicator, issue) for r in rows for issue in r.result.issues],
    }
    return render(request, "reporting/report.html", context)


@login_required
@require_POST
def report_refresh_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = permissions.report_for(request.user, pk, for_write=True)
    return perform(
        request,
        lambda: report_refresh(by=request.user, report=report),
        success="Đã cập nhật số liệu từ dữ liệu trên nền tảng.",
        then=reverse("reporting:report", args=[pk]),
    )


@login_required
@require_POST
def report_save(request: HttpRequest, pk: int) -> HttpResponse:
    report = permissions.report_for(request.user, pk, for_write=True)
    texts: dict[int, str] = {}
    for key in request.POST:
        if key.startswith("muc-"):
            try:
                texts[int(key.removeprefix("muc-"))] = request.POST.get(key, "")
            except ValueError:
                continue
    header = {
        name: request.POST[field]
        for name, field in (
            ("number", "so"),
            ("signer_authority", "tham_quyen"),
            ("signer_title", "chuc_vu"),
            ("signer_name", "nguoi_ky"),
            ("distribution", "noi_nhan"),
        )
        if field in request.POST
    }
    try:
        report_update(by=request.user, report=report, narratives=texts, header=header)
    except (ApplicationError, PermissionDenied) as error:
        # Keep what was typed: show the editor again with the text and the message.
        messages.error(request, refusal_message(error))
        return report_detail_with_input(request, report, texts)
    messages.success(request, "Đã lưu nội dung báo cáo.")
    return redirect(reverse("reporting:report", args=[pk]) + "#noi-dung-bao-cao")


def report_detail_with_input(request: HttpRequest, report: Any, texts: dict[int, str]) -> HttpResponse:
    rows = report_rows(report)
    sections = _outline_view(report, rows)
    for item in sections:
        if item["section"].pk in texts:
            item["text"] = texts[item["section"].pk]
    context = {
        "report": report,
        "campaign": report.campaign,
        "regime": report.campaign.regime,
        "period": campaign_period(report.campaign),
        "rows": rows,
        "differences": [],
        "sections": sections,
        "frozen": False,
        "late": is_late(report),
        "can_edit": True,
        "can_sign": permissions.can_sign_report(request.user, report),
        "can_review": False,
        "issues": [],
    }
    return render(request, "reporting/report.html", context, status=400)


@login_required
@require_POST
def report_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    from cqs.signing.reauth import require_recent_auth

    report = permissions.report_for(request.user, pk, for_write=True)
    try:
        password = request.POST.get("mat_khau") or None
        reauth_ok = require_recent_auth(request.session, request.user, password=password)
        report_sign(by=request.user, report=report, reauth_ok=reauth_ok)
    except (ApplicationError, PermissionDenied) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, "Đã ký số báo cáo.")
    return redirect("reporting:report", pk=pk)


@login_required
@require_POST
def report_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = permissions.report_for(request.user, pk, for_write=True)
    return perform(
        request,
        lambda: report_submit(by=request.user, report=report),
        success="Đã gửi báo cáo; số liệu đã được chốt.",
        then=reverse("reporting:report", args=[pk]),
    )


@login_required
@require_POST
def report_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = permissions.report_for(request.user, pk)
    then = request.POST.get("tiep") or reverse("reporting:report", args=[pk])
    if not then.startswith("/"):
        then = reverse("reporting:report", args=[pk])
    return perform(
        request,
        lambda: report_accept(by=request.user, report=report),
        success=f"Đã tiếp nhận báo cáo của {report.agency.name}.",
        then=then,
    )


@login_required
@require_POST
def report_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = permissions.report_for(request.user, pk)
    then = request.POST.get("tiep") or reverse("reporting:report", args=[pk])
    if not then.startswith("/"):
        then = reverse("reporting:report", args=[pk])
    return perform(
        request,
        lambda: report_return(by=request.user, report=report, reason=request.POST.get("ly_do", "")),
        success=f"Đã trả lại báo cáo của {report.agency.name}.",
        then=then,
    )


@login_required
@require_GET
def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = permissions.report_for(request.user, pk)
    if fmt not in _FILE_TYPES:
        return HttpResponse("Định dạng không hỗ trợ.", status=404)
    name = f"bao-cao-{report.campaign.period}-{report.agency.code}.{fmt}"
    if fmt == "xlsx":
        content = report_xlsx(report)
    elif (
        fmt == "pdf" and report.signed_sha256 and report.signed_pdf and request.GET.get("ban") != "xem-truoc"
    ):
        with report.signed_pdf.open("rb") as handle:
            content = handle.read()
        name = name.replace(".pdf", "-da-ky.pdf")
    else:
        content = render_file(report_document(report), f".{fmt}")
    response = HttpResponse(content, content_type=_FILE_TYPES[fmt])
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response
