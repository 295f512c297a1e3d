"""Ký số screens: the signature panel of the document page (verdict of every PDF, "Ký số"
for the signer, "Phát hành" with the agency's signature for the Văn thư), the password
confirmation when the last one is older than five minutes, and bulk signing with a progress
bar that htmx polls (each poll signs the next documents)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cqs.core.errors import ApplicationError
from cqs.documents.forms import ReleaseForm
from cqs.documents.models import Document, DocumentFile, DocumentStatus
from cqs.documents.permissions import (
    access_document,
    can_release,
    can_sign,
    can_view_content,
    writable_documents,
)
from cqs.documents.services import outgoing_release
from cqs.documents.services.signing import (
    PDF,
    bulk_job_start,
    bulk_job_step,
    document_sign,
    latest_verifications,
    leader_revision,
    releasable_documents,
    signable_documents,
    uploaded_draft,
    verify_unchecked,
)
from cqs.documents.views import outgoing as outgoing_views
from cqs.documents.views.common import refusal_message, selected_ids
from cqs.signing.formats import display_time
from cqs.signing.models import BulkSigningJob, FileVerification, OverallVerdict
from cqs.signing.reauth import require_recent_auth

PASSWORD_FIELD = "mat_khau"
_VERDICT_CLASSES: dict[str, str] = {
    OverallVerdict.VALID: "verdict-valid",
    OverallVerdict.INDETERMINATE: "verdict-indeterminate",
    OverallVerdict.INVALID: "verdict-invalid",
    OverallVerdict.UNSIGNED: "verdict-unsigned",
}


# ----------------------------------------------------------------------------- presentation


@dataclass
class SignatureView:
    """One signature as the page shows it."""

    verdict: str
    label: str
    css: str
    signer: str
    organization: str
    issuer: str
    signing_time: str
    time_source: str
    checks: list[tuple[bool, str]]
    modification: str
    reasons: list[str]
    is_timestamp: bool


@dataclass
class FileView:
    stored: DocumentFile
    verification: FileVerification | None
    css: str = ""
    signatures: list[SignatureView] = field(default_factory=list)


def _when(value: Any) -> str:
    if not value:
        return "—"
    try:
        return display_time(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _signature(row: dict[str, Any]) -> SignatureView:
    verdict = str(row.get("verdict", OverallVerdict.INVALID))
    label = OverallVerdict(verdict).label if verdict in OverallVerdict.values else verdict
    intact = bool(row.get("intact"))
    checks = [
        (
            intact,
            "Toàn vẹn: nội dung đã ký còn nguyên" if intact else "Toàn vẹn: nội dung đã bị sửa sau khi ký",
        ),
        (
            bool(row.get("signature_valid")),
            "Giá trị chữ ký khớp với chứng thư"
            if row.get("signature_valid")
            else "Giá trị chữ ký không khớp với chứng thư",
        ),
        (
            bool(row.get("chain_trusted")),
            "Chuỗi chứng thư dẫn tới CA tin cậy"
            if row.get("chain_trusted")
            else "Chuỗi chứng thư không dẫn tới CA tin cậy",
        ),
        (
            bool(row.get("certificate_valid_at_signing")),
            "Chứng thư còn hiệu lực tại thời điểm ký"
            if row.get("certificate_valid_at_signing")
            else "Chứng thư không có hiệu lực tại thời điểm ký",
        ),
    ]
    return SignatureView(
        verdict=verdict,
        label=str(label),
        css=_VERDICT_CLASSES.get(verdict, "verdict-invalid"),
        signer=str(row.get("signer_name") or "(không rõ người ký)"),
        organization=str(row.get("signer_organization") or ""),
        issuer=str(row.get("issuer") or ""),
        signing_time=_when(row.get("signing_time")),
        time_source=str(row.get("signing_time_source") or ""),
        checks=checks,
        modification=str(row.get("modification") or ""),
        reasons=[str(r) for r in row.get("reasons") or ()],
        is_timestamp=bool(row.get("is_timestamp")),
    )


def _file_views(document: Document) -> list[FileView]:
    latest = latest_verifications(document)
    views = []
    for stored in document.files.filter(content_type=PDF).order_by("kind", "id"):
        verification = latest.get(stored.pk)
        views.append(
            FileView(
                stored=stored,
                verification=verification,
                css=_VERDICT_CLASSES.get(verification.verdict, "") if verification else "",
                signatures=[_signature(row) for row in verification.signatures] if verification else [],
            )
        )
    return views


def panel_context(request: HttpRequest, document: Document) -> dict[str, Any]:
    user = request.user
    approved = document.status == DocumentStatus.APPROVED
    revision = leader_revision(document) if approved else None
    may_sign = approved and revision is None and not document.is_secret and can_sign(user, document)
    may_release = approved and revision is not None and can_release(user, document)
    show = can_view_content(user, document)
    return {
        "document": document,
        "files": _file_views(document) if show else [],
        "show_content": show,
        "revision": revision,
        "may_sign": may_sign,
        "may_release": may_release,
        "draft": uploaded_draft(document) if may_sign else None,
        "reauth_needed": (may_sign or may_release) and not require_recent_auth(request.session, user),
        "release_form": ReleaseForm(prefix="phat-hanh") if may_release else None,
        "password_field": PASSWORD_FIELD,
    }


# ----------------------------------------------------------------------------- panel


@login_required
def signature_panel(request: HttpRequest, document_id: int) -> HttpResponse:
    """The signatures of the document's PDFs (checked now if they never were) and the actions."""
    document = access_document(request.user, document_id)
    if can_view_content(request.user, document):
        verify_unchecked(document)
    context = panel_context(request, document)
    htmx = getattr(request, "htmx", None)
    template = "signing/_panel.html" if htmx else "signing/panel_page.html"
    return render(request, template, context)


def _confirm(request: HttpRequest) -> tuple[bool, str]:
    """Whether the user confirmed their password recently (or just now, in this POST)."""
    password = request.POST.get(PASSWORD_FIELD, "")
    if password:
        try:
            return require_recent_auth(request.session, request.user, password), ""
        except ApplicationError as error:
            return False, error.message
    return require_recent_auth(request.session, request.user), ""


def _ask_password(
    request: HttpRequest, document: Document, *, action: str, title: str, error: str, extra: dict[str, str]
) -> HttpResponse:
    return render(
        request,
        "documents/sign_confirm.html",
        {
            "document": document,
            "action": action,
            "title": title,
            "error": error,
            "extra": extra,
            "password_field": PASSWORD_FIELD,
        },
        status=400 if error else 200,
    )


def _detail(document: Document, anchor: str = "chu-ky-so") -> str:
    return reverse("documents:detail", args=[document.pk]) + f"#{anchor}"


@login_required
@require_POST
def sign(request: HttpRequest, document_id: int) -> HttpResponse:
    """ "Ký số": the named signer signs the approved document (password first if needed)."""
    document = access_document(request.user, document_id, for_write=True)
    if not can_sign(request.user, document):
        raise Http404("Không tìm thấy văn bản.")
    confirmed, error = _confirm(request)
    if not confirmed:
        return _ask_password(
            request,
            document,
            action=reverse("documents:sign", args=[document.pk]),
            title="Xác nhận ký số văn bản",
            error=error,
            extra={},
        )
    try:
        document_sign(by=request.user, document=document, reauth_ok=True)
    except (ApplicationError, PermissionDenied) as refusal:
        messages.error(request, refusal_message(refusal))
    else:
        messages.success(
            request, "Đã ký số văn bản. Văn thư sẽ ghi số, ngày và ký số của cơ quan khi phát hành."
        )
    return redirect(_detail(document))


@login_required
@require_POST
def release(request: HttpRequest, document_id: int) -> HttpResponse:
    """ "Phát hành": a document the signer signed digitally is released with the agency's
    signature (password first if needed); any other goes the usual way."""
    document = access_document(request.user, document_id, for_write=True)
    if document.status != DocumentStatus.APPROVED or leader_revision(document) is None:
        return outgoing_views.release(request, document_id)
    if not can_release(request.user, document):
        raise Http404("Không tìm thấy văn bản.")
    form = ReleaseForm(request.POST, prefix="phat-hanh")
    raw_day = request.POST.get("phat-hanh-released_on", "")
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_detail(document))
    confirmed, error = _confirm(request)
    if not confirmed:
        return _ask_password(
            request,
            document,
            action=reverse("documents:release", args=[document.pk]),
            title="Xác nhận phát hành và ký số của cơ quan",
            error=error,
            extra={"phat-hanh-released_on": raw_day},
        )
    try:
        outgoing_release(
            by=request.user, document=document, released_on=form.cleaned_data["released_on"], reauth_ok=True
        )
    except (ApplicationError, PermissionDenied) as refusal:
        messages.error(request, refusal_message(refusal))
        return redirect(_detail(document))
    document.refresh_from_db()
    messages.success(
        request, f"Đã phát hành văn bản số {document.reference}, đã ký số của cơ quan và gửi tới nơi nhận."
    )
    return redirect(_detail(document))


# ----------------------------------------------------------------------------- bulk


def _candidates(request: HttpRequest) -> tuple[str, list[Document]]:
    documents = writable_documents(request.user)
    signable = signable_documents(request.user, documents)
    if signable:
        return BulkSigningJob.Mode.LEADER, signable
    return BulkSigningJob.Mode.RELEASE, releasable_documents(request.user, documents)


@login_required
@require_http_methods(["GET", "POST"])
def bulk_sign(request: HttpRequest) -> HttpResponse:
    """Choose many documents and sign them (a leader) or release them (a Văn thư) at once."""
    mode, candidates = _candidates(request)
    error = ""
    if request.method == "POST":
        wanted = set(selected_ids(request))
        chosen = [d for d in candidates if d.pk in wanted]
        confirmed, error = _confirm(request)
        if not chosen:
            error = "Chưa chọn văn bản nào để ký số."
        elif confirmed:
            job = bulk_job_start(by=request.user, mode=mode, documents=chosen)
            return redirect("documents:bulk_job", job.pk)
        elif not error:
            error = "Cần nhập mật khẩu để xác nhận trước khi ký."
    context = {
        "mode": mode,
        "mode_label": BulkSigningJob.Mode(mode).label,
        "candidates": candidates,
        "error": error,
        "reauth_needed": not require_recent_auth(request.session, request.user),
        "password_field": PASSWORD_FIELD,
        "jobs": BulkSigningJob.objects.filter(created_by_id=request.user.pk)[:5],
    }
    return render(request, "signing/bulk.html", context, status=400 if error else 200)


def _job(request: HttpRequest, job_id: int) -> BulkSigningJob:
    return get_object_or_404(BulkSigningJob, pk=job_id, created_by_id=request.user.pk)


@login_required
def bulk_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    return render(request, "signing/bulk_job.html", _job_context(request, job))


def _job_context(request: HttpRequest, job: BulkSigningJob, error: str = "") -> dict[str, Any]:
    running = job.status == "dang_ky"
    return {
        "job": job,
        "running": running,
        "reauth_needed": running and not require_recent_auth(request.session, request.user),
        "error": error,
        "password_field": PASSWORD_FIELD,
    }


@login_required
@require_POST
def bulk_step(request: HttpRequest, job_id: int) -> HttpResponse:
    """Sign the next documents of the job (about a second of work) and show the progress."""
    job = _job(request, job_id)
    confirmed, error = _confirm(request)
    job = bulk_job_step(by=request.user, job=job, reauth_ok=confirmed)
    if getattr(request, "htmx", None):
        return render(request, "signing/_bulk_progress.html", _job_context(request, job, error))
    if error:
        messages.error(request, error)
    return redirect("documents:bulk_job", job.pk)
