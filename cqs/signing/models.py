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
