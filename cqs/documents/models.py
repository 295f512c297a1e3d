"""Documents (văn bản đi / đến), their files, registers, routing and delivery.

Rules: Decree 30/2020/NĐ-CP (regulations.md §1): numbers are per agency per calendar
year, restart on 1 January, gapless; secret documents have their own series and never
travel electronically; the recipient's processing status is visible to the sender."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cqs.core.doctypes import DOCUMENT_TYPES
from cqs.org.models import Agency, Unit

# Every catalogued type: incoming documents are often legal documents (Nghị định, Thông tư…);
# outgoing drafts are limited to the 29 administrative types by the drafting service.
DOCUMENT_TYPE_CHOICES = [(t.name, t.name) for t in DOCUMENT_TYPES]


class Direction(models.TextChoices):
    INCOMING = "den", "Văn bản đến"
    OUTGOING = "di", "Văn bản đi"
    INTERNAL = "noi_bo", "Văn bản nội bộ"


class Urgency(models.IntegerChoices):
    """Ordered so that the most urgent sorts first when ordering by -urgency.
    The edXML Priority codes (0–4) map 1:1 (regulations.md §3.3)."""

    NORMAL = 0, "Thường"
    URGENT = 1, "Khẩn"
    VERY_URGENT = 2, "Thượng khẩn"
    FLASH = 3, "Hỏa tốc"
    FLASH_TIMED = 4, "Hỏa tốc hẹn giờ"


class Secrecy(models.IntegerChoices):
    NONE = 0, "Thường"
    SECRET = 1, "Mật"
    TOP_SECRET = 2, "Tối mật"
    ULTRA_SECRET = 3, "Tuyệt mật"


class SignerAuthority(models.TextChoices):
    NONE = "", "Ký trực tiếp"
    TM = "TM.", "TM. (thay mặt)"
    KT = "KT.", "KT. (ký thay)"
    Q = "Q.", "Q. (quyền)"
    TL = "TL.", "TL. (thừa lệnh)"
    TUQ = "TUQ.", "TUQ. (thừa ủy quyền)"


class DocumentStatus(models.TextChoices):
    # Outgoing
    DRAFT = "du_thao", "Dự thảo"
    IN_REVIEW = "cho_duyet", "Chờ lãnh đạo đơn vị duyệt"
    REVIEWED = "da_duyet_noi_dung", "Chờ người ký duyệt"
    APPROVED = "da_duyet", "Đã duyệt, chờ phát hành"
    RELEASED = "da_phat_hanh", "Đã phát hành"
    RECALLED = "da_thu_hoi", "Đã thu hồi"
    # Incoming
    ARRIVED = "da_den", "Đã đến, chờ vào sổ"
    REGISTERED = "da_vao_so", "Đã vào sổ"
    ROUTED = "da_phan_cong", "Đã phân công xử lý"
    IN_PROGRESS = "dang_xu_ly", "Đang xử lý"
    DONE = "hoan_thanh", "Hoàn thành"
    RETURNED = "da_tra_lai", "Đã trả lại nơi gửi"
    CANCELLED = "da_huy", "Đã hủy (bị thu hồi)"


OUTGOING_STATUSES = (
    DocumentStatus.DRAFT,
    DocumentStatus.IN_REVIEW,
    DocumentStatus.REVIEWED,
    DocumentStatus.APPROVED,
    DocumentStatus.RELEASED,
    DocumentStatus.RECALLED,
)
INCOMING_STATUSES = (
    DocumentStatus.ARRIVED,
    DocumentStatus.REGISTERED,
    DocumentStatus.ROUTED,
    DocumentStatus.IN_PROGRESS,
    DocumentStatus.DONE,
    DocumentStatus.RETURNED,
    DocumentStatus.CANCELLED,
)
# Incoming states that exist only once the clerk has given the document its arrival number.
NUMBERED_INCOMING_STATUSES = (
    DocumentStatus.REGISTERED,
    DocumentStatus.ROUTED,
    DocumentStatus.IN_PROGRESS,
    DocumentStatus.DONE,
)
ISSUED_STATUSES = (DocumentStatus.RELEASED, DocumentStatus.RECALLED)


class RegisterSeries(models.TextChoices):
    OUTGOING = "di", "Sổ văn bản đi"
    INCOMING = "den", "Sổ văn bản đến"
    OUTGOING_SECRET = "di_mat", "Sổ văn bản đi mật"
    INCOMING_SECRET = "den_mat", "Sổ văn bản đến mật"


class RegisterCounter(models.Model):
    """Last number used in one series of one agency in one year; locked while numbering."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=10, choices=RegisterSeries.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "bộ đếm số văn bản"
        verbose_name_plural = "bộ đếm số văn bản"
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "series"], name="register_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{RegisterSeries(self.series).label} {self.year}: {self.last_number}"


class DocumentQuerySet(models.QuerySet["Document"]):
    def urgent_first(self) -> DocumentQuerySet:
        return self.order_by("-urgency", "-registered_at", "-id")


class Document(models.Model):
    owner = models.ForeignKey(
        Agency, verbose_name="cơ quan quản lý", on_delete=models.PROTECT, related_name="documents"
    )
    direction = models.CharField("chiều", max_length=10, choices=Direction.choices)
    doc_type = models.CharField("tên loại", max_length=40, choices=DOCUMENT_TYPE_CHOICES)
    series = models.CharField("sổ", max_length=10, choices=RegisterSeries.choices, blank=True)
    # Outgoing: the number assigned at release; incoming: the number printed on the document.
    number = models.CharField("số", max_length=11, blank=True)
    notation = models.CharField("ký hiệu", max_length=30, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    place = models.CharField("địa danh", max_length=100, blank=True)
    issuing_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan ban hành (trên nền tảng)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    issuing_agency_name = models.CharField("cơ quan ban hành", max_length=200)
    subject = models.CharField("trích yếu", max_length=500)
    body = models.TextField("nội dung", blank=True)
    urgency = models.PositiveSmallIntegerField("độ khẩn", choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.PositiveSmallIntegerField("độ mật", choices=Secrecy.choices, default=Secrecy.NONE)
    status = models.CharField("trạng thái", max_length=20, choices=DocumentStatus.choices)
    # Why the document was last sent back, returned to its sender or recalled.
    status_reason = models.TextField("lý do", blank=True)
    signer_authority = models.CharField(
        "thẩm quyền ký", max_length=5, choices=SignerAuthority.choices, blank=True
    )
    signer_title = models.CharField("chức vụ người ký", max_length=100, blank=True)
    signer_name = models.CharField("người ký", max_length=50, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ký (tài khoản)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafting_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị soạn thảo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người soạn thảo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Recipients of an outgoing document: agencies on the platform (they receive it at once)
    # and, one per line, recipients outside it (paper or the later edXML exchange).
    recipient_agencies = models.ManyToManyField(
        Agency, verbose_name="nơi nhận trên nền tảng", blank=True, related_name="+"
    )
    recipients_text = models.TextField(
        "nơi nhận ngoài nền tảng", blank=True, help_text="Mỗi dòng một nơi nhận."
    )
    archive_line = models.CharField("dòng lưu", max_length=100, blank=True, help_text="Ví dụ: VT, VP")
    copies = models.PositiveSmallIntegerField("số lượng bản", default=1)
    page_count = models.PositiveSmallIntegerField("số trang", default=0)
    due_date = models.DateField("hạn trả lời/giải quyết", null=True, blank=True)
    # Incoming registration (Decree 30 art. 22): one series per agency per year.
    arrival_number = models.PositiveIntegerField("số đến", null=True, blank=True)
    arrival_date = models.DateTimeField("ngày đến", null=True, blank=True)
    registered_at = models.DateTimeField("thời điểm vào sổ", null=True, blank=True)
    # The register year of the number (outgoing) or arrival number (incoming).
    registered_year = models.PositiveSmallIntegerField("năm đăng ký", null=True, blank=True)
    released_at = models.DateTimeField("thời điểm phát hành", null=True, blank=True)
    is_electronic = models.BooleanField("văn bản điện tử", default=True)
    is_digitally_signed = models.BooleanField("đã ký số", default=False)
    source = models.ForeignKey(
        "self",
        verbose_name="văn bản đi gốc",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_copies",
        help_text="Văn bản đi trên nền tảng mà văn bản đến này nhận từ.",
    )
    # Accent-folded text of the metadata and file contents, for accent-insensitive search.
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        indexes = [
            models.Index(fields=["owner", "direction", "-registered_at"], name="doc_owner_dir_reg"),
            # An agency's lists in `urgent_first()` order: read in index order, stop at the page.
            models.Index(
                fields=["owner", "direction", "-urgency", "-registered_at", "-id"],
                name="doc_owner_dir_urgent",
            ),
            models.Index(fields=["owner", "direction", "issued_on"], name="doc_owner_dir_issued"),
            models.Index(fields=["number", "notation"], name="doc_number_notation"),
            # The reporting windows (cqs/documents/stats.py): every agency's documents issued or
            # registered in a quarter, counted from the index alone on PostgreSQL.
            models.Index(
                fields=["released_at"],
                include=["owner", "status", "secrecy", "is_electronic", "is_digitally_signed", "id"],
                condition=Q(direction="di"),
                name="doc_out_released_cover",
            ),
            models.Index(
                fields=["registered_at"],
                include=["owner", "secrecy", "source", "is_electronic", "id"],
                condition=Q(direction="den"),
                name="doc_in_registered_cover",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "series", "arrival_number", "registered_year"],
                condition=Q(arrival_number__isnull=False),
                name="doc_arrival_number_unique",
            ),
            models.UniqueConstraint(
                fields=["owner", "series", "number", "registered_year"],
                condition=Q(direction="di") & ~Q(number=""),
                name="doc_outgoing_number_unique",
            ),
            # Secret documents never travel electronically (QĐ 28/2018 art. 1; Decree 30 art. 15.2):
            # an incoming copy received over the platform can never be secret.
            models.CheckConstraint(
                condition=~(Q(secrecy__gt=0) & Q(source__isnull=False)), name="doc_secret_never_electronic"
            ),
            # The workflow tables (cqs/documents/workflow.py) keep each direction in its own states.
            models.CheckConstraint(
                condition=(Q(direction=Direction.INCOMING) & Q(status__in=INCOMING_STATUSES))
                | (~Q(direction=Direction.INCOMING) & Q(status__in=OUTGOING_STATUSES)),
                name="doc_status_matches_direction",
            ),
            models.CheckConstraint(
                condition=~(Q(direction=Direction.OUTGOING) & Q(status__in=ISSUED_STATUSES) & Q(number="")),
                name="doc_issued_has_number",
            ),
            models.CheckConstraint(
                condition=~(Q(status__in=NUMBERED_INCOMING_STATUSES) & Q(arrival_number__isnull=True)),
                name="doc_registered_has_arrival_number",
            ),
        ]

    def __str__(self) -> str:
        ref = f"{self.number}/{self.notation}" if self.number else self.notation or "(chưa có số)"
        return f"{self.doc_type} {ref}: {self.subject[:80]}"

    @property
    def reference(self) -> str:
        """'05/BC-BDT' as printed after 'Số:'."""
        if not self.number:
            return self.notation
        return f"{self.number}/{self.notation}"

    @property
    def is_secret(self) -> bool:
        return self.secrecy > Secrecy.NONE


def document_file_path(instance: DocumentFile, filename: str) -> str:
    return f"documents/{instance.document.owner_id}/{instance.document_id}/{instance.sha256[:16]}-{filename}"


class DocumentFile(models.Model):
    """A file of a document. Stored bytes are never altered: a change is a new row."""

    class Kind(models.TextChoices):
        MAIN = "chinh", "Tệp văn bản"
        ATTACHMENT = "dinh_kem", "Tệp đính kèm"
        DRAFT = "du_thao", "Tệp dự thảo"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField("loại tệp", max_length=10, choices=Kind.choices, default=Kind.MAIN)
    file = models.FileField("tệp", upload_to=document_file_path, max_length=300)
    original_name = models.CharField("tên tệp gốc", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    text = models.TextField("nội dung văn bản (trích xuất/OCR)", blank=True)
    ocr_done = models.BooleanField("đã nhận dạng OCR", default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp văn bản"
        verbose_name_plural = "tệp văn bản"

    def __str__(self) -> str:
        return self.original_name


class AssignmentRole(models.TextChoices):
    LEAD = "chu_tri", "Chủ trì"
    SUPPORT = "phoi_hop", "Phối hợp"
    INFORMATION = "de_biet", "Để biết"


class AssignmentStatus(models.TextChoices):
    PENDING = "cho_xu_ly", "Chờ xử lý"
    IN_PROGRESS = "dang_xu_ly", "Đang xử lý"
    FORWARDED = "da_chuyen", "Đã chuyển cán bộ xử lý"
    DONE = "hoan_thanh", "Hoàn thành"


class Assignment(models.Model):
    """One routing of an incoming document: lead / support / for information, to a unit or person."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assignments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        help_text="Phân công của lãnh đạo đơn vị chuyển tiếp từ phân công này.",
    )
    role = models.CharField("vai trò", max_length=10, choices=AssignmentRole.choices)
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.PROTECT)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document_assignments",
    )
    direction = models.TextField("ý kiến chỉ đạo", blank=True)
    deadline = models.DateField("thời hạn giải quyết", null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    progress_note = models.TextField("tiến độ", blank=True)
    reply_document = models.ForeignKey(
        Document,
        verbose_name="văn bản trả lời",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField("số lần đôn đốc", default=0)
    last_chased_on = models.DateField("ngày đôn đốc gần nhất", null=True, blank=True)

    class Meta:
        verbose_name = "phân công xử lý"
        verbose_name_plural = "phân công xử lý"
        indexes = [
            models.Index(fields=["status", "deadline"], name="assignment_open_deadline"),
            # Work files given in a reporting window (cqs/documents/stats.py).
            models.Index(fields=["role", "assigned_at"], name="assignment_role_assigned"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(assignee__isnull=False), name="assignment_has_target"
            ),
            models.CheckConstraint(
                condition=(Q(status=AssignmentStatus.DONE) & Q(completed_at__isnull=False))
                | (~Q(status=AssignmentStatus.DONE) & Q(completed_at__isnull=True)),
                name="assignment_done_has_time",
            ),
        ]

    def __str__(self) -> str:
        target = self.assignee or self.unit
        return f"{self.get_role_display()}: {target}"


class DeliveryStatus(models.TextChoices):
    SENT = "da_gui", "Đã gửi"
    ARRIVED = "da_den", "Đã đến"
    REGISTERED = "da_vao_so", "Đã vào sổ"
    ASSIGNED = "da_phan_cong", "Đã phân công"
    IN_PROGRESS = "dang_xu_ly", "Đang xử lý"
    DONE = "hoan_thanh", "Hoàn thành"
    RETURNED = "tra_lai", "Bị trả lại"
    RECALLED = "thu_hoi", "Đã thu hồi"
    EXTERNAL_PENDING = "cho_lien_thong", "Chờ gửi liên thông (ngoài nền tảng)"
    # Secret documents never travel electronically: every recipient gets paper.
    PAPER = "gui_giay", "Gửi bản giấy"


class Delivery(models.Model):
    """One recipient of a released outgoing document, with the recipient's status."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        Agency, verbose_name="cơ quan nhận", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_name = models.CharField("nơi nhận", max_length=200)
    received_document = models.OneToOneField(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="delivery"
    )
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.SENT)
    status_reason = models.TextField("lý do", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "nơi nhận văn bản"
        verbose_name_plural = "nơi nhận văn bản"
        constraints = [
            models.UniqueConstraint(
                fields=["document", "recipient"],
                condition=Q(recipient__isnull=False),
                name="delivery_one_per_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name}: {self.get_status_display()}"


class Comment(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("ý kiến")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ý kiến"
        verbose_name_plural = "ý kiến"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:80]


class DocumentEvent(models.Model):
    """The document's timeline as users see it (the audit log keeps the tamper-evident copy)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=60)
    description = models.CharField(max_length=500)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện văn bản"
        verbose_name_plural = "sự kiện văn bản"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.description[:80]


class Citation(models.Model):
    """A reference found in a document's subject/text, linked to the registered document it names."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="citations")
    text = models.CharField(max_length=300)
    number = models.CharField(max_length=11)
    notation = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField(null=True)
    target = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="cited_by"
    )

    class Meta:
        verbose_name = "trích dẫn"
        verbose_name_plural = "trích dẫn"

    def __str__(self) -> str:
        return self.text
