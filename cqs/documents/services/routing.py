"""Routing and handling incoming documents (Decree 30 art. 23–24; regulations.md §1.10).

The agency's leader routes a registered document: one lead (chủ trì), any supporting units
or people (phối hợp) and any for information (để biết), each with a direction text and a
deadline on the working-day calendar. A unit head passes the unit's assignment to officers
(child assignments). Handlers record progress and complete; a forwarded assignment is
complete when all of its children are, and the document is DONE when its lead
assignment is. Overdue open assignments are chased (đôn đốc), at most once a day each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cqs.accounts.models import User
from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import add_working_days, working_days_between
from cqs.documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Direction,
    Document,
    DocumentEvent,
    DocumentStatus,
)
from cqs.documents.permissions import (
    assignment_handlers,
    can_chase,
    can_handle,
    can_route,
    is_member,
    require,
    unit_members,
)
from cqs.documents.services._common import (
    check_fields,
    clean_text,
    document_url,
    format_day,
    local_today,
    lock,
    notify_about,
    person,
    record,
    reference_label,
    require_text,
)
from cqs.documents.services.delivery import delivery_sync
from cqs.documents.workflow import require_transition
from cqs.notify.models import NotificationLevel
from cqs.notify.services import notify
from cqs.org.models import Unit

DEFAULT_HANDLING_DAYS = 10
HANDLING_STATUSES = frozenset({DocumentStatus.ROUTED, DocumentStatus.IN_PROGRESS})
OPEN_STATUSES = (AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS)
DEFAULT_CHASE_MESSAGE = "Đề nghị khẩn trương giải quyết và báo cáo kết quả."


@dataclass(frozen=True)
class RouteTarget:
    """One routing target: a unit or a person, with an optional own deadline and direction."""

    unit: Unit | None = None
    user: User | None = None
    deadline: date | None = None
    direction: str = ""

    def __post_init__(self) -> None:
        if (self.unit is None) == (self.user is None):
            raise ValueError("A route target is either a unit or a person.")

    @property
    def label(self) -> str:
        return self.unit.name if self.unit is not None else person(self.user)

    @property
    def key(self) -> tuple[str, int]:
        if self.unit is not None:
            return ("unit", self.unit.pk)
        assert self.user is not None
        return ("user", self.user.pk)


Target = RouteTarget | Unit | User


def _as_target(target: Target) -> RouteTarget:
    if isinstance(target, RouteTarget):
        return target
    if isinstance(target, Unit):
        return RouteTarget(unit=target)
    return RouteTarget(user=target)


def default_handling_days() -> int:
    """Working days given to a routed document when the leader sets no deadline
    (setting DOCUMENT_DEFAULT_HANDLING_DAYS, default 10)."""
    return int(getattr(settings, "DOCUMENT_DEFAULT_HANDLING_DAYS", DEFAULT_HANDLING_DAYS))


def default_deadline(document: Document, *, today: date, working_days: int | None = None) -> date:
    """`working_days` working days from today, but never after the document's own due date."""
    days = default_handling_days() if working_days is None else working_days
    if days < 0:
        raise ApplicationError("Số ngày làm việc để giải quyết không được âm.", code="deadline")
    deadline = add_working_days(today, days)
    if document.due_date is not None and today <= document.due_date < deadline:
        return document.due_date
    return deadline


def _check_deadline(deadline: date, today: date) -> None:
    if deadline < today:
        raise ApplicationError(
            f"Thời hạn giải quyết {format_day(deadline)} đã qua; chọn một ngày từ hôm nay trở đi.",
            code="deadline",
        )


def _check_target(document: Document, target: RouteTarget) -> None:
    if target.unit is not None:
        if target.unit.agency_id != document.owner_id or not target.unit.is_active:
            raise ApplicationError(
                f"{target.unit.name} không phải đơn vị đang hoạt động của cơ quan.", code="target"
            )
        if not unit_members(target.unit):
            raise ApplicationError(
                f"{target.unit.name} chưa có cán bộ nào để nhận văn bản; hãy giao cho một cán bộ cụ thể.",
                code="target",
            )
    elif not (
        target.user is not None and target.user.is_active and is_member(target.user, document.owner_id)
    ):
        raise ApplicationError(f"{person(target.user)} không phải cán bộ của cơ quan.", code="target")


def target_label(assignment: Assignment) -> str:
    """The person it is assigned to, else the unit's name."""
    if assignment.assignee_id is not None or assignment.unit is None:
        return person(assignment.assignee)
    return assignment.unit.name


def _describe(assignments: Iterable[Assignment]) -> str:
    parts = []
    for role in AssignmentRole:
        names = [
            f"{target_label(a)}{f' (hạn {format_day(a.deadline)})' if a.deadline else ''}"
            for a in assignments
            if a.role == role
        ]
        if names:
            parts.append(f"{role.label.lower()}: {', '.join(names)}")
    return "; ".join(parts)


def _notify_assigned(assignment: Assignment, *, by: Any) -> None:
    document = assignment.document
    deadline = f" Hạn giải quyết: {format_day(assignment.deadline)}." if assignment.deadline else ""
    direction = f" Ý kiến chỉ đạo: {assignment.direction}" if assignment.direction else ""
    notify_about(
        document,
        users=assignment_handlers(assignment),
        title=f"Văn bản giao {assignment.get_role_display().lower()}: {reference_label(document)}",
        body=f"{person(by)} giao xử lý “{document.subject}”.{deadline}{direction}",
    )


def document_route(
    *,
    by: Any,
    document: Document,
    lead: Target,
    supports: Sequence[Target] = (),
    informed: Sequence[Target] = (),
    direction: str,
    deadline: date | None = None,
    deadline_working_days: int | None = None,
) -> list[Assignment]:
    """The agency leader routes a registered document (status ROUTED).

    Each target may carry its own deadline (`RouteTarget(deadline=…)`); otherwise the lead and
    supporting targets get `deadline`, or `deadline_working_days` (default
    DOCUMENT_DEFAULT_HANDLING_DAYS) working days from today, capped by the document's due
    date. Targets for information get no deadline unless one is given for them.
    """
    direction = str(require_text(direction, "Phải ghi ý kiến chỉ đạo khi phân công."))
    today = local_today()
    with transaction.atomic():
        lock(document)
        require(can_route(by, document), "Chỉ lãnh đạo cơ quan mới được phân công xử lý văn bản đến.")
        require_transition(document, DocumentStatus.ROUTED)
        common_deadline = deadline or default_deadline(
            document, today=today, working_days=deadline_working_days
        )
        plan = [
            (AssignmentRole.LEAD, _as_target(lead)),
            *((AssignmentRole.SUPPORT, _as_target(t)) for t in supports),
            *((AssignmentRole.INFORMATION, _as_target(t)) for t in informed),
        ]
        seen: set[tuple[str, int]] = set()
        assignments: list[Assignment] = []
        for role, target in plan:
            _check_target(document, target)
            if target.key in seen:
                raise ApplicationError(f"{target.label} được chọn hai lần khi phân công.", code="target")
            seen.add(target.key)
            own_deadline = target.deadline or (
                None if role == AssignmentRole.INFORMATION else common_deadline
            )
            if own_deadline is not None:
                _check_deadline(own_deadline, today)
            assignment = Assignment(
                document=document,
                role=role,
                unit=target.unit,
                assignee=target.user,
                direction=clean_text(target.direction) or direction,
                deadline=own_deadline,
                assigned_by=by,
            )
            assignment.full_clean(exclude=["document", "assigned_by", "unit", "assignee", "reply_document"])
            assignment.save()
            assignments.append(assignment)
        document.status = DocumentStatus.ROUTED
        check_fields(document)
        document.save()
        delivery_sync(document)
        for assignment in assignments:
            _notify_assigned(assignment, by=by)
        record(
            by=by,
            document=document,
            action="incoming.route",
            description=f"{person(by)} phân công xử lý — {_describe(assignments)}. "
            f"Ý kiến chỉ đạo: {direction}",
            payload={
                "assignments": [
                    {
                        "id": a.pk,
                        "role": a.role,
                        "unit": a.unit_id,
                        "user": a.assignee_id,
                        "deadline": a.deadline,
                    }
                    for a in assignments
                ],
                "direction": direction,
            },
        )
    return assignments


def _lock_assignment(assignment: Assignment) -> Document:
    """Lock the document (the one lock every change of its assignments takes) and reload."""
    document = lock(assignment.document)
    assignment.refresh_from_db()
    return document


def _require_handling(document: Document, *, finishing: bool = False) -> None:
    """The document is still being handled; `finishing` also accepts a DONE document, whose
    supporting and informed assignments may still be closed after the lead finished."""
    allowed = HANDLING_STATUSES | {DocumentStatus.DONE} if finishing else HANDLING_STATUSES
    if document.status not in allowed:
        raise ApplicationError(
            f"Văn bản đang ở trạng thái “{document.get_status_display()}”, không còn xử lý được.",
            code="invalid_transition",
        )


def assignment_forward(
    *,
    by: Any,
    assignment: Assignment,
    to_user: User,
    direction: str,
    deadline: date | None = None,
) -> Assignment:
    """A unit head (or the person it was assigned to) passes it on to an officer.

    The officer's deadline defaults to the assignment's and may not be later than it.
    """
    today = local_today()
    with transaction.atomic():
        document = _lock_assignment(assignment)
        require(can_handle(by, assignment), "Bạn không được giao phân công này nên không thể chuyển tiếp.")
        _require_handling(document)
        if assignment.status == AssignmentStatus.DONE:
            raise ApplicationError("Phân công này đã hoàn thành.", code="invalid_transition")
        target = RouteTarget(user=to_user)
        _check_target(document, target)
        if to_user.pk == getattr(by, "pk", None):
            raise ApplicationError("Không thể chuyển phân công cho chính mình.", code="target")
        if assignment.children.filter(assignee=to_user).exclude(status=AssignmentStatus.DONE).exists():
            raise ApplicationError(f"{person(to_user)} đã được chuyển phân công này.", code="target")
        own_deadline = deadline or assignment.deadline
        if own_deadline is not None:
            _check_deadline(own_deadline, today)
            if assignment.deadline is not None and own_deadline > assignment.deadline:
                raise ApplicationError(
                    "Thời hạn giao cán bộ không được sau thời hạn của phân công "
                    f"({format_day(assignment.deadline)}).",
                    code="deadline",
                )
        child = Assignment(
            document=document,
            parent=assignment,
            role=assignment.role,
            unit=assignment.unit,
            assignee=to_user,
            direction=direction.strip() or assignment.direction,
            deadline=own_deadline,
            assigned_by=by,
        )
        child.full_clean(exclude=["document", "parent", "assigned_by", "unit", "assignee", "reply_document"])
        child.save()
        assignment.status = AssignmentStatus.FORWARDED
        assignment.save(update_fields=["status"])
        _notify_assigned(child, by=by)
        record(
            by=by,
            document=document,
            action="assignment.forward",
            description=f"{person(by)} chuyển phân công ({assignment.get_role_display().lower()}) "
            f"cho {person(to_user)}"
            f"{f', hạn {format_day(own_deadline)}' if own_deadline else ''}.",
            payload={
                "assignment": assignment.pk,
                "child": child.pk,
                "to": to_user.pk,
                "deadline": own_deadline,
            },
        )
    return child


def _start_handling(document: Document) -> None:
    if document.status == DocumentStatus.ROUTED:
        require_transition(document, DocumentStatus.IN_PROGRESS)
        document.status = DocumentStatus.IN_PROGRESS
        document.save(update_fields=["status", "updated_at"])
        delivery_sync(document)


def assignment_progress(*, by: Any, assignment: Assignment, note: str) -> Assignment:
    note = str(require_text(note, "Phải ghi nội dung tiến độ."))
    with transaction.atomic():
        document = _lock_assignment(assignment)
        require(can_handle(by, assignment), "Bạn không được giao xử lý phân công này.")
        _require_handling(document)
        if assignment.status not in OPEN_STATUSES:
            raise ApplicationError(
                f"Phân công đang ở trạng thái “{assignment.get_status_display()}”, "
                "không cập nhật tiến độ được.",
                code="invalid_transition",
            )
        assignment.status = AssignmentStatus.IN_PROGRESS
        assignment.progress_note = note
        assignment.full_clean(
            exclude=["document", "parent", "assigned_by", "unit", "assignee", "reply_document"]
        )
        assignment.save(update_fields=["status", "progress_note"])
        _start_handling(document)
        record(
            by=by,
            document=document,
            action="assignment.progress",
            description=f"{person(by)} cập nhật tiến độ: {note}",
            payload={"assignment": assignment.pk, "note": note},
        )
    return assignment


def _complete_parents(assignment: Assignment, now: Any) -> list[Assignment]:
    """A forwarded assignment is complete once all of its children are; climb the tree."""
    completed = []
    parent = assignment.parent
    while parent is not None and parent.status != AssignmentStatus.DONE:
        if parent.children.exclude(status=AssignmentStatus.DONE).exists():
            break
        parent.status = AssignmentStatus.DONE
        parent.completed_at = now
        if parent.reply_document_id is None:
            parent.reply_document_id = assignment.reply_document_id
        parent.save(update_fields=["status", "completed_at", "reply_document"])
        completed.append(parent)
        parent = parent.parent
    return completed


def _check_reply(document: Document, reply: Document | None) -> None:
    if reply is None:
        return
    if reply.owner_id != document.owner_id or reply.direction == Direction.INCOMING:
        raise ApplicationError(
            "Văn bản trả lời phải là văn bản đi của chính cơ quan xử lý.", code="reply_document"
        )


def assignment_complete(
    *, by: Any, assignment: Assignment, note: str, reply_document: Document | None = None
) -> Assignment:
    """The handler completes; the document is DONE when its lead assignment tree is."""
    with transaction.atomic():
        document = _lock_assignment(assignment)
        require(can_handle(by, assignment), "Bạn không được giao xử lý phân công này.")
        _require_handling(document, finishing=True)
        if assignment.status == AssignmentStatus.FORWARDED:
            raise ApplicationError(
                "Phân công đã chuyển cho cán bộ; phân công hoàn thành khi các cán bộ được chuyển hoàn thành.",
                code="invalid_transition",
            )
        if assignment.status not in OPEN_STATUSES:
            raise ApplicationError("Phân công này đã hoàn thành.", code="invalid_transition")
        _check_reply(document, reply_document)
        now = timezone.now()
        assignment.status = AssignmentStatus.DONE
        assignment.completed_at = now
        assignment.reply_document = reply_document
        if note.strip():
            assignment.progress_note = note.strip()
        assignment.full_clean(
            exclude=["document", "parent", "assigned_by", "unit", "assignee", "reply_document"]
        )
        assignment.save(update_fields=["status", "completed_at", "reply_document", "progress_note"])
        closed = [assignment, *_complete_parents(assignment, now)]
        leads = document.assignments.filter(parent__isnull=True, role=AssignmentRole.LEAD)
        lead_done = leads.exists() and not leads.exclude(status=AssignmentStatus.DONE).exists()
        # Closing a support or information assignment after the lead finished changes nothing more.
        now_done = lead_done and document.status != DocumentStatus.DONE
        if now_done:
            require_transition(document, DocumentStatus.DONE)
            document.status = DocumentStatus.DONE
            document.save(update_fields=["status", "updated_at"])
            delivery_sync(document)
        elif not lead_done:
            _start_handling(document)
        notify_about(
            document,
            users=[a.assigned_by for a in closed if a.assigned_by_id != getattr(by, "pk", None)],
            title=f"Đã hoàn thành xử lý: {reference_label(document)}",
            body=f"{person(by)} hoàn thành phần việc {assignment.get_role_display().lower()} "
            f"“{document.subject}”."
            f"{f' Văn bản trả lời: {reply_document.reference}.' if reply_document else ''}",
        )
        reply = f" Văn bản trả lời: {reply_document.reference}." if reply_document else ""
        finished = " Văn bản đã được giải quyết xong." if now_done else ""
        record(
            by=by,
            document=document,
            action="assignment.complete",
            description=f"{person(by)} hoàn thành xử lý ({assignment.get_role_display().lower()})."
            f"{f' {note.strip()}' if note.strip() else ''}{reply}{finished}",
            payload={
                "assignment": assignment.pk,
                "closed": [a.pk for a in closed],
                "reply_document": reply_document.pk if reply_document else None,
                "document_done": now_done,
            },
        )
    return assignment


def _chase_text(assignment: Assignment, today: date, message: str) -> str:
    document = assignment.document
    overdue = ""
    if assignment.deadline is not None and assignment.deadline < today:
        late = working_days_between(assignment.deadline, today)
        overdue = f" Đã quá hạn {format_day(assignment.deadline)}" + (
            f" ({late} ngày làm việc)." if late > 0 else "."
        )
    elif assignment.deadline is not None:
        overdue = f" Hạn giải quyết: {format_day(assignment.deadline)}."
    return f"{reference_label(document)} “{document.subject}”.{overdue} {message}"


def _chase_one(assignment: Assignment, *, by: Any, today: date, message: str) -> None:
    """Count the reminder and notify the handlers; the caller writes the timeline and audit."""
    assignment.reminders += 1
    assignment.last_chased_on = today
    assignment.save(update_fields=["reminders", "last_chased_on"])
    notify(
        users=assignment_handlers(assignment),
        title=f"Đôn đốc giải quyết văn bản: {reference_label(assignment.document)}",
        body=_chase_text(assignment, today, message),
        url=document_url(assignment.document),
        level=NotificationLevel.WARNING,
    )


def assignment_chase(*, by: Any, assignment: Assignment, message: str) -> Assignment:
    message = message.strip() or DEFAULT_CHASE_MESSAGE
    today = local_today()
    with transaction.atomic():
        document = _lock_assignment(assignment)
        require(
            can_chase(by, assignment), "Chỉ lãnh đạo, văn thư cơ quan hoặc người giao việc mới được đôn đốc."
        )
        _require_handling(document)
        if assignment.status not in OPEN_STATUSES:
            raise ApplicationError(
                f"Phân công đang ở trạng thái “{assignment.get_status_display()}”, không cần đôn đốc.",
                code="invalid_transition",
            )
        _chase_one(assignment, by=by, today=today, message=message)
        target = target_label(assignment)
        record(
            by=by,
            document=document,
            action="assignment.chase",
            description=f"{person(by)} đôn đốc {target} (lần {assignment.reminders}): {message}",
            payload={"assignment": assignment.pk, "reminders": assignment.reminders, "message": message},
        )
    return assignment


def overdue_assignments(today: date) -> QuerySet[Assignment]:
    """Open, non-informational assignments past their deadline on documents still being handled."""
    return Assignment.objects.filter(
        status__in=OPEN_STATUSES,
        deadline__lt=today,
        document__status__in=HANDLING_STATUSES,
    ).exclude(role=AssignmentRole.INFORMATION)


def chase_overdue(*, today: date | None = None) -> int:
    """Chase every overdue open assignment once per day (the `chase_overdue` command).

    One transaction, one audit event listing what was chased, one timeline row per chase.
    Running it twice the same day chases nothing the second time.
    """
    today = today or local_today()
    with transaction.atomic():
        due = list(
            overdue_assignments(today)
            .exclude(last_chased_on__gte=today)
            .select_for_update(of=("self",))
            .select_related("document", "unit", "assignee")
            .order_by("document_id", "id")
        )
        events = []
        for assignment in due:
            _chase_one(assignment, by=None, today=today, message=DEFAULT_CHASE_MESSAGE)
            target = target_label(assignment)
            events.append(
                DocumentEvent(
                    document=assignment.document,
                    actor=None,
                    action="assignment.chase",
                    description=f"Hệ thống đôn đốc {target} (lần {assignment.reminders}): quá hạn "
                    f"{format_day(assignment.deadline or today)}.",
                )
            )
        DocumentEvent.objects.bulk_create(events)
        if due:
            audit_record(
                actor=None,
                action="documents.assignment.chase_overdue",
                payload={"date": today.isoformat(), "assignments": [a.pk for a in due]},
            )
    return len(due)
