"""The seeded catalogue of indicators and targets: every figure the sample reports carry.

`sync_catalogue()` creates or updates the rows idempotently (by indicator code; targets by
indicator, year, level and plan reference). Migration 0002 runs it with the migration's
app registry so a fresh install has the catalogue; run it again after editing this file
(`python manage.py shell -c "from cqs.reporting.catalogue import sync_catalogue; sync_catalogue()"`).

Targets: "Nghị quyết số 76/NQ-CP ngày 15/7/2021" as the Ba Tơ report cites it (components and
results digitised ≥ 80 % at province/district level, ≥ 75 % at commune level). The other
targets are configuration examples taken from regulations.md §4.7 ("as recalled, check them"),
marked so in their plan reference: the province edits them in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cqs.org.models import AgencyLevel
from cqs.reporting.models import IndicatorGroup as G
from cqs.reporting.models import IndicatorKind as K
from cqs.reporting.models import IndicatorSource as S

__all__ = ["INDICATORS", "RATIOS_MAY_EXCEED_100", "TARGETS", "IndicatorSpec", "TargetSpec", "sync_catalogue"]


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    short_name: str
    group: str
    kind: str
    unit: str
    source: str
    function: str = ""
    numerator_label: str = ""
    denominator_label: str = ""
    description: str = ""
    higher_is_better: bool = True


@dataclass(frozen=True)
class TargetSpec:
    code: str
    plan_reference: str
    year: int
    agency_level: str
    value: Decimal
    comparator: str = "gte"


def _count(
    code: str, name: str, short: str, group: str, unit: str, function: str = "", **kw: Any
) -> IndicatorSpec:
    source = S.COMPUTED if function else S.MANUAL
    return IndicatorSpec(code, name, short, group, K.COUNT, unit, source, function, **kw)


def _ratio(
    code: str, name: str, short: str, group: str, num: str, den: str, function: str = "", **kw: Any
) -> IndicatorSpec:
    source = S.COMPUTED if function else S.MANUAL
    return IndicatorSpec(code, name, short, group, K.RATIO, "%", source, function, num, den, **kw)


SECRET_NOTE = (
    "Trừ văn bản mật. Văn bản đi tính theo thời điểm phát hành trong kỳ (kể cả văn bản đã thu hồi sau đó)."
)

INDICATORS: tuple[IndicatorSpec, ...] = (
    # Văn bản và điều hành
    _count(
        "VB_DI",
        "Tổng số văn bản đi được trao đổi giữa cơ quan với các cơ quan, đơn vị",
        "Văn bản đi",
        G.DOCUMENTS,
        "văn bản",
        "documents.outgoing_total",
        description=SECRET_NOTE,
    ),
    _ratio(
        "VB_DI_DT",
        "Văn bản đi (trừ văn bản mật) được gửi dưới dạng văn bản điện tử",
        "Văn bản đi điện tử",
        G.DOCUMENTS,
        "Số văn bản đi gửi dưới dạng điện tử",
        "Tổng số văn bản đi (trừ văn bản mật)",
        "documents.outgoing_electronic",
        description=SECRET_NOTE,
    ),
    _ratio(
        "VB_DI_KS",
        "Văn bản đi (trừ văn bản mật) được ký số",
        "Văn bản đi ký số",
        G.DOCUMENTS,
        "Số văn bản đi được ký số",
        "Tổng số văn bản đi (trừ văn bản mật)",
        "documents.outgoing_signed",
        description=SECRET_NOTE,
    ),
    _count(
        "VB_DEN",
        "Tổng số văn bản đến được vào sổ",
        "Văn bản đến",
        G.DOCUMENTS,
        "văn bản",
        "documents.incoming_total",
        description="Trừ văn bản mật. Tính theo thời điểm vào sổ trong kỳ.",
    ),
    _ratio(
        "VB_DEN_DT",
        "Văn bản đến (trừ văn bản mật) nhận dưới dạng văn bản điện tử",
        "Văn bản đến điện tử",
        G.DOCUMENTS,
        "Số văn bản đến nhận dưới dạng điện tử",
        "Tổng số văn bản đến (trừ văn bản mật)",
        "documents.incoming_electronic",
    ),
    _ratio(
        "VB_TRAO_DOI_DT",
        "Tỷ lệ gửi, nhận văn bản điện tử (trừ văn bản mật)",
        "Gửi, nhận văn bản điện tử",
        G.DOCUMENTS,
        "Số văn bản đi và đến dưới dạng điện tử",
        "Tổng số văn bản đi và đến (trừ văn bản mật)",
        "documents.exchange_electronic",
    ),
    _ratio(
        "HS_CV_MANG",
        "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng (trừ hồ sơ mật)",
        "Hồ sơ công việc xử lý trên mạng",
        G.DOCUMENTS,
        "Số hồ sơ công việc đã xử lý xong trên nền tảng",
        "Tổng số hồ sơ công việc (phân công chủ trì xử lý văn bản đến) phát sinh trong kỳ",
        "documents.work_files_online",
    ),
    # Thủ tục hành chính, một cửa
    _count(
        "TTHC_CUNG_CAP",
        "Số thủ tục hành chính cơ quan tiếp nhận, giải quyết",
        "Thủ tục hành chính",
        G.ONESTOP,
        "thủ tục",
        "procedures.offered",
    ),
    _ratio(
        "TTHC_TRUC_TUYEN",
        "Thủ tục hành chính được cung cấp dịch vụ công trực tuyến (toàn trình hoặc một phần)",
        "TTHC trực tuyến",
        G.ONESTOP,
        "Số thủ tục cung cấp trực tuyến",
        "Tổng số thủ tục hành chính",
        "procedures.online",
    ),
    _ratio(
        "TTHC_TOAN_TRINH",
        "Thủ tục hành chính được cung cấp dịch vụ công trực tuyến toàn trình",
        "TTHC trực tuyến toàn trình",
        G.ONESTOP,
        "Số thủ tục trực tuyến toàn trình",
        "Tổng số thủ tục hành chính",
        "procedures.full_online",
    ),
    _ratio(
        "TTHC_MOT_PHAN",
        "Thủ tục hành chính được cung cấp dịch vụ công trực tuyến một phần",
        "TTHC trực tuyến một phần",
        G.ONESTOP,
        "Số thủ tục trực tuyến một phần",
        "Tổng số thủ tục hành chính",
        "procedures.partial_online",
    ),
    _count(
        "HS_TIEP_NHAN",
        "Tổng số hồ sơ tiếp nhận (trong kỳ và kỳ trước chuyển sang)",
        "Hồ sơ tiếp nhận",
        G.ONESTOP,
        "hồ sơ",
        "dossiers.received_total",
    ),
    _count(
        "HS_TN_TRONG_KY",
        "Số hồ sơ tiếp nhận trong kỳ",
        "Tiếp nhận trong kỳ",
        G.ONESTOP,
        "hồ sơ",
        "dossiers.received",
    ),
    _count(
        "HS_TN_TRUC_TUYEN",
        "Số hồ sơ tiếp nhận trực tuyến",
        "Tiếp nhận trực tuyến",
        G.ONESTOP,
        "hồ sơ",
        "dossiers.received_online",
    ),
    _count(
        "HS_TN_TRUC_TIEP",
        "Số hồ sơ tiếp nhận trực tiếp, qua bưu chính",
        "Tiếp nhận trực tiếp, bưu chính",
        G.ONESTOP,
        "hồ sơ",
        "dossiers.received_counter",
    ),
    _count(
        "HS_KY_TRUOC",
        "Số hồ sơ kỳ trước chuyển sang",
        "Kỳ trước chuyển sang",
        G.ONESTOP,
        "hồ sơ",
        "dossiers.carried_over",
    ),
    _ratio(
        "HS_TL_TRUC_TUYEN",
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
        "Hồ sơ trực tuyến",
        G.ONESTOP,
        "Số hồ sơ tiếp nhận trực tuyến",
        "Số hồ sơ tiếp nhận trong kỳ",
        "dossiers.online_rate",
    ),
    _ratio(
        "HS_MP_TT",
        "Hồ sơ phát sinh dịch vụ công trực tuyến một phần được nộp trực tuyến",
        "Hồ sơ DVC trực tuyến một phần",
        G.ONESTOP,
        "Số hồ sơ nộp trực tuyến",
        "Tổng số hồ sơ của thủ tục trực tuyến một phần",
        "dossiers.online_partial",
    ),
    _ratio(
        "HS_TT_TT",
        "Hồ sơ phát sinh dịch vụ công trực tuyến toàn trình được nộp trực tuyến",
        "Hồ sơ DVC trực tuyến toàn trình",
        G.ONESTOP,
        "Số hồ sơ nộp trực tuyến",
        "Tổng số hồ sơ của thủ tục trực tuyến toàn trình",
        "dossiers.online_full",
    ),
    _ratio(
        "HS_SO_HOA_TP",
        "Tỷ lệ số hóa đầy đủ thành phần hồ sơ khi tiếp nhận",
        "Số hóa thành phần hồ sơ",
        G.ONESTOP,
        "Số thành phần hồ sơ đã số hóa",
        "Tổng số thành phần hồ sơ tiếp nhận",
        "dossiers.components_digitised",
    ),
    _ratio(
        "HS_SO_HOA_KQ",
        "Tỷ lệ số hóa kết quả giải quyết thủ tục hành chính",
        "Số hóa kết quả",
        G.ONESTOP,
        "Số hồ sơ có kết quả được số hóa",
        "Số hồ sơ đã giải quyết",
        "dossiers.results_digitised",
    ),
    _count("HS_DA_GQ", "Số hồ sơ đã giải quyết", "Đã giải quyết", G.ONESTOP, "hồ sơ", "dossiers.resolved"),
    _count(
        "HS_GQ_TRUOC_HAN",
        "Số hồ sơ giải quyết trước hạn",
        "Giải quyết trước hạn",
        G.ONESTOP,
        "hồ sơ",
        "dossiers.resolved_early",
    ),
    _count(
        "HS_GQ_DUNG_HAN",
        "Số hồ sơ giải quyết đúng hạn",
        "Giải quyết đúng hạn",
        G.ONESTOP,
        "hồ sơ",
        "dossiers.resolved_on_time",
    ),
    _count(
        "HS_GQ_QUA_HAN",
        "Số hồ sơ giải quyết quá hạn",
        "Giải quyết quá hạn",
        G.ONESTOP,
        "hồ sơ",
        "dossiers.resolved_late",
        higher_is_better=False,
    ),
    _count(
        "HS_DANG_GQ",
        "Số hồ sơ đang giải quyết",
        "Đang giải quyết",
        G.ONESTOP,
        "hồ sơ",
        "dossiers.in_progress",
    ),
    _count(
        "HS_DANG_GQ_TRONG_HAN",
        "Số hồ sơ đang giải quyết trong hạn",
        "Đang giải quyết trong hạn",
        G.ONESTOP,
        "hồ sơ",
        "dossiers.in_progress_within",
    ),
    _count(
        "HS_DANG_GQ_QUA_HAN",
        "Số hồ sơ đang giải quyết quá hạn",
        "Đang giải quyết quá hạn",
        G.ONESTOP,
        "hồ sơ",
        "dossiers.in_progress_overdue",
        higher_is_better=False,
    ),
    _ratio(
        "HS_DUNG_HAN",
        "Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn",
        "Giải quyết đúng hạn",
        G.ONESTOP,
        "Số hồ sơ giải quyết trước hạn và đúng hạn",
        "Số hồ sơ đã giải quyết",
        "dossiers.on_time_rate",
    ),
    _ratio(
        "HS_DUNG_HAN_766",
        "Tỷ lệ hồ sơ giải quyết đúng hạn theo Quyết định 766/QĐ-TTg",
        "Đúng hạn (766)",
        G.ONESTOP,
        "Số hồ sơ giải quyết trước hạn, đúng hạn và đang giải quyết trong hạn",
        "Tổng số hồ sơ tiếp nhận",
        "dossiers.on_time_rate_766",
    ),
    _ratio(
        "TT_TRUC_TUYEN",
        "Tỷ lệ hồ sơ có nghĩa vụ tài chính được thanh toán trực tuyến",
        "Thanh toán trực tuyến",
        G.ONESTOP,
        "Số hồ sơ thanh toán trực tuyến",
        "Số hồ sơ có phí, lệ phí",
        "dossiers.paid_online",
    ),
    _ratio(
        "HL_HAI_LONG",
        "Tỷ lệ người dân, doanh nghiệp hài lòng với việc giải quyết thủ tục hành chính",
        "Mức độ hài lòng",
        G.ONESTOP,
        "Số đánh giá rất hài lòng và hài lòng",
        "Tổng số đánh giá",
        "dossiers.satisfaction",
    ),
    # Nhiệm vụ
    _count(
        "NV_GIAO",
        "Số nhiệm vụ được giao trong kỳ",
        "Nhiệm vụ được giao",
        G.TASKS,
        "nhiệm vụ",
        "tasks.assigned",
    ),
    _count(
        "NV_DUNG_HAN",
        "Số nhiệm vụ hoàn thành trước hạn, đúng hạn",
        "Hoàn thành đúng hạn",
        G.TASKS,
        "nhiệm vụ",
        "tasks.done_on_time",
    ),
    _count(
        "NV_TRE_HAN",
        "Số nhiệm vụ hoàn thành quá hạn",
        "Hoàn thành quá hạn",
        G.TASKS,
        "nhiệm vụ",
        "tasks.done_late",
        higher_is_better=False,
    ),
    _count(
        "NV_DANG_TH",
        "Số nhiệm vụ đang thực hiện trong hạn",
        "Đang thực hiện trong hạn",
        G.TASKS,
        "nhiệm vụ",
        "tasks.in_progress",
    ),
    _count(
        "NV_QUA_HAN",
        "Số nhiệm vụ quá hạn chưa hoàn thành",
        "Quá hạn chưa hoàn thành",
        G.TASKS,
        "nhiệm vụ",
        "tasks.overdue",
        higher_is_better=False,
    ),
    _ratio(
        "NV_TL_DUNG_HAN",
        "Tỷ lệ nhiệm vụ hoàn thành đúng hạn",
        "Nhiệm vụ đúng hạn",
        G.TASKS,
        "Số nhiệm vụ hoàn thành trước hạn, đúng hạn",
        "Số nhiệm vụ đã hoàn thành",
        "tasks.on_time_rate",
    ),
    # Hạ tầng, an toàn thông tin (nhập tay)
    _ratio(
        "MAY_TINH",
        "Tỷ lệ cán bộ, công chức được trang bị máy tính phục vụ công việc",
        "Máy tính/cán bộ",
        G.INFRASTRUCTURE,
        "Số máy tính phục vụ công việc",
        "Số cán bộ, công chức",
        description="Nhập tay: số máy tính và số cán bộ, công chức (có thể vượt 100 %).",
    ),
    _ratio(
        "MAY_TINH_MA_DOC",
        "Máy tính được cài đặt phần mềm phòng, chống mã độc",
        "Phòng, chống mã độc",
        G.INFRASTRUCTURE,
        "Số máy tính đã cài đặt",
        "Tổng số máy tính trong cơ quan",
        description="Nhập tay.",
    ),
    _count(
        "DUONG_TRUYEN",
        "Băng thông đường truyền Internet của cơ quan",
        "Băng thông Internet",
        G.INFRASTRUCTURE,
        "Mbps",
        description="Nhập tay.",
    ),
    # Nhân lực, tổ chức
    _count(
        "CB_CONG_CHUC",
        "Số cán bộ, công chức, viên chức đang công tác",
        "Cán bộ, công chức",
        G.PEOPLE,
        "người",
        "staff.count",
        description="Số người giữ chức danh tại cơ quan vào ngày cuối kỳ (theo danh mục tổ chức).",
    ),
    _count(
        "CB_CNTT",
        "Số cán bộ chuyên trách hoặc kiêm nhiệm công nghệ thông tin",
        "Cán bộ CNTT",
        G.PEOPLE,
        "người",
        description="Nhập tay.",
    ),
    _ratio(
        "BCD_CDS",
        "Ban Chỉ đạo chuyển đổi số được thành lập",
        "Ban Chỉ đạo chuyển đổi số",
        G.PEOPLE,
        "Số Ban Chỉ đạo đã thành lập",
        "Số đơn vị phải thành lập",
        description="Nhập tay (ví dụ: 19/19 Ban Chỉ đạo cấp xã).",
    ),
)

# Ratios whose numerator may exceed the denominator (more computers than staff).
RATIOS_MAY_EXCEED_100 = frozenset({"MAY_TINH"})

NQ76 = "Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ"
CONFIG = f"{NQ76} (chỉ tiêu cấu hình, đối chiếu lại văn bản giao chỉ tiêu)"
_UPPER = (AgencyLevel.PROVINCE, AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT)


def _levels(code: str, plan: str, year: int, upper: int, commune: int) -> list[TargetSpec]:
    specs = [TargetSpec(code, plan, year, level, Decimal(upper)) for level in _UPPER]
    return [*specs, TargetSpec(code, plan, year, AgencyLevel.COMMUNE, Decimal(commune))]


TARGETS: tuple[TargetSpec, ...] = (
    *_levels("HS_SO_HOA_TP", NQ76, 2021, 80, 75),
    *_levels("HS_SO_HOA_KQ", NQ76, 2021, 80, 75),
    TargetSpec("TT_TRUC_TUYEN", CONFIG, 2025, "", Decimal(80)),
    TargetSpec("HS_TL_TRUC_TUYEN", CONFIG, 2025, "", Decimal(50)),
    TargetSpec("HL_HAI_LONG", CONFIG, 2025, "", Decimal(90)),
    TargetSpec("HS_DUNG_HAN", CONFIG, 2025, "", Decimal(95)),
    TargetSpec("HS_CV_MANG", CONFIG, 2025, AgencyLevel.PROVINCE, Decimal(100)),
    TargetSpec("HS_CV_MANG", CONFIG, 2025, AgencyLevel.DEPARTMENT, Decimal(100)),
    TargetSpec("HS_CV_MANG", CONFIG, 2025, AgencyLevel.DISTRICT, Decimal(80)),
    TargetSpec("HS_CV_MANG", CONFIG, 2025, AgencyLevel.COMMUNE, Decimal(60)),
)


def sync_catalogue(apps: Any = None) -> dict[str, int]:
    """Create or update every catalogued indicator and target; returns how many rows were
    created and updated. Idempotent: a second run changes nothing. `apps` is the migration
    app registry when called from a migration (None: the live models)."""
    from cqs.reporting import models

    Indicator: Any = models.Indicator if apps is None else apps.get_model("reporting", "Indicator")  # noqa: N806
    Target: Any = models.Target if apps is None else apps.get_model("reporting", "Target")  # noqa: N806
    created = updated = 0
    by_code: dict[str, Any] = {}
    for order, spec in enumerate(INDICATORS, start=1):
        fields = {
            "name": spec.name,
            "short_name": spec.short_name,
            "group": str(spec.group),
            "kind": str(spec.kind),
            "unit": spec.unit,
            "source": str(spec.source),
            "function": spec.function,
            "numerator_label": spec.numerator_label,
            "denominator_label": spec.denominator_label,
            "description": spec.description,
            "higher_is_better": spec.higher_is_better,
            "order": order,
        }
        indicator = Indicator.objects.filter(code=spec.code).first()
        if indicator is None:
            indicator = Indicator.objects.create(code=spec.code, **fields)
            created += 1
        elif any(getattr(indicator, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(indicator, name, value)
            indicator.save()
            updated += 1
        by_code[spec.code] = indicator
    for target_spec in TARGETS:
        indicator = by_code[target_spec.code]
        target = Target.objects.filter(
            indicator=indicator,
            year=target_spec.year,
            agency_level=str(target_spec.agency_level),
            plan_reference=target_spec.plan_reference,
        ).first()
        if target is None:
            Target.objects.create(
                indicator=indicator,
                year=target_spec.year,
                agency_level=str(target_spec.agency_level),
                plan_reference=target_spec.plan_reference,
                comparator=target_spec.comparator,
                value=target_spec.value,
            )
            created += 1
        elif target.value != target_spec.value or target.comparator != target_spec.comparator:
            target.value, target.comparator = target_spec.value, target_spec.comparator
            target.save()
            updated += 1
    return {"created": created, "updated": updated}
