"""The province's digital-transformation plan with its tasks: the `seed_worklist` step of `seed_demo`.

"Kế hoạch chuyển đổi số tỉnh Sơn Hà năm N", issued by the provincial People's Committee
about ten months ago, assigns some twenty tasks to departments and communes; two more
come from the chairman's meeting conclusions. Their histories cover every state the module
knows: done early, on time and late, overdue (chased with reminders, criticism, a request
for a disciplinary review), still within the deadline, an extension granted, one refused,
one pending, a task split into sub-tasks for units, and one cancelled.

As in `cqs.documents.demo`, every step goes through the services under the *demo clock*
(`DemoClock`, `Simulation`): while a step runs, `django.utils.timezone.now` returns its
simulated moment, so assignment days, progress reports, completions and deadlines on the
working-day calendar carry the simulated dates; steps that would fall after the real
present are not run (a task whose completion lies in the future is still open today).

Idempotent: the plan is seeded once (looked up by its issuing agency and title); a second
`seed_demo` changes nothing.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import VN_TZ, add_working_days, get_calendar, working_days_between
from cqs.documents.demo import DemoClock, Simulation, at_time
from cqs.documents.models import Document, DocumentStatus
from cqs.org.demo import DEMO_STEPS, DemoContext
from cqs.org.models import Agency
from cqs.worklist import services
from cqs.worklist.models import Plan, ReminderKind, Task

logger = logging.getLogger(__name__)

# Scenario codes: what happens to a task after it is assigned.
EARLY, ON_TIME, LATE, OVERDUE, WITHIN = "early", "on_time", "late", "overdue", "within"
GRANTED, REFUSED, PENDING, SPLIT, CANCELLED = "granted", "refused", "pending", "split", "cancelled"


@dataclass(frozen=True)
class DemoTask:
    title: str
    lead: str  # agency key of cqs.org.demo_data
    supporters: tuple[str, ...]
    scenario: str
    share: float  # where the deadline falls between the plan's issue and today (> 1: after today)
    expected: str = ""
    lead_unit: str | None = None
    chases: tuple[str, ...] = ()
    from_meeting: bool = False


TASKS: tuple[DemoTask, ...] = (
    DemoTask(
        "Xây dựng, ban hành Kế hoạch chuyển đổi số của Sở Nội vụ năm {year}",
        "SNV",
        (),
        EARLY,
        0.12,
        "Kế hoạch được ban hành",
    ),
    DemoTask(
        "Triển khai nền tảng trợ lý ảo hỗ trợ cán bộ, công chức xử lý văn bản",
        "SKHCN",
        ("VP",),
        OVERDUE,
        0.55,
        "Trợ lý ảo vận hành trên Hệ thống quản lý văn bản",
        chases=(ReminderKind.REMIND, ReminderKind.CRITICISE),
    ),
    DemoTask(
        "Bảo đảm 100% văn bản đi được ký số của lãnh đạo và văn thư",
        "VP",
        ("SNV",),
        ON_TIME,
        0.3,
        "Tỷ lệ văn bản đi ký số đạt 100%",
    ),
    DemoTask(
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính đạt tỷ lệ trên 80%",
        "TTPVHCC",
        ("xa-an-phu", "xa-thanh-lam"),
        WITHIN,
        1.15,
        "Tỷ lệ số hóa hồ sơ trên 80%",
    ),
    DemoTask(
        "Rà soát, cập nhật cơ sở dữ liệu cán bộ, công chức, viên chức của tỉnh",
        "SNV",
        ("STC",),
        LATE,
        0.45,
        "Cơ sở dữ liệu được cập nhật đầy đủ",
        chases=(ReminderKind.REMIND,),
    ),
    DemoTask(
        "Triển khai Đề án 06 tại Bộ phận tiếp nhận và trả kết quả cấp xã",
        "xa-an-phu",
        (),
        GRANTED,
        0.6,
        "100% hồ sơ được xác thực qua Cơ sở dữ liệu quốc gia về dân cư",
    ),
    DemoTask(
        "Triển khai thanh toán trực tuyến phí, lệ phí giải quyết thủ tục hành chính",
        "xa-thanh-lam",
        ("STC",),
        REFUSED,
        0.62,
        "Tỷ lệ thanh toán trực tuyến trên 50%",
        chases=(ReminderKind.REMIND, ReminderKind.CRITICISE, ReminderKind.DISCIPLINE_REVIEW),
    ),
    DemoTask(
        "Bố trí kinh phí thực hiện các nhiệm vụ chuyển đổi số năm {year}",
        "STC",
        ("SKHCN",),
        ON_TIME,
        0.18,
        "Quyết định phân bổ kinh phí",
    ),
    DemoTask(
        "Tổ chức tập huấn kỹ năng số cho cán bộ, công chức cấp xã",
        "SNV",
        ("xa-an-phu", "xa-thanh-lam"),
        SPLIT,
        0.7,
        "Ít nhất 90% cán bộ, công chức cấp xã được tập huấn",
    ),
    DemoTask(
        "Xây dựng cơ sở dữ liệu người có uy tín trong đồng bào dân tộc thiểu số",
        "SDTTG",
        (),
        WITHIN,
        1.25,
        "Cơ sở dữ liệu được đưa vào khai thác",
    ),
    DemoTask(
        "Cập nhật dữ liệu thực hiện chính sách dân tộc lên Hệ thống thông tin báo cáo của tỉnh",
        "SDTTG",
        (),
        LATE,
        0.5,
        "Số liệu được cập nhật định kỳ hằng tháng",
        chases=(ReminderKind.REMIND,),
    ),
    DemoTask(
        "Triển khai Hệ thống quản lý văn bản và điều hành đến 100% phòng chuyên môn cấp xã",
        "xa-an-phu",
        (),
        EARLY,
        0.4,
        "100% văn bản được xử lý trên môi trường điện tử",
    ),
    DemoTask(
        "Tuyên truyền chuyển đổi số trên hệ thống truyền thanh cơ sở",
        "xa-thanh-lam",
        (),
        WITHIN,
        1.1,
        "Chuyên mục chuyển đổi số phát sóng hằng tuần",
    ),
    DemoTask(
        "Đánh giá, xếp hạng chỉ số chuyển đổi số (DTI) cấp xã năm {year}",
        "SKHCN",
        ("xa-an-phu", "xa-thanh-lam"),
        WITHIN,
        1.3,
        "Kết quả DTI cấp xã được công bố",
    ),
    DemoTask(
        "Triển khai hệ thống hội nghị truyền hình trực tuyến đến cấp xã",
        "VP",
        ("xa-an-phu", "xa-thanh-lam"),
        OVERDUE,
        0.75,
        "Điểm cầu trực tuyến tại các xã vận hành",
        chases=(ReminderKind.REMIND,),
    ),
    DemoTask(
        "Bảo đảm an toàn thông tin theo cấp độ cho hệ thống thông tin của Sở",
        "SNV",
        (),
        PENDING,
        1.02,
        "Hồ sơ đề xuất cấp độ được phê duyệt",
    ),
    DemoTask(
        "Xây dựng cơ sở dữ liệu đất đai cấp xã",
        "SNNMT",
        ("xa-an-phu",),
        CANCELLED,
        0.9,
        "Cơ sở dữ liệu đất đai được kết nối",
    ),
    DemoTask(
        "Triển khai chữ ký số cho người đứng đầu các trường học",
        "SGDĐT",
        (),
        OVERDUE,
        0.65,
        "100% hiệu trưởng có chứng thư chữ ký số",
        chases=(ReminderKind.REMIND,),
    ),
    DemoTask(
        "Triển khai hồ sơ sức khỏe điện tử cho người dân",
        "SYT",
        (),
        WITHIN,
        1.2,
        "Trên 80% người dân có hồ sơ sức khỏe điện tử",
    ),
    DemoTask(
        "Tiếp nhận hồ sơ trực tuyến toàn trình đối với thủ tục đủ điều kiện",
        "xa-an-phu",
        (),
        LATE,
        0.35,
        "100% thủ tục đủ điều kiện được cung cấp toàn trình",
    ),
    DemoTask(
        "Rà soát, chuẩn hóa quy trình nội bộ giải quyết thủ tục hành chính",
        "VP",
        ("TTPVHCC",),
        EARLY,
        0.5,
        "Quyết định phê duyệt quy trình nội bộ",
    ),
    DemoTask(
        "Báo cáo kết quả thực hiện Kế hoạch 6 tháng đầu năm {year}",
        "SNV",
        (),
        ON_TIME,
        0.55,
        "Báo cáo của UBND tỉnh",
    ),
    DemoTask(
        "Báo cáo kết quả thực hiện Kế hoạch năm {year}",
        "SNV",
        ("STC", "SKHCN"),
        WITHIN,
        1.05,
        "Báo cáo của UBND tỉnh",
    ),
    DemoTask(
        "Khẩn trương khắc phục tình trạng hồ sơ trễ hạn tại Bộ phận tiếp nhận và trả kết quả xã",
        "xa-thanh-lam",
        (),
        OVERDUE,
        0.85,
        "Không còn hồ sơ trễ hạn",
        chases=(ReminderKind.CRITICISE,),
        from_meeting=True,
    ),
    DemoTask(
        "Tham mưu văn bản chấn chỉnh việc chậm cập nhật số liệu báo cáo chuyển đổi số",
        "SNV",
        (),
        ON_TIME,
        0.8,
        "Công văn chấn chỉnh được ban hành",
        from_meeting=True,
    ),
)

PROGRESS_TEXTS = (
    "Đã xây dựng dự thảo, đang lấy ý kiến các cơ quan, đơn vị liên quan.",
    "Đã hoàn thành khảo sát hiện trạng; đang tổng hợp số liệu.",
    "Đang triển khai thực hiện theo lộ trình; đã làm việc với đơn vị cung cấp giải pháp.",
    "Đã hoàn thành phần lớn khối lượng công việc; đang hoàn thiện hồ sơ, tài liệu.",
)
RESULTS = {
    EARLY: "Đã hoàn thành trước thời hạn, sản phẩm đã gửi UBND tỉnh.",
    ON_TIME: "Đã hoàn thành đúng thời hạn theo Kế hoạch.",
    LATE: "Đã hoàn thành; chậm so với thời hạn do phải chờ số liệu từ các đơn vị.",
    GRANTED: "Đã hoàn thành trong thời hạn được gia hạn.",
    SPLIT: "Đã tổ chức các lớp tập huấn theo kế hoạch.",
}
LEADERS = {
    "SNV": "lanhdao.snv",
    "SDTTG": "lanhdao.bdt",
    "STC": "lanhdao.stc",
    "VP": "lanhdao.vp",
    "xa-an-phu": "lanhdao.xa-an-phu",
    "xa-thanh-lam": "lanhdao.xa-thanh-lam",
}
OFFICERS = {
    "SNV": "chuyenvien.snv",
    "SDTTG": "chuyenvien.bdt",
    "VP": "chuyenvien.vp",
    "xa-an-phu": "chuyenvien.xa-an-phu",
    "xa-thanh-lam": "chuyenvien.xa-thanh-lam",
}


def _evidence(title: str, percent: int) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Nội dung", "Tiến độ (%)"])
    sheet.append([title, percent])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(f"bang-so-lieu-tien-do-{percent}.xlsx", buffer.getvalue())


@dataclass
class Seeder:
    ctx: DemoContext
    sim: Simulation
    today: date
    issued: date
    plan: Plan

    def user(self, username: str | None) -> Any:
        return self.ctx.users.get(username) if username else None

    def owner(self, spec: DemoTask) -> Any:
        return self.user(OFFICERS.get(spec.lead)) or self.user(LEADERS.get(spec.lead))

    def run(self, moment_day: date, hour: int, action: Callable[[], object]) -> None:
        def step() -> None:
            try:
                action()
            except (ApplicationError, PermissionDenied) as error:  # a state the story no longer allows
                logger.info("Demo step skipped: %s", error)

        self.sim.at(at_time(moment_day, hour, 15 * (hour % 4)), step)

    def plan_task(self, index: int, spec: DemoTask, holder: dict[str, Task]) -> None:
        agency: Agency = self.ctx.agencies[spec.lead]
        start = max(add_working_days(self.issued, 1 + index % 6), add_working_days(agency.valid_from, 1))
        span = working_days_between(self.issued, self.today)
        target = add_working_days(self.issued, max(8, round(span * spec.share)))
        days = max(5, working_days_between(start, target))
        deadline = add_working_days(start, days)
        leader = self.user("lanhdao.vp" if spec.from_meeting else "lanhdao.tinh")
        title = spec.title.format(year=self.plan.year)

        def assign() -> None:
            source = self.meeting_document() if spec.from_meeting else None
            holder["task"] = services.task_assign(
                by=leader,
                assigning_agency=self.ctx.agencies["UBND"],
                plan=None if spec.from_meeting else self.plan,
                spec=services.TaskSpec(
                    title=title,
                    lead_agency=agency,
                    supporting_agencies=[self.ctx.agencies[k] for k in spec.supporters],
                    working_days=days,
                    expected_result=spec.expected,
                    source_document=source,
                    source_text=""
                    if source or not spec.from_meeting
                    else ("Kết luận của Chủ tịch UBND tỉnh tại cuộc họp giao ban về chuyển đổi số"),
                ),
            )

        self.run(start, 8, assign)
        self.story(spec, holder, start, deadline, leader)

    def meeting_document(self) -> Document | None:
        return (
            Document.objects.filter(
                owner=self.ctx.agencies["VP"],
                doc_type="Thông báo",
                status=DocumentStatus.RELEASED,
                subject__startswith="Kết luận của Chủ tịch",
            )
            .order_by("-released_at")
            .first()
        )

    def story(
        self, spec: DemoTask, holder: dict[str, Task], start: date, deadline: date, leader: Any
    ) -> None:
        owner, boss = self.owner(spec), self.user(LEADERS.get(spec.lead))
        length = max(2, working_days_between(start, deadline))

        def progress(share: float, percent: int, files: bool = False) -> None:
            if owner is None:
                return
            day = add_working_days(start, max(1, round(length * share)))
            text = PROGRESS_TEXTS[(percent // 25) % len(PROGRESS_TEXTS)]
            upload = [_evidence(spec.title[:60], percent)] if files else []
            self.run(
                day,
                10,
                lambda: services.task_report_progress(
                    by=owner, task=holder["task"], text=text, percent=percent, files=upload
                ),
            )

        def done(day: date, scenario: str) -> None:
            if owner is not None:
                note = RESULTS.get(scenario, RESULTS[ON_TIME])
                self.run(
                    day, 15, lambda: services.task_mark_done(by=owner, task=holder["task"], result_note=note)
                )

        def chase(day: date, kind: str, text: str = "") -> None:
            self.run(
                day, 9, lambda: services.task_chase(by=leader, task=holder["task"], kind=kind, text=text)
            )

        scenario = spec.scenario
        if scenario != CANCELLED:
            progress(0.35, 30, files=True)
        for number, kind in enumerate(spec.chases, start=1):
            chase(
                add_working_days(deadline, 2 + 4 * number),
                kind,
                ""
                if number == 1
                else "Đến nay nhiệm vụ vẫn chưa hoàn thành; đề nghị khẩn trương thực hiện, báo cáo kết quả.",
            )
        if scenario == EARLY:
            progress(0.6, 70)
            done(add_working_days(deadline, -3), EARLY)
        elif scenario == ON_TIME:
            progress(0.7, 80, files=True)
            done(deadline, ON_TIME)
        elif scenario == LATE:
            progress(0.8, 60)
            done(add_working_days(deadline, 6), LATE)
        elif scenario == OVERDUE:
            progress(0.7, 60)
        elif scenario == WITHIN:
            progress(0.6, 50)
        elif scenario in (GRANTED, REFUSED, PENDING) and boss is not None:
            # The pending request was sent two working days ago; the others shortly before the deadline.
            ask = add_working_days(self.today, -2) if scenario == PENDING else add_working_days(deadline, -3)
            new = add_working_days(deadline, 15)
            self.run(
                ask,
                11,
                lambda: services.task_request_extension(
                    by=boss,
                    task=holder["task"],
                    new_deadline=new,
                    reason="Đơn vị cung cấp giải pháp chậm bàn giao; đề nghị gia hạn để hoàn thành kiểm thử.",
                ),
            )
            if scenario == GRANTED:
                self.run(
                    add_working_days(ask, 1),
                    14,
                    lambda: services.task_grant_extension(
                        by=leader,
                        task=holder["task"],
                        reason="Đồng ý; đề nghị hoàn thành trong thời hạn được gia hạn.",
                    ),
                )
                done(new, GRANTED)
            elif scenario == REFUSED:
                self.run(
                    add_working_days(ask, 1),
                    14,
                    lambda: services.task_refuse_extension(
                        by=leader, task=holder["task"], reason="Nhiệm vụ trọng tâm, không thể lùi thời hạn."
                    ),
                )
        elif scenario == SPLIT and boss is not None:
            units = [self.ctx.units[("SNV", "CCHC")], self.ctx.units[("SNV", "CQĐP")]]
            split_day = add_working_days(start, 2)
            children: dict[str, list[Task]] = {}

            def split() -> None:
                children["list"] = services.task_split(
                    by=boss,
                    task=holder["task"],
                    specs=[
                        services.TaskSpec(
                            title=f"{part} cho cán bộ, công chức cấp xã",
                            lead_agency=self.ctx.agencies["SNV"],
                            lead_unit=unit,
                            working_days=max(3, length - 6),
                        )
                        for part, unit in zip(
                            ("Xây dựng tài liệu tập huấn kỹ năng số", "Tổ chức các lớp tập huấn kỹ năng số"),
                            units,
                            strict=True,
                        )
                    ],
                )

            self.run(split_day, 9, split)

            def finish_child(position: int) -> None:
                child = children.get("list", [])[position]
                services.task_mark_done(by=owner or boss, task=child, result_note="Đã hoàn thành.")

            for position, offset in enumerate((length - 8, length - 7)):
                day = add_working_days(start, max(3, offset))
                self.run(day, 16, lambda position=position: finish_child(position))  # type: ignore[misc]
            done(add_working_days(deadline, -1), EARLY)
        elif scenario == CANCELLED:
            self.run(
                add_working_days(start, 10),
                10,
                lambda: services.task_cancel(
                    by=leader,
                    task=holder["task"],
                    reason="Nhiệm vụ đã được lồng ghép vào Kế hoạch xây dựng cơ sở dữ liệu đất đai của tỉnh.",
                ),
            )


def _plan_issue_day(today: date) -> date:
    return add_working_days(today - timedelta(days=300), 0)


def seed_worklist(ctx: DemoContext) -> None:
    """The DEMO_STEPS step: the digital-transformation plan and its tasks (see the module)."""
    real_now = timezone.now()
    today = real_now.astimezone(VN_TZ).date()
    get_calendar()
    issued = _plan_issue_day(today)
    province = ctx.agencies["UBND"]
    title = ctx.text(f"Kế hoạch chuyển đổi số tỉnh {{province}} năm {issued.year}")
    if Plan.objects.filter(issuing_agency=province, title=title).exists():
        return
    clock = DemoClock(real_now)
    sim = Simulation(clock)
    plan_holder: dict[str, Plan] = {}

    def create_plan() -> None:
        plan_holder["plan"] = services.plan_create(
            by=ctx.users["lanhdao.tinh"],
            issuing_agency=province,
            title=title,
            year=issued.year,
            citation=f"Kế hoạch số 18/KH-UBND ngày {issued.day:02d}/{issued.month:02d}/{issued.year}",
        )

    with clock.running():
        clock.moment = at_time(issued, 8)
        create_plan()
    seeder = Seeder(ctx=ctx, sim=sim, today=today, issued=issued, plan=plan_holder["plan"])
    for index, spec in enumerate(TASKS):
        seeder.plan_task(index, spec, {})
    before = Task.objects.count()
    sim.run()
    ctx.stats.created[Plan._meta.label] += 1
    ctx.stats.created[Task._meta.label] += Task.objects.count() - before


if seed_worklist not in DEMO_STEPS:
    DEMO_STEPS.append(seed_worklist)
