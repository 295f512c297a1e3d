"""A year of documents for the demo province: the `seed_documents` step of `seed_demo`.

Five demo agencies with staff — Sở Dân tộc và Tôn giáo, Sở Nội vụ, Văn phòng UBND tỉnh and the
communes An Phú and Thanh Lâm — draft, approve and release outgoing documents, send them to
one another over the platform, and register, route, handle and chase incoming ones (paper
documents from ministries, the Provincial Party Committee, the People's Council…) over the
last twelve months, with realistic subjects, urgent documents, replies that cite what they
answer, assignments completed on time, late, and some still overdue today.

Everything goes through the services (`cqs.documents.services`, `files.attach_file`,
`links.link_citations`), so numbers, deliveries, timelines, notifications and audit events
are the ones real use would produce. To spread that history over the year the services run
under a *demo clock*: a discrete-event simulation orders every step of every document by its
(simulated) moment, and while a step runs `django.utils.timezone.now` returns that moment,
so registration times, register years, deadlines on the working-day calendar, the timeline
and the audit events of the demo all carry the simulated dates. Steps that would fall after
the real present are not run: a draft started yesterday is still waiting for its reviewer,
an assignment whose (late) completion lies in the future is overdue today.

Idempotent: the year is seeded once, when the demo agencies hold no document yet; a second
`seed_demo` adds nothing (documents made since are the users' own). Deterministic apart from
"today": fixed random seeds, one stream for each agency's plan and one for each document.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cqs.core.workcalendar import VN_TZ, add_working_days, get_calendar
from cqs.documents.files import attach_file
from cqs.documents.links import link_citations
from cqs.documents.models import (
    Assignment,
    AssignmentStatus,
    Direction,
    Document,
    DocumentStatus,
    Secrecy,
    Urgency,
)
from cqs.documents.render import document_pdf
from cqs.documents.services import (
    RouteTarget,
    assignment_chase,
    assignment_complete,
    assignment_progress,
    document_route,
    incoming_register,
    incoming_register_arrived,
    incoming_return,
    outgoing_approve,
    outgoing_comment,
    outgoing_draft_create,
    outgoing_recall,
    outgoing_release,
    outgoing_review,
    outgoing_submit,
    outgoing_update,
)
from cqs.org.demo import DEMO_STEPS, DemoContext
from cqs.org.models import Agency, Position, Unit

# ---------------------------------------------------------------------------- the cast


@dataclass(frozen=True)
class Office:
    """A demo agency and the people who work its documents (usernames from cqs.org.demo_data)."""

    key: str
    slug: str
    # On-platform recipients its outgoing documents usually go to (agency keys).
    sends_to: tuple[str, ...]
    # Recipients outside the platform, one line each.
    outside: tuple[str, ...]


OFFICES: tuple[Office, ...] = (
    Office(
        "SDTTG",
        "bdt",
        ("xa-an-phu", "xa-thanh-lam", "VP", "SNV"),
        ("Bộ Dân tộc và Tôn giáo", "Ban Dân vận Tỉnh ủy", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
    ),
    Office(
        "SNV",
        "snv",
        ("xa-an-phu", "xa-thanh-lam", "SDTTG", "VP"),
        ("Bộ Nội vụ", "Ban Tổ chức Tỉnh ủy", "Các sở, ban, ngành tỉnh"),
    ),
    Office(
        "VP",
        "vp",
        ("SDTTG", "SNV", "xa-an-phu", "xa-thanh-lam"),
        ("Văn phòng Chính phủ", "Thường trực Tỉnh ủy", "Thường trực HĐND tỉnh", "Các sở, ban, ngành tỉnh"),
    ),
    Office(
        "xa-an-phu",
        "xa-an-phu",
        ("SNV", "VP", "SDTTG"),
        ("Đảng ủy xã", "Thường trực HĐND xã", "Ủy ban MTTQ Việt Nam xã", "Các thôn, khu dân cư"),
    ),
    Office(
        "xa-thanh-lam",
        "xa-thanh-lam",
        ("SNV", "VP", "SDTTG"),
        ("Đảng ủy xã", "Thường trực HĐND xã", "Ủy ban MTTQ Việt Nam xã", "Các thôn, bản"),
    ),
)

# ---------------------------------------------------------------------------- what they write

# (doc_type, subject) — {thang} month, {quy} quarter, {nam} year, {place} the locality, {thon} a hamlet.
OUTGOING_SUBJECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "SDTTG": (
        ("Báo cáo", "Kết quả thực hiện công tác dân tộc, tôn giáo tháng {thang} năm {nam}"),
        ("Báo cáo", "Tình hình hoạt động tôn giáo, tín ngưỡng trên địa bàn tỉnh quý {quy} năm {nam}"),
        ("Kế hoạch", "Tổ chức Hội nghị biểu dương người có uy tín trong đồng bào dân tộc thiểu số năm {nam}"),
        ("Kế hoạch", "Kiểm tra việc thực hiện chính sách dân tộc trên địa bàn tỉnh năm {nam}"),
        (
            "Công văn",
            "Về việc cung cấp số liệu thực hiện Chương trình mục tiêu quốc gia vùng đồng bào dân tộc "
            "thiểu số và miền núi tháng {thang} năm {nam}",
        ),
        ("Công văn", "Về việc rà soát, cập nhật danh sách người có uy tín quý {quy} năm {nam}"),
        ("Công văn", "Về việc tăng cường quản lý hoạt động tôn giáo dịp lễ, Tết tháng {thang} năm {nam}"),
        ("Giấy mời", "Dự Hội nghị giao ban công tác dân tộc, tôn giáo tháng {thang} năm {nam}"),
        (
            "Quyết định",
            "Về việc thành lập Đoàn kiểm tra chính sách hỗ trợ đồng bào dân tộc thiểu số quý {quy} năm {nam}",
        ),
        ("Thông báo", "Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng {thang} năm {nam}"),
        ("Tờ trình", "Đề nghị phê duyệt kinh phí hỗ trợ người có uy tín quý {quy} năm {nam}"),
        (
            "Hướng dẫn",
            "Thực hiện chính sách hỗ trợ học sinh dân tộc thiểu số học kỳ {hoc_ky} năm học {nam_hoc}",
        ),
    ),
    "SNV": (
        ("Báo cáo", "Kết quả thực hiện công tác cải cách hành chính quý {quy} năm {nam}"),
        ("Báo cáo", "Tình hình thực hiện tinh giản biên chế tháng {thang} năm {nam}"),
        ("Kế hoạch", "Kiểm tra công tác văn thư, lưu trữ tại các cơ quan, đơn vị quý {quy} năm {nam}"),
        ("Kế hoạch", "Đào tạo, bồi dưỡng cán bộ, công chức, viên chức quý {quy} năm {nam}"),
        ("Công văn", "Về việc báo cáo số lượng, chất lượng cán bộ, công chức cấp xã tháng {thang} năm {nam}"),
        ("Công văn", "Về việc thực hiện chế độ báo cáo thống kê ngành Nội vụ quý {quy} năm {nam}"),
        ("Công văn", "Về việc đăng ký nhu cầu đào tạo, bồi dưỡng tháng {thang} năm {nam}"),
        ("Quyết định", "Về việc nâng bậc lương thường xuyên đối với công chức tháng {thang} năm {nam}"),
        ("Giấy mời", "Dự Hội nghị tập huấn nghiệp vụ văn thư, lưu trữ tháng {thang} năm {nam}"),
        ("Thông báo", "Kết quả kiểm tra công tác cải cách hành chính quý {quy} năm {nam}"),
        ("Hướng dẫn", "Đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức quý {quy} năm {nam}"),
    ),
    "VP": (
        (
            "Thông báo",
            "Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp giao ban tháng {thang} năm {nam}",
        ),
        ("Công văn", "Về việc đẩy mạnh chuyển đổi số, phát triển dữ liệu dân cư tháng {thang} năm {nam}"),
        ("Công văn", "Về việc đôn đốc giải ngân vốn đầu tư công tháng {thang} năm {nam}"),
        (
            "Công văn",
            "Về việc chuẩn bị nội dung phiên họp thường kỳ Ủy ban nhân dân tỉnh tháng {thang} năm {nam}",
        ),
        ("Giấy mời", "Dự phiên họp thường kỳ Ủy ban nhân dân tỉnh tháng {thang} năm {nam}"),
        ("Báo cáo", "Tình hình kinh tế - xã hội tháng {thang} năm {nam}"),
        ("Báo cáo", "Kết quả kiểm soát thủ tục hành chính quý {quy} năm {nam}"),
        ("Kế hoạch", "Kiểm soát thủ tục hành chính quý {quy} năm {nam}"),
        ("Công điện", "Về việc tập trung ứng phó mưa lũ, sạt lở đất tháng {thang} năm {nam}"),
        ("Chương trình", "Công tác tháng {thang} năm {nam} của Ủy ban nhân dân tỉnh"),
    ),
    "commune": (
        ("Báo cáo", "Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội tháng {thang} năm {nam}"),
        ("Báo cáo", "Kết quả công tác tiếp công dân, giải quyết khiếu nại, tố cáo quý {quy} năm {nam}"),
        ("Báo cáo", "Kết quả rà soát hộ nghèo, hộ cận nghèo quý {quy} năm {nam}"),
        ("Kế hoạch", "Phòng, chống thiên tai và tìm kiếm cứu nạn quý {quy} năm {nam}"),
        ("Kế hoạch", "Tổng vệ sinh môi trường, chỉnh trang khu dân cư tháng {thang} năm {nam}"),
        ("Công văn", "Về việc đề nghị hỗ trợ kinh phí sửa chữa nhà văn hóa {thon} tháng {thang} năm {nam}"),
        ("Công văn", "Về việc báo cáo kết quả thu ngân sách xã tháng {thang} năm {nam}"),
        ("Công văn", "Về việc xác minh hồ sơ đất đai của hộ gia đình tại {thon} tháng {thang} năm {nam}"),
        ("Tờ trình", "Đề nghị phê duyệt danh sách hộ nghèo, hộ cận nghèo phát sinh quý {quy} năm {nam}"),
        ("Giấy mời", "Dự Hội nghị tiếp xúc cử tri tại {thon} tháng {thang} năm {nam}"),
        ("Thông báo", "Lịch tiếp công dân của Chủ tịch Ủy ban nhân dân xã tháng {thang} năm {nam}"),
    ),
}

# (issuing agency name, on-platform agency key or "", doc_type, notation, subject, asks for a reply)
INCOMING_SUBJECTS: tuple[tuple[str, str, str, str, str, bool], ...] = (
    (
        "Bộ Nội vụ",
        "",
        "Công văn",
        "BNV-VP",
        "Về việc báo cáo kết quả thực hiện công tác văn thư, lưu trữ tháng {thang} năm {nam}",
        True,
    ),
    (
        "Bộ Dân tộc và Tôn giáo",
        "",
        "Công văn",
        "BDTTG-CSDT",
        "Về việc tổng hợp số liệu thực hiện chính sách dân tộc tháng {thang} năm {nam}",
        True,
    ),
    (
        "Văn phòng Chính phủ",
        "",
        "Thông báo",
        "TB-VPCP",
        "Kết luận của Thủ tướng Chính phủ tại Hội nghị trực tuyến về chuyển đổi số tháng {thang} năm {nam}",
        False,
    ),
    (
        "Tỉnh ủy {province}",
        "",
        "Công văn",
        "CV/TU",
        "Về việc tăng cường công tác phòng, chống tham nhũng, tiêu cực tháng {thang} năm {nam}",
        False,
    ),
    (
        "Hội đồng nhân dân tỉnh {province}",
        "",
        "Công văn",
        "HĐND-VP",
        "Về việc trả lời kiến nghị của cử tri tháng {thang} năm {nam}",
        True,
    ),
    (
        "Ủy ban nhân dân tỉnh {province}",
        "UBND",
        "Kế hoạch",
        "KH-UBND",
        "Triển khai Đề án phát triển ứng dụng dữ liệu dân cư quý {quy} năm {nam}",
        False,
    ),
    (
        "Ủy ban nhân dân tỉnh {province}",
        "UBND",
        "Quyết định",
        "QĐ-UBND",
        "Về việc giao chỉ tiêu nhiệm vụ phát triển kinh tế - xã hội quý {quy} năm {nam}",
        False,
    ),
    (
        "Ủy ban nhân dân tỉnh {province}",
        "UBND",
        "Công văn",
        "UBND-KGVX",
        "Về việc báo cáo tình hình thực hiện các chương trình mục tiêu quốc gia tháng {thang} năm {nam}",
        True,
    ),
    (
        "Sở Tài chính",
        "STC",
        "Công văn",
        "STC-NS",
        "Về việc đề nghị báo cáo tình hình sử dụng kinh phí tháng {thang} năm {nam}",
        True,
    ),
    (
        "Bảo hiểm xã hội tỉnh {province}",
        "",
        "Công văn",
        "BHXH-QLT",
        "Về việc đôn đốc nộp bảo hiểm xã hội tháng {thang} năm {nam}",
        False,
    ),
    (
        "Công an tỉnh {province}",
        "",
        "Công văn",
        "CAT-PC06",
        "Về việc phối hợp làm sạch dữ liệu dân cư tháng {thang} năm {nam}",
        True,
    ),
    (
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh {province}",
        "",
        "Giấy mời",
        "GM-MTTQ",
        "Dự Hội nghị hiệp thương tháng {thang} năm {nam}",
        False,
    ),
)

HAMLETS = (
    "thôn Bản Chang",
    "thôn Nà Lừa",
    "thôn Khuổi Hẩu",
    "thôn Đồng Tâm",
    "thôn Phú Lợi",
    "thôn Tân Tiến",
)

OPENINGS = {
    "Báo cáo": "{agency} báo cáo kết quả thực hiện nhiệm vụ như sau:",
    "Kế hoạch": "Để triển khai thực hiện có hiệu quả nhiệm vụ được giao, {agency} ban hành Kế hoạch như sau:",
    "Công văn": "{agency} đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện các nội dung sau:",
    "Công điện": "{agency} yêu cầu các cơ quan, địa phương khẩn trương triển khai ngay các biện pháp sau:",
    "Giấy mời": "{agency} trân trọng kính mời đại diện lãnh đạo cơ quan, đơn vị tham dự.",
    "Tờ trình": "{agency} kính trình cấp có thẩm quyền xem xét, phê duyệt nội dung sau:",
}
# The numbered sections of a body, by document type (a Decree-30 body: "1.", "a)" items).
SECTIONS: dict[str, tuple[str, ...]] = {
    "Báo cáo": (
        "1. Kết quả đạt được\nCác nhiệm vụ trọng tâm được triển khai đúng tiến độ; "
        "tỷ lệ hồ sơ xử lý trên môi trường điện tử đạt trên 95%.",
        "2. Tồn tại, hạn chế\nMột số đơn vị còn chậm cập nhật số liệu; "
        "việc phối hợp giữa các cơ quan có lúc chưa chặt chẽ.",
        "3. Nhiệm vụ, giải pháp thời gian tới\n"
        "a) Tiếp tục đôn đốc các đơn vị hoàn thành nhiệm vụ được giao.\n"
        "b) Tăng cường kiểm tra, giám sát; kịp thời tháo gỡ khó khăn, vướng mắc.",
    ),
    "Kế hoạch": (
        "I. MỤC ĐÍCH, YÊU CẦU\n1. Tổ chức thực hiện nghiêm túc, thiết thực, tiết kiệm, hiệu quả.\n"
        "2. Xác định rõ nhiệm vụ, thời hạn và trách nhiệm của từng cơ quan, đơn vị.",
        "II. NỘI DUNG\n1. Rà soát, đánh giá thực trạng; xây dựng số liệu nền.\n"
        "2. Triển khai các hoạt động theo lộ trình; báo cáo kết quả định kỳ hằng tháng.",
        "III. TỔ CHỨC THỰC HIỆN\nCác cơ quan, đơn vị căn cứ Kế hoạch này triển khai thực hiện; "
        "trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời phản ánh để được hướng dẫn.",
    ),
    "Giấy mời": (
        "1. Thời gian: 08 giờ 00, thứ Năm tuần tới.",
        "2. Địa điểm: Hội trường tầng 3, trụ sở cơ quan.",
        "3. Thành phần: Lãnh đạo và chuyên viên theo dõi lĩnh vực của các cơ quan, đơn vị.",
        "Đề nghị đại biểu nghiên cứu tài liệu trước khi dự họp; tài liệu được đăng trên hệ thống.",
    ),
}
DEFAULT_SECTIONS = (
    "1. Khẩn trương rà soát, tổng hợp tình hình tại cơ quan, đơn vị, địa phương mình.",
    "2. Báo cáo kết quả bằng văn bản qua hệ thống quản lý văn bản trước thời hạn yêu cầu.",
    "3. Phân công lãnh đạo, chuyên viên theo dõi, đầu mối phối hợp; chịu trách nhiệm về số liệu báo cáo.",
)
SEND_BACK_REASONS = (
    "Đề nghị bổ sung số liệu so sánh cùng kỳ năm trước.",
    "Trích yếu chưa phản ánh đúng nội dung; đề nghị sửa lại.",
    "Đề nghị rà soát lại căn cứ pháp lý trước khi trình ký.",
)
RETURN_REASONS = (
    "Văn bản gửi nhầm nơi nhận, không thuộc thẩm quyền giải quyết của cơ quan.",
    "Tệp văn bản điện tử không mở được; đề nghị gửi lại.",
)
PROGRESS_NOTES = (
    "Đang tổng hợp số liệu từ các đơn vị.",
    "Đã làm việc với các phòng chuyên môn; đang dự thảo văn bản trả lời.",
    "Đang lấy ý kiến các cơ quan phối hợp.",
)
RESULT_NOTES = (
    "Đã hoàn thành, báo cáo lãnh đạo.",
    "Đã tham mưu văn bản trả lời.",
    "Đã triển khai thực hiện theo chỉ đạo.",
)

# How much the year holds (about 300 documents; the services take ~35 ms per step on SQLite).
OUTGOING_GAP = (8, 14)  # working days between two outgoing documents of an agency
INCOMING_GAP = (10, 18)  # … between two paper documents received by an agency
RECIPIENT_COUNTS = (0, 1, 1, 1, 2)  # demo agencies an outgoing document is sent to over the platform
REPLY_SHARE = 0.3  # documents asking for an answer that get a reply drafted and released
PROGRESS_SHARE = 0.4  # assignments whose handler records progress before completing
ON_TIME_SHARE, LATE_SHARE = 0.62, 0.16  # the rest are months late

# ---------------------------------------------------------------------------- the demo clock


class DemoClock:
    """`django.utils.timezone.now` while the simulation runs: the simulated moment of the step."""

    def __init__(self, real_now: datetime) -> None:
        self.real_now = real_now
        self.moment = real_now

    def now(self) -> datetime:
        return self.moment

    @contextmanager
    def running(self) -> Iterator[None]:
        with mock.patch("django.utils.timezone.now", self.now):
            yield
        self.moment = self.real_now


Step = Callable[[], None]


@dataclass
class Simulation:
    """Steps ordered by their simulated moment; steps after the present are dropped."""

    clock: DemoClock
    queue: list[tuple[datetime, int, Step]] = field(default_factory=list)
    counter: Iterator[int] = field(default_factory=itertools.count)

    def at(self, moment: datetime, step: Step) -> None:
        if moment < self.clock.real_now:
            heapq.heappush(self.queue, (moment, next(self.counter), step))

    def run(self) -> None:
        with self.clock.running():
            while self.queue:
                moment, _, step = heapq.heappop(self.queue)
                self.clock.moment = moment
                step()


def at_time(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VN_TZ)


def working_day_on_or_after(day: date) -> date:
    return add_working_days(day, 0)


def later(
    moment: datetime, rng: random.Random, *, days: int = 0, hours: tuple[int, int] = (8, 16)
) -> datetime:
    """A moment `days` working days after `moment` (same day if 0, but later that day)."""
    if days == 0:
        step = timedelta(minutes=rng.randint(20, 150))
        candidate = moment + step
        local = candidate.astimezone(VN_TZ)
        if local.hour < 17:
            return candidate
        days = 1
    day = add_working_days(moment.astimezone(VN_TZ).date(), days)
    return at_time(day, rng.randint(*hours), rng.choice((0, 10, 15, 30, 40, 45)))


# ---------------------------------------------------------------------------- people


@dataclass(frozen=True)
class Staff:
    agency: Agency
    clerk: Any
    leader: Any
    officer: Any
    helper: Any  # the reporting officer: supports, comments
    desk: Any  # the one-stop officer: kept informed
    officer_unit: Unit
    helper_unit: Unit | None
    since: date


def _staff(ctx: DemoContext, office: Office) -> Staff:
    agency = ctx.agencies[office.key]

    def user(prefix: str) -> Any:
        return ctx.users[f"{prefix}.{office.slug}"]

    def position(person: Any) -> Position:
        found = Position.objects.filter(user=person, agency=agency).order_by("-valid_from").first()
        assert found is not None, f"{person} has no position in {agency}"
        return found

    officer, helper = user("chuyenvien"), user("baocao")
    people = [user(p) for p in ("vanthu", "lanhdao", "chuyenvien", "baocao", "motcua")]
    officer_unit = position(officer).unit
    assert officer_unit is not None
    return Staff(
        agency=agency,
        clerk=people[0],
        leader=people[1],
        officer=officer,
        helper=helper,
        desk=people[4],
        officer_unit=officer_unit,
        helper_unit=position(helper).unit,
        since=max(position(p).valid_from for p in people),
    )


# ---------------------------------------------------------------------------- the seeder


def _period(day: date) -> dict[str, Any]:
    school_year = day.year if day.month >= 9 else day.year - 1
    return {
        "thang": day.month,
        "quy": ("I", "II", "III", "IV")[(day.month - 1) // 3],
        "nam": day.year,
        "hoc_ky": "I" if day.month >= 9 or day.month == 1 else "II",
        "nam_hoc": f"{school_year} - {school_year + 1}",
    }


def _urgency(rng: random.Random, doc_type: str) -> int:
    if doc_type == "Công điện":
        return Urgency.FLASH
    roll = rng.random()
    if roll < 0.03:
        return Urgency.FLASH
    if roll < 0.08:
        return Urgency.VERY_URGENT
    if roll < 0.20:
        return Urgency.URGENT
    return Urgency.NORMAL


@dataclass
class Seeder:
    ctx: DemoContext
    sim: Simulation
    staff: dict[str, Staff]
    existing: set[tuple[int, str]]
    recent_from: datetime
    backlog_from: datetime
    created: int = 0
    rendered: int = 0
    numbers: dict[str, int] = field(default_factory=dict)

    # -- helpers ----------------------------------------------------------------------------

    def fresh(self, agency: Agency, subject: str) -> bool:
        key = (agency.pk, subject)
        if key in self.existing:
            return False
        self.existing.add(key)
        return True

    def text(self, value: str, hamlet: str, day: date) -> str:
        return self.ctx.text(value.replace("{province}", "{{province}}").format(thon=hamlet, **_period(day)))

    def body(self, staff: Staff, doc_type: str, cited: str = "") -> str:
        opening = OPENINGS.get(doc_type, "{agency} thông báo các nội dung sau:").format(
            agency=staff.agency.name
        )
        lead = f"{cited}\n" if cited else ""
        return f"{lead}{opening}\n" + "\n".join(SECTIONS.get(doc_type, DEFAULT_SECTIONS))

    def pace(
        self, rng: random.Random, days: int, *, hours: tuple[int, int] = (8, 16), brisk: bool = False
    ) -> datetime:
        """When the next step of a document comes: `days` working days on, as usual; in the last
        few days, one to three days on, so that recent documents are still on their way today."""
        moment = self.sim.clock.moment
        if moment >= self.recent_from and not brisk:
            days = rng.randint(1, 3)
        return later(moment, rng, days=days, hours=hours)

    def arrival_pace(self, rng: random.Random, *, hold: bool = False) -> datetime:
        """When the recipient's clerk takes in a copy: that day or the next; for the last week's
        copies, two to six days on, so a few still wait for "Vào sổ" today."""
        moment = self.sim.clock.moment
        days = rng.randint(2, 6) if moment >= self.backlog_from else rng.choice((0, 0, 1))
        if hold:
            days = rng.randint(4, 8)
        return later(moment, rng, days=days)

    def latest_plan(self, agency: Agency) -> Document | None:
        """The agency's latest released plan, which its reports cite."""
        return (
            Document.objects.filter(owner=agency, doc_type="Kế hoạch", status=DocumentStatus.RELEASED)
            .order_by("-released_at")
            .first()
        )

    def _reference(self, document: Document) -> str:
        day = f" ngày {document.issued_on:%d/%m/%Y}" if document.issued_on else ""
        return f"{document.doc_type} số {document.reference}{day} của {document.issuing_agency_name}"

    # -- outgoing ---------------------------------------------------------------------------

    def plan_this_week(self, office: Office, staff: Staff, today: date) -> None:
        """One document released two days ago to two demo agencies, still waiting for their
        clerks: the "Chờ vào sổ" list of the recipients is not empty."""
        day = add_working_days(today, -2)
        catalogue = OUTGOING_SUBJECTS.get(office.key, OUTGOING_SUBJECTS["commune"])
        for doc_type, template in catalogue:
            if doc_type != "Công văn":
                continue
            subject = self.text(template, HAMLETS[0], day)
            if self.fresh(staff.agency, subject):
                rng = _rng(staff.agency, subject)
                recipients = [self.ctx.agencies[k] for k in office.sends_to[:2]]
                start = at_time(day, 8, 5)
                self.outgoing(office, staff, rng, doc_type, subject, start, recipients=recipients, brisk=True)
                return

    def plan_outgoing(
        self, office: Office, staff: Staff, plan: random.Random, start: date, end: date
    ) -> None:
        """Every few working days, a document of the agency's usual kinds."""
        catalogue = OUTGOING_SUBJECTS.get(office.key, OUTGOING_SUBJECTS["commune"])
        day = working_day_on_or_after(start + timedelta(days=plan.randint(0, 6)))
        while day <= end:
            doc_type, template = plan.choice(catalogue)
            subject = self.text(template, plan.choice(HAMLETS), day)
            if self.fresh(staff.agency, subject):
                rng = _rng(staff.agency, subject)
                self.outgoing(office, staff, rng, doc_type, subject, at_time(day, rng.randint(7, 10), 30))
            day = add_working_days(day, plan.randint(*OUTGOING_GAP))

    def outgoing(
        self,
        office: Office,
        staff: Staff,
        rng: random.Random,
        doc_type: str,
        subject: str,
        start: datetime,
        *,
        cites: str = "",
        reply_to: tuple[Assignment, Any] | None = None,
        recipients: list[Agency] | None = None,
        outside: list[str] | None = None,
        brisk: bool = False,
    ) -> None:
        """Draft at `start`, then submit, review, sign and release on the following days."""
        urgency = _urgency(rng, doc_type)
        quick = brisk or urgency >= Urgency.VERY_URGENT
        secret = reply_to is None and rng.random() < 0.02
        if recipients is None:
            count = rng.choice(RECIPIENT_COUNTS)
            recipients = [
                self.ctx.agencies[k] for k in rng.sample(office.sends_to, min(count, len(office.sends_to)))
            ]
        if outside is None:
            outside = rng.sample(office.outside, rng.randint(0 if recipients else 1, 2))
        data = {
            "doc_type": doc_type,
            "subject": subject,
            "body": self.body(staff, doc_type, cites),
            "drafting_unit": staff.officer_unit,
            "recipient_agencies": recipients,
            "recipients_text": "\n".join(outside),
            "urgency": urgency,
            "secrecy": Secrecy.SECRET if secret else Secrecy.NONE,
            "signer": staff.leader,
            "signer_authority": "KT."
            if rng.random() < 0.15
            else ("TM." if "UBND" in staff.agency.notation else ""),
            "archive_line": f"VT, {staff.officer_unit.notation}",
        }
        holder: dict[str, Document] = {}

        def draft() -> None:
            if doc_type == "Báo cáo" and not cites:
                plan = self.latest_plan(staff.agency)
                if plan is not None:
                    data["body"] = self.body(staff, doc_type, f"Thực hiện {self._reference(plan)};")
            holder["doc"] = outgoing_draft_create(by=staff.officer, owner=staff.agency, data=data)
            self.created += 1
            if rng.random() < 0.2:
                self.sim.at(later(self.sim.clock.moment, rng), comment)
            self.sim.at(self.pace(rng, 0, brisk=quick), submit)

        def comment() -> None:
            note = rng.choice(
                (
                    "Đề nghị bổ sung số liệu của các xã vùng sâu.",
                    "Nhất trí với dự thảo.",
                    "Rà soát lại phần nơi nhận.",
                )
            )
            outgoing_comment(by=staff.helper, document=holder["doc"], text=note)

        def submit() -> None:
            outgoing_submit(by=staff.officer, document=holder["doc"])
            self.sim.at(self.pace(rng, 0 if quick else 1, brisk=quick), review)

        def review() -> None:
            document = holder["doc"]
            if not quick and rng.random() < 0.06 and not document.status_reason:
                outgoing_review(
                    by=staff.leader, document=document, approve=False, note=rng.choice(SEND_BACK_REASONS)
                )
                self.sim.at(later(self.sim.clock.moment, rng), revise)
                return
            outgoing_review(by=staff.leader, document=document, approve=True, note="")
            self.sim.at(self.pace(rng, 0, brisk=quick), approve)

        def revise() -> None:
            document = holder["doc"]
            extra = "\n4. Số liệu so sánh cùng kỳ năm trước\nCác chỉ tiêu chủ yếu tăng từ 5% đến 12%."
            outgoing_update(by=staff.officer, document=document, data={"body": document.body + extra})
            self.sim.at(later(self.sim.clock.moment, rng), submit)

        def approve() -> None:
            outgoing_approve(by=staff.leader, document=holder["doc"], approve=True, note="Đồng ý ban hành.")
            self.sim.at(self.pace(rng, 0 if quick else rng.choice((0, 1)), brisk=quick), release)

        def release() -> None:
            document = outgoing_release(by=staff.clerk, document=holder["doc"])
            link_citations(document)
            if self.rendered < 12 and rng.random() < 0.08:
                self.attach_rendered(staff, document)
            for delivery in document.deliveries.select_related("received_document").exclude(
                received_document=None
            ):
                copy = delivery.received_document
                assert copy is not None
                self.created += 1
                receiver = self.staff.get(self.key_of(copy.owner))
                if receiver is not None:
                    self.sim.at(self.arrival_pace(rng, hold=brisk), self.receive(receiver, copy, rng))
            if reply_to is not None:
                assignment, handler = reply_to
                self.sim.at(later(self.sim.clock.moment, rng), self.finish(assignment, handler, document))
            elif rng.random() < 0.01:
                self.sim.at(later(self.sim.clock.moment, rng, days=1), recall)

        def recall() -> None:
            outgoing_recall(
                by=staff.leader,
                document=holder["doc"],
                reason="Văn bản có sai sót về thể thức; sẽ ban hành văn bản thay thế.",
            )

        self.sim.at(start, draft)

    def attach_rendered(self, staff: Staff, document: Document) -> None:
        """The released document laid out per Decree 30, kept as its main PDF by the clerk."""
        pdf = document_pdf(document)
        name = f"{document.reference.replace('/', '-')}.pdf"
        attach_file(by=staff.clerk, document=document, upload=ContentFile(pdf, name=name))
        self.rendered += 1

    def key_of(self, agency: Agency) -> str:
        for key, staff in self.staff.items():
            if staff.agency.pk == agency.pk:
                return key
        return ""

    # -- incoming ---------------------------------------------------------------------------

    def receive(self, staff: Staff, copy: Document, rng: random.Random) -> Step:
        """The recipient's clerk registers (or returns) a copy received over the platform."""

        def step() -> None:
            if not Document.objects.filter(pk=copy.pk, status=DocumentStatus.ARRIVED).exists():
                return  # recalled meanwhile
            if rng.random() < 0.03:
                incoming_return(by=staff.clerk, document=copy, reason=rng.choice(RETURN_REASONS))
                return
            incoming_register_arrived(by=staff.clerk, document=copy, confirm_duplicate=True)
            self.sim.at(
                self.pace(rng, 0 if copy.urgency else 1, hours=(8, 10)),
                self.route(staff, copy, rng, asks_reply=False),
            )

        return step

    def plan_incoming(self, staff: Staff, plan: random.Random, start: date, end: date) -> None:
        """Paper documents from outside the platform (or from agencies without a clerk on it)."""
        day = working_day_on_or_after(start + timedelta(days=plan.randint(0, 4)))
        while day <= end:
            sender, platform_key, doc_type, notation, template, asks = plan.choice(INCOMING_SUBJECTS)
            subject = self.text(template, plan.choice(HAMLETS), day)
            if self.fresh(staff.agency, subject):
                rng = _rng(staff.agency, subject)
                self.paper(staff, rng, day, sender, platform_key, doc_type, notation, subject, asks)
            day = add_working_days(day, plan.randint(*INCOMING_GAP))

    def paper(
        self,
        staff: Staff,
        rng: random.Random,
        day: date,
        sender: str,
        platform_key: str,
        doc_type: str,
        notation: str,
        subject: str,
        asks_reply: bool,
    ) -> None:
        issuer = self.ctx.agencies.get(platform_key) if platform_key else None
        count = self.numbers[notation] = self.numbers.get(notation, rng.randint(40, 400)) + rng.randint(3, 30)
        issued_on = add_working_days(day, -rng.randint(1, 4))
        urgency = _urgency(rng, doc_type)
        data = {
            "doc_type": doc_type,
            "number": f"{count:02d}",
            "notation": notation,
            "issued_on": issued_on,
            "issuing_agency": issuer,
            "issuing_agency_name": self.ctx.text(sender),
            "subject": subject,
            "urgency": urgency,
            "signer_title": rng.choice(("Phó Chủ tịch", "Chánh Văn phòng", "Thứ trưởng", "Phó Giám đốc")),
            "signer_name": rng.choice(("Nguyễn Văn An", "Trần Thị Bích", "Lê Quang Vinh", "Phạm Minh Hải")),
            "page_count": rng.randint(1, 6),
            "due_date": add_working_days(day, rng.randint(7, 15)) if asks_reply else None,
            "is_electronic": False,
        }
        arrival = at_time(day, rng.randint(7, 15), rng.choice((5, 20, 35, 50)))

        def register() -> None:
            document = incoming_register(
                by=staff.clerk,
                owner=staff.agency,
                data={**data, "arrival_date": arrival - timedelta(minutes=10)},
                confirm_duplicate=True,
            )
            self.created += 1
            self.sim.at(
                self.pace(rng, 0 if urgency else 1, hours=(8, 10)),
                self.route(staff, document, rng, asks_reply=asks_reply),
            )

        self.sim.at(arrival, register)

    def route(self, staff: Staff, document: Document, rng: random.Random, *, asks_reply: bool) -> Step:
        def step() -> None:
            today = self.sim.clock.moment.astimezone(VN_TZ).date()
            days = 5 if document.urgency else 10
            deadline = add_working_days(today, days)
            if document.due_date is not None and today <= document.due_date < deadline:
                deadline = document.due_date
            lead: RouteTarget = (
                RouteTarget(unit=staff.officer_unit)
                if rng.random() < 0.6
                else RouteTarget(user=staff.officer)
            )
            supports = []
            if (
                staff.helper_unit is not None
                and staff.helper_unit != staff.officer_unit
                and rng.random() < 0.15
            ):
                supports.append(RouteTarget(unit=staff.helper_unit))
            informed = [staff.desk] if rng.random() < 0.15 else []
            assignments = document_route(
                by=staff.leader,
                document=document,
                lead=lead,
                supports=supports,
                informed=informed,
                direction=rng.choice(
                    (
                        "Giao chủ trì tham mưu, xử lý theo quy định.",
                        "Nghiên cứu, đề xuất, báo cáo kết quả trước thời hạn.",
                        "Khẩn trương triển khai; báo cáo lãnh đạo kết quả thực hiện.",
                    )
                ),
                deadline=deadline,
            )
            for assignment in assignments:
                self.handle(staff, assignment, rng, deadline, asks_reply=asks_reply)

        return step

    def handle(
        self, staff: Staff, assignment: Assignment, rng: random.Random, deadline: date, *, asks_reply: bool
    ) -> None:
        now = self.sim.clock.moment
        if assignment.role == "de_biet":
            if rng.random() < 0.7:
                self.sim.at(later(now, rng, days=1), self.finish(assignment, staff.desk, None))
            return
        handler = staff.officer if assignment.role == "chu_tri" else staff.helper
        if rng.random() < PROGRESS_SHARE:
            self.sim.at(later(now, rng, days=rng.randint(1, 3)), self.progress(assignment, handler, rng))
        # Most are done on time, some a few days late, and some drag on for months: those routed
        # in the last months are still open, and overdue, today.
        roll = rng.random()
        if roll < ON_TIME_SHARE:
            done = later(now, rng, days=rng.randint(2, 8))
        elif roll < ON_TIME_SHARE + LATE_SHARE:
            done = at_time(add_working_days(deadline, rng.randint(1, 6)), rng.randint(8, 16))
        else:
            done = at_time(add_working_days(deadline, rng.randint(20, 120)), rng.randint(8, 16))
        if roll >= ON_TIME_SHARE:
            chase_day = add_working_days(deadline, rng.randint(1, 3))
            self.sim.at(at_time(chase_day, 8, 15), self.chase(staff, assignment))
        if asks_reply and assignment.role == "chu_tri" and rng.random() < REPLY_SHARE:
            self.sim.at(
                min(done, later(now, rng, days=rng.randint(2, 5))), self.reply(staff, assignment, rng)
            )
            return
        self.sim.at(max(done, later(now, rng)), self.finish(assignment, handler, None))

    def progress(self, assignment: Assignment, handler: Any, rng: random.Random) -> Step:
        def step() -> None:
            if _still_open(assignment):
                assignment_progress(by=handler, assignment=assignment, note=rng.choice(PROGRESS_NOTES))

        return step

    def chase(self, staff: Staff, assignment: Assignment) -> Step:
        def step() -> None:
            if _still_open(assignment):
                assignment_chase(by=staff.clerk, assignment=assignment, message="")

        return step

    def finish(self, assignment: Assignment, handler: Any, reply: Document | None) -> Step:
        def step() -> None:
            if not _still_open(assignment):
                return
            note = (
                "Đã xem, nắm thông tin." if assignment.role == "de_biet" else RESULT_NOTES[assignment.pk % 3]
            )
            assignment_complete(by=handler, assignment=assignment, note=note, reply_document=reply)

        return step

    def reply(self, staff: Staff, assignment: Assignment, rng: random.Random) -> Step:
        """The handler drafts the answer the incoming document asked for; its release completes it."""

        def step() -> None:
            incoming = assignment.document
            incoming.refresh_from_db()
            if incoming.status not in (DocumentStatus.ROUTED, DocumentStatus.IN_PROGRESS):
                return
            topic = incoming.subject.removeprefix("Về việc ").removeprefix("về việc ")
            subject = f"Về việc trả lời {incoming.doc_type} số {incoming.reference} ({topic[:150]})"
            if not self.fresh(staff.agency, subject):
                return
            cited = (
                f"Thực hiện {self._reference(incoming)} {incoming.subject[:1].lower()}{incoming.subject[1:]};"
            )
            issuer = incoming.issuing_agency
            recipients = [issuer] if issuer is not None and self.key_of(issuer) else []
            office = next(o for o in OFFICES if self.ctx.agencies[o.key].pk == staff.agency.pk)
            self.outgoing(
                office,
                staff,
                rng,
                "Công văn",
                subject,
                later(self.sim.clock.moment, rng),
                cites=cited,
                reply_to=(assignment, staff.officer),
                recipients=recipients,
                outside=[] if recipients else [incoming.issuing_agency_name],
            )

        return step


def _still_open(assignment: Assignment) -> bool:
    """The assignment and its document are both still being handled (the services re-read both)."""
    return Assignment.objects.filter(
        pk=assignment.pk,
        status__in=(AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS),
        document__status__in=(DocumentStatus.ROUTED, DocumentStatus.IN_PROGRESS),
    ).exists()


def _rng(agency: Agency, subject: str) -> random.Random:
    """One random stream per document, so skipping one leaves the others as they were."""
    return random.Random(f"{agency.code}|{subject}")


def seed_documents(ctx: DemoContext) -> None:
    """The DEMO_STEPS step: a year of documents for the five demo agencies (see the module)."""
    real_now = timezone.now()
    today = real_now.astimezone(VN_TZ).date()
    get_calendar()  # read the working-day calendar once, under the real clock
    staff = {office.key: _staff(ctx, office) for office in OFFICES}
    seeder = Seeder(
        ctx=ctx,
        sim=Simulation(DemoClock(real_now)),
        staff=staff,
        existing=set(),
        recent_from=at_time(add_working_days(today, -5), 0),
        backlog_from=at_time(add_working_days(today, -8), 0),
    )
    agencies = [s.agency for s in staff.values()]
    if Document.objects.filter(owner__in=agencies).exists():
        return  # the demo year is seeded once; documents made since are the users' own
    before = 0
    assignments_before = Assignment.objects.filter(document__owner__in=agencies).count()
    for index, office in enumerate(OFFICES):
        person = staff[office.key]
        start = max(today - timedelta(days=365), person.since + timedelta(days=1))
        end = today
        seeder.plan_outgoing(office, person, random.Random(f"di-{office.key}"), start, end)
        seeder.plan_incoming(person, random.Random(f"den-{office.key}-{index}"), start, end)
        seeder.plan_this_week(office, person, today)
    seeder.sim.run()
    created = Document.objects.filter(owner__in=agencies).count() - before
    if created:
        ctx.stats.created[Document._meta.label] += created
        assigned = Assignment.objects.filter(document__owner__in=agencies).count() - assignments_before
        ctx.stats.created[Assignment._meta.label] += assigned


if seed_documents not in DEMO_STEPS:
    DEMO_STEPS.append(seed_documents)


# ---------------------------------------------------------------------------- ký số
# The demo PKI is made by `make_demo_pki`, after `seed_demo`: once it exists, each demo agency
# gets three documents of today that show the signing flow — one approved and waiting for
# the leader's signature, one signed and waiting for the clerk, and one released with both
# signatures to another demo agency, whose clerk finds it waiting with "two valid signatures".
# Idempotent: a document whose subject exists is not made again.

SIGNING_SUBJECTS = (
    ("Kế hoạch", "Triển khai ký số văn bản điện tử trên Hệ thống quản lý văn bản năm {nam}"),
    ("Công văn", "Về việc rà soát chứng thư số của lãnh đạo và văn thư cơ quan năm {nam}"),
    ("Báo cáo", "Kết quả gửi, nhận văn bản điện tử có chữ ký số tháng {thang} năm {nam}"),
)


def _demo_person(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username, is_active=True).first()


def _signing_staff(office: Office) -> tuple[Agency, Any, Any, Any, Unit] | None:
    """The agency, leader, clerk and officer (and the officer's unit) of a demo office, or None."""
    people = [_demo_person(f"{role}.{office.slug}") for role in ("lanhdao", "vanthu", "chuyenvien")]
    if any(p is None for p in people):
        return None
    leader, clerk, officer = people
    position = (
        Position.objects.current(timezone.localdate())
        .filter(user=officer, unit__isnull=False)
        .select_related("agency", "unit")
        .first()
    )
    if position is None or position.unit is None:
        return None
    return position.agency, leader, clerk, officer, position.unit


def sign_demo_documents() -> str:
    """The AFTER_PKI_STEPS step: the signing flow's documents for each demo agency (see above)."""
    from cqs.documents.services.signing import document_sign

    today = timezone.localdate()
    period = _period(today)
    agencies = {}
    for office in OFFICES:
        found = _signing_staff(office)
        if found is not None:
            agencies[office.key] = found
    made = 0
    for office in OFFICES:
        if office.key not in agencies:
            continue
        agency, leader, clerk, officer, unit = agencies[office.key]
        recipient = next((agencies[k][0] for k in office.sends_to if k in agencies), None)
        for stage, (doc_type, template) in enumerate(SIGNING_SUBJECTS):
            subject = template.format(**period)
            if Document.objects.filter(owner=agency, subject=subject, direction=Direction.OUTGOING).exists():
                continue
            data = {
                "doc_type": doc_type,
                "subject": subject,
                "body": f"{agency.name} thông báo các nội dung sau:\n" + "\n".join(DEFAULT_SECTIONS),
                "drafting_unit": unit,
                "recipient_agencies": [recipient] if recipient is not None else [],
                "recipients_text": "\n".join(office.outside[:1]),
                "signer": leader,
                "signer_authority": "TM." if "UBND" in agency.notation else "",
                "archive_line": f"VT, {unit.notation}",
            }
            with transaction.atomic():  # all of a document's steps, or none
                document = outgoing_draft_create(by=officer, owner=agency, data=data)
                outgoing_submit(by=officer, document=document)
                outgoing_review(by=leader, document=document, approve=True, note="")
                outgoing_approve(by=leader, document=document, approve=True, note="Đồng ý ban hành.")
                if stage >= 1:
                    document_sign(by=leader, document=document, reauth_ok=True)
                if stage >= 2:
                    outgoing_release(by=clerk, document=document, reauth_ok=True)
            made += 1
    return f"Văn bản mẫu của luồng ký số: tạo {made} văn bản." if made else ""


def _register_signing_step() -> None:
    from cqs.signing.demo import AFTER_PKI_STEPS

    if sign_demo_documents not in AFTER_PKI_STEPS:
        AFTER_PKI_STEPS.append(sign_demo_documents)


_register_signing_step()
