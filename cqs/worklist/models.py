"""Theo dõi nhiệm vụ: plans, the tasks leaders assign, progress, extensions and reminders.

Dates that decide a task's timeliness are civil dates in Vietnam (Asia/Ho_Chi_Minh):
`assigned_on`, `deadline` (always a working day: the services move a deadline that falls on
a day off to the next working day, Bộ luật Dân sự 2015 Điều 148), `extended_deadline`,
`finished_on`, `cancelled_on`. The explicit workflow state is `status` (transition table
in `cqs.worklist.workflow`); the timeliness (within deadline / overdue / done early, on
time, late) is computed from the dates by `cqs.worklist.timing.task_timing`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cqs.documents.models import Document
from cqs.org.models import Agency, Unit


class Plan(models.Model):
    """A plan or programme (kế hoạch, chương trình) whose annex lists tasks."""

    title = models.CharField("tên kế hoạch", max_length=500)
    issuing_agency = models.ForeignKey(
        Agency, verbose_name="cơ quan ban hành", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("năm")
    document = models.ForeignKey(
        Document,
        verbose_name="văn bản kế hoạch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    citation = models.CharField(
        "số, ký hiệu, ngày ban hành",
        max_length=300,
        blank=True,
        help_text="Ví dụ: Kế hoạch số 61/KH-UBND ngày 10/4/2019",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch, chương trình"
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_agency", "title"],
                name="worklist_plan_unique_title",
                violation_error_message="Cơ quan đã có kế hoạch trùng tên.",
            )
        ]

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    ASSIGNED = "da_giao", "Đã giao"
    IN_PROGRESS = "dang_thuc_hien", "Đang thực hiện"
    EXTENSION_REQUESTED = "xin_gia_han", "Đang xin gia hạn"
    DONE = "hoan_thanh", "Hoàn thành"
    CANCELLED = "da_huy", "Đã hủy"


OPEN_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.EXTENSION_REQUESTED)


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Task(models.Model):
    plan = models.ForeignKey(
        Plan,
        verbose_name="kế hoạch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    order = models.PositiveIntegerField("số thứ tự trong kế hoạch", default=0)
    parent = models.ForeignKey(
        "self",
        verbose_name="nhiệm vụ cha",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    title = models.CharField("nội dung nhiệm vụ", max_length=1000)
    description = models.TextField("yêu cầu cụ thể", blank=True)
    source_document = models.ForeignKey(
        Document,
        verbose_name="văn bản giao nhiệm vụ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_text = models.CharField(
        "nguồn giao",
        max_length=500,
        blank=True,
        help_text="Ví dụ: Kết luận của Chủ tịch UBND tỉnh tại cuộc họp ngày 05/3/2025.",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người giao", on_delete=models.PROTECT, related_name="+"
    )
    assigning_agency = models.ForeignKey(
        Agency, verbose_name="cơ quan giao", on_delete=models.PROTECT, related_name="+"
    )
    lead_agency = models.ForeignKey(
        Agency, verbose_name="cơ quan chủ trì", on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        Unit, verbose_name="đơn vị chủ trì", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supporting_agencies = models.ManyToManyField(
        Agency, verbose_name="cơ quan phối hợp", blank=True, related_name="+"
    )
    supporting_units = models.ManyToManyField(
        Unit, verbose_name="đơn vị phối hợp", blank=True, related_name="+"
    )
    assigned_on = models.DateField("ngày giao")
    deadline = models.DateField("thời hạn")
    deadline_working_days = models.PositiveSmallIntegerField(
        "thời hạn (số ngày làm việc)", null=True, blank=True
    )
    extended_deadline = models.DateField("thời hạn sau gia hạn", null=True, blank=True)
    expected_result = models.TextField("kết quả dự kiến", blank=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED
    )
    percent = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    finished_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result_note = models.TextField("kết quả thực hiện", blank=True)
    cancelled_on = models.DateField("ngày hủy", null=True, blank=True)
    cancel_reason = models.TextField("lý do hủy", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        ordering = ["plan_id", "order", "id"]
        indexes = [
            models.Index(fields=["lead_agency", "assigned_on"], name="task_lead_assigned"),
            models.Index(fields=["lead_agency", "finished_on"], name="task_lead_finished"),
            models.Index(fields=["assigning_agency", "status"], name="task_assigner_status"),
            models.Index(fields=["plan", "order"], name="task_plan_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="task_percent_max_100"),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("assigned_on")), name="task_deadline_after_assigned"
            ),
            models.CheckConstraint(
                condition=Q(extended_deadline__isnull=True) | Q(extended_deadline__gt=F("deadline")),
                name="task_extension_later",
            ),
            # The workflow (cqs/worklist/workflow.py) keeps the dates in step with the state.
            models.CheckConstraint(
                condition=(Q(status=TaskStatus.DONE) & Q(finished_on__isnull=False))
                | (~Q(status=TaskStatus.DONE) & Q(finished_on__isnull=True)),
                name="task_done_has_finished_on",
            ),
            models.CheckConstraint(
                condition=(Q(status=TaskStatus.CANCELLED) & Q(cancelled_on__isnull=False))
                | (~Q(status=TaskStatus.CANCELLED) & Q(cancelled_on__isnull=True)),
                name="task_cancelled_has_cancelled_on",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="task_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.title[:120]

    @property
    def current_deadline(self) -> date:
        """The deadline in force: the extended one if an extension was granted."""
        return self.extended_deadline or self.deadline

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def evidence_path(instance: TaskEvidence, filename: str) -> str:
    return f"worklist/{instance.progress.task_id}/{instance.sha256[:16]}-{filename}"


class TaskProgress(models.Model):
    """A progress report (báo cáo tiến độ) by an owner, with evidence files."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress_reports")
    text = models.TextField("nội dung")
    percent = models.PositiveSmallIntegerField("tiến độ (%)")
    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan báo cáo", on_delete=models.PROTECT, related_name="+"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người báo cáo", on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("thời điểm báo cáo")
    reported_on = models.DateField("ngày báo cáo")

    class Meta:
        verbose_name = "báo cáo tiến độ"
        verbose_name_plural = "báo cáo tiến độ"
        ordering = ["reported_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_max_100")]

    def __str__(self) -> str:
        return f"{self.percent} %: {self.text[:80]}"


class TaskEvidence(models.Model):
    """A file proving progress; stored bytes are never altered."""

    progress = models.ForeignKey(TaskProgress, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("tệp", upload_to=evidence_path, max_length=300)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = "tệp minh chứng"
        verbose_name_plural = "tệp minh chứng"

    def __str__(self) -> str:
        return self.original_name


class ExtensionStatus(models.TextChoices):
    PENDING = "cho_duyet", "Chờ xem xét"
    GRANTED = "dong_y", "Đồng ý gia hạn"
    REFUSED = "tu_choi", "Không đồng ý"
    WITHDRAWN = "rut", "Không còn xem xét (nhiệm vụ đã kết thúc)"


class ExtensionRequest(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    previous_deadline = models.DateField("thời hạn trước khi xin")
    new_deadline = models.DateField("thời hạn đề nghị")
    reason = models.TextField("lý do xin gia hạn")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người đề nghị", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("thời điểm đề nghị")
    status = models.CharField(
        "kết quả", max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người quyết định",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("thời điểm quyết định", null=True, blank=True)
    decided_on = models.DateField("ngày quyết định", null=True, blank=True)
    decision_reason = models.TextField("ý kiến", blank=True)

    class Meta:
        verbose_name = "đề nghị gia hạn"
        verbose_name_plural = "đề nghị gia hạn"
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status="cho_duyet"),
                name="extension_one_pending_per_task",
                violation_error_message="Nhiệm vụ đang có một đề nghị gia hạn chờ xem xét.",
            ),
            models.CheckConstraint(
                condition=Q(new_deadline__gt=F("previous_deadline")), name="extension_moves_later"
            ),
            models.CheckConstraint(
                condition=Q(status="cho_duyet") | Q(decided_on__isnull=False),
                name="extension_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Gia hạn đến {self.new_deadline:%d/%m/%Y} ({self.get_status_display()})"


class ReminderKind(models.TextChoices):
    REMIND = "nhac_nho", "Nhắc nhở"
    CRITICISE = "phe_binh", "Phê bình"
    DISCIPLINE_REVIEW = "kiem_diem", "Đề nghị kiểm điểm"


class Reminder(models.Model):
    """An urge (đôn đốc) by the assigner; immutable once sent, numbered per task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    sequence = models.PositiveIntegerField("lần đôn đốc")
    kind = models.CharField("hình thức", max_length=10, choices=ReminderKind.choices)
    text = models.TextField("nội dung", blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người đôn đốc", on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField("thời điểm")

    class Meta:
        verbose_name = "đôn đốc"
        verbose_name_plural = "đôn đốc"
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "sequence"], name="reminder_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} lần {self.sequence}"


class DeadlineNotice(models.Model):
    """One row per task, kind and day the deadline notice went out: keeps the daily command idempotent."""

    class Kind(models.TextChoices):
        BEFORE = "truoc_han", "Sắp đến hạn"
        DUE = "den_han", "Đến hạn"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    day = models.DateField()

    class Meta:
        verbose_name = "thông báo thời hạn"
        verbose_name_plural = "thông báo thời hạn"
        constraints = [models.UniqueConstraint(fields=["task", "day"], name="deadline_notice_once_a_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day:%d/%m/%Y}"
