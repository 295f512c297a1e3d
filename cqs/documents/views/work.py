""" "Việc của tôi": the assignments the user handles (overdue first), and the follow-up list of
open assignments that leaders, clerks and assigners chase (đôn đốc), with bulk actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cqs.core.errors import ApplicationError
from cqs.documents.forms import AssignmentFilterForm
from cqs.documents.models import Assignment, AssignmentRole, AssignmentStatus, Direction, DocumentStatus
from cqs.documents.permissions import can_chase, can_handle, is_unit_head, unit_heads, visible_documents
from cqs.documents.search import PAGE_SIZE, search_documents
from cqs.documents.services import assignment_chase, assignment_complete
from cqs.documents.views.common import (
    RESULTS_TARGET,
    current_agencies,
    page_number,
    refusal_message,
    render_list,
    selected_ids,
)
from cqs.org.models import Position, Role, Unit

OPEN = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
HANDLING = (DocumentStatus.ROUTED, DocumentStatus.IN_PROGRESS)


def _handled_units(user: Any) -> list[int]:
    """Units whose unit-level assignments reach the user: those the user heads, and those the
    user belongs to that have no head (see `permissions.assignment_handlers`)."""
    positions = Position.objects.current(timezone.localdate()).filter(user=user, unit__isnull=False)
    units = Unit.objects.filter(pk__in=positions.values("unit_id"))
    return [u.pk for u in units if is_unit_head(user, u) or not unit_heads(u)]


def my_assignments(user: Any) -> QuerySet[Assignment]:
    mine = Q(assignee=user) | Q(assignee__isnull=True, unit_id__in=_handled_units(user))
    return Assignment.objects.filter(mine, document__in=visible_documents(user).values("pk"))


def followed_assignments(user: Any) -> QuerySet[Assignment]:
    """Open assignments the user may chase: in agencies where the user leads (without a unit)
    or keeps the register, and the ones the user assigned."""
    today = timezone.localdate()
    leading = Position.objects.current(today).filter(user=user, unit__isnull=True, roles__role=Role.LEADER)
    agencies = set(leading.values_list("agency_id", flat=True))
    agencies |= set(current_agencies(user, Role.CLERK).values_list("pk", flat=True))
    return Assignment.objects.filter(
        Q(document__owner_id__in=agencies) | Q(assigned_by=user),
        status__in=OPEN,
        document__status__in=HANDLING,
    ).exclude(role=AssignmentRole.INFORMATION)


@dataclass(frozen=True)
class Waiting:
    """One line of "Chờ tôi xử lý": what waits for the user's role, and the list that shows it."""

    label: str
    count: int
    url: str


def waiting_for(user: Any) -> list[Waiting]:
    """Documents waiting for a step only the user's roles take (counted, linked to the list)."""
    today = timezone.localdate()
    positions = Position.objects.current(today).filter(user=user)
    leading = positions.filter(unit__isnull=True, roles__role=Role.LEADER).values("agency_id")
    heads = positions.filter(unit__isnull=False, roles__role=Role.LEADER).values("unit_id")
    clerking = positions.filter(roles__role=Role.CLERK).values("agency_id")
    documents = visible_documents(user)
    incoming, outgoing = reverse("documents:incoming"), reverse("documents:outgoing")
    lines = [
        (
            "Văn bản đến chờ vào sổ",
            documents.filter(direction=Direction.INCOMING, status=DocumentStatus.ARRIVED, owner__in=clerking),
            f"{incoming}?trang_thai={DocumentStatus.ARRIVED}",
        ),
        (
            "Văn bản đến chờ phân công",
            documents.filter(
                direction=Direction.INCOMING, status=DocumentStatus.REGISTERED, owner__in=leading
            ),
            f"{incoming}?trang_thai={DocumentStatus.REGISTERED}",
        ),
        (
            "Dự thảo chờ duyệt nội dung",
            documents.filter(status=DocumentStatus.IN_REVIEW).filter(
                Q(drafting_unit__in=heads) | Q(owner__in=leading)
            ),
            f"{outgoing}?trang_thai={DocumentStatus.IN_REVIEW}",
        ),
        (
            "Văn bản chờ tôi ký duyệt",
            documents.filter(status=DocumentStatus.REVIEWED, signer=user),
            f"{outgoing}?trang_thai={DocumentStatus.REVIEWED}",
        ),
        (
            "Văn bản chờ phát hành",
            documents.filter(status=DocumentStatus.APPROVED, owner__in=clerking),
            f"{outgoing}?trang_thai={DocumentStatus.APPROVED}",
        ),
        (
            "Dự thảo của tôi bị trả lại",
            documents.filter(status=DocumentStatus.DRAFT, drafter=user).exclude(status_reason=""),
            f"{outgoing}?trang_thai={DocumentStatus.DRAFT}",
        ),
    ]
    return [Waiting(label, count, url) for label, qs, url in lines if (count := qs.count())]


def _ordered(qs: QuerySet[Assignment], today: Any) -> QuerySet[Assignment]:
    """Overdue first, then the most urgent documents, then the nearest deadline."""
    return qs.annotate(
        overdue_rank=Case(
            When(status__in=OPEN, deadline__lt=today, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("overdue_rank", "-document__urgency", F("deadline").asc(nulls_last=True), "-id")


def _filtered(
    request: HttpRequest, qs: QuerySet[Assignment], form: AssignmentFilterForm
) -> QuerySet[Assignment]:
    today = timezone.localdate()
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    scope = form.scope
    if scope == "dang_xu_ly":
        qs = qs.filter(status__in=OPEN, document__status__in=HANDLING)
    elif scope == "qua_han":
        qs = qs.filter(status__in=OPEN, document__status__in=HANDLING, deadline__lt=today)
    elif scope == "hoan_thanh":
        qs = qs.filter(status=AssignmentStatus.DONE)
    if data.get("do_khan") is not None:
        qs = qs.filter(document__urgency=data["do_khan"])
    if data.get("q"):
        matches = search_documents(base=visible_documents(request.user), query=data["q"]).order_by()
        qs = qs.filter(document__in=matches.values("pk"))
    return _ordered(qs, today)


def _context(
    request: HttpRequest, qs: QuerySet[Assignment], form: AssignmentFilterForm, tab: str
) -> dict[str, Any]:
    today = timezone.localdate()
    paginator = Paginator(
        qs.select_related("document", "document__owner", "unit", "assignee", "assigned_by"), PAGE_SIZE
    )
    page = paginator.get_page(page_number(request))
    user = request.user
    rows = [
        {
            "assignment": a,
            "overdue": a.status in OPEN and a.deadline is not None and a.deadline < today,
            "selectable": (tab == "theo-doi" and can_chase(user, a))
            or (
                tab == "cua-toi"
                and a.role == AssignmentRole.INFORMATION
                and a.status in OPEN
                and can_handle(user, a)
            ),
        }
        for a in page.object_list
    ]
    return {
        "form": form,
        "page": page,
        "rows": rows,
        "tab": tab,
        "results_target": RESULTS_TARGET,
        "list_url": request.path,
        "follows": followed_assignments(user).exists() if tab == "cua-toi" else True,
        "waiting": waiting_for(user) if tab == "cua-toi" else [],
    }


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    form = AssignmentFilterForm(request.GET or None)
    qs = _filtered(request, my_assignments(request.user), form)
    context = _context(request, qs, form, "cua-toi")
    return render_list(request, "documents/my_work.html", "documents/_work_results.html", context)


@login_required
def follow_up(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("pham_vi", "qua_han")
    form = AssignmentFilterForm(data)
    qs = _filtered(request, followed_assignments(request.user), form)
    context = _context(request, qs, form, "theo-doi")
    return render_list(request, "documents/my_work.html", "documents/_work_results.html", context)


def _back(request: HttpRequest, name: str) -> str:
    query = request.POST.get("loc", "")
    return reverse(name) + (f"?{query}" if query and len(query) < 2000 else "")


@login_required
@require_POST
def bulk_chase(request: HttpRequest) -> HttpResponse:
    """Chase every selected assignment (one notification and timeline entry each)."""
    back = _back(request, "documents:follow_up")
    ids = selected_ids(request)
    if not ids:
        messages.error(request, "Chưa chọn phân công nào.")
        return redirect(back)
    message = request.POST.get("message", "")[:1000]
    done, problems = 0, []
    for assignment in (
        followed_assignments(request.user).filter(pk__in=ids).select_related("document", "unit", "assignee")
    ):
        try:
            assignment_chase(by=request.user, assignment=assignment, message=message)
        except (ApplicationError, PermissionDenied) as error:
            problems.append(f"{assignment.document.subject[:60]}: {refusal_message(error)}")
        else:
            done += 1
    if done:
        messages.success(request, f"Đã đôn đốc {done} phân công.")
    if problems:
        messages.error(request, "Chưa đôn đốc được: " + "; ".join(problems))
    if done + len(problems) < len(ids):
        messages.error(request, "Một số phân công đã chọn không còn cần đôn đốc hoặc bạn không có quyền.")
    return redirect(back)


@login_required
@require_POST
def bulk_acknowledge(request: HttpRequest) -> HttpResponse:
    """Mark the selected for-information (để biết) assignments as read and done."""
    back = _back(request, "documents:my_work")
    ids = selected_ids(request)
    if not ids:
        messages.error(request, "Chưa chọn văn bản nào.")
        return redirect(back)
    done, problems = 0, []
    selected = my_assignments(request.user).filter(
        pk__in=ids, role=AssignmentRole.INFORMATION, status__in=OPEN
    )
    for assignment in selected.select_related("document", "unit", "assignee"):
        try:
            assignment_complete(by=request.user, assignment=assignment, note="Đã xem, nắm thông tin.")
        except (ApplicationError, PermissionDenied) as error:
            problems.append(f"{assignment.document.subject[:60]}: {refusal_message(error)}")
        else:
            done += 1
    if done:
        messages.success(request, f"Đã ghi nhận đã xem {done} văn bản để biết.")
    if problems:
        messages.error(request, "Chưa ghi nhận được: " + "; ".join(problems))
    if done + len(problems) < len(ids):
        messages.error(request, "Chỉ ghi nhận được văn bản được gửi để biết, còn đang chờ xem.")
    return redirect(back)
