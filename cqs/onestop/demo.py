# ruff: noqa: E501
"""The demo's one-stop year: the `seed_onestop` step of `seed_demo`.

* A catalogue of 34 procedures (commune and provincial) with real national codes moved to
  the demo province (``….H99``), fields, processing times, fees, online levels and components.
* A year of dossiers for the agencies with one-stop staff (xã An Phú, xã Thanh Lâm, Sở Nội
  vụ): every channel, early / on-time / late results, supplements, refusals, apologies,
  withdrawals, online payments and ratings, tuned to look like the sample reports (about
  86 % of partly-online dossiers submitted online, 99 % of components and results digitised,
  a few late). The rows are bulk-written as a history import (one small generated PDF stands
  for every scan); live use goes through `cqs.onestop.services`.
* The citizen account ``congdan`` (password: the demo password) with dossiers of its own
  in several states, for the citizen portal.

Idempotent: procedures are upserted by code; the dossier year is written once, when the demo
agencies have no dossier yet. Deterministic apart from "today" (fixed random seeds).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from cqs.core.workcalendar import VN_TZ, WorkCalendar, get_calendar
from cqs.onestop.models import (
    Apology,
    Channel,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierPause,
    DossierSequence,
    DossierStatus,
    DossierStep,
    EventKind,
    OnlineLevel,
    Payment,
    PaymentState,
    PaymentStatus,
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    Rating,
)
from cqs.org.demo import DEMO_PASSWORD, DEMO_STEPS, DemoContext, upsert
from cqs.org.demo_data import PROVINCE_SUFFIX
from cqs.org.models import Agency, AgencyLevel

S = DossierStatus
CITIZEN_USERNAME = "congdan"
CITIZEN_NAME = "Nguyễn Văn Dân"
CITIZEN_ID = "036085001234"


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    name: str
    field: str
    level: str
    days: int
    fee: int
    online: str
    result: str
    components: tuple[tuple[str, str, bool], ...]
    agency: str = ""  # demo agency key of the competent agency (provincial procedures)
    cutoff: time | None = None
    weight: int = 10


X, P = AgencyLevel.COMMUNE, AgencyLevel.DEPARTMENT
F, PA, N = OnlineLevel.FULL, OnlineLevel.PARTIAL, OnlineLevel.NONE
TK, CCCD = ("Tờ khai theo mẫu", "Bản chính", True), ("Căn cước công dân", "Bản sao hoặc xuất trình", False)

PROCEDURES: tuple[ProcedureSpec, ...] = (
    ProcedureSpec("1.001193", "Đăng ký khai sinh", "Hộ tịch", X, 0, 0, PA, "Giấy khai sinh",
                  (TK, ("Giấy chứng sinh", "Bản chính", True), CCCD), cutoff=time(15), weight=40),
    ProcedureSpec("1.000894", "Đăng ký kết hôn", "Hộ tịch", X, 0, 0, PA, "Giấy chứng nhận kết hôn",
                  (TK, ("Giấy xác nhận tình trạng hôn nhân", "Bản chính", False), CCCD), cutoff=time(15), weight=15),
    ProcedureSpec("1.000656", "Đăng ký khai tử", "Hộ tịch", X, 0, 0, F, "Trích lục khai tử",
                  (TK, ("Giấy báo tử", "Bản chính", True)), weight=12),
    ProcedureSpec("1.004746", "Đăng ký nhận cha, mẹ, con", "Hộ tịch", X, 3, 0, PA, "Trích lục đăng ký nhận cha, mẹ, con",
                  (TK, ("Chứng cứ chứng minh quan hệ cha, mẹ, con", "Bản chính", True), CCCD), weight=2),
    ProcedureSpec("1.001022", "Đăng ký lại khai sinh", "Hộ tịch", X, 5, 0, PA, "Giấy khai sinh",
                  (TK, ("Giấy tờ chứng minh nội dung khai sinh", "Bản sao", True)), weight=3),
    ProcedureSpec("1.004837", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", X, 3, 0, F,
                  "Giấy xác nhận tình trạng hôn nhân", (TK, CCCD), weight=15),
    ProcedureSpec("1.004859", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", "Hộ tịch", X, 3, 15000, PA,
                  "Trích lục thay đổi, cải chính hộ tịch", (TK, ("Giấy khai sinh", "Bản chính", True)), weight=5),
    ProcedureSpec("1.004772", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", X, 0, 8000, F, "Bản sao trích lục hộ tịch",
                  (TK,), cutoff=time(15), weight=12),
    ProcedureSpec("1.000775", "Đăng ký khai sinh có yếu tố nước ngoài", "Hộ tịch", X, 3, 75000, PA, "Giấy khai sinh",
                  (TK, ("Giấy chứng sinh", "Bản chính", True), ("Văn bản thỏa thuận chọn quốc tịch", "Bản chính", True)),
                  weight=1),
    ProcedureSpec("2.000908", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực", X, 0, 2000, N,
                  "Bản sao được chứng thực", (("Bản chính giấy tờ, văn bản", "Bản chính", True),), cutoff=time(15),
                  weight=30),
    ProcedureSpec("2.000884", "Chứng thực chữ ký trong giấy tờ, văn bản", "Chứng thực", X, 0, 10000, N,
                  "Giấy tờ, văn bản được chứng thực chữ ký", (("Giấy tờ cần chứng thực chữ ký", "Bản chính", True), CCCD),
                  cutoff=time(15), weight=10),
    ProcedureSpec("2.001035", "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản", "Chứng thực", X, 2,
                  50000, N, "Hợp đồng được chứng thực", (("Dự thảo hợp đồng", "Bản chính", True), CCCD), weight=4),
    ProcedureSpec("1.001612", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", X, 3,
                  100000, PA, "Giấy chứng nhận đăng ký hộ kinh doanh",
                  (("Giấy đề nghị đăng ký hộ kinh doanh", "Bản chính", True), CCCD), weight=8),
    ProcedureSpec("1.001266", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh",
                  X, 3, 50000, F, "Giấy chứng nhận đăng ký hộ kinh doanh",
                  (("Thông báo thay đổi nội dung đăng ký", "Bản chính", True),), weight=4),
    ProcedureSpec("1.001570", "Tạm ngừng kinh doanh, tiếp tục kinh doanh của hộ kinh doanh",
                  "Thành lập và hoạt động của hộ kinh doanh", X, 3, 0, F, "Giấy xác nhận tạm ngừng kinh doanh",
                  (("Thông báo tạm ngừng kinh doanh", "Bản chính", True),), weight=3),
    ProcedureSpec("1.009994", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Hoạt động xây dựng", X, 15, 75000, PA,
                  "Giấy phép xây dựng",
                  (("Đơn đề nghị cấp giấy phép xây dựng", "Bản chính", True),
                   ("Giấy chứng nhận quyền sử dụng đất", "Bản sao", True),
                   ("Bản vẽ thiết kế xây dựng", "Bản chính", True)), weight=6),
    ProcedureSpec("1.001758", "Xác nhận hộ gia đình làm nông nghiệp có mức sống trung bình", "Bảo trợ xã hội", X, 5, 0,
                  PA, "Giấy xác nhận", (TK, CCCD), weight=3),
    ProcedureSpec("2.000286", "Thực hiện trợ cấp xã hội hằng tháng", "Bảo trợ xã hội", X, 7, 0, PA,
                  "Quyết định trợ cấp xã hội", (TK, ("Giấy xác nhận khuyết tật", "Bản sao", False)), weight=4),
    ProcedureSpec("1.001776", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "Bảo trợ xã hội", X, 3, 0, PA,
                  "Quyết định hỗ trợ chi phí mai táng", (TK, ("Trích lục khai tử", "Bản sao", True)), weight=2),
    ProcedureSpec("2.000355", "Đăng ký hoạt động tín ngưỡng", "Tín ngưỡng, tôn giáo", X, 15, 0, N,
                  "Văn bản chấp thuận", (("Văn bản đăng ký", "Bản chính", True),), weight=1),
    ProcedureSpec("1.008926", "Hòa giải tranh chấp đất đai", "Đất đai", X, 30, 0, N, "Biên bản hòa giải",
                  (("Đơn yêu cầu hòa giải", "Bản chính", True),), weight=2),
    ProcedureSpec("1.003596", "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", "Giảm nghèo", X, 7, 0, PA,
                  "Giấy chứng nhận hộ nghèo", (TK,), weight=3),
    ProcedureSpec("2.000488", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", "Lý lịch tư pháp", P, 10, 200000, F,
                  "Phiếu lý lịch tư pháp", (TK, CCCD), agency="STP", weight=25),
    ProcedureSpec("1.001053", "Cấp giấy phép lao động cho người lao động nước ngoài", "Việc làm", P, 5, 600000, F,
                  "Giấy phép lao động",
                  (("Văn bản đề nghị cấp giấy phép lao động", "Bản chính", True),
                   ("Giấy chứng nhận sức khỏe", "Bản chính", True), ("Hộ chiếu", "Bản sao", True)),
                  agency="SNV", weight=15),
    ProcedureSpec("1.005449", "Đăng ký nội quy lao động của doanh nghiệp", "Lao động", P, 7, 0, F,
                  "Thông báo đăng ký nội quy lao động", (("Văn bản đề nghị đăng ký", "Bản chính", True),
                                                         ("Nội quy lao động", "Bản chính", True)),
                  agency="SNV", weight=10),
    ProcedureSpec("1.000023", "Thành lập hội", "Tổ chức phi chính phủ", P, 30, 0, PA, "Quyết định cho phép thành lập hội",
                  (("Đơn đề nghị thành lập hội", "Bản chính", True), ("Dự thảo điều lệ", "Bản chính", True)),
                  agency="SNV", weight=3),
    ProcedureSpec("2.001611", "Giải quyết chế độ trợ cấp một lần đối với người có công", "Người có công", P, 12, 0, PA,
                  "Quyết định trợ cấp", (TK, ("Giấy tờ chứng minh", "Bản sao", True)), agency="SNV", weight=8),
    ProcedureSpec("1.000105", "Thi tuyển, xét tuyển công chức", "Công chức, viên chức", P, 30, 500000, N,
                  "Thông báo kết quả", (("Phiếu đăng ký dự tuyển", "Bản chính", True),), agency="SNV", weight=4),
    ProcedureSpec("1.009972", "Cấp giấy phép xây dựng công trình cấp đặc biệt, cấp I, cấp II", "Hoạt động xây dựng", P,
                  20, 150000, PA, "Giấy phép xây dựng",
                  (("Đơn đề nghị cấp giấy phép xây dựng", "Bản chính", True),
                   ("Hồ sơ thiết kế", "Bản chính", True)), agency="SXD"),
    ProcedureSpec("2.000633", "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "An toàn thực phẩm", P, 15,
                  700000, PA, "Giấy chứng nhận", (("Đơn đề nghị", "Bản chính", True),
                                                   ("Bản thuyết minh cơ sở vật chất", "Bản chính", True)), agency="SCT"),
    ProcedureSpec("1.001820", "Cấp Giấy phép bán lẻ sản phẩm rượu", "Lưu thông hàng hóa", P, 10, 1200000, F,
                  "Giấy phép bán lẻ rượu", (("Đơn đề nghị", "Bản chính", True),), agency="SCT"),
    ProcedureSpec("1.009345", "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", "Khám bệnh, chữa bệnh", P, 20, 360000, PA,
                  "Chứng chỉ hành nghề", (("Đơn đề nghị", "Bản chính", True), ("Văn bằng chuyên môn", "Bản sao", True)),
                  agency="SYT"),
    ProcedureSpec("1.005393", "Cấp giấy phép tổ chức lễ hội", "Văn hóa", P, 15, 0, PA, "Giấy phép tổ chức lễ hội",
                  (("Văn bản đề nghị", "Bản chính", True), ("Chương trình lễ hội", "Bản chính", True)), agency="SVHTTDL"),
    ProcedureSpec("1.003003", "Đăng ký biến động quyền sử dụng đất", "Đất đai", P, 10, 50000, PA,
                  "Giấy chứng nhận quyền sử dụng đất", (TK, ("Giấy chứng nhận đã cấp", "Bản chính", True)),
                  agency="SNNMT"),
)  # fmt: skip

DOSSIER_AGENCIES = ("xa-an-phu", "xa-thanh-lam", "SNV")
FIRST_NAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
)
MIDDLE = ("Văn", "Thị", "Minh", "Thanh", "Quốc", "Ngọc", "Hữu", "Thu", "Đức", "Hoàng")
GIVEN = ("An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Long", "Mai", "Nam",
         "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến")  # fmt: skip
SUPPLEMENT_REASONS = (
    ("Giấy chứng sinh bản chính", "Bản nộp là bản chụp không rõ chữ, không đối chiếu được."),
    ("Giấy chứng nhận quyền sử dụng đất bản sao có chứng thực", "Bản sao chưa được chứng thực."),
    ("Tờ khai ghi đầy đủ nơi cư trú", "Tờ khai còn thiếu địa chỉ nơi cư trú của người yêu cầu."),
)
REFUSAL_REASONS = (
    "Việc khai sinh đã được đăng ký tại UBND xã khác (theo Cơ sở dữ liệu hộ tịch điện tử).",
    "Người yêu cầu không thuộc đối tượng được hỗ trợ theo quy định.",
    "Nội dung đề nghị không thuộc thẩm quyền giải quyết của cơ quan.",
)


def _pdf_placeholder(name: str, title: str) -> str:
    """One small PDF saved once and referenced by every bulk row (a real scan is not needed)."""
    path = f"onestop/demo/{name}.pdf"
    if not default_storage.exists(path):
        import io

        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen.canvas import Canvas

        from cqs.rendering.typefaces import register_fonts  # type: ignore[attr-defined]

        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4)
        try:
            register_fonts()
            canvas.setFont("TimesNewRoman", 14)
        except Exception:  # the built-in font still makes a valid PDF
            canvas.setFont("Helvetica", 14)
        canvas.drawString(72, 760, title)
        canvas.save()
        path = default_storage.save(path, ContentFile(buffer.getvalue()))
    return path


def seed_catalogue(ctx: DemoContext) -> dict[str, ProcedureVersion]:
    versions: dict[str, ProcedureVersion] = {}
    for spec in PROCEDURES:
        code = f"{spec.code}.000.00.00.{PROVINCE_SUFFIX}"
        procedure = upsert(
            ctx.stats,
            Procedure,
            {"code": code},
            {"name": spec.name, "field": spec.field, "level": spec.level},
        )
        agency = ctx.agencies.get(spec.agency) if spec.agency else None
        version = upsert(
            ctx.stats,
            ProcedureVersion,
            {"procedure": procedure, "number": 1},
            {
                "effective_from": date(2025, 7, 1),
                "decision_reference": f"Quyết định số 1{len(spec.code) * 37 % 90:02d}/QĐ-UBND ngày 30/6/2025 "
                f"của Chủ tịch UBND tỉnh {ctx.province_name}",
                "competent_agency": agency,
                "processing_days": spec.days,
                "same_day_cutoff": spec.cutoff,
                "fee": spec.fee,
                "online_level": spec.online,
                "result_type": spec.result,
                "is_current": True,
                "step_plan": [
                    {"name": "Thẩm định, xử lý", "days": max(spec.days - 1, 0)},
                    {"name": "Phê duyệt", "days": 1},
                ],
            },
        )
        for order, (name, note, required) in enumerate(spec.components, start=1):
            upsert(ctx.stats, ProcedureComponent, {"version": version, "order": order}, {
                "name": name, "note": note, "is_required": required})  # fmt: skip
        versions[code] = version
    return versions


def seed_citizen(ctx: DemoContext) -> Any:
    return upsert(
        ctx.stats,
        get_user_model(),
        {"username": CITIZEN_USERNAME},
        {"full_name": CITIZEN_NAME, "is_active": True},
        on_create={
            "password": make_password(DEMO_PASSWORD),
            "email": "congdan@example.vn",
            "phone": "0912345678",
        },
    )


class _Year:
    """Plans and bulk-writes one agency's year of dossiers."""

    def __init__(self, ctx: DemoContext, calendar: WorkCalendar, today: date, citizen: Any) -> None:
        self.ctx, self.calendar, self.today, self.citizen = ctx, calendar, today, citizen
        self.scan = _pdf_placeholder("ban-so-hoa", "Bản số hóa thành phần hồ sơ (dữ liệu mẫu)")
        self.result = _pdf_placeholder("ket-qua", "Kết quả giải quyết thủ tục hành chính (dữ liệu mẫu)")
        self.sequences: dict[tuple[int, date], int] = {}
        self.dossiers: list[Dossier] = []
        self.after: list[tuple[Dossier, dict[str, Any]]] = []

    def _code(self, agency: Agency, day: date) -> str:
        key = (agency.pk, day)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return f"{agency.code}-{day:%y%m%d}-{self.sequences[key]:04d}"

    def _moment(self, day: date, rng: random.Random) -> datetime:
        minutes = rng.randint(7 * 60 + 30, 16 * 60 + 30)
        return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=VN_TZ)

    def plan(self, agency: Agency, versions: list[ProcedureVersion], specs: list[ProcedureSpec], count: int,
             rng: random.Random, staff: dict[str, Any], owner_every: int = 0) -> None:  # fmt: skip
        start = max(self.today - timedelta(days=365), agency.valid_from)
        days = [d for d in (start + timedelta(days=i) for i in range((self.today - start).days + 1))
                if self.calendar.is_working_day(d)]  # fmt: skip
        weights = [s.weight for s in specs]
        for n in range(count):
            index = rng.choices(range(len(versions)), weights=weights)[0]
            version, spec = versions[index], specs[index]
            day = rng.choice(days)
            self._one(
                agency,
                version,
                spec,
                day,
                rng,
                staff,
                owner=self.citizen if owner_every and n % owner_every == 0 else None,
            )

    def _one(self, agency: Agency, version: ProcedureVersion, spec: ProcedureSpec, day: date, rng: random.Random,
             staff: dict[str, Any], owner: Any = None) -> None:  # fmt: skip
        moment = self._moment(day, rng)
        if spec.online == F:
            channel = Channel.ONLINE
        elif spec.online == PA:
            channel = (
                Channel.ONLINE
                if rng.random() < 0.865
                else rng.choice([Channel.COUNTER] * 5 + [Channel.POSTAL])
            )
        else:
            channel = Channel.POSTAL if rng.random() < 0.05 else Channel.COUNTER
        if owner is not None:
            channel = Channel.ONLINE if spec.online != N else Channel.COUNTER
        submitted = moment - timedelta(minutes=rng.randint(20, 600)) if channel == Channel.ONLINE else None
        receipt = self.calendar.effective_receipt_day(moment, spec.cutoff)
        due = self.calendar.add_working_days(receipt, spec.days)
        name = (
            owner.full_name
            if owner is not None
            else f"{rng.choice(FIRST_NAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        )
        id_number = (
            CITIZEN_ID
            if owner is not None
            else f"0{rng.randint(1, 96):02d}{rng.randint(0, 1)}{rng.randint(50, 99)}{rng.randint(0, 999999):06d}"
        )
        dossier = Dossier(
            code=self._code(agency, (submitted or moment).astimezone(VN_TZ).date()),
            version=version, agency=agency, receiving_agency=agency, channel=channel,
            applicant_name=name, applicant_id_number=id_number,
            applicant_phone=f"09{rng.randint(10000000, 99999999)}", applicant_address=f"Thôn {rng.randint(1, 9)}, {agency.name.replace('Ủy ban nhân dân ', '')}",
            owner=owner, received_by=staff["motcua"], created_at=submitted or moment, submitted_at=submitted,
            received_at=moment, appointment_date=due, due_date=due, status=S.PROCESSING, fee=version.fee,
            payment_status=PaymentStatus.NO_FEE if not version.fee else PaymentStatus.PAID,
        )  # fmt: skip
        plan: dict[str, Any] = {"spec": spec, "moment": moment, "staff": staff, "rng": rng}
        roll = rng.random()
        age = self.calendar.working_days_between(receipt, self.today)
        pause_days = 0
        if roll < 0.05 and spec.days > 0:
            pause_days = rng.randint(1, 4)
            plan["pause"] = pause_days
        if roll > 0.985:
            plan["end"] = S.REFUSED
        elif 0.975 < roll <= 0.985:
            plan["end"] = S.WITHDRAWN
        elif 0.97 < roll <= 0.975 and spec.days > 2:
            plan["apology"] = rng.randint(2, 4)
        if plan.get("apology"):
            due = self.calendar.add_working_days(due, plan["apology"])
        if pause_days:
            due = self.calendar.add_working_days(due, pause_days)
            dossier.paused_days = pause_days
        dossier.due_date = due
        allotted = self.calendar.working_days_between(receipt, due)
        late = rng.random() < 0.02
        used = (
            allotted + rng.randint(1, 3)
            if late
            else max(0, allotted - (rng.randint(0, max(allotted - 1, 0)) if rng.random() < 0.6 else 0))
        )
        finished_day = self.calendar.add_working_days(receipt, used)
        if finished_day >= self.today or age < used:
            # Still open today: waiting for a supplement, being processed or awaiting approval.
            if (plan.get("pause") or rng.random() < 0.15) and spec.days > 0:
                plan["pause"] = plan.get("pause") or 1
                dossier.status, dossier.is_paused = S.SUPPLEMENT, True
                dossier.due_date = dossier.appointment_date
                dossier.paused_days = 0
                plan["pause_open"] = True
            else:
                dossier.status = rng.choice([S.PROCESSING, S.PROCESSING, S.AWAITING_APPROVAL])
            if owner is None and channel == Channel.ONLINE and rng.random() < 0.15 and age <= 1:
                dossier.status, dossier.received_at, dossier.received_by = S.SUBMITTED, None, None
                dossier.appointment_date = dossier.due_date = None
                dossier.paused_days, plan["pause"] = 0, 0
            if dossier.fee and channel == Channel.ONLINE and rng.random() < 0.3:
                dossier.payment_status = PaymentStatus.UNPAID
        else:
            end = plan.get("end", S.RETURNED)
            finished = max(self._moment(finished_day, rng), moment + timedelta(hours=3))
            dossier.status, dossier.finished_at, dossier.finished_on = end, finished, finished_day
            if end == S.RETURNED:
                dossier.result_digitised = rng.random() < 0.994
                dossier.result_file = self.result if dossier.result_digitised else ""
                dossier.result_note = "Kết quả điện tử (dữ liệu mẫu), chưa ký số."
                dossier.returned_at = finished + timedelta(hours=rng.randint(1, 30))
                if dossier.returned_at.astimezone(VN_TZ).date() > self.today:
                    dossier.status, dossier.returned_at = S.APPROVED, None
            else:
                reason = rng.choice(REFUSAL_REASONS) if end == S.REFUSED else "Người nộp đề nghị rút hồ sơ."
                dossier.status_reason = reason
        if dossier.fee and channel != Channel.ONLINE:
            dossier.payment_status = PaymentStatus.PAID
        self.dossiers.append(dossier)
        self.after.append((dossier, plan))

    def write(self) -> int:
        Dossier.objects.bulk_create(self.dossiers, batch_size=500)
        components: list[DossierComponent] = []
        events: list[DossierEvent] = []
        steps: list[DossierStep] = []
        pauses: list[DossierPause] = []
        apologies: list[Apology] = []
        payments: list[Payment] = []
        ratings: list[Rating] = []
        seen: dict[str, DossierComponent] = {}
        for dossier, plan in self.after:
            rng: random.Random = plan["rng"]
            officer, leader, processor = (
                plan["staff"]["motcua"],
                plan["staff"]["lanhdao"],
                plan["staff"]["chuyenvien"],
            )
            moment: datetime = plan["moment"]
            start = dossier.submitted_at or moment
            for name, _note, required in plan["spec"].components:
                if not required and rng.random() < 0.5:
                    continue
                source = seen.get(f"{dossier.applicant_id_number}/{name}")
                digitised = rng.random() < 0.992
                row = DossierComponent(
                    dossier=dossier, name=name, file=self.scan if digitised else "", sha256="demo",
                    is_paper=dossier.channel != Channel.ONLINE, digitised=digitised or source is not None,
                    reused_from=source if source is not None and source.pk else None,
                    quality_note="Bản quét 300 dpi, màu" if digitised and dossier.channel != Channel.ONLINE else "",
                    added_at=start,
                )  # fmt: skip
                components.append(row)
            if dossier.submitted_at:
                events.append(DossierEvent(dossier=dossier, kind=EventKind.SUBMITTED, to_status=S.SUBMITTED,
                                           actor=dossier.owner, at=dossier.submitted_at, note="Nộp hồ sơ trực tuyến."))  # fmt: skip
            if dossier.received_at is None:
                continue
            events.append(DossierEvent(dossier=dossier, kind=EventKind.RECEIVED, to_status=S.RECEIVED, actor=officer,
                                       at=moment, note=f"Hẹn trả kết quả ngày {dossier.appointment_date:%d/%m/%Y}."))  # fmt: skip
            steps.append(DossierStep(dossier=dossier, order=1, name="Tiếp nhận hồ sơ", officer=officer, started_at=start,
                                     finished_at=moment, handed_over_by=officer, handed_to=processor))  # fmt: skip
            handed = moment + timedelta(minutes=rng.randint(10, 120))
            end = dossier.finished_at
            steps.append(DossierStep(
                dossier=dossier, order=2, name="Thẩm định, xử lý hồ sơ", officer=processor,
                allotted_days=max(plan["spec"].days - 1, 0), started_at=handed,
                finished_at=(end - timedelta(hours=1)) if end and end - timedelta(hours=1) > handed else end,
                handed_over_by=processor if end else None, handed_to=leader if end else None,
            ))  # fmt: skip
            events.append(DossierEvent(dossier=dossier, kind=EventKind.HANDOVER, from_status=S.RECEIVED,
                                       to_status=S.PROCESSING, actor=officer, at=handed,
                                       note=f"Thẩm định, xử lý hồ sơ: chuyển cho {processor.full_name}."))  # fmt: skip
            if plan.get("pause"):
                requested = handed + timedelta(hours=2)
                missing, why = rng.choice(SUPPLEMENT_REASONS)
                open_pause = plan.get("pause_open", False)
                supplied = (
                    None
                    if open_pause
                    else datetime.combine(
                        self.calendar.add_working_days(requested.astimezone(VN_TZ).date(), plan["pause"]),
                        time(9),
                        tzinfo=VN_TZ,
                    )
                )
                pauses.append(DossierPause(dossier=dossier, reason=f"- {missing}\nLý do: {why}", legal_basis="",
                                           resume_status=S.PROCESSING, requested_by=processor, requested_at=requested,
                                           supplied_at=supplied, paused_days=0 if open_pause else plan["pause"]))  # fmt: skip
                events.append(DossierEvent(dossier=dossier, kind=EventKind.SUPPLEMENT_REQUESTED, from_status=S.PROCESSING,
                                           to_status=S.SUPPLEMENT, actor=processor, at=requested,
                                           note=f"- {missing}\nLý do: {why}"))  # fmt: skip
                if supplied:
                    events.append(DossierEvent(dossier=dossier, kind=EventKind.SUPPLIED, from_status=S.SUPPLEMENT,
                                               to_status=S.PROCESSING, actor=officer, at=supplied,
                                               note=f"Đã bổ sung. Hạn giải quyết lùi {plan['pause']} ngày làm việc."))  # fmt: skip
            if plan.get("apology") and dossier.appointment_date and dossier.due_date:
                old = self.calendar.add_working_days(dossier.due_date, -plan["apology"])
                issued = datetime.combine(self.calendar.add_working_days(old, -1), time(10), tzinfo=VN_TZ)
                if issued.date() < self.today:
                    apologies.append(Apology(dossier=dossier, reason="Cần xác minh thêm thông tin tại cơ quan liên quan.",
                                             old_due_date=old, new_due_date=dossier.due_date, issued_by=leader,
                                             issued_at=issued))  # fmt: skip
                    events.append(DossierEvent(dossier=dossier, kind=EventKind.APOLOGY, from_status=S.PROCESSING,
                                               to_status=S.PROCESSING, actor=leader, at=issued,
                                               note=f"Hẹn lại ngày trả kết quả: {dossier.due_date:%d/%m/%Y}."))  # fmt: skip
            if end is None:
                continue
            kinds: dict[str, str] = {S.REFUSED: EventKind.REFUSED, S.WITHDRAWN: EventKind.WITHDRAWN}
            kind = kinds.get(dossier.status, EventKind.APPROVED)
            events.append(DossierEvent(dossier=dossier, kind=kind, from_status=S.AWAITING_APPROVAL if kind == EventKind.APPROVED else S.PROCESSING,
                                       to_status=S.APPROVED if kind == EventKind.APPROVED else dossier.status,
                                       actor=leader, at=end, note=dossier.status_reason or f"Đã có kết quả: {plan['spec'].result}."))  # fmt: skip
            if dossier.returned_at:
                events.append(DossierEvent(dossier=dossier, kind=EventKind.RETURNED, from_status=S.APPROVED,
                                           to_status=S.RETURNED, actor=officer, at=dossier.returned_at,
                                           note="Đã trả kết quả cho người nộp."))  # fmt: skip
                if rng.random() < 0.45 or dossier.owner is not None:
                    score = rng.choices([4, 3, 2, 1], weights=[70, 25, 4, 1])[0]
                    ratings.append(Rating(dossier=dossier, score=score, rated_by=dossier.owner,
                                          rated_at=dossier.returned_at + timedelta(hours=rng.randint(1, 48))))  # fmt: skip
            if (
                dossier.fee
                and dossier.channel == Channel.ONLINE
                and dossier.payment_status == PaymentStatus.PAID
            ):
                paid = start + timedelta(minutes=rng.randint(2, 80))
                payments.append(Payment(dossier=dossier, amount=dossier.fee, provider="mo_phong", reference=f"MP-{dossier.code}",
                                        status=PaymentState.PAID, created_at=start, expires_at=start + timedelta(minutes=90),
                                        paid_at=paid, verified_at=paid, provider_payload={"demo": True}))  # fmt: skip
        DossierComponent.objects.bulk_create(components, batch_size=1000)
        DossierEvent.objects.bulk_create(events, batch_size=1000)
        DossierStep.objects.bulk_create(steps, batch_size=1000)
        DossierPause.objects.bulk_create(pauses, batch_size=1000)
        Apology.objects.bulk_create(apologies, batch_size=1000)
        Payment.objects.bulk_create(payments, batch_size=1000)
        Rating.objects.bulk_create(ratings, batch_size=1000)
        self._reuse(components)
        for (agency_id, day), last in self.sequences.items():
            DossierSequence.objects.update_or_create(
                agency_id=agency_id, day=day, defaults={"last_number": last}
            )
        return len(self.dossiers)

    def _reuse(self, components: list[DossierComponent]) -> None:
        """About one component in ten belongs to an applicant who had it digitised before: link it."""
        first: dict[tuple[str, str], DossierComponent] = {}
        reused: list[DossierComponent] = []
        for row in sorted(components, key=lambda c: (c.added_at, c.pk)):
            key = (row.dossier.applicant_id_number, row.name)
            if key in first and first[key].digitised:
                row.reused_from, row.digitised, row.file = first[key], True, first[key].file
                row.quality_note = f"Tái sử dụng từ hồ sơ {first[key].dossier.code}"
                reused.append(row)
            else:
                first.setdefault(key, row)
        DossierComponent.objects.bulk_update(
            reused, ["reused_from", "digitised", "file", "quality_note"], batch_size=500
        )


def seed_onestop(ctx: DemoContext) -> None:
    """The DEMO_STEPS step (see the module docstring)."""
    versions = seed_catalogue(ctx)
    citizen = seed_citizen(ctx)
    agencies = [ctx.agencies[key] for key in DOSSIER_AGENCIES if key in ctx.agencies]
    if not agencies or Dossier.objects.filter(agency__in=agencies).exists():
        return
    calendar = get_calendar()
    today = timezone.now().astimezone(VN_TZ).date()
    year = _Year(ctx, calendar, today, citizen)
    for index, agency in enumerate(agencies):
        key = DOSSIER_AGENCIES[index]
        staff = {role: ctx.users.get(f"{role}.{key.lower()}") for role in ("motcua", "lanhdao", "chuyenvien")}
        if any(user is None for user in staff.values()):
            continue
        mine = [(spec, versions[f"{spec.code}.000.00.00.{PROVINCE_SUFFIX}"]) for spec in PROCEDURES
                if (spec.level == agency.level and not spec.agency) or ctx.agencies.get(spec.agency) == agency]  # fmt: skip
        if not mine:
            continue
        specs, vs = [m[0] for m in mine], [m[1] for m in mine]
        rng = random.Random(f"motcua-{key}")
        year.plan(agency, vs, specs, 320 if agency.level == AgencyLevel.COMMUNE else 140, rng, staff,
                  owner_every=45 if key == "xa-an-phu" else 0)  # fmt: skip
    created = year.write()
    if created:
        ctx.stats.created[Dossier._meta.label] += created


if seed_onestop not in DEMO_STEPS:
    DEMO_STEPS.append(seed_onestop)
