"""The agency tree, units, staff positions and roles.

Agencies carry validity dates and succession links so that the July 2025 removal of
districts and commune mergers keep their history (regulations.md §0.1)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr

AGENCY_CODE_VALIDATOR = RegexValidator(
    r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$",
    "Mã định danh phải có 13 ký tự dạng 000.00.00.H53 (QĐ 20/2020/QĐ-TTg).",
)
# Notations are upper-case except for a few established forms such as TTr (Thanh tra)
# and TTg (Thủ tướng), so lower-case ASCII letters are allowed after the first letter.
NOTATION_VALIDATOR = RegexValidator(
    r"^[A-ZĐ][A-ZĐa-z0-9&]*$",
    "Ký hiệu viết tắt bắt đầu bằng chữ in hoa, chỉ gồm chữ cái không dấu (trừ Đ) và chữ số, "
    "ví dụ BDT, SNV, TTr.",
)


def format_date(value: date) -> str:
    """dd/mm/yyyy, the form used in messages and tables."""
    return value.strftime("%d/%m/%Y")


class AgencyKind(models.TextChoices):
    PROVINCIAL_COMMITTEE = "ubnd_tinh", "UBND tỉnh"
    DEPARTMENT = "so", "Sở"
    BOARD = "ban", "Ban"
    OFFICE = "van_phong", "Văn phòng"
    INSPECTORATE = "thanh_tra", "Thanh tra"
    SERVICE_CENTRE = "trung_tam", "Trung tâm"
    PUBLIC_SERVICE_UNIT = "su_nghiep", "Đơn vị sự nghiệp"
    DISTRICT_COMMITTEE = "ubnd_huyen", "UBND huyện"
    COMMUNE_COMMITTEE = "ubnd_xa", "UBND xã/phường"


class AgencyLevel(models.TextChoices):
    PROVINCE = "tinh", "Cấp tỉnh"
    DEPARTMENT = "so_ban_nganh", "Sở, ban, ngành"
    DISTRICT = "huyen", "Cấp huyện"
    COMMUNE = "xa", "Cấp xã"


class AgencyQuerySet(models.QuerySet["Agency"]):
    def valid_on(self, on: date) -> AgencyQuerySet:
        return self.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def descendants_of(self, agency: Agency, *, include_self: bool = False) -> AgencyQuerySet:
        qs = self.filter(tree_path__startswith=agency.tree_path)
        return qs if include_self else qs.exclude(pk=agency.pk)


class Agency(models.Model):
    code = models.CharField(
        "mã định danh",
        max_length=13,
        unique=True,
        validators=[AGENCY_CODE_VALIDATOR],
        error_messages={"unique": "Mã định danh này đã được dùng cho một cơ quan khác."},
    )
    name = models.CharField("tên cơ quan", max_length=200)
    short_name = models.CharField("tên viết gọn", max_length=100, blank=True)
    notation = models.CharField(
        "ký hiệu viết tắt",
        max_length=20,
        validators=[NOTATION_VALIDATOR],
        help_text="Dùng trong ký hiệu văn bản, ví dụ BC-BDT, UBND-VP.",
    )
    kind = models.CharField("loại cơ quan", max_length=20, choices=AgencyKind.choices)
    level = models.CharField("cấp", max_length=20, choices=AgencyLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="cơ quan cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    place_name = models.CharField(
        "địa danh", max_length=100, help_text="Địa danh ghi ở dòng ngày tháng của văn bản."
    )
    valid_from = models.DateField("hiệu lực từ ngày", default=date(2000, 1, 1))
    valid_to = models.DateField("hiệu lực đến ngày", null=True, blank=True)
    address = models.CharField("địa chỉ", max_length=250, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    # Materialised path of primary keys ("/1/5/23/"): descendants are a prefix match.
    tree_path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = "cơ quan"
        verbose_name_plural = "cơ quan"
        ordering = ["tree_path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
                violation_error_message="Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        old_path = self.tree_path
        super().save(*args, **kwargs)
        new_path = f"{self.parent.tree_path if self.parent else '/'}{self.pk}/"
        if new_path != old_path:
            type(self).objects.filter(pk=self.pk).update(tree_path=new_path)
            self.tree_path = new_path
            if old_path:
                self._move_descendants(old_path, new_path)

    def _move_descendants(self, old_path: str, new_path: str) -> None:
        # One UPDATE rewrites the prefix of every descendant's path (Substr is 1-based).
        type(self).objects.filter(tree_path__startswith=old_path).exclude(pk=self.pk).update(
            tree_path=Concat(Value(new_path), Substr("tree_path", len(old_path) + 1))
        )

    def is_valid_on(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)

    @property
    def parent_name_for_header(self) -> str:
        """The parent agency line of the Decree-30 header (box 2), empty for the top."""
        return self.parent.name.upper() if self.parent else ""

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if self.parent_id is not None:
            errors.update(self._parent_errors())
        if self.pk is not None and self.valid_to is not None:
            open_children = self.children.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=self.valid_to))
            if open_children.exists():
                errors.setdefault("valid_to", []).append(
                    f"Còn {open_children.count()} cơ quan trực thuộc có hiệu lực sau ngày "
                    f"{format_date(self.valid_to)}; cần kết thúc hoặc chuyển các cơ quan đó trước."
                )
        if errors:
            raise ValidationError(errors)

    def _parent_errors(self) -> dict[str, list[str]]:
        parent = self.parent
        assert parent is not None
        if self.pk is not None and (
            parent.pk == self.pk or (self.tree_path and parent.tree_path.startswith(self.tree_path))
        ):
            return {
                "parent": ["Không thể chọn chính cơ quan này hoặc một cơ quan trực thuộc nó làm cấp trên."]
            }
        problems: list[str] = []
        if self.valid_from < parent.valid_from:
            problems.append(
                f"Cơ quan cấp trên chỉ có hiệu lực từ ngày {format_date(parent.valid_from)}, "
                f"sau ngày bắt đầu hiệu lực {format_date(self.valid_from)} của cơ quan này."
            )
        if parent.valid_to is not None and (self.valid_to is None or self.valid_to > parent.valid_to):
            problems.append(
                f"Cơ quan cấp trên chỉ có hiệu lực đến ngày {format_date(parent.valid_to)}; "
                "cơ quan trực thuộc không thể có hiệu lực lâu hơn."
            )
        return {"parent": problems} if problems else {}


class SuccessionKind(models.TextChoices):
    MERGER = "sap_nhap", "Sáp nhập"
    SPLIT = "chia_tach", "Chia tách"
    RENAME = "doi_ten", "Đổi tên"
    REORGANISATION = "to_chuc_lai", "Tổ chức lại"
    TRANSFER = "chuyen_giao", "Chuyển giao nhiệm vụ"


class AgencySuccession(models.Model):
    """`predecessor`'s history rolls into `successor` from `effective_date`."""

    predecessor = models.ForeignKey(
        Agency, verbose_name="cơ quan trước", on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        Agency, verbose_name="cơ quan kế thừa", on_delete=models.PROTECT, related_name="predecessions"
    )
    effective_date = models.DateField("ngày hiệu lực")
    kind = models.CharField("hình thức", max_length=20, choices=SuccessionKind.choices)
    basis = models.CharField("căn cứ", max_length=250, blank=True, help_text="Văn bản quyết định.")

    class Meta:
        verbose_name = "kế thừa cơ quan"
        verbose_name_plural = "kế thừa cơ quan"
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="succession_unique",
                violation_error_message="Quan hệ kế thừa giữa hai cơ quan này đã được ghi nhận.",
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="succession_not_self",
                violation_error_message="Cơ quan không thể kế thừa chính nó.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"

    def clean(self) -> None:
        super().clean()
        if self.successor_id is None or self.effective_date is None:
            return
        if not self.successor.is_valid_on(self.effective_date):
            raise ValidationError(
                {
                    "effective_date": f"Cơ quan kế thừa chưa (hoặc không còn) hiệu lực vào ngày "
                    f"{format_date(self.effective_date)}."
                }
            )


class Unit(models.Model):
    """A phòng/ban inside an agency."""

    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="units")
    name = models.CharField("tên đơn vị", max_length=200)
    notation = models.CharField(
        "ký hiệu viết tắt",
        max_length=20,
        validators=[NOTATION_VALIDATOR],
        help_text="Dùng trong ký hiệu công văn (UBND-VP) và dòng Lưu (Lưu: VT, VP).",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["agency_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "notation"],
                name="unit_notation_unique_in_agency",
                violation_error_message="Ký hiệu đơn vị này đã được dùng trong cơ quan.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.agency.short_name or self.agency.name}"

    def clean(self) -> None:
        super().clean()
        if self.parent_id is None or self.agency_id is None:
            return
        if self.parent_id == self.pk:
            raise ValidationError({"parent": "Đơn vị không thể trực thuộc chính nó."})
        if self.parent is not None and self.parent.agency_id != self.agency_id:
            raise ValidationError({"parent": "Đơn vị cấp trên phải thuộc cùng cơ quan."})


class Role(models.TextChoices):
    LEADER = "leader", "Lãnh đạo"
    CLERK = "clerk", "Văn thư"
    OFFICER = "officer", "Chuyên viên"
    ONE_STOP_OFFICER = "one_stop", "Cán bộ một cửa"
    REPORTING_OFFICER = "reporting", "Cán bộ báo cáo"
    ADMINISTRATOR = "admin", "Quản trị"


class PositionQuerySet(models.QuerySet["Position"]):
    def current(self, on: date | None = None) -> PositionQuerySet:
        on = on or date.today()
        return self.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def with_role(self, role: str) -> PositionQuerySet:
        return self.filter(roles__role=role)


class Position(models.Model):
    """Staff × agency/unit × title × roles."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="cán bộ", on_delete=models.PROTECT, related_name="positions"
    )
    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="positions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField("chức danh", max_length=100)
    valid_from = models.DateField("từ ngày", default=date(2000, 1, 1))
    valid_to = models.DateField("đến ngày", null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = "chức vụ"
        verbose_name_plural = "chức vụ"
        ordering = ["agency_id", "user_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="position_valid_range",
                violation_error_message="Ngày kết thúc chức vụ phải từ ngày bắt đầu trở về sau.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.title}, {self.agency}"

    def clean(self) -> None:
        super().clean()
        if self.unit is not None and self.agency_id is not None and self.unit.agency_id != self.agency_id:
            raise ValidationError({"unit": "Đơn vị phải thuộc cơ quan của chức vụ."})

    def is_current(self, on: date | None = None) -> bool:
        on = on or date.today()
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)

    @property
    def role_codes(self) -> list[str]:
        return [r.role for r in self.roles.all()]

    @property
    def role_labels(self) -> list[str]:
        return [Role(r.role).label for r in self.roles.all()]


class PositionRole(models.Model):
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"
        constraints = [
            models.UniqueConstraint(
                fields=["position", "role"],
                name="position_role_unique",
                violation_error_message="Chức vụ đã có vai trò này.",
            )
        ]

    def __str__(self) -> str:
        return Role(self.role).label
