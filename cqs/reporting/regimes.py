"""The two seeded report regimes, modelled on the sample reports.

* ``BC_UDCNTT_QUY`` — "Báo cáo kết quả ứng dụng công nghệ thông tin" each quarter, like the
  Ban Dân tộc report of Quý III/2023: I. results against the targets (computed sentences on
  outgoing documents, electronic and digitally signed, and an indicator table), II. tasks and
  solutions of the plan (narrative, the task table), III. shortcomings, IV. directions,
  V. recommendations. Sent by the departments, boards and communes.
* ``BC_CDS_QUY`` — "Báo cáo tình hình chuyển đổi số" each quarter, like the Ba Tơ report of
  Quý I/2024: digital awareness, digital institutions, e-government (one-stop figures against
  the NQ 76/NQ-CP targets), digital government, information security, shortcomings, the next
  quarter's tasks, recommendations. Sent by the communes.

Both are requested by the provincial department in charge of IT and digital transformation:
Sở Khoa học và Công nghệ since 01/03/2025 (it took over Sở Thông tin và Truyền thông). The
requesting agency edits the outline afterwards (screen "Đề cương"); `sync_regimes()` creates
a regime and its outline only when the regime code is new, and never overwrites edits.

Placeholders in templates, titles and the basis: ``{co_quan}`` the reporting agency,
``{ky}`` "Quý III năm 2023", ``{ky_sau}`` the next quarter, ``{tu_ngay}``/``{den_ngay}`` the data
window ("15/6/2023"), ``{noi_nhan}`` the requesting agency (as it was named then); indicator
fields ``{VB_DI}``, ``{VB_DI_DT:ty_le}``, ``{HS_MP_TT:phan_so}``… (see `compute.fill_template`)
and ``{X:chi_tieu}`` the target in force ("80 %").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from cqs.org.models import Agency, AgencyKind, AgencyLevel
from cqs.reporting.models import Frequency, Indicator, OutlineSection, Regime, SectionKind

__all__ = ["REGIMES", "RegimeSpec", "SectionSpec", "default_requester", "sync_regimes"]

IT_REGIME = "BC_UDCNTT_QUY"
DT_REGIME = "BC_CDS_QUY"
REQUESTER_NOTATION = "SKHCN"

H, TABLE, SENTENCE, TASKS, TEXT = (
    SectionKind.HEADING,
    SectionKind.INDICATOR_TABLE,
    SectionKind.SENTENCE,
    SectionKind.TASK_TABLE,
    SectionKind.NARRATIVE,
)


@dataclass(frozen=True)
class SectionSpec:
    kind: str
    number: str = ""
    title: str = ""
    template: str = ""
    hint: str = ""
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegimeSpec:
    code: str
    name: str
    title_template: str
    reporting_levels: str
    basis_template: str
    closing_template: str
    legal_basis: str
    sections: tuple[SectionSpec, ...]
    indicators: tuple[str, ...] = field(default=())
    frequency: str = Frequency.QUARTER
    deadline_days: int = 4


IT_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(H, "I", "Kết quả thực hiện mục tiêu, chỉ tiêu"),
    SectionSpec(
        TEXT,
        title="Tình hình sử dụng hệ thống quản lý văn bản",
        hint="Ví dụ: Hệ thống quản lý văn bản và điều hành được sử dụng thông suốt từ lãnh đạo đến "
        "các phòng và chuyên viên; văn bản đến, đi đều được xử lý trên hệ thống; trong đó:",
    ),
    SectionSpec(
        SENTENCE,
        template="Tổng số văn bản đi được trao đổi giữa {co_quan} với các cơ quan, đơn vị từ ngày "
        "{tu_ngay} đến ngày {den_ngay} là {VB_DI} văn bản.",
        indicators=("VB_DI",),
    ),
    SectionSpec(
        SENTENCE,
        template="Tổng số văn bản đi (trừ văn bản mật) được gửi dưới dạng văn bản điện tử là "
        "{VB_DI_DT:tu_so} văn bản, đạt {VB_DI_DT:ty_le}.",
        indicators=("VB_DI_DT",),
    ),
    SectionSpec(
        SENTENCE,
        template="Tổng số văn bản đi được ký số (trừ văn bản mật): {VB_DI_KS:tu_so} văn bản, đạt "
        "{VB_DI_KS:ty_le} số văn bản đi.",
        indicators=("VB_DI_KS",),
    ),
    SectionSpec(
        SENTENCE,
        template="Tổng số văn bản đến được tiếp nhận, vào sổ trên hệ thống (trừ văn bản mật) là "
        "{VB_DEN} văn bản; trong đó nhận dưới dạng điện tử {VB_DEN_DT:tu_so} văn bản, đạt {VB_DEN_DT:ty_le}.",
        indicators=("VB_DEN", "VB_DEN_DT"),
    ),
    SectionSpec(
        TABLE,
        title="Bảng 1. Một số chỉ tiêu ứng dụng công nghệ thông tin {ky}",
        indicators=("VB_DI_DT", "VB_DI_KS", "VB_DEN_DT", "HS_CV_MANG", "TTHC_TOAN_TRINH", "MAY_TINH_MA_DOC"),
    ),
    SectionSpec(H, "II", "Kết quả thực hiện các nhiệm vụ, giải pháp theo Kế hoạch"),
    SectionSpec(
        TEXT,
        title="Kết quả triển khai kế hoạch",
        hint="Nêu kết quả thực hiện kế hoạch ứng dụng công nghệ thông tin, chuyển đổi số của cơ quan: "
        "hoàn thiện thể chế, trang thông tin điện tử, dịch vụ công trực tuyến, tự chấm điểm chỉ số "
        "chuyển đổi số, phòng ngừa và ứng phó sự cố an toàn thông tin. Mỗi ý một dòng, bắt đầu bằng “- ”.",
    ),
    SectionSpec(
        SENTENCE,
        template="Kết quả cung cấp dịch vụ công trực tuyến: {TTHC_TOAN_TRINH:phan_so} thủ tục hành chính "
        "được cung cấp dịch vụ công trực tuyến toàn trình, đạt {TTHC_TOAN_TRINH:ty_le}.",
        indicators=("TTHC_TOAN_TRINH",),
    ),
    SectionSpec(
        SENTENCE,
        template="Công tác phòng ngừa, ứng phó sự cố hệ thống thông tin: {co_quan} đã cài đặt phần mềm "
        "phòng, chống mã độc cho {MAY_TINH_MA_DOC:phan_so} máy tính trong cơ quan.",
        indicators=("MAY_TINH_MA_DOC",),
    ),
    SectionSpec(
        TASKS,
        title="Bảng 2. Tình hình thực hiện nhiệm vụ ứng dụng công nghệ thông tin, chuyển đổi số",
    ),
    SectionSpec(H, "III", "Một số tồn tại, hạn chế, khó khăn"),
    SectionSpec(
        TEXT,
        hint="Nêu những tồn tại, hạn chế: nhân lực công nghệ thông tin (chuyên trách hay kiêm nhiệm), "
        "trang thiết bị, đường truyền, kỹ năng khai thác ứng dụng của cán bộ, công chức…",
    ),
    SectionSpec(H, "IV", "Định hướng nhiệm vụ, giải pháp"),
    SectionSpec(TEXT, hint="Nêu nhiệm vụ, giải pháp trọng tâm của {ky_sau}."),
    SectionSpec(H, "V", "Các kiến nghị, đề xuất"),
    SectionSpec(
        TEXT, hint="Kiến nghị, đề xuất với {noi_nhan}, UBND tỉnh (kinh phí, tập huấn, trang thiết bị…)."
    ),
)

DT_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(H, "I", "Tình hình thực hiện nhiệm vụ"),
    SectionSpec(H, "1", "Nhận thức số"),
    SectionSpec(
        TEXT,
        hint="Hội nghị, cuộc họp quán triệt về chuyển đổi số; tuyên truyền trên trang thông tin điện tử, "
        "hệ thống truyền thanh cơ sở; phân công cán bộ phụ trách chuyển đổi số.",
    ),
    SectionSpec(
        SENTENCE,
        template="Đã có {BCD_CDS:phan_so} Ban Chỉ đạo chuyển đổi số được thành lập (đạt tỷ lệ "
        "{BCD_CDS:ty_le}).",
        indicators=("BCD_CDS",),
    ),
    SectionSpec(H, "2", "Về thể chế số"),
    SectionSpec(
        TEXT, hint="Các kế hoạch, quyết định, công văn đã ban hành để triển khai chuyển đổi số trong quý."
    ),
    SectionSpec(H, "3", "Về phát triển chính quyền điện tử"),
    SectionSpec(
        SENTENCE,
        template="Tỷ lệ gửi, nhận văn bản điện tử (trừ văn bản mật) đạt {VB_TRAO_DOI_DT:ty_le}. Tỷ lệ "
        "văn bản "
        "đi được ký số khi ban hành trên môi trường mạng đạt {VB_DI_KS:ty_le}.",
        indicators=("VB_TRAO_DOI_DT", "VB_DI_KS"),
    ),
    SectionSpec(
        SENTENCE,
        template="Tỷ lệ xử lý hồ sơ công việc trên môi trường mạng (trừ hồ sơ mật) đạt {HS_CV_MANG:ty_le}.",
        indicators=("HS_CV_MANG",),
    ),
    SectionSpec(
        SENTENCE,
        template="Về dịch vụ công trực tuyến: {TTHC_TOAN_TRINH:phan_so} thủ tục hành chính được cung cấp "
        "dịch "
        "vụ công trực tuyến toàn trình, đạt {TTHC_TOAN_TRINH:ty_le}.",
        indicators=("TTHC_TOAN_TRINH",),
    ),
    SectionSpec(
        SENTENCE,
        template="Tỷ lệ số hóa đầy đủ thành phần hồ sơ khi tiếp nhận đạt {HS_SO_HOA_TP:ty_le} (chỉ tiêu "
        "{HS_SO_HOA_TP:chi_tieu}) và tỷ lệ số hóa kết quả giải quyết thủ tục hành chính đạt "
        "{HS_SO_HOA_KQ:ty_le} (chỉ tiêu {HS_SO_HOA_KQ:chi_tieu}) theo Nghị quyết số 76/NQ-CP ngày 15/7/2021.",
        indicators=("HS_SO_HOA_TP", "HS_SO_HOA_KQ"),
    ),
    SectionSpec(
        SENTENCE,
        template="Kết quả cung cấp dịch vụ công trực tuyến: tổng số hồ sơ phát sinh dịch vụ công trực tuyến "
        "một phần là {HS_MP_TT:phan_so} hồ sơ đạt tỷ lệ {HS_MP_TT:ty_le}; số hồ sơ phát sinh dịch vụ công "
        "trực tuyến toàn trình là {HS_TT_TT:phan_so} hồ sơ đạt tỷ lệ {HS_TT_TT:ty_le}.",
        indicators=("HS_MP_TT", "HS_TT_TT"),
    ),
    SectionSpec(
        SENTENCE,
        template="Giải quyết thủ tục hành chính: tiếp nhận {HS_TIEP_NHAN} hồ sơ, đã giải quyết "
        "{HS_DA_GQ} hồ sơ, "
        "tỷ lệ giải quyết trước hạn và đúng hạn đạt {HS_DUNG_HAN:ty_le}; tỷ lệ hồ sơ có nghĩa vụ tài chính "
        "được thanh toán trực tuyến đạt {TT_TRUC_TUYEN:ty_le}.",
        indicators=("HS_TIEP_NHAN", "HS_DA_GQ", "HS_DUNG_HAN", "TT_TRUC_TUYEN"),
    ),
    SectionSpec(
        TABLE,
        title="Bảng 1. Một số chỉ tiêu chính quyền điện tử {ky}",
        indicators=(
            "VB_TRAO_DOI_DT",
            "VB_DI_KS",
            "HS_CV_MANG",
            "TTHC_TOAN_TRINH",
            "HS_MP_TT",
            "HS_TT_TT",
            "HS_SO_HOA_TP",
            "HS_SO_HOA_KQ",
            "HS_DUNG_HAN",
            "TT_TRUC_TUYEN",
            "HL_HAI_LONG",
        ),
    ),
    SectionSpec(H, "4", "Về phát triển chính quyền số"),
    SectionSpec(
        TEXT, hint="Cung cấp dịch vụ số, ứng dụng dùng chung, báo cáo trên hệ thống thông tin báo cáo…"
    ),
    SectionSpec(
        SENTENCE,
        template="Thực hiện nhiệm vụ được giao: {NV_GIAO} nhiệm vụ được giao trong kỳ; {NV_DUNG_HAN} "
        "nhiệm vụ "
        "hoàn thành trước hạn, đúng hạn; {NV_QUA_HAN} nhiệm vụ quá hạn chưa hoàn thành.",
        indicators=("NV_GIAO", "NV_DUNG_HAN", "NV_QUA_HAN"),
    ),
    SectionSpec(H, "5", "Về bảo đảm an toàn thông tin"),
    SectionSpec(
        SENTENCE,
        template="Đã cài đặt phần mềm phòng, chống mã độc cho {MAY_TINH_MA_DOC:phan_so} máy tính (đạt "
        "{MAY_TINH_MA_DOC:ty_le}).",
        indicators=("MAY_TINH_MA_DOC",),
    ),
    SectionSpec(
        TEXT, hint="Phương án bảo đảm an toàn thông tin theo cấp độ, ứng phó sự cố, quy chế đã ban hành."
    ),
    SectionSpec(H, "II", "Những tồn tại, hạn chế"),
    SectionSpec(TEXT, hint="Những chỉ tiêu chưa đạt và nguyên nhân."),
    SectionSpec(H, "III", "Nhiệm vụ trọng tâm trong {ky_sau}"),
    SectionSpec(TASKS, title="Nhiệm vụ chuyển đổi số đang triển khai"),
    SectionSpec(TEXT, hint="Các nhiệm vụ trọng tâm của quý sau, mỗi nhiệm vụ một dòng."),
    SectionSpec(H, "IV", "Kiến nghị"),
    SectionSpec(TEXT, hint="Kiến nghị với {noi_nhan}, UBND tỉnh."),
)

REGIMES: tuple[RegimeSpec, ...] = (
    RegimeSpec(
        code=IT_REGIME,
        name="Báo cáo kết quả ứng dụng công nghệ thông tin hằng quý",
        title_template="Kết quả ứng dụng công nghệ thông tin {ky}",
        reporting_levels=f"{AgencyLevel.DEPARTMENT},{AgencyLevel.COMMUNE}",
        basis_template=(
            "Thực hiện Kế hoạch số 61/KH-UBND ngày 10/4/2019 của UBND tỉnh về thực hiện Nghị quyết số "
            "17/NQ-CP ngày 07/3/2019 của Chính phủ về một số nhiệm vụ, giải pháp trọng tâm phát triển Chính "
            "phủ điện tử giai đoạn 2019 - 2020, định hướng đến 2025; Kế hoạch số 151/KH-UBND ngày 21/12/2020 "
            "của UBND tỉnh về ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước, phát triển "
            "chính quyền số và bảo đảm an toàn thông tin mạng giai đoạn 2021 - 2025, {co_quan} báo cáo kết "
            "quả thực hiện ứng dụng công nghệ thông tin {ky} như sau:"
        ),
        closing_template=(
            "Trên đây là nội dung báo cáo kết quả ứng dụng công nghệ thông tin của {co_quan} {ky}, "
            "{co_quan} báo cáo {noi_nhan} tổng hợp./."
        ),
        legal_basis="Kế hoạch số 151/KH-UBND ngày 21/12/2020 của UBND tỉnh",
        sections=IT_SECTIONS,
    ),
    RegimeSpec(
        code=DT_REGIME,
        name="Báo cáo tình hình chuyển đổi số hằng quý",
        title_template="Tình hình chuyển đổi số {ky}",
        reporting_levels=f"{AgencyLevel.COMMUNE}",
        basis_template=(
            "Căn cứ Kế hoạch chuyển đổi số của tỉnh năm {nam}; {co_quan} báo cáo tình hình chuyển đổi số "
            "{ky}, cụ thể như sau:"
        ),
        closing_template=(
            "Trên đây là báo cáo tình hình chuyển đổi số {ky} và nhiệm vụ trọng tâm {ky_sau} của {co_quan}./."
        ),
        legal_basis="Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ",
        sections=DT_SECTIONS,
    ),
)


def default_requester() -> Agency | None:
    """Sở Khoa học và Công nghệ of the (demo) province, else the provincial People's Committee."""
    agency = (
        Agency.objects.filter(notation=REQUESTER_NOTATION, valid_to__isnull=True, kind=AgencyKind.DEPARTMENT)
        .order_by("code")
        .first()
    )
    if agency is None:
        agency = (
            Agency.objects.filter(kind=AgencyKind.PROVINCIAL_COMMITTEE, valid_to__isnull=True)
            .order_by("code")
            .first()
        )
    return agency


def sync_regimes(requester: Agency | None = None, *, apps: Any = None) -> dict[str, int]:
    """Create the seeded regimes (and their outlines) that do not exist yet; keep existing ones
    as the requesting agency edited them. Needs the catalogue (`sync_catalogue`) and an agency
    to request them; without any agency (a fresh install) it does nothing."""
    from cqs.reporting.catalogue import sync_catalogue

    sync_catalogue()
    requester = requester or default_requester()
    counts = {"regimes": 0, "sections": 0}
    if requester is None:
        return counts
    with transaction.atomic():
        indicators = {i.code: i for i in Indicator.objects.all()}
        for spec in REGIMES:
            if Regime.objects.filter(code=spec.code).exists():
                continue
            regime = Regime.objects.create(
                code=spec.code,
                name=spec.name,
                title_template=spec.title_template,
                frequency=spec.frequency,
                window="decree09",
                deadline_days=spec.deadline_days,
                requesting_agency=requester,
                reporting_levels=spec.reporting_levels,
                recipient_line=requester.name,
                basis_template=spec.basis_template,
                closing_template=spec.closing_template,
                legal_basis=spec.legal_basis,
            )
            counts["regimes"] += 1
            used: set[str] = set(spec.indicators)
            for order, section_spec in enumerate(spec.sections, start=1):
                section = OutlineSection.objects.create(
                    regime=regime,
                    order=order,
                    kind=section_spec.kind,
                    number=section_spec.number,
                    title=section_spec.title,
                    template=section_spec.template,
                    hint=section_spec.hint,
                )
                chosen = [indicators[c] for c in section_spec.indicators if c in indicators]
                section.indicators.set(chosen)
                used.update(section_spec.indicators)
                counts["sections"] += 1
            regime.indicators.set([indicators[c] for c in sorted(used) if c in indicators])
    return counts
