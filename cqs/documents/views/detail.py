"""The document page: metadata, files with preview, timeline, assignments, deliveries, citations
and the actions the current user may take; the file download/preview views; DOCX/PDF export;
and the incoming handling actions (route, forward, progress, complete, chase, return, attach)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from cqs.accounts.models import User
from cqs.core.errors import ApplicationError
from cqs.core.text import fold
from cqs.documents import render as document_render
from cqs.documents.files import attach_file, can_attach, prepare_upload
from cqs.documents.forms import (
    AttachForm,
    ChaseForm,
    CommentForm,
    CompleteForm,
    DecisionForm,
    ForwardForm,
    ProgressForm,
    ReasonForm,
    ReleaseForm,
    RouteForm,
    RouteTargets,
)
from cqs.documents.links import cited_by, cites
from cqs.documents.models import (
    Assignment,
    AssignmentStatus,
    Direction,
    Document,
    DocumentFile,
    DocumentStatus,
)
from cqs.documents.permissions import (
    access_document,
    can_chase,
    can_comment,
    can_edit_outgoing,
    can_handle,
    can_recall,
    can_register,
    can_release,
    can_return,
    can_review,
    can_route,
    can_sign,
    can_view_content,
    unit_members,
    visible_documents,
    writable_documents,
)
from cqs.documents.services import (
    RouteTarget,
    assignment_chase,
    assignment_complete,
    assignment_forward,
    assignment_progress,
    default_deadline,
    document_route,
    incoming_return,
)
from cqs.documents.views.common import perform, refusal_message
from cqs.documents.workflow import FROZEN_STATUSES, can_transition
from cqs.org.models import Position, Unit

OPEN_ASSIGNMENT = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
ACTIONS = ("forward", "progress", "complete", "chase")
_PREFIXES = {"forward": "chuyen", "progress": "tien-do", "complete": "hoan-thanh", "chase": "don-doc"}

PREVIEW_TYPES = ("application/pdf", "image/png", "image/jpeg")
# The preview response is framed by the document page only: it may be framed by this origin,
# and it loads nothing itself (Chromium's PDF viewer needs no allowance from the document).
PREVIEW_CSP = "default-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ---------------------------------------------------------------------------- the page


def action_prefix(action: str, assignment: Assignment) -> str:
    """Each form of each assignment has its own field names and ids ("tien-do-12-note")."""
    return f"{_PREFIXES[action]}-{assignment.pk}"


@dataclass
class AssignmentNode:
    """One assignment of the tree with what the current user may do with it."""

    assignment: Assignment
    children: list[AssignmentNode] = field(default_factory=list)
    overdue: bool = False
    late: bool = False
    can_handle: bool = False
    can_chase: bool = False
    actions: dict[str, forms.Form] = field(default_factory=dict)
    open_action: str = ""

    @property
    def target(self) -> str:
        a = self.assignment
        if a.assignee is not None:
            name = a.assignee.get_full_name()
            return f"{name} ({a.unit.name})" if a.unit is not None and a.parent_id is None else name
        return a.unit.name if a.unit is not None else ""


def _agency_people(document: Document) -> list[User]:
    """The people who currently hold a position in the document's agency."""
    positions = Position.objects.current(timezone.localdate()).filter(agency_id=document.owner_id)
    return list(
        User.objects.filter(is_active=True, pk__in=positions.values("user_id")).order_by("full_name", "pk")
    )


def route_targets(document: Document) -> RouteTargets:
    units = Unit.objects.filter(agency_id=document.owner_id, is_active=True).order_by("name")
    return RouteTargets(list(units), _agency_people(document))


def _forward_people(user: Any, assignment: Assignment, document: Document) -> list[User]:
    people = unit_members(assignment.unit) if assignment.unit is not None else _agency_people(document)
    return [p for p in people if p.pk != user.pk]


def _reply_choices(user: Any, document: Document) -> Any:
    return writable_documents(user).filter(
        owner_id=document.owner_id, direction=Direction.OUTGOING, status=DocumentStatus.RELEASED
    )


def _assignment_forms(
    user: Any, node: AssignmentNode, document: Document, bound: dict[str, forms.Form]
) -> None:
    a = node.assignment
    node.open_action = next((name for name in ACTIONS if f"{name}-{a.pk}" in bound), "")
    handling = document.status in (DocumentStatus.ROUTED, DocumentStatus.IN_PROGRESS)
    if not handling:
        return
    if node.can_handle and a.status in OPEN_ASSIGNMENT:
        node.actions["forward"] = bound.get(f"forward-{a.pk}") or ForwardForm(
            prefix=action_prefix("forward", a), people=_forward_people(user, a, document)
        )
        node.actions["progress"] = bound.get(f"progress-{a.pk}") or ProgressForm(
            prefix=action_prefix("progress", a), initial={"note": a.progress_note}
        )
        node.actions["complete"] = bound.get(f"complete-{a.pk}") or CompleteForm(
            prefix=action_prefix("complete", a), replies=_reply_choices(user, document)
        )
    if node.can_chase and a.status in OPEN_ASSIGNMENT:
        node.actions["chase"] = bound.get(f"chase-{a.pk}") or ChaseForm(prefix=action_prefix("chase", a))


def assignment_tree(user: Any, document: Document, bound: dict[str, forms.Form]) -> list[AssignmentNode]:
    today = timezone.localdate()
    nodes: dict[int, AssignmentNode] = {}
    roots: list[AssignmentNode] = []
    assignments = document.assignments.select_related(
        "unit", "assignee", "assigned_by", "reply_document", "document"
    ).order_by("id")
    for a in assignments:
        deadline = a.deadline
        node = AssignmentNode(
            assignment=a,
            overdue=a.status in OPEN_ASSIGNMENT and deadline is not None and deadline < today,
            late=a.completed_at is not None
            and deadline is not None
            and timezone.localtime(a.completed_at).date() > deadline,
            can_handle=can_handle(user, a),
            can_chase=can_chase(user, a),
        )
        _assignment_forms(user, node, document, bound)
        nodes[a.pk] = node
        parent = nodes.get(a.parent_id) if a.parent_id is not None else None
        (parent.children if parent is not None else roots).append(node)
    return roots


def _files(document: Document) -> list[DocumentFile]:
    return list(document.files.select_related("uploaded_by").order_by("kind", "id"))


def _preview(files: list[DocumentFile], wanted: str | None) -> DocumentFile | None:
    """The file asked for with `?xem=<id>`, else the first previewable main file, attachment, draft."""
    chosen = next((f for f in files if str(f.pk) == wanted and f.content_type in PREVIEW_TYPES), None)
    if chosen is not None:
        return chosen
    for kind in (DocumentFile.Kind.MAIN, DocumentFile.Kind.ATTACHMENT, DocumentFile.Kind.DRAFT):
        for f in files:
            if f.kind == kind and f.content_type in PREVIEW_TYPES:
                return f
    return None


def detail_context(
    request: HttpRequest, document: Document, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = request.user
    bound = bound or {}
    visible = visible_documents(user)
    content = can_view_content(user, document)
    files = _files(document) if content else []
    incoming = document.direction == Direction.INCOMING
    frozen = document.status in FROZEN_STATUSES
    context: dict[str, Any] = {
        "document": document,
        "is_incoming": incoming,
        "show_content": content,
        "files": files,
        "preview": _preview(files, request.GET.get("xem")),
        "events": list(document.events.select_related("actor").order_by("at", "id")),
        "assignments": assignment_tree(user, document, bound) if incoming else [],
        "comments": list(document.comments.select_related("author").order_by("created_at", "id")),
        "deliveries": list(
            document.deliveries.select_related("recipient", "received_document").order_by(
                "recipient_name", "id"
            )
        ),
        "recipient_agencies": list(document.recipient_agencies.order_by("name")),
        "cites": list(cites(document, visible=visible)),
        "cited_by": list(cited_by(document, visible=visible)[:50]),
        "source": document.source
        if document.source_id and visible.filter(pk=document.source_id).exists()
        else None,
        "forms": {},
    }
    actions: dict[str, forms.Form] = context["forms"]
    if not frozen and can_attach(user, document):
        actions["attach"] = bound.get("attach") or AttachForm(document=document)
    if incoming:
        if document.status == DocumentStatus.ARRIVED and can_register(user, document.owner_id):
            context["can_register_arrived"] = True
            context["confirm_duplicate"] = request.GET.get("xac-nhan-trung") == "1"
        if can_route(user, document) and can_transition(document, DocumentStatus.ROUTED):
            targets = route_targets(document)
            actions["route"] = bound.get("route") or RouteForm(
                prefix="phan-cong",
                targets=targets,
                initial={"deadline": default_deadline(document, today=timezone.localdate())},
            )
        if can_return(user, document) and can_transition(document, DocumentStatus.RETURNED):
            actions["return"] = bound.get("return") or ReasonForm(prefix="tra-lai")
    else:
        status = document.status
        context["can_edit"] = can_edit_outgoing(user, document)
        context["can_submit"] = (
            status == DocumentStatus.DRAFT and document.drafter_id == user.pk and context["can_edit"]
        )
        if status == DocumentStatus.IN_REVIEW and can_review(user, document):
            actions["review"] = bound.get("review") or DecisionForm(prefix="duyet")
        if status == DocumentStatus.REVIEWED and can_sign(user, document):
            actions["approve"] = bound.get("approve") or DecisionForm(prefix="ky")
        if status == DocumentStatus.APPROVED and can_release(user, document):
            actions["release"] = bound.get("release") or ReleaseForm(prefix="phat-hanh")
            actions["send_back"] = bound.get("send_back") or ReasonForm(prefix="tra-lai-vt")
        if status == DocumentStatus.RELEASED and can_recall(user, document):
            actions["recall"] = bound.get("recall") or ReasonForm(prefix="thu-hoi")
        if can_comment(user, document):
            actions["comment"] = bound.get("comment") or CommentForm(prefix="gop-y")
        context["can_export"] = content and bool(document.notation)
    context["has_actions"] = bool(
        actions or context.get("can_register_arrived") or context.get("can_edit") or context.get("can_submit")
    )
    context["bound_key"] = next(iter(bound), "")
    _report_unshown(request, bound, context)
    return context


def _shown_forms(context: dict[str, Any]) -> list[forms.Form]:
    shown = list(context["forms"].values())
    stack: list[AssignmentNode] = list(context["assignments"])
    while stack:
        node = stack.pop()
        shown.extend(node.actions.values())
        stack.extend(node.children)
    return shown


def _report_unshown(request: HttpRequest, bound: dict[str, forms.Form], context: dict[str, Any]) -> None:
    """A submitted form the page no longer offers (the step was taken meanwhile, or the user may
    not take it): its errors become messages at the top of the page."""
    shown = _shown_forms(context)
    for form in bound.values():
        if any(form is f for f in shown):
            continue
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))


def render_detail(
    request: HttpRequest, document: Document, bound: dict[str, forms.Form] | None = None, *, status: int = 200
) -> HttpResponse:
    """The document page; `bound` holds a submitted form to show again with its errors."""
    return render(request, "documents/detail.html", detail_context(request, document, bound), status=status)


@login_required
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    return render_detail(request, access_document(request.user, document_id))


# ---------------------------------------------------------------------------- files


def _content_file(request: HttpRequest, document_id: int, file_id: int) -> DocumentFile:
    document = access_document(request.user, document_id)
    if not can_view_content(request.user, document):
        raise Http404("Văn bản đã bị thu hồi; nội dung không còn.")
    return get_object_or_404(document.files, pk=file_id)


@login_required
def file_download(request: HttpRequest, document_id: int, file_id: int) -> FileResponse:
    stored = _content_file(request, document_id, file_id)
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )


@login_required
@xframe_options_sameorigin
def file_preview(request: HttpRequest, document_id: int, file_id: int) -> FileResponse:
    """A PDF or image shown inline, for the preview frame of the document page only."""
    stored = _content_file(request, document_id, file_id)
    if stored.content_type not in PREVIEW_TYPES:
        raise Http404("Tệp này không xem trước được; hãy tải về.")
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=False,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["Content-Security-Policy"] = PREVIEW_CSP
    return response


def _export_name(document: Document, extension: str) -> str:
    stem = slugify(fold(f"{document.doc_type} {document.reference or 'du thao'}")) or "van-ban"
    return f"{stem}.{extension}"


@login_required
def document_export(request: HttpRequest, document_id: int, fmt: str) -> HttpResponse:
    """The document laid out per Decree 30, as DOCX or PDF (`cqs.documents.render`)."""
    document = access_document(request.user, document_id)
    if document.direction == Direction.INCOMING or not can_view_content(request.user, document):
        raise Http404("Không có bản trình bày của văn bản này.")
    if fmt not in ("pdf", "docx"):
        raise Http404("Định dạng không hỗ trợ.")
    try:
        if fmt == "pdf":
            data, content_type = document_render.document_pdf(document), "application/pdf"
        else:
            data, content_type = document_render.document_docx(document), DOCX_TYPE
    except ApplicationError as error:  # a presentation rule of Decree 30 is not met yet
        messages.error(request, f"Chưa trình bày được văn bản: {error.message}")
        return redirect("documents:detail", document.pk)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, _export_name(document, fmt)) or ""
    return response


@login_required
@require_POST
def attach(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id, for_write=True)
    form = AttachForm(request.POST, request.FILES, document=document)
    if form.is_valid():
        try:
            prepared = [prepare_upload(upload) for upload in form.cleaned_data["uploads"]]
            with transaction.atomic():
                for upload in prepared:
                    attach_file(
                        by=request.user, document=document, upload=upload, kind=form.cleaned_data["kind"]
                    )
        except (ApplicationError, PermissionDenied) as error:
            form.add_error("uploads", refusal_message(error))
        else:
            messages.success(request, f"Đã đính kèm {len(prepared)} tệp.")
            return redirect("documents:detail", document.pk)
    if request.FILES:
        form.add_error("uploads", "Vui lòng chọn lại tệp trước khi gửi lại.")
    return render_detail(request, document, {"attach": form}, status=400)


# ---------------------------------------------------------------------------- incoming handling


def _back(document: Document, anchor: str = "") -> str:
    return reverse("documents:detail", args=[document.pk]) + (f"#{anchor}" if anchor else "")


@login_required
@require_POST
def route(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id, for_write=True)
    targets = route_targets(document)
    form = RouteForm(request.POST, prefix="phan-cong", targets=targets)
    if form.is_valid():
        data = form.cleaned_data
        support_deadline = data.get("support_deadline")

        def target(key: str, deadline: Any = None) -> RouteTarget:
            chosen = targets.get(key)
            if isinstance(chosen, Unit):
                return RouteTarget(unit=chosen, deadline=deadline)
            return RouteTarget(user=chosen, deadline=deadline)

        try:
            document_route(
                by=request.user,
                document=document,
                lead=target(data["lead"]),
                supports=[target(k, support_deadline) for k in data["supports"]],
                informed=[target(k) for k in data["informed"]],
                direction=data["direction"],
                deadline=data.get("deadline"),
            )
        except (ApplicationError, PermissionDenied) as error:
            if isinstance(error, ApplicationError):
                form.apply_service_error(error)
            else:
                form.add_error(None, refusal_message(error))
        else:
            messages.success(request, "Đã phân công xử lý văn bản.")
            return redirect(_back(document, "xu-ly"))
    return render_detail(request, document, {"route": form}, status=400)


def _assignment(request: HttpRequest, document_id: int, assignment_id: int) -> tuple[Document, Assignment]:
    document = access_document(request.user, document_id, for_write=True)
    assignment = get_object_or_404(
        Assignment.objects.select_related("document", "unit", "assignee"), pk=assignment_id, document=document
    )
    return document, assignment


def _service_form_error(form: forms.Form, error: Exception) -> None:
    if isinstance(error, ApplicationError) and hasattr(form, "apply_service_error"):
        form.apply_service_error(error)
    else:
        form.add_error(None, refusal_message(error))


@login_required
@require_POST
def forward(request: HttpRequest, document_id: int, assignment_id: int) -> HttpResponse:
    document, assignment = _assignment(request, document_id, assignment_id)
    form = ForwardForm(
        request.POST,
        prefix=action_prefix("forward", assignment),
        people=_forward_people(request.user, assignment, document),
    )
    if form.is_valid():
        try:
            assignment_forward(
                by=request.user,
                assignment=assignment,
                to_user=form.cleaned_data["to_user"],
                direction=form.cleaned_data["direction"],
                deadline=form.cleaned_data["deadline"],
            )
        except (ApplicationError, PermissionDenied) as error:
            _service_form_error(form, error)
        else:
            messages.success(request, f"Đã chuyển cho {form.cleaned_data['to_user'].get_full_name()}.")
            return redirect(_back(document, "xu-ly"))
    return render_detail(request, document, {f"forward-{assignment.pk}": form}, status=400)


@login_required
@require_POST
def progress(request: HttpRequest, document_id: int, assignment_id: int) -> HttpResponse:
    document, assignment = _assignment(request, document_id, assignment_id)
    form = ProgressForm(request.POST, prefix=action_prefix("progress", assignment))
    if form.is_valid():
        try:
            assignment_progress(by=request.user, assignment=assignment, note=form.cleaned_data["note"])
        except (ApplicationError, PermissionDenied) as error:
            _service_form_error(form, error)
        else:
            messages.success(request, "Đã cập nhật tiến độ.")
            return redirect(_back(document, "xu-ly"))
    return render_detail(request, document, {f"progress-{assignment.pk}": form}, status=400)


@login_required
@require_POST
def complete(request: HttpRequest, document_id: int, assignment_id: int) -> HttpResponse:
    document, assignment = _assignment(request, document_id, assignment_id)
    form = CompleteForm(
        request.POST,
        prefix=action_prefix("complete", assignment),
        replies=_reply_choices(request.user, document),
    )
    if form.is_valid():
        try:
            assignment_complete(
                by=request.user,
                assignment=assignment,
                note=form.cleaned_data["note"],
                reply_document=form.cleaned_data["reply_document"],
            )
        except (ApplicationError, PermissionDenied) as error:
            _service_form_error(form, error)
        else:
            messages.success(request, "Đã hoàn thành xử lý.")
            return redirect(_back(document, "xu-ly"))
    return render_detail(request, document, {f"complete-{assignment.pk}": form}, status=400)


@login_required
@require_POST
def chase(request: HttpRequest, document_id: int, assignment_id: int) -> HttpResponse:
    document, assignment = _assignment(request, document_id, assignment_id)
    form = ChaseForm(request.POST, prefix=action_prefix("chase", assignment))
    if not form.is_valid():
        return render_detail(request, document, {f"chase-{assignment.pk}": form}, status=400)
    return perform(
        request,
        lambda: assignment_chase(
            by=request.user, assignment=assignment, message=form.cleaned_data["message"]
        ),
        success="Đã gửi đôn đốc.",
        then=_back(document, "xu-ly"),
    )


@login_required
@require_POST
def return_document(request: HttpRequest, document_id: int) -> HttpResponse:
    document = access_document(request.user, document_id, for_write=True)
    form = ReasonForm(request.POST, prefix="tra-lai")
    if form.is_valid():
        try:
            incoming_return(by=request.user, document=document, reason=form.cleaned_data["reason"])
        except (ApplicationError, PermissionDenied) as error:
            _service_form_error(form, error)
        else:
            messages.success(request, "Đã trả lại văn bản cho nơi gửi.")
            return redirect(_back(document))
    return render_detail(request, document, {"return": form}, status=400)
