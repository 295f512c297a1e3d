"""Một cửa điện tử: the procedure catalogue (TTHC) with versions, and dossiers from reception to
return (regulations.md §2.4, §4; TT 03/2025/TT-VPCP forms 01–07).

Status and flags are separate (anchors.md §4): `Dossier.status` is the business state, moved
only through the transition table in `cqs.onestop.workflow`; payment, pause and result flags
live beside it. Outcome classification (early / on time / late, within / overdue) is computed
by selectors from `finished_on` and `due_date`, never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cqs.org.models import Agency, AgencyLevel, Unit

PROCEDURE_CODE_VALIDATOR = RegexValidator(
    r"^[0-9]\.[0-9]{6}(\.[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2})?$",
    "Mã thủ tục có dạng 2.000815.000.00.00.H55 (nhóm, 6 chữ số, mã định danh cơ quan).",
)
ID_NUMBER_VALIDATOR = RegexValidator(
    r"^([0-9]{9}|[0-9]{12})$", "Số định danh cá nhân (CCCD) gồm 12 chữ số (CMND cũ: 9 chữ số)."
)


class OnlineLevel(models.TextChoices):
    FULL = "toan_trinh", "Toàn trình"
    PARTIAL = "mot_phan", "Một phần"
    NONE = "khong", "Chưa cung cấp trực tuyến"


class Channel(models.TextChoices):
    ONLINE = "truc_tuyen", "Trực tuyến"
    COUNTER = "truc_tiep", "Trực tiếp"
    POSTAL = "buu_chinh", "Bưu chính công ích"


class DossierStatus(models.TextChoices):
    SUBMITTED = "cho_tiep_nhan", "Chờ tiếp nhận"
    RECEIVED = "da_tiep_nhan", "Đã tiếp nhận"
    PROCESSING = "dang_xu_ly", "Đang xử lý"
    AWAITING_APPROVAL = "cho_phe_duyet", "Chờ phê duyệt"
    APPROVED = "da_phe_duyet", "Đã có kết quả, chờ trả"
    RETURNED = "da_tra_ket_qua", "Đã trả kết quả"
    SUPPLEMENT = "cho_bo_sung", "Chờ bổ sung"
    REFUSED = "tu_choi", "Từ chối giải quyết"
    STOPPED = "dung_xu_ly", "Dừng xử lý"
    WITHDRAWN = "da_rut", "Đã rút hồ sơ"


# Statuses in which the clock runs or is paused: the dossier is still "in progress".
OPEN_STATUSES = (
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.AWAITING_APPROVAL,
    DossierStatus.SUPPLEMENT,
)
# Statuses after processing ended: `finished_at` is set.
FINISHED_STATUSES = (
    DossierStatus.APPROVED,
    DossierStatus.RETURNED,
    DossierStatus.REFUSED,
    DossierStatus.STOPPED,
    DossierStatus.WITHDRAWN,
)
# Statuses a valid receipt (received_at, appointment and due dates) is required for.
RECEIVED_STATUSES = (
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.AWAITING_APPROVAL,
    DossierStatus.APPROVED,
    DossierStatus.RETURNED,
)


class PaymentStatus(models.TextChoices):
    NO_FEE = "khong_phi", "Không thu phí"
    UNPAID = "chua_thanh_toan", "Chưa thanh toán"
    PAID = "da_thanh_toan", "Đã thanh toán"
    EXEMPT = "mien", "Miễn phí, lệ phí"


class Procedure(models.Model):
    """A thủ tục hành chính of the national database; its rules live in its versions."""

    code = models.CharField(
        "mã thủ tục",
        max_length=40,
        unique=True,
        validators=[PROCEDURE_CODE_VALIDATOR],
        error_messages={"unique": "Mã thủ tục này đã có trong danh mục."},
    )
    name = models.CharField("tên thủ tục", max_length=500)
    field = models.CharField("lĩnh vực", max_length=200)
    level = models.CharField("cấp thực hiện", max_length=20, choices=AgencyLevel.choices)
    is_active = models.BooleanField("đang áp dụng", default=True)

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["field", "name"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


def version_file_path(instance: ProcedureVersion, filename: str) -> str:
    return f"onestop/procedures/{instance.procedure_id}/v{instance.number}/{filename}"


def component_template_path(instance: ProcedureComponent, filename: str) -> str:
    return f"onestop/procedures/components/{instance.version_id}/{filename}"


class ProcedureVersion(models.Model):
    """The rules of a procedure as announced by one decision; a dossier keeps the version it
    was received under, so catalogue changes never move an existing deadline."""

    procedure = models.ForeignKey(
        Procedure, verbose_name="thủ tục", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField("phiên bản", default=1)
    effective_from = models.DateField("áp dụng từ ngày")
    decision_reference = models.CharField(
        "quyết định công bố", max_length=250, blank=True, help_text="Ví dụ: Quyết định số 1234/QĐ-UBND ngày …"
    )
    competent_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan có thẩm quyền",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Để trống: mọi cơ quan thuộc cấp thực hiện của thủ tục (ví dụ mọi UBND xã).",
    )
    processing_days = models.PositiveSmallIntegerField(
        "thời hạn giải quyết (ngày làm việc)", help_text="0 = trả trong ngày."
    )
    same_day_cutoff = models.TimeField(
        "giờ tiếp nhận cuối trong ngày",
        null=True,
        blank=True,
        help_text="Hồ sơ nhận sau giờ này được tính là nhận vào ngày làm việc tiếp theo (ví dụ 15:00).",
    )
    fee = models.PositiveIntegerField("phí, lệ phí (đồng)", default=0)
    fee_note = models.CharField("ghi chú phí, lệ phí", max_length=250, blank=True)
    online_level = models.CharField(
        "mức độ trực tuyến", max_length=12, choices=OnlineLevel.choices, default=OnlineLevel.PARTIAL
    )
    result_type = models.CharField("kết quả giải quyết", max_length=300)
    result_template = models.FileField("mẫu kết quả", upload_to=version_file_path, blank=True, max_length=300)
    step_plan = models.JSONField(
        "quy trình nội bộ",
        default=list,
        blank=True,
        help_text='Các bước xử lý: [{"name": "Thẩm định", "days": 2}, …].',
    )
    is_current = models.BooleanField("phiên bản hiện hành", default=True)

    class Meta:
        verbose_name = "phiên bản thủ tục"
        verbose_name_plural = "phiên bản thủ tục"
        ordering = ["procedure_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"],
                name="procedure_version_unique",
                violation_error_message="Thủ tục đã có phiên bản số này.",
            ),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(is_current=True),
                name="procedure_one_current_version",
                violation_error_message="Mỗi thủ tục chỉ có một phiên bản hiện hành.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.name} (phiên bản {self.number})"


class ProcedureComponent(models.Model):
    """A thành phần hồ sơ the applicant provides."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name="phiên bản", on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    name = models.CharField("tên thành phần", max_length=500)
    note = models.CharField(
        "số lượng, loại bản", max_length=200, blank=True, help_text="Bản chính / bản sao…"
    )
    is_required = models.BooleanField("bắt buộc", default=True)
    template = models.FileField(
        "mẫu đơn, tờ khai", upload_to=component_template_path, blank=True, max_length=300
    )

    class Meta:
        verbose_name = "thành phần hồ sơ"
        verbose_name_plural = "thành phần hồ sơ"
        ordering = ["version_id", "order", "id"]

    def __str__(self) -> str:
        return self.name


class DossierSequence(models.Model):
    """Last sequence number of dossier codes at one receiving agency on one day; locked while
    a code is taken, so concurrent receptions get distinct, gapless numbers."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "bộ đếm mã hồ sơ"
        verbose_name_plural = "bộ đếm mã hồ sơ"
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last_number}"


def result_file_path(instance: Dossier, filename: str) -> str:
    return f"onestop/results/{instance.agency_id}/{instance.code}/{filename}"


class Dossier(models.Model):
    code = models.CharField(
        "mã hồ sơ",
        max_length=40,
        unique=True,
        error_messages={"unique": "Mã hồ sơ đã tồn tại."},
    )
    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name="thủ tục (phiên bản)",
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan giải quyết", on_delete=models.PROTECT, related_name="dossiers"
    )
    receiving_agency = models.ForeignKey(
        Agency, verbose_name="nơi tiếp nhận", on_delete=models.PROTECT, related_name="received_dossiers"
    )
    channel = models.CharField("hình thức nộp", max_length=12, choices=Channel.choices)
    applicant_name = models.CharField("người nộp", max_length=200)
    applicant_id_number = models.CharField(
        "số định danh cá nhân", max_length=12, validators=[ID_NUMBER_VALIDATOR], db_index=True
    )
    applicant_phone = models.CharField("điện thoại", max_length=20, blank=True)
    applicant_email = models.EmailField("thư điện tử", blank=True)
    applicant_address = models.CharField("địa chỉ", max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản công dân",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="onestop_dossiers",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ tiếp nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("thời điểm tạo", default=timezone.now)
    submitted_at = models.DateTimeField("thời điểm nộp trực tuyến", null=True, blank=True)
    received_at = models.DateTimeField("thời điểm tiếp nhận hợp lệ", null=True, blank=True)
    appointment_date = models.DateField("ngày hẹn trả (phiếu 01)", null=True, blank=True)
    due_date = models.DateField("hạn giải quyết hiện tại", null=True, blank=True)
    finished_at = models.DateTimeField("thời điểm kết thúc xử lý", null=True, blank=True)
    finished_on = models.DateField("ngày kết thúc xử lý", null=True, blank=True)
    returned_at = models.DateTimeField("thời điểm trả kết quả", null=True, blank=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=DossierStatus.choices, default=DossierStatus.SUBMITTED
    )
    # Flags, kept apart from the business status.
    fee = models.PositiveIntegerField("phí, lệ phí (đồng)", default=0)
    payment_status = models.CharField(
        "thanh toán", max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.NO_FEE
    )
    is_paused = models.BooleanField("đang tạm dừng (chờ bổ sung)", default=False)
    paused_days = models.PositiveSmallIntegerField("số ngày làm việc tạm dừng", default=0)
    result_digitised = models.BooleanField("kết quả đã số hóa", default=False)
    result_signed = models.BooleanField("kết quả đã ký số", default=False)
    result_file = models.FileField("tệp kết quả", upload_to=result_file_path, blank=True, max_length=300)
    result_note = models.CharField("ghi chú kết quả", max_length=500, blank=True)
    status_reason = models.TextField("lý do (từ chối, dừng, rút)", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        indexes = [
            # Statistics by resolving agency and window (cqs.onestop.stats).
            models.Index(fields=["agency", "received_at"], name="dossier_agency_received"),
            models.Index(fields=["agency", "finished_at"], name="dossier_agency_finished"),
            models.Index(
                fields=["agency", "received_at"],
                condition=Q(finished_at__isnull=True),
                name="dossier_agency_open",
            ),
            # The back-office list: newest first, keyset on (created_at, id).
            models.Index(fields=["agency", "-created_at", "-id"], name="dossier_agency_list"),
            models.Index(fields=["receiving_agency", "-created_at", "-id"], name="dossier_recv_list"),
            models.Index(
                fields=["agency", "status", "-created_at", "-id"], name="dossier_agency_status_list"
            ),
            # "Overdue first": open dossiers by due date.
            models.Index(
                fields=["agency", "due_date", "id"],
                condition=Q(finished_at__isnull=True),
                name="dossier_agency_open_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DossierStatus.values), name="dossier_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="dossier_channel_valid"),
            models.CheckConstraint(
                condition=~Q(status__in=RECEIVED_STATUSES)
                | (
                    Q(received_at__isnull=False)
                    & Q(due_date__isnull=False)
                    & Q(appointment_date__isnull=False)
                ),
                name="dossier_received_has_dates",
            ),
            models.CheckConstraint(
                condition=(Q(status__in=FINISHED_STATUSES) & Q(finished_at__isnull=False))
                | (~Q(status__in=FINISHED_STATUSES) & Q(finished_at__isnull=True)),
                name="dossier_finished_iff_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status=DossierStatus.RETURNED) | Q(returned_at__isnull=False),
                name="dossier_returned_has_time",
            ),
            models.CheckConstraint(
                condition=(Q(is_paused=True) & Q(status=DossierStatus.SUPPLEMENT))
                | (Q(is_paused=False) & ~Q(status=DossierStatus.SUPPLEMENT)),
                name="dossier_paused_iff_supplement",
            ),
            models.CheckConstraint(
                condition=~Q(channel=Channel.ONLINE) | Q(submitted_at__isnull=False),
                name="dossier_online_has_submission",
            ),
            models.CheckConstraint(
                condition=~Q(status=DossierStatus.SUBMITTED) | Q(channel=Channel.ONLINE),
                name="dossier_submitted_only_online",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class DossierStep(models.Model):
    """One step of processing (form 06): who holds the dossier, for how long, and the hand-over."""

    dossier = models.ForeignKey(Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("bước xử lý", max_length=200)
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người xử lý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="onestop_steps",
    )
    allotted_days = models.PositiveSmallIntegerField("thời gian quy định (ngày làm việc)", default=0)
    started_at = models.DateTimeField("bắt đầu", default=timezone.now)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="bên giao",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="bên nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "bước xử lý hồ sơ"
        verbose_name_plural = "bước xử lý hồ sơ"
        ordering = ["dossier_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="dossier_step_order_unique"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="dossier_step_time_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class DossierPause(models.Model):
    """A supplement request (form 02): the clock stops until the applicant supplies."""

    dossier = models.ForeignKey(
        Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="pauses"
    )
    reason = models.TextField("nội dung cần bổ sung và lý do")
    legal_basis = models.CharField("căn cứ pháp lý", max_length=500, blank=True)
    resume_status = models.CharField("trạng thái khi tiếp tục", max_length=20, choices=DossierStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người yêu cầu", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("thời điểm yêu cầu", default=timezone.now)
    supplied_at = models.DateTimeField("thời điểm bổ sung", null=True, blank=True)
    paused_days = models.PositiveSmallIntegerField("số ngày làm việc tạm dừng", default=0)

    class Meta:
        verbose_name = "yêu cầu bổ sung hồ sơ"
        verbose_name_plural = "yêu cầu bổ sung hồ sơ"
        ordering = ["dossier_id", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(supplied_at__isnull=True), name="dossier_one_open_pause"
            )
        ]

    def __str__(self) -> str:
        return self.reason[:80]


def component_file_path(instance: DossierComponent, filename: str) -> str:
    dossier = instance.dossier
    return f"onestop/dossiers/{dossier.agency_id}/{dossier.code}/{instance.sha256[:16]}-{filename}"


class DossierComponent(models.Model):
    """A component as provided: its (searchable) file, OCR text, digitisation and reuse."""

    dossier = models.ForeignKey(
        Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="components"
    )
    component = models.ForeignKey(
        ProcedureComponent,
        verbose_name="thành phần theo quy định",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("tên thành phần", max_length=500)
    file = models.FileField("tệp", upload_to=component_file_path, blank=True, max_length=300)
    original_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    text = models.TextField("nội dung (OCR)", blank=True)
    is_paper = models.BooleanField("nộp bản giấy, quét tại bộ phận một cửa", default=False)
    digitised = models.BooleanField("đã số hóa", default=False)
    reused_from = models.ForeignKey(
        "self",
        verbose_name="tái sử dụng từ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reuses",
    )
    quality_note = models.CharField("kiểm tra chất lượng bản quét", max_length=500, blank=True)
    added_at = models.DateTimeField("thời điểm thêm", default=timezone.now)

    class Meta:
        verbose_name = "thành phần hồ sơ đã nộp"
        verbose_name_plural = "thành phần hồ sơ đã nộp"
        ordering = ["dossier_id", "id"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    SUBMITTED = "nop", "Nộp hồ sơ trực tuyến"
    RECEIVED = "tiep_nhan", "Tiếp nhận hồ sơ"
    HANDOVER = "chuyen", "Chuyển xử lý"
    ROUTE_CHANGED = "doi_quy_trinh", "Thay đổi quy trình xử lý"
    SUBMITTED_FOR_APPROVAL = "trinh", "Trình lãnh đạo phê duyệt"
    SENT_BACK = "tra_lai_xu_ly", "Lãnh đạo trả lại để xử lý lại"
    APPROVED = "phe_duyet", "Phê duyệt, ban hành kết quả"
    RETURNED = "tra_ket_qua", "Trả kết quả"
    SUPPLEMENT_REQUESTED = "yeu_cau_bo_sung", "Yêu cầu bổ sung hồ sơ"
    SUPPLIED = "bo_sung", "Đã bổ sung hồ sơ"
    REFUSED = "tu_choi", "Từ chối giải quyết"
    STOPPED = "dung", "Dừng giải quyết"
    WITHDRAWN = "rut", "Rút hồ sơ"
    APOLOGY = "xin_loi", "Xin lỗi, hẹn lại ngày trả"
    PAID = "thanh_toan", "Thanh toán phí, lệ phí"
    RATED = "danh_gia", "Đánh giá mức độ hài lòng"
    COMPONENT_ADDED = "them_thanh_phan", "Bổ sung thành phần hồ sơ"


class DossierEvent(models.Model):
    """The dossier's history, append-only: the timeline, form 06 and the citizen's view."""

    dossier = models.ForeignKey(
        Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("sự kiện", max_length=20, choices=EventKind.choices)
    from_status = models.CharField("từ trạng thái", max_length=20, choices=DossierStatus.choices, blank=True)
    to_status = models.CharField("sang trạng thái", max_length=20, choices=DossierStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("thời điểm", default=timezone.now)
    note = models.TextField("nội dung, lý do", blank=True)
    public = models.BooleanField("hiển thị cho người nộp", default=True)

    class Meta:
        verbose_name = "sự kiện hồ sơ"
        verbose_name_plural = "sự kiện hồ sơ"
        ordering = ["dossier_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%d/%m/%Y %H:%M})"


class Apology(models.Model):
    """Form 04: written apology and new return date, issued before the due date."""

    dossier = models.ForeignKey(
        Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="apologies"
    )
    reason = models.TextField("lý do chậm")
    old_due_date = models.DateField("ngày hẹn cũ")
    new_due_date = models.DateField("ngày hẹn mới")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người ký", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("thời điểm phát hành", default=timezone.now)

    class Meta:
        verbose_name = "văn bản xin lỗi"
        verbose_name_plural = "văn bản xin lỗi"
        ordering = ["dossier_id", "issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_date__gt=models.F("old_due_date")), name="apology_new_date_later"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.old_due_date} → {self.new_due_date}"


class PaymentState(models.TextChoices):
    PENDING = "cho_thanh_toan", "Chờ thanh toán"
    PAID = "da_thanh_toan", "Đã thanh toán"
    FAILED = "that_bai", "Thất bại"
    EXPIRED = "het_han", "Hết hạn"


class Payment(models.Model):
    dossier = models.ForeignKey(
        Dossier, verbose_name="hồ sơ", on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.PositiveIntegerField("số tiền (đồng)")
    provider = models.CharField("đơn vị thanh toán", max_length=40)
    reference = models.CharField("mã giao dịch", max_length=100, unique=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=PaymentState.choices, default=PaymentState.PENDING
    )
    created_at = models.DateTimeField("tạo lúc", default=timezone.now)
    expires_at = models.DateTimeField("hết hạn lúc")
    paid_at = models.DateTimeField("thanh toán lúc", null=True, blank=True)
    verified_at = models.DateTimeField("đối soát lúc", null=True, blank=True)
    provider_payload = models.JSONField("dữ liệu từ đơn vị thanh toán", default=dict, blank=True)

    class Meta:
        verbose_name = "giao dịch thanh toán"
        verbose_name_plural = "giao dịch thanh toán"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["dossier", "status"], name="payment_dossier_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PaymentState.PAID) | Q(paid_at__isnull=False),
                name="payment_paid_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class RatingScore(models.IntegerChoices):
    VERY_SATISFIED = 4, "Rất hài lòng"
    SATISFIED = 3, "Hài lòng"
    UNSATISFIED = 2, "Chưa hài lòng"
    VERY_UNSATISFIED = 1, "Không hài lòng"


class Rating(models.Model):
    dossier = models.OneToOneField(
        Dossier, verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(
        "mức độ hài lòng",
        choices=RatingScore.choices,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    comment = models.TextField("góp ý", blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người đánh giá",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rated_at = models.DateTimeField("thời điểm đánh giá", default=timezone.now)

    class Meta:
        verbose_name = "đánh giá hài lòng"
        verbose_name_plural = "đánh giá hài lòng"
        indexes = [models.Index(fields=["rated_at"], name="rating_rated_at")]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=4), name="rating_score_range")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}"
