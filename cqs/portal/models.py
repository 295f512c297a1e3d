"""Models of the citizen portal (Cổng dịch vụ công).

* `CitizenProfile`: the citizen side of a `User` (staff have a `Position` instead; the two
  never cross). Email or phone is the login.
* `DraftApplication` + `DraftFile`: an application being filled in (or a supplement being
  prepared) with the files uploaded so far, kept across errors and visits until it is sent.
* `PaymentAttempt`: one checkout with a payment provider, expiring after 90 minutes; a
  verified success is recorded on the dossier through onestop's `record_payment`.
* `NotificationLog`: every email and SMS sent to a citizen about a dossier.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

PAYMENT_LIFETIME = timedelta(minutes=90)


class CitizenProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.CASCADE,
        related_name="citizen_profile",
    )
    full_name = models.CharField("họ và tên", max_length=100)
    id_number = models.CharField("số định danh cá nhân (CCCD)", max_length=12, blank=True)
    phone = models.CharField("số điện thoại di động", max_length=10, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    notify_email = models.BooleanField("nhận thông báo qua thư điện tử", default=True)
    notify_sms = models.BooleanField("nhận thông báo qua tin nhắn SMS", default=True)
    created_at = models.DateTimeField("ngày đăng ký", auto_now_add=True)

    class Meta:
        verbose_name = "tài khoản công dân"
        verbose_name_plural = "tài khoản công dân"
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="citizen_email_unique"),
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="citizen_phone_unique"),
            models.CheckConstraint(condition=~Q(email="", phone=""), name="citizen_has_login"),
        ]

    def __str__(self) -> str:
        return self.full_name


class DraftPurpose(models.TextChoices):
    SUBMISSION = "nop_moi", "Nộp hồ sơ mới"
    SUPPLEMENT = "bo_sung", "Bổ sung hồ sơ"


class DraftApplication(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nộp",
        on_delete=models.CASCADE,
        related_name="portal_drafts",
    )
    purpose = models.CharField(
        "mục đích", max_length=10, choices=DraftPurpose.choices, default=DraftPurpose.SUBMISSION
    )
    version = models.ForeignKey(
        "onestop.ProcedureVersion",
        verbose_name="thủ tục (phiên bản)",
        on_delete=models.CASCADE,
        related_name="+",
    )
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name="cơ quan giải quyết",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    dossier = models.ForeignKey(
        "onestop.Dossier",
        verbose_name="hồ sơ",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="portal_drafts",
        help_text="Hồ sơ đã tạo khi nộp, hoặc hồ sơ đang được bổ sung.",
    )
    applicant_name = models.CharField("họ và tên người nộp", max_length=100, blank=True)
    applicant_id_number = models.CharField("số định danh cá nhân (CCCD)", max_length=12, blank=True)
    applicant_phone = models.CharField("số điện thoại", max_length=10, blank=True)
    applicant_email = models.EmailField("thư điện tử", blank=True)
    applicant_address = models.CharField("địa chỉ", max_length=300, blank=True)
    note = models.TextField("ghi chú", blank=True)
    details_done = models.BooleanField("đã điền thông tin người nộp", default=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)
    sending_since = models.DateTimeField("đang gửi từ", null=True, blank=True)
    sent_at = models.DateTimeField("đã gửi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "hồ sơ đang soạn"
        verbose_name_plural = "hồ sơ đang soạn"
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "sent_at"], name="portal_draft_owner")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.pk}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


def draft_file_path(instance: DraftFile, filename: str) -> str:
    return f"portal/nhap/{instance.draft.owner_id}/{instance.draft_id}/{filename}"


class DraftFile(models.Model):
    draft = models.ForeignKey(
        DraftApplication, verbose_name="hồ sơ đang soạn", on_delete=models.CASCADE, related_name="files"
    )
    component = models.ForeignKey(
        "onestop.ProcedureComponent",
        verbose_name="thành phần hồ sơ",
        on_delete=models.CASCADE,
        related_name="+",
    )
    file = models.FileField("tệp", upload_to=draft_file_path, max_length=300)
    name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveBigIntegerField("kích thước (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField("kiểu tệp", max_length=100)
    uploaded_at = models.DateTimeField("tải lên lúc", auto_now_add=True)

    class Meta:
        verbose_name = "tệp của hồ sơ đang soạn"
        verbose_name_plural = "tệp của hồ sơ đang soạn"
        constraints = [models.UniqueConstraint(fields=["draft", "component"], name="portal_draft_file_once")]

    def __str__(self) -> str:
        return self.name


class PaymentStatus(models.TextChoices):
    PENDING = "cho_thanh_toan", "Chờ thanh toán"
    PAID = "da_thanh_toan", "Đã thanh toán"
    FAILED = "that_bai", "Không thành công"
    CANCELLED = "da_huy", "Đã hủy"
    EXPIRED = "het_han", "Hết hạn"


class PaymentAttempt(models.Model):
    dossier = models.ForeignKey(
        "onestop.Dossier", verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="payment_attempts"
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người thanh toán", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.CharField("đơn vị thanh toán", max_length=30)
    reference = models.CharField("mã giao dịch", max_length=40, unique=True)
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    status = models.CharField(
        "trạng thái", max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    created_at = models.DateTimeField("tạo lúc")
    expires_at = models.DateTimeField("hết hạn lúc")
    completed_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    provider_reference = models.CharField("mã giao dịch của ngân hàng", max_length=60, blank=True)
    failure_reason = models.CharField("lý do không thành công", max_length=300, blank=True)
    payload: models.JSONField[Any] = models.JSONField("dữ liệu trả về", default=dict, blank=True)

    class Meta:
        verbose_name = "lượt thanh toán trực tuyến"
        verbose_name_plural = "lượt thanh toán trực tuyến"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="payment_attempt_expiry_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "Thư điện tử"
    SMS = "sms", "Tin nhắn SMS"


class NotificationLog(models.Model):
    dossier = models.ForeignKey(
        "onestop.Dossier", verbose_name="hồ sơ", on_delete=models.CASCADE, related_name="portal_notifications"
    )
    event_id = models.BigIntegerField("sự kiện", null=True, blank=True)
    channel = models.CharField("kênh", max_length=10, choices=NotificationChannel.choices)
    recipient = models.CharField("gửi tới", max_length=254)
    subject = models.CharField("tiêu đề", max_length=200, blank=True)
    body = models.TextField("nội dung")
    sent_at = models.DateTimeField("gửi lúc", auto_now_add=True)
    ok = models.BooleanField("gửi được", default=True)
    error = models.CharField("lỗi", max_length=300, blank=True)

    class Meta:
        verbose_name = "thông báo đã gửi công dân"
        verbose_name_plural = "thông báo đã gửi công dân"
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "channel"],
                condition=Q(event_id__isnull=False),
                name="portal_notice_once_per_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}"
