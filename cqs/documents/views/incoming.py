"""Incoming documents: the list with its bulk "Vào sổ", registration, and one-click registration
of a document that arrived over the platform."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cqs.core.errors import ApplicationError
from cqs.documents.forms import DocumentFilterForm, IncomingRegisterForm
from cqs.documents.models import Direction, DocumentStatus
from cqs.documents.permissions import access_document, visible_documents, writable_documents
from cqs.documents.services import DuplicateDocumentWarning, incoming_register, incoming_register_arrived
from cqs.documents.views.common import clerk_agencies, refusal_message, render_list, selected_ids
from cqs.documents.views.search import count_response, filtered_page, list_context, wants_count

NOT_A_CLERK = "Chỉ văn thư của cơ quan mới đăng ký văn bản đến."


@login_required
def incoming_list(request: HttpRequest) -> HttpResponse:
    form = DocumentFilterForm(request.GET or None, direction=Direction.INCOMING)
    if wants_count(request):
        return count_response(request, form)
    page = filtered_page(request, form)
    context = list_context(request, form, page)
    clerk_of = clerk_agencies(request.user)
    context.update(
        is_clerk=clerk_of.exists(),
        waiting=visible_documents(request.user)
        .filter(direction=Direction.INCOMING, status=DocumentStatus.ARRIVED, owner__in=clerk_of)
        .count(),
        arrived_status=DocumentStatus.ARRIVED.value,
    )
    return render_list(request, "documents/incoming_list.html", "documents/_incoming_results.html", context)


@login_required
def incoming_register_view(request: HttpRequest) -> HttpResponse:
    owners = clerk_agencies(request.user)
    if not owners.exists():
        raise PermissionDenied(NOT_A_CLERK)
    form = IncomingRegisterForm(request.POST or None, request.FILES or None, owners=owners)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            document = incoming_register(
                by=request.user,
                owner=form.cleaned_data["owner"],
                data=form.service_data(),
                files=form.cleaned_data["uploads"],
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            )
        except DuplicateDocumentWarning as warning:
            duplicates = list(
                visible_documents(request.user)
                .filter(pk__in=[d.pk for d in warning.duplicates])
                .order_by("registered_at", "id")
            )
            form.add_error(None, warning.message)
            form.add_error("confirm_duplicate", "Đánh dấu ô này nếu vẫn muốn vào sổ văn bản.")
            if form.files_were_sent:
                form.add_error("uploads", "Vui lòng chọn lại tệp trước khi gửi lại.")
        except (ApplicationError, PermissionDenied) as error:
            if isinstance(error, ApplicationError):
                form.apply_service_error(error)
            else:
                form.add_error(None, refusal_message(error))
            if form.files_were_sent and "uploads" not in form.errors:
                form.add_error("uploads", "Vui lòng chọn lại tệp trước khi gửi lại.")
        else:
            assert document.arrival_number is not None
            messages.success(
                request,
                f"Đã vào sổ văn bản đến số {document.arrival_number:02d}: {document.subject}",
            )
            return redirect("documents:detail", document.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "documents/incoming_register.html",
        {
            "form": form,
            "duplicates": duplicates,
            "show_confirm": bool(duplicates) or form["confirm_duplicate"].value(),
        },
        status=status,
    )


@login_required
@require_POST
def register_arrived(request: HttpRequest, document_id: int) -> HttpResponse:
    """The one-click "Vào sổ" of a document received over the platform."""
    document = access_document(request.user, document_id, for_write=True)
    confirm = request.POST.get("confirm_duplicate") == "1"
    try:
        incoming_register_arrived(by=request.user, document=document, confirm_duplicate=confirm)
    except DuplicateDocumentWarning as warning:
        messages.warning(request, warning.message)
        return redirect(f"{reverse('documents:detail', args=[document.pk])}?xac-nhan-trung=1#vao-so")
    except (ApplicationError, PermissionDenied) as error:
        messages.error(request, refusal_message(error))
    else:
        assert document.arrival_number is not None
        messages.success(request, f"Đã vào sổ, số đến {document.arrival_number:02d}.")
    return redirect("documents:detail", document.pk)


@login_required
@require_POST
def bulk_register(request: HttpRequest) -> HttpResponse:
    """ "Vào sổ" every selected document that arrived over the platform."""
    ids = selected_ids(request)
    back = reverse("documents:incoming") + _query_suffix(request)
    if not ids:
        messages.error(request, "Chưa chọn văn bản nào.")
        return redirect(back)
    documents = writable_documents(request.user).filter(pk__in=ids, direction=Direction.INCOMING)
    registered, problems = [], []
    for document in documents.order_by("arrival_date", "id"):
        try:
            incoming_register_arrived(by=request.user, document=document)
        except DuplicateDocumentWarning:
            problems.append(
                f"{document.reference or document.subject[:60]}: có thể trùng, mở văn bản để xác nhận"
            )
        except (ApplicationError, PermissionDenied) as error:
            problems.append(f"{document.reference or document.subject[:60]}: {refusal_message(error)}")
        else:
            assert document.arrival_number is not None
            registered.append(f"{document.arrival_number:02d}")
    missing = len(ids) - documents.count()
    if registered:
        messages.success(request, f"Đã vào sổ {len(registered)} văn bản, số đến {', '.join(registered)}.")
    if problems:
        messages.error(request, "Chưa vào sổ được: " + "; ".join(problems) + ".")
    if missing > 0:
        messages.error(request, f"{missing} văn bản không tìm thấy hoặc bạn không có quyền.")
    return redirect(back)


def _query_suffix(request: HttpRequest) -> str:
    """The filters of the list the bulk form was sent from (kept in a hidden field)."""
    query = request.POST.get("loc", "")
    return f"?{query}" if query and "\n" not in query and len(query) < 2000 else ""
