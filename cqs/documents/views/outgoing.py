"""Outgoing documents: the list with its bulk release, drafting and editing, and the steps
comment → submit → review → approve → release (or send back) → recall."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cqs.accounts.models import User
from cqs.core.errors import ApplicationError
from cqs.documents.files import PreparedUpload, attach_file, prepare_upload
from cqs.documents.forms import (
    CommentForm,
    DecisionForm,
    DocumentFilterForm,
    OutgoingDraftForm,
    ReasonForm,
    ReleaseForm,
)
from cqs.documents.models import Direction, Document, DocumentFile, DocumentStatus
from cqs.documents.permissions import access_document, can_edit_outgoing, writable_documents
from cqs.documents.services import (
    outgoing_approve,
    outgoing_comment,
    outgoing_draft_create,
    outgoing_recall,
    outgoing_release,
    outgoing_review,
    outgoing_send_back,
    outgoing_submit,
    outgoing_update,
)
from cqs.documents.views.common import (
    clerk_agencies,
    drafting_agencies,
    perform,
    refusal_message,
    render_list,
    selected_ids,
)
from cqs.documents.views.detail import render_detail
from cqs.documents.views.search import count_response, filtered_page, list_context, wants_count
from cqs.org.models import Agency, Position, Role, Unit

NOT_STAFF = "Bạn không giữ chức vụ nào được soạn thảo văn bản."


@login_required
def outgoing_list(request: HttpRequest) -> HttpResponse:
    form = DocumentFilterForm(request.GET or None, direction=Direction.OUTGOING)
    if wants_count(request):
        return count_response(request, form)
    page = filtered_page(request, form)
    context = list_context(request, form, page)
    context.update(
        is_clerk=clerk_agencies(request.user).exists(),
        can_draft=drafting_agencies(request.user).exists(),
        approved_status=DocumentStatus.APPROVED.value,
    )
    return render_list(request, "documents/outgoing_list.html", "documents/_outgoing_results.html", context)


# ---------------------------------------------------------------------------- drafting


def _signers(owner: Agency) -> list[User]:
    """The agency's leaders (with or without a unit): the people who may sign for it."""
    positions = Position.objects.current(timezone.localdate()).filter(agency=owner, roles__role=Role.LEADER)
    return list(User.objects.filter(is_active=True, pk__in=positions.values("user_id")).order_by("full_name"))


def _draft_form(request: HttpRequest, owner: Agency, **kwargs: Any) -> OutgoingDraftForm:
    recipients: QuerySet[Agency] = (
        Agency.objects.valid_on(timezone.localdate()).exclude(pk=owner.pk).order_by("tree_path")
    )
    units: QuerySet[Unit] = Unit.objects.filter(agency=owner, is_active=True).order_by("name")
    return OutgoingDraftForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        owner=owner,
        signers=_signers(owner),
        units=units,
        recipients=recipients,
        **kwargs,
    )


def _own_unit(user: Any, owner: Agency) -> int | None:
    """The unit of the user's position in `owner`: the usual drafting unit."""
    position = (
        Position.objects.current(timezone.localdate())
        .filter(user=user, agency=owner, unit__isnull=False)
        .order_by("pk")
        .first()
    )
    return position.unit_id if position is not None else None


def _prepare_files(form: OutgoingDraftForm) -> list[PreparedUpload] | None:
    """Text extraction (and OCR) before the transaction; None when an upload is refused."""
    try:
        return [prepare_upload(upload) for upload in form.cleaned_data["uploads"]]
    except ApplicationError as error:
        form.apply_service_error(error)
        return None


def _attach_all(request: HttpRequest, document: Document, prepared: list[PreparedUpload]) -> None:
    has_main = document.files.filter(kind=DocumentFile.Kind.MAIN).exists()
    for index, upload in enumerate(prepared):
        kind = DocumentFile.Kind.MAIN if index == 0 and not has_main else DocumentFile.Kind.ATTACHMENT
        attach_file(by=request.user, document=document, upload=upload, kind=kind)


def _service_failed(form: OutgoingDraftForm, error: Exception) -> None:
    if isinstance(error, ApplicationError):
        form.apply_service_error(error)
    else:
        form.add_error(None, refusal_message(error))
    if form.files_were_sent and "uploads" not in form.errors:
        form.add_error("uploads", "Vui lòng chọn lại tệp trước khi gửi lại.")


@login_required
def outgoing_draft(request: HttpRequest) -> HttpResponse:
    agencies = drafting_agencies(request.user)
    chosen = request.POST.get("co_quan") or request.GET.get("co_quan")
    owner = agencies.filter(pk=chosen).first() if chosen and chosen.isdigit() else agencies.first()
    if owner is None:
        raise PermissionDenied(NOT_STAFF)
    form = _draft_form(request, owner, initial={"drafting_unit": _own_unit(request.user, owner)})
    if request.method == "POST" and form.is_valid():
        prepared = _prepare_files(form)
        if prepared is not None:
            try:
                with transaction.atomic():
                    document = outgoing_draft_create(by=request.user, owner=owner, data=form.service_data())
                    _attach_all(request, document, prepared)
            except (ApplicationError, PermissionDenied) as error:
                _service_failed(form, error)
            else:
                messages.success(request, "Đã lưu dự thảo. Khi hoàn chỉnh, bấm “Trình duyệt”.")
                return redirect("documents:detail", document.pk)
        elif form.files_were_sent:
            form.add_error("uploads", "Vui lòng chọn lại tệp trước khi gửi lại.")
    context = {"form": form, "owner": owner, "agencies": agencies, "document": None}
    return render(request, "documents/outgoing_form.html", context, status=400 if form.errors else 200)


def _initial(document: Document) -> dict[str, Any]:
    return {
        "doc_type": document.doc_type,
        "subject": document.subject,
        "body": document.body,
        "drafting_unit": document.drafting_unit_id,
        "recipient_agencies": list(document.recipient_agencies.values_list("pk", flat=True)),
        "recipients_text": document.recipients_text,
        "urgency": document.urgency,
        "secrecy": document.secrecy,
        "signer": document.signer_id,
        "signer_authority": document.signer_authority,
        "archive_line": document.archive_line,
        "due_date": document.due_date,
    }


@login_required
def outgoing_edit(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id, for_write=True)
    if document.direction == Direction.INCOMING or not can_edit_outgoing(request.user, document):
        messages.error(request, "Bạn không được sửa văn bản ở bước này.")
        return redirect("documents:detail", document.pk)
    form = _draft_form(request, document.owner, initial=_initial(document))
    if request.method == "POST" and form.is_valid():
        prepared = _prepare_files(form)
        if prepared is not None:
            try:
                with transaction.atomic():
                    outgoing_update(by=request.user, document=document, data=form.service_data())
                    _attach_all(request, document, prepared)
            except (ApplicationError, PermissionDenied) as error:
                _service_failed(form, error)
            else:
                messages.success(request, "Đã lưu thay đổi của dự thảo.")
                return redirect("documents:detail", document.pk)
        elif form.files_were_sent:
            form.add_error("uploads", "Vui lòng chọn lại tệp trước khi gửi lại.")
    context = {"form": form, "owner": document.owner, "agencies": None, "document": document}
    return render(request, "documents/outgoing_form.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------------------- steps


def _detail_url(document: Document, anchor: str = "") -> str:
    return reverse("documents:detail", args=[document.pk]) + (f"#{anchor}" if anchor else "")


def _decide(request: HttpRequest, document_id: int, *, key: str, prefix: str, signer: bool) -> HttpResponse:
    document = access_document(request.user, document_id, for_write=True)
    form = DecisionForm(request.POST, prefix=prefix)
    if form.is_valid():
        service = outgoing_approve if signer else outgoing_review
        try:
            service(by=request.user, document=document, approve=form.approve, note=form.cleaned_data["note"])
        except (ApplicationError, PermissionDenied) as error:
            form.add_error(None, refusal_message(error))
        else:
            if form.approve:
                done = "Đã ký duyệt; văn bản chuyển văn thư phát hành." if signer else "Đã duyệt nội dung."
            else:
                done = "Đã trả lại dự thảo cho người soạn thảo."
            messages.success(request, done)
            return redirect(_detail_url(document))
    return render_detail(request, document, {key: form}, status=400)


@login_required
@require_POST
def review(request: HttpRequest, document_id: int) -> HttpResponse:
    return _decide(request, document_id, key="review", prefix="duyet", signer=False)


@login_required
@require_POST
def approve(request: HttpRequest, document_id: int) -> HttpResponse:
    return _decide(request, document_id, key="approve", prefix="ky", signer=True)


@login_required
@require_POST
def submit(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id, for_write=True)
    return perform(
        request,
        lambda: outgoing_submit(by=request.user, document=document),
        success="Đã trình dự thảo để lãnh đạo đơn vị duyệt.",
        then=_detail_url(document),
    )


@login_required
@require_POST
def comment(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id)
    form = CommentForm(request.POST, prefix="gop-y")
    if form.is_valid():
        try:
            outgoing_comment(by=request.user, document=document, text=form.cleaned_data["text"])
        except (ApplicationError, PermissionDenied) as error:
            form.add_error(None, refusal_message(error))
        else:
            messages.success(request, "Đã gửi ý kiến góp ý.")
            return redirect(_detail_url(document, "gop-y"))
    return render_detail(request, document, {"comment": form}, status=400)


@login_required
@require_POST
def release(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id, for_write=True)
    form = ReleaseForm(request.POST, prefix="phat-hanh")
    if form.is_valid():
        try:
            outgoing_release(by=request.user, document=document, released_on=form.cleaned_data["released_on"])
        except (ApplicationError, PermissionDenied) as error:
            if isinstance(error, ApplicationError):
                form.apply_service_error(error)
            else:
                form.add_error(None, refusal_message(error))
        else:
            messages.success(request, f"Đã phát hành văn bản số {document.reference}.")
            return redirect(_detail_url(document, "noi-nhan"))
    return render_detail(request, document, {"release": form}, status=400)


def _reasoned(
    request: HttpRequest, document_id: int, *, key: str, prefix: str, service: Any, success: str
) -> HttpResponse:
    document = access_document(request.user, document_id, for_write=True)
    form = ReasonForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            service(by=request.user, document=document, reason=form.cleaned_data["reason"])
        except (ApplicationError, PermissionDenied) as error:
            form.add_error(None, refusal_message(error))
        else:
            messages.success(request, success)
            return redirect(_detail_url(document))
    return render_detail(request, document, {key: form}, status=400)


@login_required
@require_POST
def send_back(request: HttpRequest, document_id: int) -> HttpResponse:
    return _reasoned(
        request,
        document_id,
        key="send_back",
        prefix="tra-lai-vt",
        service=outgoing_send_back,
        success="Đã trả lại văn bản cho người soạn thảo.",
    )


@login_required
@require_POST
def recall(request: HttpRequest, document_id: int) -> HttpResponse:
    return _reasoned(
        request,
        document_id,
        key="recall",
        prefix="thu-hoi",
        service=outgoing_recall,
        success="Đã thu hồi văn bản; bản của các nơi nhận trên nền tảng đã bị hủy.",
    )


@login_required
@require_POST
def bulk_release(request: HttpRequest) -> HttpResponse:
    """The clerk releases every selected approved document, each with the next number."""
    ids = selected_ids(request)
    query = request.POST.get("loc", "")
    back = reverse("documents:outgoing") + (f"?{query}" if query and len(query) < 2000 else "")
    if not ids:
        messages.error(request, "Chưa chọn văn bản nào.")
        return redirect(back)
    documents = writable_documents(request.user).filter(pk__in=ids).exclude(direction=Direction.INCOMING)
    released, problems = [], []
    for document in documents.order_by("-urgency", "id"):
        try:
            outgoing_release(by=request.user, document=document)
        except (ApplicationError, PermissionDenied) as error:
            problems.append(f"“{document.subject[:60]}”: {refusal_message(error)}")
        else:
            released.append(document.reference)
    if released:
        messages.success(request, f"Đã phát hành {len(released)} văn bản: {', '.join(released)}.")
    if problems:
        messages.error(request, "Chưa phát hành được: " + "; ".join(problems))
    missing = len(ids) - documents.count()
    if missing > 0:
        messages.error(request, f"{missing} văn bản không tìm thấy hoặc bạn không có quyền.")
    return redirect(back)
