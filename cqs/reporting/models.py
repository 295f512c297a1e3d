"""Reporting information system (hệ thống thông tin báo cáo).

Indicators (chỉ tiêu) computed from live records or entered by hand, targets from plan
documents, report regimes (chế độ báo cáo, Decree 09/2019) with an outline edited by the
requesting agency, campaigns that send a regime for one period to the reporting agencies,
each agency's report (values frozen at submission) and the parent's consolidation.

Ratios aggregate by summing numerators and denominators, never by averaging percentages:
every value row keeps its numerator and denominator.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from cqs.org.models import Agency, AgencyLevel


class IndicatorKind(models.TextChoices):
    COUNT = "so_luong", "Số lượng"
    RATIO = "ty_le", "Tỷ lệ (%)"


class IndicatorSource(models.TextChoices):
    COMPUTED = "tu_dong", "Tính tự động từ dữ liệu"
    MANUAL = "nhap_tay", "Nhập tay"


class IndicatorGroup(models.TextChoices):
    DOCUMENTS = "van_ban", "Văn bản và điều hành"
    ONESTOP = "mot_cua", "Thủ tục hành chính, một cửa"
    TASKS = "nhiem_vu", "Nhiệm vụ"
    INFRASTRUCTURE = "ha_tang", "Hạ tầng, an toàn thông tin"
    PEOPLE = "nhan_luc", "Nhân lực, tổ chức"


class Indicator(models.Model):
    """One figure a report carries. Computed ones name a function registered in
    `cqs.reporting.registry` (over documents, dossiers, tasks, staff); manual ones are
    entered per agency and period (`ManualValue`)."""

    code = models.CharField("mã chỉ tiêu", max_length=40, unique=True)
    name = models.CharField("tên chỉ tiêu", max_length=300)
    short_name = models.CharField("tên ngắn", max_length=120, blank=True)
    group = models.CharField("nhóm", max_length=12, choices=IndicatorGroup.choices)
    kind = models.CharField("loại", max_length=10, choices=IndicatorKind.choices)
    unit = models.CharField("đơn vị tính", max_length=40, help_text="Ví dụ: văn bản, hồ sơ, %, máy tính")
    source = models.CharField("cách lấy số liệu", max_length=10, choices=IndicatorSource.choices)
    function = models.CharField(
        "hàm tính", max_length=80, blank=True, help_text="Tên hàm đã đăng ký (chỉ tiêu tính tự động)."
    )
    numerator_label = models.CharField("tử số", max_length=200, blank=True)
    denominator_label = models.CharField("mẫu số", max_length=200, blank=True)
    description = models.TextField("cách tính, ghi chú", blank=True)
    higher_is_better = models.BooleanField("càng cao càng tốt", default=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "danh mục chỉ tiêu"
        ordering = ["group", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="tu_dong") | ~Q(function=""), name="indicator_computed_has_function"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def is_ratio(self) -> bool:
        return self.kind == IndicatorKind.RATIO


class Comparator(models.TextChoices):
    AT_LEAST = "gte", "≥"
    AT_MOST = "lte", "≤"


class Target(models.Model):
    """Indicator × plan document × year × agency level: "≥ 80 % at one level, ≥ 75 % at another".
    For ratios the value is a percentage; for counts a number."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="chỉ tiêu", on_delete=models.CASCADE, related_name="targets"
    )
    plan_reference = models.CharField(
        "văn bản giao chỉ tiêu", max_length=300, help_text="Ví dụ: Nghị quyết số 76/NQ-CP ngày 15/7/2021"
    )
    plan_document = models.ForeignKey(
        "documents.Document",
        verbose_name="văn bản trên nền tảng",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("năm")
    agency_level = models.CharField(
        "cấp cơ quan", max_length=12, choices=AgencyLevel.choices, blank=True, help_text="Để trống: mọi cấp."
    )
    comparator = models.CharField(
        "so sánh", max_length=3, choices=Comparator.choices, default=Comparator.AT_LEAST
    )
    value = models.DecimalField("giá trị chỉ tiêu", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "chỉ tiêu giao"
        verbose_name_plural = "chỉ tiêu giao"
        ordering = ["indicator", "year", "agency_level"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "agency_level", "plan_reference"], name="target_unique"
            ),
        ]

    def __str__(self) -> str:
        level = self.get_agency_level_display() if self.agency_level else "mọi cấp"
        return f"{self.indicator.code} {self.get_comparator_display()} {self.value} ({level}, {self.year})"

    def is_met(self, value: Decimal) -> bool:
        if self.comparator == Comparator.AT_LEAST:
            return value >= self.value
        return value <= self.value


class ManualValue(models.Model):
    """A fact the platform cannot see (computers per staff, antivirus installed, bandwidth),
    entered by the agency's reporting officer for one period."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="chỉ tiêu", on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(Agency, verbose_name="cơ quan", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("kỳ", max_length=8, help_text="Mã kỳ: 2023Q3, 2024M03, 2024Y…")
    value = models.DecimalField("giá trị", max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField("tử số", max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField("mẫu số", max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.CharField("ghi chú", max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("thời điểm nhập", auto_now=True)

    class Meta:
        verbose_name = "số liệu nhập tay"
        verbose_name_plural = "số liệu nhập tay"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "agency", "period"], name="manual_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.agency_id} {self.period}"


class Frequency(models.TextChoices):
    MONTH = "month", "Hằng tháng"
    QUARTER = "quarter", "Hằng quý"
    HALF_YEAR = "half_year", "6 tháng"
    NINE_MONTHS = "nine_months", "9 tháng"
    YEAR = "year", "Hằng năm"


class Regime(models.Model):
    """A report regime (chế độ báo cáo): what is reported, by whom, to whom, how often, by when."""

    code = models.CharField("mã chế độ báo cáo", max_length=40, unique=True)
    name = models.CharField("tên báo cáo", max_length=300)
    title_template = models.CharField(
        "trích yếu",
        max_length=300,
        help_text="Ví dụ: Kết quả ứng dụng công nghệ thông tin {ky}; {ky} được thay bằng tên kỳ.",
    )
    frequency = models.CharField("tần suất", max_length=12, choices=Frequency.choices)
    window = models.CharField(
        "thời gian chốt số liệu", max_length=20, default="decree09", help_text="decree09 hoặc calendar"
    )
    deadline_days = models.PositiveSmallIntegerField("hạn gửi (số ngày sau ngày chốt số liệu)", default=4)
    requesting_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan yêu cầu báo cáo",
        on_delete=models.PROTECT,
        related_name="regimes_requested",
    )
    reporting_agencies = models.ManyToManyField(
        Agency, verbose_name="cơ quan thực hiện báo cáo", blank=True, related_name="regimes_reporting"
    )
    reporting_levels = models.CharField(
        "cấp thực hiện báo cáo",
        max_length=100,
        blank=True,
        help_text="Các cấp cơ quan báo cáo (ví dụ: department,commune), ngoài danh sách cơ quan.",
    )
    recipient_line = models.CharField(
        "nơi nhận báo cáo", max_length=200, help_text="Ví dụ: Sở Thông tin và Truyền thông"
    )
    basis_template = models.TextField(
        "căn cứ, mở đầu", blank=True, help_text="Đoạn mở đầu; {co_quan} và {ky} được thay khi lập báo cáo."
    )
    closing_template = models.TextField("đoạn kết", blank=True)
    legal_basis = models.CharField("văn bản quy định chế độ báo cáo", max_length=300, blank=True)
    indicators = models.ManyToManyField(
        Indicator, verbose_name="chỉ tiêu", blank=True, related_name="regimes"
    )
    is_active = models.BooleanField("đang áp dụng", default=True)

    class Meta:
        verbose_name = "chế độ báo cáo"
        verbose_name_plural = "chế độ báo cáo"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SectionKind(models.TextChoices):
    HEADING = "tieu_de", "Tiêu đề mục"
    INDICATOR_TABLE = "bang_chi_tieu", "Bảng chỉ tiêu (tự động)"
    SENTENCE = "cau_tu_dong", "Câu có số liệu (tự động)"
    TASK_TABLE = "bang_nhiem_vu", "Bảng nhiệm vụ (từ theo dõi nhiệm vụ)"
    NARRATIVE = "tuong_thuat", "Nội dung do đơn vị viết"


class OutlineSection(models.Model):
    """One part of a regime's outline, in order. Headings carry the numbering (I, II, 1, 2…);
    a sentence template names indicators in braces: "… là {VB_DI} văn bản, đạt {VB_DI_DT:ty_le}"."""

    regime = models.ForeignKey(
        Regime, verbose_name="chế độ báo cáo", on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    kind = models.CharField("loại", max_length=16, choices=SectionKind.choices)
    number = models.CharField("số mục", max_length=10, blank=True, help_text="I, II, 1, 2… (mục tiêu đề)")
    title = models.CharField("tiêu đề", max_length=300, blank=True)
    template = models.TextField("mẫu câu", blank=True)
    hint = models.TextField("gợi ý nội dung", blank=True)
    indicators = models.ManyToManyField(Indicator, verbose_name="chỉ tiêu", blank=True, related_name="+")
    task_plan_reference = models.CharField(
        "kế hoạch (bảng nhiệm vụ)",
        max_length=300,
        blank=True,
        help_text="Để trống: mọi nhiệm vụ của cơ quan.",
    )

    class Meta:
        verbose_name = "mục đề cương"
        verbose_name_plural = "đề cương báo cáo"
        ordering = ["regime", "order"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "order"], name="outline_section_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title or self.get_kind_display()}".strip()


class CampaignStatus(models.TextChoices):
    OPEN = "dang_thu", "Đang thu báo cáo"
    CLOSED = "da_dong", "Đã kết thúc"


class Campaign(models.Model):
    """The requesting agency sends a regime for one period to its reporting agencies."""

    regime = models.ForeignKey(
        Regime, verbose_name="chế độ báo cáo", on_delete=models.PROTECT, related_name="campaigns"
    )
    period = models.CharField("kỳ báo cáo", max_length=8)
    window_start = models.DateField("số liệu từ ngày")
    window_end = models.DateField("số liệu đến ngày")
    deadline = models.DateField("hạn gửi báo cáo")
    status = models.CharField(
        "trạng thái", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    launched_at = models.DateTimeField("thời điểm phát động", auto_now_add=True)

    class Meta:
        verbose_name = "đợt báo cáo"
        verbose_name_plural = "đợt báo cáo"
        ordering = ["-window_end", "regime"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "period"], name="campaign_regime_period_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.regime.name} — {self.period}"


class ReportStatus(models.TextChoices):
    DRAFT = "du_thao", "Đang soạn"
    SUBMITTED = "da_nop", "Đã gửi"
    ACCEPTED = "da_chap_nhan", "Đã tiếp nhận"
    RETURNED = "bi_tra_lai", "Bị trả lại"


class Report(models.Model):
    """One agency's report for one campaign. Values are frozen (ReportValue rows) at submission;
    a consolidated report sums the children's submitted values."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="đợt báo cáo", on_delete=models.PROTECT, related_name="reports"
    )
    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan báo cáo", on_delete=models.PROTECT, related_name="reports"
    )
    is_consolidated = models.BooleanField("báo cáo tổng hợp", default=False)
    status = models.CharField(
        "trạng thái", max_length=14, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    status_reason = models.TextField("lý do trả lại", blank=True)
    number = models.CharField("số", max_length=11, blank=True)
    notation = models.CharField("ký hiệu", max_length=30, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    signer_authority = models.CharField("thẩm quyền ký", max_length=5, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=100, blank=True)
    signer_name = models.CharField("người ký", max_length=50, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    distribution = models.TextField("nơi nhận", blank=True, help_text="Mỗi dòng một nơi nhận.")
    document = models.ForeignKey(
        "documents.Document",
        verbose_name="văn bản đi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Báo cáo được phát hành như một văn bản đi của cơ quan.",
    )
    signed_pdf = models.FileField("bản PDF đã ký", upload_to="reports/%Y/", blank=True, max_length=300)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField("thời điểm gửi", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("thời điểm xem xét", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The task tables as they stood when the report was sent: outline section id (as text) →
    # rows of cells. Frozen like the values, so a task finished later does not change a report
    # already sent; empty while the report is a draft (the tables are read live).
    task_tables = models.JSONField("bảng nhiệm vụ khi gửi", default=dict, blank=True)

    class Meta:
        verbose_name = "báo cáo"
        verbose_name_plural = "báo cáo"
        ordering = ["campaign", "agency"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "agency"], name="report_campaign_agency_unique"),
            models.CheckConstraint(
                condition=Q(status="du_thao") | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.agency}"


class ReportValue(models.Model):
    """An indicator's value in one report: computed while drafting, frozen at submission."""

    report = models.ForeignKey(
        Report, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="chỉ tiêu", on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField("giá trị", max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField("tử số", max_digits=16, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField("mẫu số", max_digits=16, decimal_places=2, null=True, blank=True)
    is_manual = models.BooleanField("nhập tay", default=False)
    note = models.CharField("ghi chú", max_length=300, blank=True)
    computed_at = models.DateTimeField("thời điểm tính")

    class Meta:
        verbose_name = "số liệu báo cáo"
        verbose_name_plural = "số liệu báo cáo"
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="report_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} = {self.value}"


class ReportNarrative(models.Model):
    """The reporting officer's text for one narrative section of the outline."""

    report = models.ForeignKey(
        Report, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="narratives"
    )
    section = models.ForeignKey(
        OutlineSection, verbose_name="mục", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("nội dung", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "nội dung báo cáo"
        verbose_name_plural = "nội dung báo cáo"
        constraints = [
            models.UniqueConstraint(fields=["report", "section"], name="report_narrative_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} § {self.section_id}"
