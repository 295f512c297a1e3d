"""Business rules of task tracking. Every service: keyword arguments, the acting user `by`,
one transaction, one audit event (`worklist.*`), notifications through `cqs.notify`.

Refusals are `ApplicationError` (bad input or a state that does not allow the action, in
Vietnamese) or `PermissionDenied` (the user may not act; Vietnamese message).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.core.text import format_date_short
from cqs.core.workcalendar import VN_TZ, add_working_days, is_working_day
from cqs.documents.models import Document
from cqs.documents.permissions import visible_documents
from cqs.notify.models import NotificationLevel
from cqs.notify.services import notify
from cqs.org.models import Agency, Unit
from cqs.worklist import permissions as perms
from cqs.worklist.files import CheckedFile, check_evidence_files
from cqs.worklist.models import (
    DeadlineNotice,
    ExtensionRequest,
    ExtensionStatus,
    Plan,
    Reminder,
    ReminderKind,
    Task,
    TaskEvidence,
    TaskProgress,
    TaskStatus,
)
from cqs.worklist.timing import due_day
from cqs.worklist.workflow import Action, next_status

logger = logging.getLogger(__name__)

MAX_WORKING_DAYS = 1000


def local_today() -> date:
    return timezone.now().astimezone(VN_TZ).date()


def clean(value: str | None) -> str:
    return unicodedata.normalize("NFC", value or "").strip()


def person(user: Any) -> str:
    if user is None:
        return "Hệ thống"
    return str(getattr(user, "full_name", "") or getattr(user, "username", "") or user)


def task_url(task: Task) -> str:
    try:
        return reverse("worklist:detail", args=[task.pk])
    except NoReverseMatch:  # pragma: no cover - screens not installed
        return f"/nhiem-vu/{task.pk}/"


def _record(
    *, by: Any, task: Task | Plan, action: str, agency_id: int | None, payload: dict[str, Any]
) -> None:
    audit_record(actor=by, action=f"worklist.{action}", target=task, agency_id=agency_id, payload=payload)


def _lock(task: Task) -> Task:
    """Take the task's row lock for the rest of the transaction and reload it in place."""
    list(Task.objects.select_for_update().filter(pk=task.pk).values_list("pk", flat=True))
    task.refresh_from_db()
    return task


# --- deadlines -------------------------------------------------------------------------


def resolve_deadline(*, assigned_on: date, deadline: date | None, working_days: int | None) -> date:
    """The deadline as stored: "N ngày làm việc" from the day of assignment, or a date moved to
    the next working day when it is a day off (Bộ luật Dân sự 2015, Điều 148)."""
    if (deadline is None) == (working_days is None):
        raise ApplicationError("Hãy nhập thời hạn: một ngày cụ thể hoặc số ngày làm việc.", code="deadline")
    if working_days is not None:
        if not 1 <= working_days <= MAX_WORKING_DAYS:
            raise ApplicationError(f"Số ngày làm việc phải từ 1 đến {MAX_WORKING_DAYS}.", code="deadline")
        return add_working_days(assigned_on, working_days)
    assert deadline is not None
    if deadline < assigned_on:
        raise ApplicationError(
            f"Thời hạn {format_date_short(deadline)} đã qua (ngày giao {format_date_short(assigned_on)}).",
            code="deadline",
        )
    return due_day(deadline)


# --- plans -----------------------------------------------------------------------------


def plan_create(
    *,
    by: Any,
    issuing_agency: Agency,
    title: str,
    year: int,
    citation: str = "",
    document: Document | None = None,
) -> Plan:
    """A plan of `issuing_agency`, created by someone who acts for it."""
    perms.require(
        issuing_agency.pk in perms.acting_agency_ids(by),
        "Bạn không có quyền tạo kế hoạch cho cơ quan này.",
    )
    title = clean(title)
    if not title:
        raise ApplicationError("Hãy nhập tên kế hoạch.", code="required")
    if not 2000 <= year <= 2100:
        raise ApplicationError("Năm kế hoạch không hợp lệ.", code="invalid")
    if document is not None and not visible_documents(by).filter(pk=document.pk).exists():
        raise ApplicationError("Không tìm thấy văn bản kế hoạch.", code="document")
    with transaction.atomic():
        if Plan.objects.filter(issuing_agency=issuing_agency, title=title).exists():
            raise ApplicationError("Cơ quan đã có kế hoạch trùng tên.", code="duplicate")
        plan = Plan.objects.create(
            title=title,
            issuing_agency=issuing_agency,
            year=year,
            citation=clean(citation),
            document=document,
            created_by=by,
        )
        _record(
            by=by,
            task=plan,
            action="plan.create",
            agency_id=issuing_agency.pk,
            payload={"title": title, "year": year, "citation": plan.citation},
        )
    return plan


# --- assignment ------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskSpec:
    """What an assignment says; shared by `task_assign`, `task_split` and the XLSX import."""

    title: str
    lead_agency: Agency
    deadline: date | None = None
    working_days: int | None = None
    lead_unit: Unit | None = None
    supporting_agencies: Sequence[Agency] = ()
    supporting_units: Sequence[Unit] = ()
    expected_result: str = ""
    description: str = ""
    source_document: Document | None = None
    source_text: str = ""
    order: int | None = None
    children: list[TaskSpec] = field(default_factory=list)


def _validate_spec(spec: TaskSpec, *, by: Any, assigning: Agency) -> None:
    if not clean(spec.title):
        raise ApplicationError("Hãy nhập nội dung nhiệm vụ.", code="required")
    if not spec.lead_agency.tree_path.startswith(assigning.tree_path):
        raise ApplicationError(
            f"{spec.lead_agency.name} không thuộc phạm vi giao nhiệm vụ của {assigning.name}.", code="lead"
        )
    if spec.lead_unit is not None and spec.lead_unit.agency_id != spec.lead_agency.pk:
        raise ApplicationError("Đơn vị chủ trì phải thuộc cơ quan chủ trì.", code="lead_unit")
    if any(a.pk == spec.lead_agency.pk for a in spec.supporting_agencies):
        raise ApplicationError("Cơ quan chủ trì không đồng thời là cơ quan phối hợp.", code="supporters")
    allowed_units = {spec.lead_agency.pk, *(a.pk for a in spec.supporting_agencies)}
    if any(u.agency_id not in allowed_units for u in spec.supporting_units):
        raise ApplicationError(
            "Đơn vị phối hợp phải thuộc cơ quan chủ trì hoặc một cơ quan phối hợp.", code="supporters"
        )
    if spec.lead_unit is not None and any(u.pk == spec.lead_unit.pk for u in spec.supporting_units):
        raise ApplicationError("Đơn vị chủ trì không đồng thời là đơn vị phối hợp.", code="supporters")
    if (
        spec.source_document is not None
        and not visible_documents(by).filter(pk=spec.source_document.pk).exists()
    ):
        raise ApplicationError("Không tìm thấy văn bản giao nhiệm vụ.", code="document")


def _create(
    spec: TaskSpec,
    *,
    by: Any,
    assigning: Agency,
    plan: Plan | None,
    parent: Task | None,
    today: date,
    order: int,
) -> Task:
    _validate_spec(spec, by=by, assigning=assigning)
    deadline = resolve_deadline(assigned_on=today, deadline=spec.deadline, working_days=spec.working_days)
    if parent is not None and deadline > parent.current_deadline:
        raise ApplicationError(
            f"Thời hạn nhiệm vụ con ({format_date_short(deadline)}) không được sau thời hạn của nhiệm vụ "
            f"({format_date_short(parent.current_deadline)}).",
            code="deadline",
        )
    task = Task(
        plan=plan,
        order=spec.order if spec.order is not None else order,
        parent=parent,
        title=clean(spec.title),
        description=clean(spec.description),
        source_document=spec.source_document,
        source_text=clean(spec.source_text),
        assigned_by=by,
        assigning_agency=assigning,
        lead_agency=spec.lead_agency,
        lead_unit=spec.lead_unit,
        assigned_on=today,
        deadline=deadline,
        deadline_working_days=spec.working_days,
        expected_result=clean(spec.expected_result),
        status=TaskStatus.ASSIGNED,
    )
    task.full_clean(
        exclude=[
            "plan",
            "parent",
            "assigned_by",
            "assigning_agency",
            "lead_agency",
            "lead_unit",
            "source_document",
        ]
    )
    task.save()
    task.supporting_agencies.set(list(spec.supporting_agencies))
    task.supporting_units.set(list(spec.supporting_units))
    return task


def _announce(task: Task, *, by: Any) -> None:
    deadline = format_date_short(task.deadline)
    notify(
        users=perms.owners(task),
        title=f"Nhiệm vụ mới: {task.title[:150]}",
        body=f"{person(by)} ({task.assigning_agency.name}) giao {task.lead_agency.name} chủ trì thực hiện, "
        f"thời hạn {deadline}.",
        url=task_url(task),
    )
    helpers = perms.supporters(task)
    if helpers:
        notify(
            users=helpers,
            title=f"Phối hợp thực hiện nhiệm vụ: {task.title[:150]}",
            body=f"{task.lead_agency.name} chủ trì, thời hạn {deadline}.",
            url=task_url(task),
        )


def _payload(task: Task) -> dict[str, Any]:
    return {
        "title": task.title,
        "lead_agency": task.lead_agency_id,
        "lead_unit": task.lead_unit_id,
        "supporting_agencies": sorted(a.pk for a in task.supporting_agencies.all()),
        "deadline": task.deadline.isoformat(),
        "plan": task.plan_id,
        "parent": task.parent_id,
    }


def task_assign(*, by: Any, assigning_agency: Agency, spec: TaskSpec, plan: Plan | None = None) -> Task:
    """A leader (or the committee's office) assigns a task to a lead agency or unit."""
    perms.require(
        perms.can_assign(by, assigning_agency, spec.lead_agency),
        "Bạn không có quyền giao nhiệm vụ cho cơ quan này.",
    )
    today = local_today()
    with transaction.atomic():
        order = (Task.objects.filter(plan=plan, parent=None).count() + 1) if plan is not None else 0
        task = _create(
            spec, by=by, assigning=assigning_agency, plan=plan, parent=None, today=today, order=order
        )
        _announce(task, by=by)
        _record(by=by, task=task, action="task.assign", agency_id=task.lead_agency_id, payload=_payload(task))
    return task


def task_split(*, by: Any, task: Task, specs: Sequence[TaskSpec]) -> list[Task]:
    """Split a task into sub-tasks for units (or agencies below) of its lead agency."""
    perms.require(perms.can_split(by, task), "Bạn không có quyền giao nhiệm vụ con.")
    if not specs:
        raise ApplicationError("Hãy nhập ít nhất một nhiệm vụ con.", code="required")
    today = local_today()
    with transaction.atomic():
        _lock(task)
        task.status = next_status(task.status, Action.SPLIT)
        start = task.children.count()
        children = [
            _create(
                s,
                by=by,
                assigning=task.lead_agency,
                plan=task.plan,
                parent=task,
                today=today,
                order=start + i,
            )
            for i, s in enumerate(specs, start=1)
        ]
        for child in children:
            _announce(child, by=by)
        _record(
            by=by,
            task=task,
            action="task.split",
            agency_id=task.lead_agency_id,
            payload={"children": [_payload(c) for c in children]},
        )
    return children


# --- progress and completion -----------------------------------------------------------


def _store_files(progress: TaskProgress, files: Iterable[CheckedFile], stored: list[TaskEvidence]) -> None:
    for item in files:
        evidence = TaskEvidence(
            progress=progress,
            original_name=item.name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
        )
        evidence.file.save(item.storage_name, ContentFile(item.data), save=False)
        stored.append(evidence)
        evidence.save()


def _delete_files(stored: list[TaskEvidence]) -> None:
    for evidence in stored:
        try:
            evidence.file.storage.delete(evidence.file.name)
        except Exception:  # never hide the original error
            logger.exception("Could not delete evidence file %s", evidence.file.name)


def _percent(value: Any) -> int:
    try:
        percent = int(value)
    except (TypeError, ValueError):
        raise ApplicationError("Tiến độ phải là số phần trăm từ 0 đến 100.", code="percent") from None
    if not 0 <= percent <= 100:
        raise ApplicationError("Tiến độ phải là số phần trăm từ 0 đến 100.", code="percent")
    return percent


def task_report_progress(
    *, by: Any, task: Task, text: str, percent: int, files: Sequence[File[Any]] = ()
) -> TaskProgress:
    """An owner (or a supporting agency) reports progress, with evidence files.

    Files are checked before anything is written; if the transaction does not commit, the
    stored files are deleted again."""
    perms.require(perms.can_report(by, task), "Bạn không có quyền báo cáo tiến độ nhiệm vụ này.")
    text = clean(text)
    if not text:
        raise ApplicationError("Hãy nhập nội dung báo cáo tiến độ.", code="required")
    value = _percent(percent)
    checked = check_evidence_files(list(files))
    agency_id = (
        task.lead_agency_id
        if perms.is_owner(by, task)
        else next(a.pk for a in task.supporting_agencies.all() if perms.is_member(by, a.pk))
    )
    stored: list[TaskEvidence] = []
    now = timezone.now()
    try:
        with transaction.atomic():
            _lock(task)
            task.status = next_status(task.status, Action.PROGRESS)
            fields = ["status", "updated_at"]
            if agency_id == task.lead_agency_id:
                task.percent = value
                fields.append("percent")
            task.save(update_fields=fields)
            progress = TaskProgress.objects.create(
                task=task,
                text=text,
                percent=value,
                agency_id=agency_id,
                reported_by=by,
                reported_at=now,
                reported_on=now.astimezone(VN_TZ).date(),
            )
            _store_files(progress, checked, stored)
            _record(
                by=by,
                task=task,
                action="task.progress",
                agency_id=task.lead_agency_id,
                payload={
                    "progress": progress.pk,
                    "percent": value,
                    "files": [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in checked],
                },
            )
    except BaseException:
        _delete_files(stored)
        raise
    return progress


def task_mark_done(*, by: Any, task: Task, result_note: str) -> Task:
    """The lead agency reports the task done; open sub-tasks must be finished first."""
    perms.require(perms.can_finish(by, task), "Chỉ cơ quan chủ trì báo cáo hoàn thành nhiệm vụ.")
    note = clean(result_note)
    if not note:
        raise ApplicationError("Hãy nhập kết quả thực hiện nhiệm vụ.", code="required")
    with transaction.atomic():
        _lock(task)
        status = next_status(task.status, Action.MARK_DONE)
        open_children = task.children.open().count()
        if open_children:
            raise ApplicationError(
                f"Còn {open_children} nhiệm vụ con chưa hoàn thành; hãy hoàn thành hoặc hủy trước.",
                code="children",
            )
        withdrawn = task.extensions.filter(status=ExtensionStatus.PENDING).update(
            status=ExtensionStatus.WITHDRAWN, decided_on=local_today(), decided_at=timezone.now()
        )
        task.status = status
        task.finished_on = local_today()
        task.finished_by = by
        task.result_note = note
        task.percent = 100
        task.save(
            update_fields=["status", "finished_on", "finished_by", "result_note", "percent", "updated_at"]
        )
        notify(
            users=perms.managers(task),
            title=f"Đã hoàn thành nhiệm vụ: {task.title[:150]}",
            body=f"{task.lead_agency.name} báo cáo hoàn thành: {note[:300]}",
            url=task_url(task),
        )
        _record(
            by=by,
            task=task,
            action="task.done",
            agency_id=task.lead_agency_id,
            payload={"finished_on": task.finished_on.isoformat(), "withdrawn_extensions": withdrawn},
        )
    return task


# --- extensions ------------------------------------------------------------------------


def task_request_extension(*, by: Any, task: Task, new_deadline: date, reason: str) -> ExtensionRequest:
    perms.require(perms.can_finish(by, task), "Chỉ cơ quan chủ trì được xin gia hạn nhiệm vụ.")
    reason = clean(reason)
    if not reason:
        raise ApplicationError("Hãy nêu lý do xin gia hạn.", code="required")
    with transaction.atomic():
        _lock(task)
        task.status = next_status(task.status, Action.REQUEST_EXTENSION)
        wanted = due_day(new_deadline)
        if wanted <= task.current_deadline:
            raise ApplicationError(
                f"Thời hạn đề nghị phải sau thời hạn hiện tại {format_date_short(task.current_deadline)}.",
                code="deadline",
            )
        task.save(update_fields=["status", "updated_at"])
        extension = ExtensionRequest.objects.create(
            task=task,
            previous_deadline=task.current_deadline,
            new_deadline=wanted,
            reason=reason,
            requested_by=by,
            requested_at=timezone.now(),
        )
        notify(
            users=perms.managers(task),
            title=f"Xin gia hạn nhiệm vụ: {task.title[:150]}",
            body=f"{task.lead_agency.name} xin gia hạn đến {format_date_short(wanted)}. "
            f"Lý do: {reason[:300]}",
            url=task_url(task),
            level=NotificationLevel.WARNING,
        )
        _record(
            by=by,
            task=task,
            action="extension.request",
            agency_id=task.lead_agency_id,
            payload={"extension": extension.pk, "new_deadline": wanted.isoformat(), "reason": reason},
        )
    return extension


def _decide(*, by: Any, task: Task, grant: bool, reason: str) -> ExtensionRequest:
    perms.require(perms.can_manage(by, task), "Chỉ người giao nhiệm vụ được quyết định gia hạn.")
    reason = clean(reason)
    if not grant and not reason:
        raise ApplicationError("Hãy nêu lý do không đồng ý gia hạn.", code="required")
    with transaction.atomic():
        _lock(task)
        task.status = next_status(task.status, Action.GRANT_EXTENSION if grant else Action.REFUSE_EXTENSION)
        extension = task.extensions.get(status=ExtensionStatus.PENDING)
        extension.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
        extension.decided_by = by
        extension.decided_at = timezone.now()
        extension.decided_on = local_today()
        extension.decision_reason = reason
        extension.save()
        fields = ["status", "updated_at"]
        if grant:
            task.extended_deadline = extension.new_deadline
            fields.append("extended_deadline")
        task.save(update_fields=fields)
        verdict = "đồng ý" if grant else "không đồng ý"
        notify(
            users=[*perms.owners(task), extension.requested_by],
            title=f"{person(by)} {verdict} gia hạn nhiệm vụ: {task.title[:120]}",
            body=(
                f"Thời hạn mới: {format_date_short(extension.new_deadline)}."
                if grant
                else f"Thời hạn giữ nguyên {format_date_short(task.current_deadline)}."
            )
            + (f" Ý kiến: {reason[:300]}" if reason else ""),
            url=task_url(task),
        )
        _record(
            by=by,
            task=task,
            action="extension.grant" if grant else "extension.refuse",
            agency_id=task.lead_agency_id,
            payload={
                "extension": extension.pk,
                "new_deadline": extension.new_deadline.isoformat(),
                "reason": reason,
            },
        )
    return extension


def task_grant_extension(*, by: Any, task: Task, reason: str = "") -> ExtensionRequest:
    """The assigner grants the pending request: the deadline in force moves to the new one."""
    return _decide(by=by, task=task, grant=True, reason=reason)


def task_refuse_extension(*, by: Any, task: Task, reason: str) -> ExtensionRequest:
    """The assigner refuses the pending request, with a reason; the deadline stays."""
    return _decide(by=by, task=task, grant=False, reason=reason)


# --- chasing and cancelling ------------------------------------------------------------

_CHASE_LEVELS = {
    ReminderKind.REMIND: NotificationLevel.WARNING,
    ReminderKind.CRITICISE: NotificationLevel.URGENT,
    ReminderKind.DISCIPLINE_REVIEW: NotificationLevel.URGENT,
}


def task_chase(*, by: Any, task: Task, kind: str, text: str = "") -> Reminder:
    """Đôn đốc: the assigner urges the owners with a typed reminder, numbered per task."""
    perms.require(perms.can_manage(by, task), "Chỉ người giao nhiệm vụ được đôn đốc.")
    if kind not in ReminderKind.values:
        raise ApplicationError("Hãy chọn hình thức đôn đốc.", code="kind")
    text = clean(text)
    with transaction.atomic():
        _lock(task)
        next_status(task.status, Action.CHASE)
        sequence = task.reminders.count() + 1
        reminder = Reminder.objects.create(
            task=task, sequence=sequence, kind=kind, text=text, sent_by=by, sent_at=timezone.now()
        )
        label = ReminderKind(kind).label
        notify(
            users=perms.owners(task),
            title=f"{label} (lần {sequence}): {task.title[:150]}",
            body=text or f"Đề nghị {task.lead_agency.name} khẩn trương thực hiện, báo cáo kết quả.",
            url=task_url(task),
            level=_CHASE_LEVELS[ReminderKind(kind)],
        )
        _record(
            by=by,
            task=task,
            action="task.chase",
            agency_id=task.lead_agency_id,
            payload={"reminder": reminder.pk, "kind": kind, "sequence": sequence, "text": text},
        )
    return reminder


def task_cancel(*, by: Any, task: Task, reason: str) -> Task:
    """The assigner cancels a task (and its open sub-tasks), with a reason."""
    perms.require(perms.can_manage(by, task), "Chỉ người giao nhiệm vụ được hủy nhiệm vụ.")
    reason = clean(reason)
    if not reason:
        raise ApplicationError("Hãy nêu lý do hủy nhiệm vụ.", code="required")
    today = local_today()
    with transaction.atomic():
        _lock(task)
        task.status = next_status(task.status, Action.CANCEL)
        task.cancelled_on = today
        task.cancel_reason = reason
        task.save(update_fields=["status", "cancelled_on", "cancel_reason", "updated_at"])
        subtree = _open_descendants(task)
        Task.objects.filter(pk__in=subtree).update(
            status=TaskStatus.CANCELLED, cancelled_on=today, cancel_reason=f"Nhiệm vụ cha bị hủy: {reason}"
        )
        ExtensionRequest.objects.filter(
            task_id__in=[task.pk, *subtree], status=ExtensionStatus.PENDING
        ).update(status=ExtensionStatus.WITHDRAWN, decided_on=today, decided_at=timezone.now())
        notify(
            users=perms.owners(task),
            title=f"Hủy nhiệm vụ: {task.title[:150]}",
            body=f"Lý do: {reason[:300]}",
            url=task_url(task),
        )
        _record(
            by=by,
            task=task,
            action="task.cancel",
            agency_id=task.lead_agency_id,
            payload={"reason": reason, "cancelled_children": subtree},
        )
    return task


def _open_descendants(task: Task) -> list[int]:
    found: list[int] = []
    frontier = [task.pk]
    while frontier:
        children = list(Task.objects.filter(parent_id__in=frontier).open().values_list("pk", flat=True))
        found += children
        frontier = children
    return found


# --- deadline notices ------------------------------------------------------------------


def send_deadline_notices(*, on: date, days_before: int) -> int:
    """Notify owners of open tasks due in `days_before` working days and due on `on`.

    Runs once a day (`manage.py notify_task_deadlines`); a task gets at most one notice per
    day (`DeadlineNotice`), so running it again the same day sends nothing. Nothing is sent
    on days off. One audit event per run that sent something.
    """
    if not is_working_day(on):
        return 0
    soon = add_working_days(on, days_before) if days_before > 0 else None
    sent = 0
    with transaction.atomic():
        days = [d for d in (on, soon) if d is not None]
        candidates = (
            Task.objects.open()
            .filter(assigned_on__lte=on)
            .filter(Q(extended_deadline__in=days) | Q(extended_deadline__isnull=True, deadline__in=days))
            .select_related("lead_agency", "lead_unit")
            .prefetch_related("supporting_agencies")
        )
        already = set(DeadlineNotice.objects.filter(day=on).values_list("task_id", flat=True))
        for task in candidates:
            due = task.current_deadline
            if task.pk in already or due not in (on, soon):
                continue
            kind = DeadlineNotice.Kind.DUE if due == on else DeadlineNotice.Kind.BEFORE
            DeadlineNotice.objects.create(task=task, kind=kind, day=on)
            if kind == DeadlineNotice.Kind.DUE:
                title = f"Hôm nay đến hạn nhiệm vụ: {task.title[:150]}"
                level = NotificationLevel.URGENT
            else:
                title = f"Còn {days_before} ngày làm việc đến hạn nhiệm vụ: {task.title[:130]}"
                level = NotificationLevel.WARNING
            notify(
                users=perms.owners(task),
                title=title,
                body=f"Thời hạn {format_date_short(due)}; tiến độ đã báo cáo {task.percent} %.",
                url=task_url(task),
                level=level,
            )
            sent += 1
        if sent:
            audit_record(
                actor=None,
                action="worklist.deadline_notices",
                payload={"day": on.isoformat(), "days_before": days_before, "tasks": sent},
            )
    return sent
