"""The reporting demo: the `seed_reporting` step of `seed_demo` (runs after documents, one-stop
and worklist, whose demo data it reports on).

(a) "Done means" of the reporting issue: Ban Dân tộc's Quý III/2023 IT report. The documents
    demo covers only the last twelve months, so this step gives the board a realistic quarter
    15/06/2023–14/09/2023 through the documents services under the documents demo clock:
    outgoing documents drafted, reviewed, approved and released (three of them secret, which
    the report must leave out), incoming documents registered, and one document on each side
    of the window (14/06 and 15/09) that must not count. The IT regime's 2023Q3 campaign is
    then launched by Sở Khoa học và Công nghệ (as requester; the 2023 text names Sở Thông tin
    và Truyền thông, its predecessor then) and the board's report is prefilled, with the
    sample's narratives written in, left as a draft for `baocao.bdt` to check and send. Every
    number in it can be checked by hand in the document lists.
(b) A recent quarter (the last full quarter before today, e.g. 2026Q3): the digital
    transformation campaign to every commune, where most communes sent on time, two late, one
    was returned with a reason and a few never sent; the province's consolidation names them
    and the communes missing the NQ 76 targets.

Idempotent: each part is skipped when its campaign exists. Accounts it adds (Vietnamese
names): Sở Khoa học và Công nghệ's reporting officer and director, and a reporting officer for
each commune that has none.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from cqs.core.periods import Period, parse_period, period_containing
from cqs.core.workcalendar import VN_TZ, add_working_days
from cqs.org.demo import DEMO_STEPS, DemoContext, upsert
from cqs.org.demo_data import STAFF_SINCE, ascii_slug
from cqs.org.models import Agency, AgencyLevel, Position, PositionRole, Role, Unit
from cqs.reporting.models import Campaign, Indicator, Regime, Report

BOARD_PERIOD = "2023Q3"
REASON_RETURNED = (
    "Số liệu số hóa thành phần hồ sơ chưa khớp với Cổng dịch vụ công của tỉnh; đề nghị rà soát, "
    "cập nhật lại số liệu và bổ sung phần tồn tại, hạn chế."
)

_SKHCN_STAFF = (
    ("baocao.skhcn", "Phan Thị Ngọc Lan", Role.REPORTING_OFFICER, "Chuyên viên Phòng Chuyển đổi số"),
    ("lanhdao.skhcn", "Võ Đình Khoa", Role.LEADER, "Giám đốc Sở"),
)
_COMMUNE_OFFICERS = (
    "Nguyễn Thị Hồng Nhung",
    "Trần Văn Phước",
    "Lê Thị Thanh Thủy",
    "Phạm Quốc Việt",
    "Hoàng Thị Yến",
    "Đỗ Minh Tâm",
    "Bùi Văn Lực",
    "Vũ Thị Kim Chi",
    "Đặng Quang Hưng",
    "Ngô Thị Phương",
    "Huỳnh Văn Sang",
    "Phan Thị Mỹ Linh",
    "Trương Công Danh",
    "Lương Thị Hà",
    "Mai Văn Tiến",
    "Đinh Thị Thu Trang",
    "Hà Văn Quyết",
    "Tạ Thị Ngân",
    "Chu Văn Thắng",
    "Lò Thị Xuân",
    "Vi Văn Khánh",
    "Sùng A Páo",
    "Giàng Thị Mai",
    "Cầm Văn Hoan",
    "Lục Thị Hiền",
    "Triệu Văn Đạt",
    "Ma Thị Sen",
    "Quàng Văn Nam",
)

_BOARD_OUTGOING = (
    ("Báo cáo", "Kết quả thực hiện công tác dân tộc tháng {thang} năm 2023"),
    (
        "Công văn",
        "Về việc rà soát, cập nhật danh sách người có uy tín trong đồng bào dân tộc thiểu số năm 2023",
    ),
    (
        "Công văn",
        "Về việc triển khai Chương trình mục tiêu quốc gia phát triển kinh tế - xã hội vùng đồng bào "
        "dân tộc thiểu số và miền núi tháng {thang} năm 2023",
    ),
    ("Kế hoạch", "Kiểm tra việc thực hiện chính sách dân tộc trên địa bàn tỉnh quý III năm 2023"),
    ("Giấy mời", "Dự Hội nghị giao ban công tác dân tộc tháng {thang} năm 2023"),
    ("Thông báo", "Kết luận của Trưởng ban tại cuộc họp giao ban tháng {thang} năm 2023"),
    ("Công văn", "Về việc cung cấp số liệu hộ nghèo vùng đồng bào dân tộc thiểu số tháng {thang} năm 2023"),
    ("Tờ trình", "Đề nghị phê duyệt kinh phí hỗ trợ người có uy tín quý III năm 2023"),
    (
        "Công văn",
        "Về việc hướng dẫn thực hiện chính sách hỗ trợ học sinh dân tộc thiểu số năm học 2023 - 2024",
    ),
)
_BOARD_INCOMING = (
    (
        "Ủy ban Dân tộc",
        "Công văn",
        "UBDT-VP",
        "Về việc báo cáo kết quả thực hiện chính sách dân tộc tháng {thang} năm 2023",
    ),
    (
        "Ủy ban nhân dân tỉnh {province}",
        "Công văn",
        "UBND-KGVX",
        "Về việc triển khai Chương trình mục tiêu quốc "
        "gia vùng đồng bào dân tộc thiểu số tháng {thang} năm 2023",
    ),
    (
        "Sở Thông tin và Truyền thông",
        "Công văn",
        "STTTT-CNTT",
        "Về việc báo cáo kết quả ứng dụng công nghệ thông tin quý III năm 2023",
    ),
    (
        "Sở Tài chính",
        "Công văn",
        "STC-HCSN",
        "Về việc thẩm định dự toán kinh phí thực hiện chính sách dân tộc tháng {thang} năm 2023",
    ),
    (
        "Tỉnh ủy {province}",
        "Công văn",
        "CV/TU",
        "Về việc tăng cường công tác dân vận vùng đồng bào dân tộc tháng {thang} năm 2023",
    ),
)
_BOARD_OUTSIDE = ("Ủy ban Dân tộc", "Ủy ban nhân dân tỉnh", "Ban Dân vận Tỉnh ủy", "Các huyện miền núi")

BOARD_NARRATIVES = {
    "Tình hình sử dụng hệ thống quản lý văn bản": (
        "- Hệ thống xử lý văn bản qua phần mềm quản lý văn bản được thông suốt từ lãnh đạo đến 100% các "
        "phòng "
        "và chuyên viên. Văn bản đến, đi của Ban Dân tộc đều được xử lý qua hệ thống phần mềm quản lý văn "
        "bản; trong đó:"
    ),
    "Kết quả triển khai kế hoạch": (
        "- Tổ chức triển khai thực hiện Quy chế quản lý, vận hành Hệ thống quản lý văn bản và điều hành dùng "
        "chung trong hoạt động của các cơ quan nhà nước trên địa bàn tỉnh.\n"
        "- Đã ban hành Kế hoạch triển khai thực hiện các nhiệm vụ chuyển đổi số năm 2023 tại Ban Dân tộc "
        "tỉnh; "
        "hiện nay đang xây dựng kế hoạch lựa chọn nhà thầu.\n"
        "- Đã thực hiện tự chấm điểm xác định chỉ số chuyển đổi số năm 2022 tại Ban Dân tộc tỉnh.\n"
        "- Trang thông tin điện tử của Ban đã phát huy tốt vai trò tuyên truyền chủ trương, đường lối của "
        "Đảng, chính sách pháp luật của Nhà nước về lĩnh vực công tác dân tộc."
    ),
    "III": (
        "- Công chức phụ trách công nghệ thông tin của Ban Dân tộc tỉnh thực hiện kiêm nhiệm, không có "
        "chuyên "
        "môn về công nghệ thông tin nên gặp khó khăn nhất định khi triển khai nhiệm vụ.\n"
        "- Nhiều máy tính của Ban đã xuống cấp, hết khấu hao, cấu hình thấp; hệ thống mạng nội bộ được "
        "lắp đặt "
        "trên 15 năm đến nay đã xuống cấp, thường xuyên mất kết nối."
    ),
    "IV": (
        "Tiếp tục bồi dưỡng nâng cao năng lực cho công chức cơ quan trong việc ứng dụng công nghệ thông tin "
        "phục vụ cho yêu cầu quản lý, thực hiện nhiệm vụ cơ quan."
    ),
    "V": (
        "Ban Dân tộc tỉnh kính đề nghị Sở Thông tin và Truyền thông có kế hoạch bồi dưỡng, tập huấn nhằm "
        "nâng "
        "cao kỹ năng ứng dụng công nghệ thông tin, chuyển đổi số cho cán bộ, công chức; tham mưu UBND "
        "tỉnh bố "
        "trí kinh phí trang bị mới máy tính để triển khai hoạt động chuyển đổi số tại Ban Dân tộc tỉnh."
    ),
}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VN_TZ)


class Clock:
    """Runs service calls at a simulated moment (the documents demo clock)."""

    def __init__(self) -> None:
        from cqs.documents.demo import DemoClock

        self.clock = DemoClock(timezone.now())

    def run(self, moment: datetime, action: Any) -> Any:
        if moment > self.clock.real_now:
            moment = self.clock.real_now
        with self.clock.running():
            self.clock.moment = moment
            return action()


# ----------------------------------------------------------------------------- people


def _person(
    ctx: DemoContext,
    username: str,
    full_name: str,
    agency: Agency,
    role: str,
    title: str,
    unit: Unit | None = None,
    valid_from: date | None = None,
) -> Any:
    user = upsert(
        ctx.stats,
        get_user_model(),
        {"username": username},
        {"full_name": full_name, "is_active": True},
        on_create={"password": make_password(_demo_password())},
    )
    start = valid_from or max(STAFF_SINCE, agency.valid_from)
    position = upsert(
        ctx.stats,
        Position,
        {"user": user, "agency": agency, "valid_from": start},
        {"unit": unit, "title": title},
    )
    upsert(ctx.stats, PositionRole, {"position": position, "role": role}, {})
    ctx.users[username] = user
    return user


def _demo_password() -> str:
    from cqs.org.demo import DEMO_PASSWORD

    return str(DEMO_PASSWORD)


def _requester_staff(ctx: DemoContext) -> dict[str, Any]:
    agency = ctx.agencies["SKHCN"]
    return {
        username.split(".")[0]: _person(ctx, username, name, agency, role, title)
        for username, name, role, title in _SKHCN_STAFF
    }


def _commune_officers(ctx: DemoContext, communes: list[Agency]) -> dict[int, Any]:
    """The current reporting officer of each commune, adding one where there is none."""
    officers: dict[int, Any] = {}
    names = iter(_COMMUNE_OFFICERS)
    for agency in communes:
        position = (
            Position.objects.current(timezone.localdate())
            .filter(agency=agency, roles__role=Role.REPORTING_OFFICER)
            .select_related("user")
            .first()
        )
        if position is not None:
            officers[agency.pk] = position.user
            continue
        slug = ascii_slug(agency.name.replace("Ủy ban nhân dân ", ""))
        name = next(names, f"Cán bộ báo cáo {agency.name}")
        officers[agency.pk] = _person(
            ctx, f"baocao.{slug}", name, agency, Role.REPORTING_OFFICER, "Chuyên viên tổng hợp"
        )
    return officers


# ----------------------------------------------------------------------------- (a) the board


def _window_days(period: Period) -> list[date]:
    days, day = [], add_working_days(period.start, 0)
    while day <= period.end:
        days.append(day)
        day = add_working_days(day, 1)
    return days


def _board_documents(ctx: DemoContext, clock: Clock, board: Agency, period: Period) -> int:
    """A quarter of the board's correspondence (skipped when the board has any document then)."""
    from cqs.documents.models import Document, Secrecy
    from cqs.documents.services import (
        incoming_register,
        outgoing_approve,
        outgoing_draft_create,
        outgoing_release,
        outgoing_review,
        outgoing_submit,
    )

    start, end = _at(period.start - timedelta(days=3), 0), _at(period.end + timedelta(days=3), 23)
    if Document.objects.filter(owner=board, registered_at__range=(start, end)).exists():
        return 0
    users = {p: ctx.users[f"{p}.bdt"] for p in ("chuyenvien", "lanhdao", "vanthu")}
    unit = (
        Position.objects.filter(user=users["chuyenvien"], agency=board).values_list("unit", flat=True).first()
    )
    drafting_unit = Unit.objects.filter(pk=unit).first() if unit else None
    rng = random.Random("bdt-2023Q3")
    created = 0

    def release(day: date, doc_type: str, subject: str, secret: bool) -> None:
        nonlocal created
        data = {
            "doc_type": doc_type,
            "subject": subject,
            "body": "Ban Dân tộc tỉnh thông báo các nội dung sau:\n1. Tình hình thực hiện\n2. Nhiệm vụ "
            "thời gian tới",
            "drafting_unit": drafting_unit,
            "recipients_text": "\n".join(rng.sample(_BOARD_OUTSIDE, 2)),
            "secrecy": Secrecy.SECRET if secret else Secrecy.NONE,
            "signer": users["lanhdao"],
            "signer_authority": "",
            "archive_line": "VT, VP",
        }
        doc = clock.run(
            _at(day, 8, 5), lambda: outgoing_draft_create(by=users["chuyenvien"], owner=board, data=data)
        )
        clock.run(_at(day, 8, 40), lambda: outgoing_submit(by=users["chuyenvien"], document=doc))
        clock.run(_at(day, 9, 30), lambda: outgoing_review(by=users["lanhdao"], document=doc, approve=True))
        clock.run(_at(day, 10, 15), lambda: outgoing_approve(by=users["lanhdao"], document=doc, approve=True))
        released = clock.run(_at(day, 14, 30), lambda: outgoing_release(by=users["vanthu"], document=doc))
        if not secret:
            # The leader signed it digitally before release (the platform's signing module came later).
            Document.objects.filter(pk=released.pk).update(is_digitally_signed=True)
        created += 1

    def register(day: date, number: int, index: int, secret: bool) -> None:
        nonlocal created
        issuer, doc_type, notation, subject = _BOARD_INCOMING[index % len(_BOARD_INCOMING)]
        data = {
            "doc_type": doc_type,
            "number": f"{number:02d}",
            "notation": notation,
            "issued_on": day - timedelta(days=1),
            "issuing_agency_name": ctx.text(issuer),
            "subject": ctx.text(subject.format(thang=day.month)) + (" (văn bản mật)" if secret else ""),
            "secrecy": Secrecy.SECRET if secret else Secrecy.NONE,
            "is_electronic": not secret and index % 4 != 3,
            "page_count": 2,
        }
        clock.run(_at(day, 9, 10), lambda: incoming_register(by=users["vanthu"], owner=board, data=data))
        created += 1

    days = _window_days(period)
    for index, day in enumerate(days):
        if index % 2 == 0:
            doc_type, template = _BOARD_OUTGOING[(index // 2) % len(_BOARD_OUTGOING)]
            secret = index // 2 in (4, 13, 25)
            subject = template.format(thang=day.month) + (
                f" (đợt {index // 2 + 1})" if "{thang}" not in template else ""
            )
            release(day, doc_type, subject, secret)
        if index % 3 == 1:
            register(day, 100 + index, index // 3, secret=index // 3 in (5, 14))
    # One document on each side of the window: neither may count.
    release(
        period.start - timedelta(days=1),
        "Công văn",
        "Về việc chuẩn bị báo cáo công tác dân tộc 6 tháng đầu năm 2023",
        False,
    )
    release(
        period.end + timedelta(days=1),
        "Công văn",
        "Về việc tổ chức Hội nghị biểu dương người có uy tín năm 2023",
        False,
    )
    return created


def _manual(
    ctx: DemoContext,
    clock: Clock,
    moment: datetime,
    by: Any,
    agency: Agency,
    period: str,
    values: dict[str, tuple[int, int] | int],
) -> None:
    from cqs.reporting.services.manual import can_enter_manual_values, manual_value_set

    if not clock.run(moment, lambda: can_enter_manual_values(by, agency)):
        # Entering a merged agency's past figures depends on the manual-values rule (report-core);
        # without it the report simply leaves those sentences out.
        return
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=list(values))}
    for code, value in values.items():
        indicator = indicators.get(code)
        if indicator is None:
            continue
        if isinstance(value, tuple):
            clock.run(
                moment,
                lambda i=indicator, v=value: manual_value_set(
                    actor=by, agency=agency, indicator=i, period=period, numerator=v[0], denominator=v[1]
                ),
            )
        else:
            clock.run(
                moment,
                lambda i=indicator, v=value: manual_value_set(
                    actor=by, agency=agency, indicator=i, period=period, value=v
                ),
            )


def _board_report(ctx: DemoContext, clock: Clock, requester: dict[str, Any]) -> None:
    from cqs.reporting.regimes import IT_REGIME
    from cqs.reporting.services.campaigns import campaign_launch
    from cqs.reporting.services.reports import report_refresh, report_update

    regime = Regime.objects.filter(code=IT_REGIME).first()
    if regime is None or Campaign.objects.filter(regime=regime, period=BOARD_PERIOD).exists():
        return
    board = ctx.agencies["BDT"]
    period = parse_period(BOARD_PERIOD)
    ctx.stats.created["documents.Document"] += _board_documents(ctx, clock, board, period)
    officer = ctx.users["baocao.bdt"]
    _manual(
        ctx,
        clock,
        _at(period.end, 16),
        officer,
        board,
        BOARD_PERIOD,
        {"MAY_TINH_MA_DOC": (16, 16), "CB_CNTT": 1},
    )
    campaign = clock.run(
        _at(period.end + timedelta(days=1), 8, 30),
        lambda: campaign_launch(by=requester["baocao"], regime=regime, period=BOARD_PERIOD),
    )
    ctx.stats.created[Campaign._meta.label] += 1
    report = Report.objects.get(campaign=campaign, agency=board)
    texts = {}
    for section in regime.sections.filter(kind="tuong_thuat").order_by("order"):
        heading = regime.sections.filter(kind="tieu_de", order__lt=section.order).order_by("-order").first()
        key = section.title or (heading.number if heading is not None else "")
        if key in BOARD_NARRATIVES:
            texts[section.pk] = BOARD_NARRATIVES[key]
    header = {
        "signer_authority": "KT.",
        "signer_title": "Phó Trưởng ban",
        "signer_name": "Trần Minh Quang",
        "distribution": "Sở Thông tin và Truyền thông\nLãnh đạo Ban",
    }
    moment = _at(add_working_days(period.end, 2), 10)
    clock.run(moment, lambda: report_refresh(by=officer, report=report))
    clock.run(moment, lambda: report_update(by=officer, report=report, narratives=texts, header=header))


# ----------------------------------------------------------------------------- (b) a recent quarter


def recent_quarter(today: date) -> Period:
    """The last quarter whose deadline (about a week after its cut-off) is behind us."""
    period = period_containing("quarter", today).previous()
    return period


def _quarter_campaign(ctx: DemoContext, clock: Clock, requester: dict[str, Any]) -> None:
    from cqs.reporting.regimes import DT_REGIME
    from cqs.reporting.services.campaigns import campaign_launch, reporting_agencies_on
    from cqs.reporting.services.reports import (
        report_accept,
        report_refresh,
        report_return,
        report_submit,
        report_update,
    )

    regime = Regime.objects.filter(code=DT_REGIME).first()
    today = timezone.localdate()
    period = recent_quarter(today)
    if regime is None or Campaign.objects.filter(regime=regime, period=period.code).exists():
        return
    communes = [a for a in reporting_agencies_on(regime, period.end) if a.level == AgencyLevel.COMMUNE]
    if not communes:
        return
    officers = _commune_officers(ctx, communes)
    rng = random.Random(f"cds-{period.code}")
    entry = _at(period.end, 15)
    for agency in communes:
        computers = rng.randint(14, 38)
        _manual(
            ctx,
            clock,
            entry,
            officers[agency.pk],
            agency,
            period.code,
            {
                "MAY_TINH_MA_DOC": (computers - rng.choice((0, 0, 0, 1, 2, 5)), computers),
                "BCD_CDS": (1, 1),
                "CB_CNTT": rng.randint(1, 2),
            },
        )
    campaign = clock.run(
        _at(period.end + timedelta(days=1), 8, 0),
        lambda: campaign_launch(by=requester["baocao"], regime=regime, period=period.code),
    )
    ctx.stats.created[Campaign._meta.label] += 1
    reports = list(Report.objects.filter(campaign=campaign).select_related("agency").order_by("agency__code"))
    deadline = campaign.deadline
    missing = {r.pk for r in reports[-3:]}
    late = {r.pk for r in reports[-5:-3]}
    returned = {reports[1].pk} if len(reports) > 6 else set()
    narrative = regime.sections.filter(kind="tuong_thuat").order_by("order")
    first_text = narrative.first()
    for index, report in enumerate(reports):
        if report.pk in missing:
            continue
        officer = officers.get(report.agency_id)
        if officer is None:
            continue
        day = (
            add_working_days(deadline, 2 + index % 2)
            if report.pk in late
            else add_working_days(period.end, 1 + index % 3)
        )
        moment = _at(day, 9 + index % 6, 10)
        texts = (
            {
                first_text.pk: (
                    "- Tổ chức hội nghị quán triệt về chuyển đổi số cho cán bộ, công chức xã; tuyên "
                    "truyền trên hệ "
                    "thống truyền thanh cơ sở và trang thông tin điện tử của xã.\n"
                    "- Duy trì hoạt động của Tổ công nghệ số cộng đồng tại các thôn."
                )
            }
            if first_text is not None
            else {}
        )
        clock.run(moment, lambda r=report, o=officer: report_refresh(by=o, report=r))
        clock.run(moment, lambda r=report, t=texts, o=officer: report_update(by=o, report=r, narratives=t))
        clock.run(moment + timedelta(minutes=20), lambda r=report, o=officer: report_submit(by=o, report=r))
        review = _at(add_working_days(max(day, deadline), 1), 14)
        if report.pk in returned:
            clock.run(
                review,
                lambda r=report: report_return(by=requester["baocao"], report=r, reason=REASON_RETURNED),
            )
        elif index % 2 == 0:
            clock.run(review, lambda r=report: report_accept(by=requester["baocao"], report=r))


def seed_reporting(ctx: DemoContext) -> None:
    """The DEMO_STEPS step (see the module docstring)."""
    from cqs.reporting.regimes import sync_regimes

    requester_agency = ctx.agencies.get("SKHCN")
    if requester_agency is None or "BDT" not in ctx.agencies:
        return
    created = sync_regimes(requester_agency)
    if created["regimes"]:  # a Counter entry of 0 would still read as a change
        ctx.stats.created[Regime._meta.label] += created["regimes"]
    requester = _requester_staff(ctx)
    clock = Clock()
    _board_report(ctx, clock, requester)
    _quarter_campaign(ctx, clock, requester)


if seed_reporting not in DEMO_STEPS:
    DEMO_STEPS.append(seed_reporting)
