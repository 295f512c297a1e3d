"""Certificates and their encrypted keys, signature and seal images, the trust store, and a
record of every signed revision.

Write through `cqs.signing.services`; the admin edits only the trust store and switches
certificates and images off."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import Any

from cryptography import x509
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cqs.core.errors import ApplicationError
from cqs.org.models import Agency
from cqs.signing.crypto import (
    certificate_facts,
    certificate_pem,
    load_certificate_pem,
    load_certificates_pem,
)


class CertificateKind(models.TextChoices):
    PERSONAL = "ca_nhan", "Cá nhân (người có thẩm quyền ký)"
    AGENCY = "co_quan", "Cơ quan, tổ chức"
    AUTHORITY = "ca", "CA thử nghiệm (cấp chứng thư)"


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def usable(self, at: datetime | None = None) -> CertificateQuerySet:
        """Active certificates valid at `at` (now by default)."""
        moment = at or timezone.now()
        return self.filter(is_active=True, not_before__lte=moment, not_after__gte=moment)

    def of_user(self, user: Any) -> CertificateQuerySet:
        return self.filter(kind=CertificateKind.PERSONAL, owner_user=user)

    def of_agency(self, agency: Agency) -> CertificateQuerySet:
        return self.filter(kind=CertificateKind.AGENCY, owner_agency=agency)


class Certificate(models.Model):
    """An X.509 signing certificate and where its private key is.

    With the ``local`` backend the key is stored here, encrypted (see `cqs.signing.crypto`);
    with a token, HSM or remote-signing backend `key_reference` names the key there.
    """

    kind = models.CharField("loại", max_length=10, choices=CertificateKind.choices)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người sở hữu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_certificates",
    )
    owner_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan sở hữu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_certificates",
    )
    subject = models.CharField("chủ thể", max_length=500)
    common_name = models.CharField("tên chủ thể (CN)", max_length=200)
    organization = models.CharField("tổ chức (O)", max_length=200, blank=True)
    issuer = models.CharField("tổ chức cấp", max_length=500)
    serial_number = models.CharField("số hiệu", max_length=64)
    not_before = models.DateTimeField("hiệu lực từ")
    not_after = models.DateTimeField("hiệu lực đến")
    fingerprint_sha256 = models.CharField("dấu vân tay SHA-256", max_length=64, unique=True)
    key_description = models.CharField("loại khóa", max_length=40)
    certificate_pem = models.TextField("chứng thư (PEM)")
    chain_pem = models.TextField("chuỗi CA trung gian (PEM)", blank=True)
    backend = models.CharField(
        "nơi giữ khóa",
        max_length=40,
        default="local",
        help_text="local: khóa mã hóa lưu trên máy chủ; tên khác: USB token, HSM, ký số từ xa.",
    )
    key_reference = models.CharField(
        "định danh khóa ngoài",
        max_length=200,
        blank=True,
        help_text="Khe/nhãn token, mã khóa HSM, mã tài khoản ký từ xa.",
    )
    encrypted_private_key = models.BinaryField("khóa bí mật (đã mã hóa)", null=True, editable=False)
    is_active = models.BooleanField("đang dùng", default=True)
    created_at = models.DateTimeField("thời điểm nhập", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = "chứng thư số"
        verbose_name_plural = "chứng thư số"
        ordering = ["kind", "common_name", "-not_after"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=CertificateKind.PERSONAL, owner_user__isnull=False, owner_agency__isnull=True)
                    | Q(kind=CertificateKind.AGENCY, owner_agency__isnull=False, owner_user__isnull=True)
                    | Q(kind=CertificateKind.AUTHORITY, owner_agency__isnull=True, owner_user__isnull=True)
                ),
                name="signing_certificate_owner_matches_kind",
                violation_error_message=(
                    "Chứng thư cá nhân thuộc một người, chứng thư cơ quan thuộc một cơ quan."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.common_name} — {self.get_kind_display()} (đến {self.not_after:%d/%m/%Y})"

    @cached_property
    def x509_cert(self) -> x509.Certificate:
        return load_certificate_pem(self.certificate_pem)

    @cached_property
    def chain(self) -> list[x509.Certificate]:
        return load_certificates_pem(self.chain_pem) if self.chain_pem.strip() else []

    @property
    def owner_label(self) -> str:
        if self.owner_user is not None:
            return str(self.owner_user)
        if self.owner_agency is not None:
            return self.owner_agency.name
        return "—"

    def is_valid_at(self, moment: datetime) -> bool:
        return self.not_before <= moment <= self.not_after


class ImageKind(models.TextChoices):
    SIGNATURE = "chu_ky", "Ảnh chữ ký (màu xanh)"
    SEAL = "con_dau", "Ảnh con dấu (màu đỏ)"


class SignatureImage(models.Model):
    """A person's handwritten signature or an agency's seal: PNG with a transparent background."""

    kind = models.CharField("loại ảnh", max_length=10, choices=ImageKind.choices)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người sở hữu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signature_images",
    )
    owner_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan sở hữu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seal_images",
    )
    png = models.BinaryField("ảnh PNG")
    width_px = models.PositiveIntegerField("rộng (px)")
    height_px = models.PositiveIntegerField("cao (px)")
    sha256 = models.CharField(max_length=64)
    is_active = models.BooleanField("đang dùng", default=True)
    created_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tải lên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "ảnh chữ ký, con dấu"
        verbose_name_plural = "ảnh chữ ký, con dấu"
        ordering = ["kind", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=ImageKind.SIGNATURE, owner_user__isnull=False, owner_agency__isnull=True)
                    | Q(kind=ImageKind.SEAL, owner_agency__isnull=False, owner_user__isnull=True)
                ),
                name="signing_image_owner_matches_kind",
                violation_error_message="Ảnh chữ ký thuộc một người, ảnh con dấu thuộc một cơ quan.",
            ),
            models.UniqueConstraint(
                fields=["owner_user"],
                condition=Q(is_active=True, kind=ImageKind.SIGNATURE),
                name="signing_one_active_signature_image",
            ),
            models.UniqueConstraint(
                fields=["owner_agency"],
                condition=Q(is_active=True, kind=ImageKind.SEAL),
                name="signing_one_active_seal_image",
            ),
        ]

    def __str__(self) -> str:
        owner = self.owner_user if self.owner_user_id else self.owner_agency
        return f"{self.get_kind_display()} — {owner}"


class TrustAnchorKind(models.TextChoices):
    ROOT = "goc", "CA gốc"
    INTERMEDIATE = "trung_gian", "CA trung gian"


class TrustAnchor(models.Model):
    """A CA certificate the administrator accepts: chains ending here are trusted."""

    name = models.CharField(
        "tên", max_length=200, blank=True, help_text="Để trống: lấy tên CA trong chứng thư."
    )
    kind = models.CharField("loại", max_length=12, choices=TrustAnchorKind.choices, editable=False)
    certificate_pem = models.TextField(
        "chứng thư CA (PEM)", help_text="Dán nội dung tệp .pem/.crt (-----BEGIN CERTIFICATE----- …)."
    )
    subject = models.CharField("chủ thể", max_length=500, editable=False)
    fingerprint_sha256 = models.CharField(
        "dấu vân tay SHA-256",
        max_length=64,
        unique=True,
        editable=False,
        error_messages={"unique": "Chứng thư CA này đã có trong danh sách tin cậy."},
    )
    not_before = models.DateTimeField("hiệu lực từ", editable=False)
    not_after = models.DateTimeField("hiệu lực đến", editable=False)
    is_active = models.BooleanField("đang tin cậy", default=True)
    note = models.CharField("ghi chú", max_length=250, blank=True)
    created_at = models.DateTimeField("thời điểm thêm", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thêm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "CA tin cậy"
        verbose_name_plural = "CA tin cậy"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        try:
            cert = load_certificate_pem(self.certificate_pem)
        except ApplicationError as error:
            raise ValidationError({"certificate_pem": error.message}) from error
        facts = certificate_facts(cert)
        if not facts.is_ca:
            raise ValidationError(
                {"certificate_pem": "Đây không phải chứng thư của CA (thiếu BasicConstraints CA=TRUE)."}
            )
        self.certificate_pem = certificate_pem(cert)
        self.subject = facts.subject[:500]
        self.fingerprint_sha256 = facts.fingerprint_sha256
        self.not_before = facts.not_before
        self.not_after = facts.not_after
        self.kind = TrustAnchorKind.ROOT if cert.issuer == cert.subject else TrustAnchorKind.INTERMEDIATE
        if not self.name:
            self.name = (facts.common_name or facts.subject)[:200]


class SignaturePurpose(models.TextChoices):
    LEADER = "lanh_dao", "Chữ ký người có thẩm quyền"
    AGENCY = "co_quan", "Chữ ký cơ quan khi phát hành"
    ATTACHMENT = "dinh_kem", "Chữ ký cơ quan trên tệp đính kèm"


class SignatureRecord(models.Model):
    """One signed revision: which key signed which bytes into which bytes, and when."""

    document_ref = models.CharField(
        "văn bản",
        max_length=100,
        blank=True,
        db_index=True,
        help_text="Định danh văn bản/tệp, ví dụ documents.document:12.",
    )
    purpose = models.CharField("loại chữ ký", max_length=10, choices=SignaturePurpose.choices)
    field_name = models.CharField("trường chữ ký", max_length=100)
    certificate = models.ForeignKey(
        Certificate, verbose_name="chứng thư", on_delete=models.PROTECT, related_name="signature_records"
    )
    certificate_fingerprint = models.CharField("dấu vân tay chứng thư", max_length=64)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người ký", on_delete=models.PROTECT, related_name="+"
    )
    signing_time = models.DateTimeField("thời điểm ký")
    pades_level = models.CharField("mức PAdES", max_length=10)
    sha256_before = models.CharField("SHA-256 trước khi ký", max_length=64)
    sha256_after = models.CharField("SHA-256 sau khi ký", max_length=64, db_index=True)
    size_before = models.PositiveBigIntegerField("kích thước trước (byte)")
    size_after = models.PositiveBigIntegerField("kích thước sau (byte)")
    created_at = models.DateTimeField("thời điểm ghi", auto_now_add=True)

    class Meta:
        verbose_name = "bản ghi ký số"
        verbose_name_plural = "bản ghi ký số"
        ordering = ["-signing_time", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.field_name} — {self.sha256_after[:12]}"


class OverallVerdict(models.TextChoices):
    """The verdict of a whole file: the worst of its signatures' verdicts."""

    VALID = "hop_le", "Hợp lệ"
    INDETERMINATE = "khong_xac_dinh", "Chưa xác định"
    INVALID = "khong_hop_le", "Không hợp lệ"
    UNSIGNED = "khong_co", "Không có chữ ký số"


class FileVerification(models.Model):
    """The signatures of one stored document file as checked at one moment.

    The file's bytes never change, so a verdict stays true of them; it is checked again when
    the document is registered (the trust store may have changed meanwhile) and the latest
    row is what the document page shows.
    """

    document_file = models.ForeignKey(
        "documents.DocumentFile",
        verbose_name="tệp văn bản",
        on_delete=models.CASCADE,
        related_name="verifications",
    )
    sha256 = models.CharField("SHA-256 của tệp", max_length=64)
    verdict = models.CharField("kết luận", max_length=16, choices=OverallVerdict.choices)
    signature_count = models.PositiveSmallIntegerField("số chữ ký")
    valid_count = models.PositiveSmallIntegerField("số chữ ký hợp lệ")
    signatures = models.JSONField("kết quả từng chữ ký", default=list)
    summary = models.CharField("tóm tắt", max_length=500)
    checked_at = models.DateTimeField("thời điểm kiểm tra")

    class Meta:
        verbose_name = "kết quả kiểm tra chữ ký số"
        verbose_name_plural = "kết quả kiểm tra chữ ký số"
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["document_file", "-checked_at"], name="signing_verif_file_time")]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} — {self.summary[:80]}"


class SignedFile(models.Model):
    """A document file that is a signed revision of another one (or of a rendering of the
    document): which signature made it. The source's bytes stay as they were."""

    document_file = models.OneToOneField(
        "documents.DocumentFile",
        verbose_name="tệp đã ký",
        on_delete=models.CASCADE,
        related_name="signed_revision",
    )
    source_file = models.ForeignKey(
        "documents.DocumentFile",
        verbose_name="tệp trước khi ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signed_revisions",
    )
    record = models.OneToOneField(
        SignatureRecord, verbose_name="bản ghi ký số", on_delete=models.PROTECT, related_name="signed_file"
    )
    purpose = models.CharField("loại chữ ký", max_length=10, choices=SignaturePurpose.choices)
    created_at = models.DateTimeField("thời điểm ký", auto_now_add=True)

    class Meta:
        verbose_name = "tệp ký số"
        verbose_name_plural = "tệp ký số"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.document_file_id}"


class BulkJobStatus(models.TextChoices):
    RUNNING = "dang_ky", "Đang ký"
    DONE = "xong", "Đã xong"


class BulkSigningJob(models.Model):
    """A bulk signing started on the screen: the documents, and each one's outcome.

    The work is done step by step by the requests that poll its progress (no worker is needed
    in the embedded default); each document is signed in its own transaction.
    """

    class Mode(models.TextChoices):
        LEADER = "lanh_dao", "Lãnh đạo ký số"
        RELEASE = "phat_hanh", "Văn thư phát hành, ký số cơ quan"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người ký", on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField("loại", max_length=10, choices=Mode.choices)
    status = models.CharField(
        "trạng thái", max_length=10, choices=BulkJobStatus.choices, default=BulkJobStatus.RUNNING
    )
    # [{"document": id, "label": "…", "state": "cho|ok|loi", "message": "…"}, …] in signing order.
    items = models.JSONField("văn bản", default=list)
    created_at = models.DateTimeField("thời điểm bắt đầu", auto_now_add=True)
    finished_at = models.DateTimeField("thời điểm xong", null=True, blank=True)

    class Meta:
        verbose_name = "lượt ký số hàng loạt"
        verbose_name_plural = "lượt ký số hàng loạt"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} — {len(self.items)} văn bản"

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.get("state") != "cho")

    @property
    def succeeded(self) -> int:
        return sum(1 for item in self.items if item.get("state") == "ok")

    @property
    def failed(self) -> int:
        return sum(1 for item in self.items if item.get("state") == "loi")

    @property
    def percent(self) -> int:
        return 100 if not self.items else round(100 * self.done / self.total)
