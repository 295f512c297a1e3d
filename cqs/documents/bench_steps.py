"""Generator step ``documents``: a year of realistic documents for the synthetic province.

    python -m bench.generate --agencies 200 --staff-per-agency 5 --documents 1000000

Documents are made in date order over the last 365 days and spread over the province's
agencies (the UBND tỉnh and the departments write more than communes): outgoing ones
numbered per agency per year as Decree 30 requires, incoming ones either copies of an
outgoing document of another agency of the province (``source`` set, as the platform
delivers them) or from ministries outside it, and some internal ones. Subjects and bodies
come from templates with varied topics, actions and periods; types from the 29-type
catalogue; urgency mostly normal; `search_text` is computed as `refresh_search_text`
would (tested), from pre-folded fragments so that folding costs little.

Rows go in with ``bulk_create`` in batches (``--batch-size``, 5,000 when left at the
generator's default), one transaction per batch. On SQLite the FTS triggers index each
row as it goes in. On PostgreSQL a load that at least doubles the table drops the table's
secondary indexes (the trigram index above all: maintaining it row by row costs more than
building it once) and recreates them from their saved definitions at the end, even when
the load fails; unique indexes stay, as they enforce the numbering rules. The table is
ANALYZEd afterwards so the planner knows its new size. Register counters are moved past
the generated numbers, so documents numbered later by the application do not collide.
Loads of 50,000 rows or more report their progress and phase times on stderr.

Measured for 1,000,000 documents (2 vCPU shared with other work): 12.5 min on PostgreSQL 15
with the indexes of migration 0004 (9 min of inserts, 3 min rebuilding the indexes, 0.5 min
ANALYZE; migration 0005's search_vector column adds ~0.1-0.3 ms a row to the inserts and
its GIN index to the rebuild), 15 min on SQLite with the FTS triggers. Incoming copies and
citations in bodies are realistic in shape, but no `Delivery`, `Citation` or file rows are made.

The step is idempotent per province: it counts the documents the province's agencies
already own and creates only the missing ones."""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Generic, TypeVar

from django.db import connection, reset_queries, transaction
from django.utils import timezone

from bench.generate import DEFAULT_BATCH_SIZE, StepContext, generator_step
from cqs.core.doctypes import ADMINISTRATIVE_TYPES, DocumentType
from cqs.core.text import fold
from cqs.documents.models import (
    Direction,
    Document,
    DocumentStatus,
    RegisterCounter,
    RegisterSeries,
    Secrecy,
    Urgency,
)
from cqs.org.models import Agency, AgencyKind, Position

BULK_BATCH_SIZE = 5000
DAYS = 365
# A load of at least this many rows that also at least doubles the table rebuilds the
# PostgreSQL secondary indexes once at the end instead of maintaining them row by row.
DEFERRED_INDEX_THRESHOLD = 50_000
PROGRESS_MIN_ROWS = 50_000  # loads of this size report their progress on stderr

# --- vocabulary -------------------------------------------------------------------------------

TOPICS: tuple[str, ...] = (
    "công tác dân tộc",
    "chính sách dân tộc",
    "chuyển đổi số",
    "cải cách hành chính",
    "đăng ký đất đai",
    "cấp giấy chứng nhận quyền sử dụng đất",
    "đăng ký kinh doanh hộ cá thể",
    "phòng, chống thiên tai",
    "phòng cháy, chữa cháy",
    "an toàn thực phẩm",
    "bảo hiểm y tế học sinh",
    "bảo hiểm xã hội tự nguyện",
    "xây dựng nông thôn mới",
    "giảm nghèo bền vững",
    "phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi",
    "thu ngân sách nhà nước",
    "giải ngân vốn đầu tư công",
    "tiếp công dân",
    "giải quyết khiếu nại, tố cáo",
    "phòng, chống tham nhũng",
    "thực hành tiết kiệm, chống lãng phí",
    "tuyển dụng công chức",
    "đánh giá, xếp loại cán bộ, công chức",
    "bồi dưỡng cán bộ cấp xã",
    "sắp xếp đơn vị hành chính cấp xã",
    "vận hành chính quyền địa phương hai cấp",
    "định danh và xác thực điện tử",
    "dịch vụ công trực tuyến toàn trình",
    "bộ phận một cửa",
    "lưu trữ hồ sơ điện tử",
    "công tác văn thư",
    "chữ ký số chuyên dùng",
    "an toàn thông tin mạng",
    "phổ cập giáo dục",
    "tuyển sinh đầu cấp",
    "tiêm chủng mở rộng",
    "phòng, chống dịch sốt xuất huyết",
    "quản lý, bảo vệ rừng",
    "phòng cháy rừng mùa khô",
    "phòng, chống dịch tả lợn châu Phi",
    "quản lý chất thải rắn sinh hoạt",
    "bảo vệ môi trường làng nghề",
    "trật tự an toàn giao thông",
    "tuyển chọn và gọi công dân nhập ngũ",
    "diễn tập khu vực phòng thủ",
    "tổ chức Tết Nguyên đán",
    "Tháng hành động vì trẻ em",
    "bình đẳng giới",
    "giải quyết việc làm cho người lao động",
    "đào tạo nghề cho lao động nông thôn",
    "chi trả trợ cấp xã hội",
    "chăm sóc người có công với cách mạng",
    "xóa nhà tạm, nhà dột nát",
    "phát triển du lịch cộng đồng",
    "khuyến công",
    "kinh tế tập thể, hợp tác xã",
    "chương trình mỗi xã một sản phẩm OCOP",
    "kiểm kê đất đai",
    "quy hoạch sử dụng đất",
    "bồi thường, hỗ trợ, tái định cư",
    "cấp giấy phép xây dựng",
    "quản lý trật tự đô thị",
    "cấp nước sạch nông thôn",
    "công trình thủy lợi",
    "khắc phục hậu quả mưa lũ",
    "công tác thi đua, khen thưởng",
    "công tác tôn giáo, tín ngưỡng",
    "đăng ký hộ tịch",
    "chứng thực bản sao từ bản chính",
    "phổ biến, giáo dục pháp luật",
    "hòa giải ở cơ sở",
    "kiểm tra văn bản quy phạm pháp luật",
    "điều tra thống kê",
    "quyết toán ngân sách",
    "mua sắm tài sản công",
    "quản lý giá",
    "phòng, chống buôn lậu, gian lận thương mại",
    "bảo tồn di tích lịch sử - văn hóa",
    "xây dựng đời sống văn hóa ở khu dân cư",
    "công tác dân vận",
)

ACTIONS: tuple[str, ...] = (
    "triển khai",
    "tăng cường",
    "hướng dẫn thực hiện",
    "tổ chức thực hiện",
    "đẩy mạnh",
    "kiểm tra",
    "rà soát",
    "tổng kết",
    "sơ kết",
    "đôn đốc",
    "tiếp tục thực hiện",
    "chấn chỉnh",
    "nâng cao hiệu quả",
    "thí điểm",
    "điều chỉnh",
    "bổ sung kinh phí",
    "phân bổ kinh phí",
    "giao chỉ tiêu",
    "tập huấn",
    "khảo sát",
    "đánh giá",
    "công khai",
    "đăng ký nhu cầu",
    "cung cấp thông tin",
    "góp ý dự thảo",
)

REPORT_LEADS = ("Kết quả", "Tình hình", "Tiến độ", "Đánh giá kết quả")
DECISION_LEADS = (
    "Về việc ban hành Quy chế",
    "Về việc phê duyệt Kế hoạch",
    "Về việc thành lập Ban Chỉ đạo",
    "Về việc kiện toàn Tổ công tác",
    "Về việc giao dự toán",
    "Về việc phê duyệt danh sách",
)
MEETING_LEADS = ("Dự hội nghị", "Dự cuộc họp", "Dự buổi làm việc về", "Dự tập huấn")
QUARTERS = ("I", "II", "III", "IV")

EXTERNAL_ISSUERS: tuple[tuple[str, str], ...] = (
    ("Văn phòng Chính phủ", "VPCP"),
    ("Bộ Nội vụ", "BNV"),
    ("Bộ Tài chính", "BTC"),
    ("Bộ Khoa học và Công nghệ", "BKHCN"),
    ("Bộ Nông nghiệp và Môi trường", "BNNMT"),
    ("Bộ Dân tộc và Tôn giáo", "BDTTG"),
    ("Bộ Y tế", "BYT"),
    ("Bộ Giáo dục và Đào tạo", "BGDĐT"),
    ("Bộ Xây dựng", "BXD"),
    ("Bộ Công Thương", "BCT"),
    ("Bộ Văn hóa, Thể thao và Du lịch", "BVHTTDL"),
    ("Bộ Tư pháp", "BTP"),
    ("Thanh tra Chính phủ", "TTCP"),
    ("Bảo hiểm xã hội Việt Nam", "BHXH"),
    ("Ngân hàng Nhà nước Việt Nam", "NHNN"),
    ("Tỉnh ủy", "TU"),
    ("Hội đồng nhân dân tỉnh", "HĐND"),
)

EXTERNAL_SIGNERS = (
    ("KT.", "Thứ trưởng"),
    ("", "Bộ trưởng"),
    ("TL.", "Chánh Văn phòng"),
    ("TUQ.", "Vụ trưởng"),
)
FAMILY_NAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hà",
    "Lò",
    "Nông",
    "Triệu",
)
MIDDLE_NAMES = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Hồng", "Quang", "Ngọc", "Xuân", "Thu")
GIVEN_NAMES = (
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan",
    "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Yến",
)  # fmt: skip

# Outgoing type mix: Công văn dominates, as in any agency's register.
TYPE_WEIGHTS: dict[str, int] = {
    "Công văn": 340,
    "Quyết định": 120,
    "Báo cáo": 100,
    "Kế hoạch": 80,
    "Thông báo": 80,
    "Tờ trình": 50,
    "Giấy mời": 60,
    "Hướng dẫn": 20,
    "Chương trình": 10,
    "Biên bản": 20,
    "Công điện": 5,
    "Giấy giới thiệu": 15,
    "Phiếu chuyển": 10,
    "Chỉ thị": 5,
    "Nghị quyết": 5,
}
URGENCY_WEIGHTS = {
    Urgency.NORMAL: 800,
    Urgency.URGENT: 120,
    Urgency.VERY_URGENT: 50,
    Urgency.FLASH: 25,
    Urgency.FLASH_TIMED: 5,
}
INCOMING_STATUS_WEIGHTS = {
    DocumentStatus.DONE: 60,
    DocumentStatus.IN_PROGRESS: 15,
    DocumentStatus.ROUTED: 12,
    DocumentStatus.REGISTERED: 8,
    DocumentStatus.ARRIVED: 3,
    DocumentStatus.RETURNED: 2,
}
TITLES = {
    AgencyKind.PROVINCIAL_COMMITTEE: (
        ("TM.", "Chủ tịch"),
        ("KT.", "Phó Chủ tịch"),
        ("TL.", "Chánh Văn phòng"),
    ),
    AgencyKind.DEPARTMENT: (("", "Giám đốc"), ("KT.", "Phó Giám đốc")),
    AgencyKind.SERVICE_CENTRE: (("", "Giám đốc"),),
    AgencyKind.COMMUNE_COMMITTEE: (("TM.", "Chủ tịch"), ("KT.", "Phó Chủ tịch")),
}
DEFAULT_TITLES = (("", "Thủ trưởng"),)


@lru_cache(maxsize=200_000)
def _fold(fragment: str) -> str:
    return fold(fragment)


def _short_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _working_day(day: dt.date) -> dt.date:
    """Saturday and Sunday documents are dated the Friday before."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


T = TypeVar("T")


class _Weighted(Generic[T]):
    """Weighted random choice with the cumulative weights computed once."""

    def __init__(self, weights: dict[T, int]) -> None:
        self.items = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


class _Text:
    """Text built from fragments, folded fragment by fragment (folding is character-local,
    so the folded whole is the concatenation of the folded fragments)."""

    __slots__ = ("raw", "folded")

    def __init__(self) -> None:
        self.raw: list[str] = []
        self.folded: list[str] = []

    def add(self, *fragments: str) -> _Text:
        for fragment in fragments:
            self.raw.append(fragment)
            self.folded.append(_fold(fragment))
        return self

    def text(self) -> tuple[str, str]:
        return "".join(self.raw), "".join(self.folded)


# --- documents --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Issued:
    """What an incoming copy needs of an outgoing original."""

    id: int
    owner_id: int
    doc_type: str
    number: str
    notation: str
    issued_on: dt.date
    issuer_name: str
    subject: str
    folded_subject: str
    urgency: int
    signer: tuple[str, str, str]
    body: str
    folded_body: str


class _Numbering:
    """Per agency, series and year: the last number used (starts from RegisterCounter)."""

    def __init__(self, agency_ids: Sequence[int]) -> None:
        self.last: dict[tuple[int, str, int], int] = {
            (c.agency_id, c.series, c.year): c.last_number
            for c in RegisterCounter.objects.filter(agency_id__in=agency_ids)
        }
        self.touched: set[tuple[int, str, int]] = set()

    def next(self, agency_id: int, series: str, year: int) -> int:
        key = (agency_id, series, year)
        self.last[key] = self.last.get(key, 0) + 1
        self.touched.add(key)
        return self.last[key]

    def save(self) -> None:
        keys = sorted(self.touched)
        existing = {
            (c.agency_id, c.series, c.year): c
            for c in RegisterCounter.objects.filter(agency_id__in={k[0] for k in keys})
        }
        changed, new = [], []
        for key in keys:
            counter = existing.get(key)
            if counter is None:
                new.append(
                    RegisterCounter(agency_id=key[0], series=key[1], year=key[2], last_number=self.last[key])
                )
            elif counter.last_number < self.last[key]:
                counter.last_number = self.last[key]
                changed.append(counter)
        RegisterCounter.objects.bulk_create(new, batch_size=1000)
        RegisterCounter.objects.bulk_update(changed, ["last_number"], batch_size=1000)


class DocumentFactory:
    """Makes unsaved `Document` rows in date order; `made_outgoing` feeds incoming copies."""

    def __init__(self, rng: random.Random, agencies: Sequence[Agency], staff_by_agency: dict[int, list[int]]):
        self.rng = rng
        self.agencies = _Weighted({a: self._weight(a) for a in agencies})
        self.staff_by_agency = staff_by_agency
        self.numbering = _Numbering([a.pk for a in agencies])
        self.types = {t.name: t for t in ADMINISTRATIVE_TYPES}
        self.doc_types = _Weighted({name: w for name, w in TYPE_WEIGHTS.items() if name in self.types})
        self.urgencies = _Weighted(URGENCY_WEIGHTS)
        self.incoming_statuses = _Weighted(INCOMING_STATUS_WEIGHTS)
        self.recent_outgoing: deque[_Issued] = deque(maxlen=3000)
        # Released outgoing documents of the batch being made, waiting for their ids.
        self.awaiting_ids: list[tuple[Document, str, tuple[str, str, str], str]] = []
        self.places = [
            self._place(a)
            for a in agencies
            if a.kind in {AgencyKind.PROVINCIAL_COMMITTEE, AgencyKind.COMMUNE_COMMITTEE}
        ] or [agencies[0].name]

    @staticmethod
    def _place(agency: Agency) -> str:
        if agency.kind == AgencyKind.PROVINCIAL_COMMITTEE:
            return f"tỉnh {agency.place_name}"
        if agency.kind == AgencyKind.COMMUNE_COMMITTEE:
            return f"xã {agency.place_name}"
        return agency.name

    @staticmethod
    def _weight(agency: Agency) -> int:
        return {
            AgencyKind.PROVINCIAL_COMMITTEE: 40,
            AgencyKind.DEPARTMENT: 8,
            AgencyKind.SERVICE_CENTRE: 2,
        }.get(AgencyKind(agency.kind), 2)

    # --- pieces ---------------------------------------------------------------------------

    def person(self) -> str:
        r = self.rng
        return f"{r.choice(FAMILY_NAMES)} {r.choice(MIDDLE_NAMES)} {r.choice(GIVEN_NAMES)}"

    def signer(self, agency: Agency) -> tuple[str, str, str]:
        authority, title = self.rng.choice(TITLES.get(AgencyKind(agency.kind), DEFAULT_TITLES))
        return authority, title, self.person()

    def period(self, day: dt.date) -> str:
        r = self.rng.random()
        if r < 0.25:
            return f" năm {day.year}"
        if r < 0.35:
            return f" quý {QUARTERS[(day.month - 1) // 3]} năm {day.year}"
        if r < 0.42:
            return f" 6 tháng đầu năm {day.year}"
        if r < 0.50:
            return f" tháng {day.month} năm {day.year}"
        if r < 0.55:
            return " giai đoạn 2026 - 2030"
        if r < 0.70:
            return f" trên địa bàn {self.rng.choice(self.places)}"
        return ""

    def subject(self, doc_type: str, day: dt.date) -> str:
        r = self.rng
        topic = r.choice(TOPICS)
        action = r.choice(ACTIONS)
        if doc_type == "Công văn":
            return f"V/v {action} {topic}{self.period(day)}"
        if doc_type in {"Quyết định", "Nghị quyết", "Chỉ thị"}:
            return f"{r.choice(DECISION_LEADS)} {topic}{self.period(day)}"
        if doc_type == "Báo cáo":
            return f"{r.choice(REPORT_LEADS)} {topic}{self.period(day)}"
        if doc_type == "Giấy mời":
            return f"{r.choice(MEETING_LEADS)} {topic}"
        if doc_type == "Tờ trình":
            return f"Đề nghị {action} {topic}{self.period(day)}"
        return f"{action[0].upper()}{action[1:]} {topic}{self.period(day)}"

    def body(self, owner_name: str, day: dt.date) -> _Text:
        r = self.rng
        text = _Text()
        if self.recent_outgoing and r.random() < 0.5:
            cited = r.choice(self.recent_outgoing)
            text.add(
                f"Thực hiện {cited.doc_type} số {cited.number}/{cited.notation} ngày ",
                _short_date(cited.issued_on),
                " của ",
                cited.issuer_name,
                ", ",
            )
        text.add(
            owner_name,
            " đề nghị các cơ quan, đơn vị ",
            r.choice(ACTIONS),
            " ",
            r.choice(TOPICS),
            "; báo cáo kết quả trước ngày ",
            _short_date(day + dt.timedelta(days=r.choice((7, 10, 15, 30)))),
            ".",
        )
        if r.random() < 0.5:
            text.add(
                " Giao ",
                r.choice(self.places),
                " chủ trì, phối hợp ",
                r.choice(ACTIONS),
                " ",
                r.choice(TOPICS),
                ".",
            )
        return text

    # --- documents ------------------------------------------------------------------------

    def make(self, day: dt.date) -> Document:
        r = self.rng.random()
        if r < 0.40:
            return self.outgoing(day)
        if r < 0.90:
            return self.incoming(day)
        return self.outgoing(day, internal=True)

    def _moment(self, day: dt.date) -> dt.datetime:
        minutes = self.rng.randrange(7 * 60 + 30, 17 * 60)
        naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
        return timezone.make_aware(naive) if timezone.is_naive(naive) else naive

    def _staff(self, agency_id: int) -> int | None:
        staff = self.staff_by_agency.get(agency_id)
        return self.rng.choice(staff) if staff else None

    def outgoing(self, day: dt.date, *, internal: bool = False) -> Document:
        rng = self.rng
        owner = self.agencies.pick(rng)
        doc_type = self.doc_types.pick(rng)
        dtype: DocumentType = self.types[doc_type]
        secret = not internal and rng.random() < 0.01
        issued = rng.random() < 0.86
        status = (
            DocumentStatus.RELEASED
            if issued and rng.random() > 0.01
            else DocumentStatus.RECALLED
            if issued
            else rng.choice((DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, DocumentStatus.APPROVED))
        )
        series = RegisterSeries.OUTGOING_SECRET if secret else RegisterSeries.OUTGOING
        notation = f"{dtype.code}-{owner.notation}" if dtype.code else f"{owner.notation}-VP"
        number = f"{self.numbering.next(owner.pk, series, day.year):02d}" if issued else ""
        subject = self.subject(doc_type, day)
        authority, title, name = self.signer(owner)
        body = self.body(owner.name, day)
        body_raw, body_folded = body.text()
        moment = self._moment(day) if issued else None
        urgency = self.urgencies.pick(rng)
        reference = f"{number}/{notation}" if number else notation
        staff = self._staff(owner.pk)
        document = Document(
            owner_id=owner.pk,
            direction=Direction.INTERNAL if internal else Direction.OUTGOING,
            doc_type=doc_type,
            series=series if issued else "",
            number=number,
            notation=notation,
            issued_on=day if issued else None,
            place=owner.place_name,
            issuing_agency_id=owner.pk,
            issuing_agency_name=owner.name,
            subject=subject,
            body=body_raw,
            urgency=urgency,
            secrecy=Secrecy.SECRET if secret else Secrecy.NONE,
            status=status,
            signer_authority=authority,
            signer_title=title,
            signer_name=name,
            archive_line="VT, VP",
            copies=rng.randint(1, 12),
            page_count=rng.randint(1, 8),
            registered_at=moment,
            registered_year=day.year if issued else None,
            released_at=moment,
            is_electronic=not secret,
            is_digitally_signed=issued and not secret,
            created_by_id=staff,
            drafter_id=staff,
            search_text=" ".join(
                (
                    _fold(doc_type),
                    _fold(reference),
                    _fold(subject),
                    _fold(owner.name),
                    _fold(name),
                    body_folded,
                )
            ),
        )
        if status == DocumentStatus.RELEASED and not secret and not internal:
            self.awaiting_ids.append((document, owner.name, (authority, title, name), body_folded))
        return document

    def remember_issued(self) -> None:
        """Once a batch is saved: keep its released outgoing documents, now with ids, for
        later incoming copies and citations."""
        for d, issuer_name, signer, body_folded in self.awaiting_ids:
            if d.pk is None or d.issued_on is None:
                continue
            self.recent_outgoing.append(
                _Issued(
                    id=d.pk,
                    owner_id=d.owner_id,
                    doc_type=d.doc_type,
                    number=d.number,
                    notation=d.notation,
                    issued_on=d.issued_on,
                    issuer_name=issuer_name,
                    subject=d.subject,
                    folded_subject=_fold(d.subject),
                    urgency=d.urgency,
                    signer=signer,
                    body=d.body,
                    folded_body=body_folded,
                )
            )
        self.awaiting_ids.clear()

    def incoming(self, day: dt.date) -> Document:
        rng = self.rng
        owner = self.agencies.pick(rng)
        source = None
        if self.recent_outgoing and rng.random() < 0.55:
            candidate = rng.choice(self.recent_outgoing)
            if candidate.owner_id != owner.pk and candidate.issued_on <= day:
                source = candidate
        status = self.incoming_statuses.pick(rng)
        numbered = status != DocumentStatus.ARRIVED
        secret = source is None and rng.random() < 0.01
        series = RegisterSeries.INCOMING_SECRET if secret else RegisterSeries.INCOMING
        moment = self._moment(day)
        if source is not None:
            doc_type, number, notation = source.doc_type, source.number, source.notation
            issued_on, issuer_name, issuer_id = source.issued_on, source.issuer_name, source.owner_id
            subject, folded_subject = source.subject, source.folded_subject
            authority, title, name = source.signer
            body_raw, body_folded = source.body, source.folded_body
            urgency = source.urgency
        else:
            doc_type = self.doc_types.pick(rng)
            issuer_name, code = rng.choice(EXTERNAL_ISSUERS)
            dtype = self.types[doc_type]
            notation = f"{dtype.code}-{code}" if dtype.code else f"{code}-VP"
            issued_on = day - dt.timedelta(days=rng.randint(1, 6))
            number = f"{rng.randint(1, max(2, issued_on.timetuple().tm_yday * 8)):02d}"
            subject = self.subject(doc_type, issued_on)
            folded_subject = _fold(subject)
            authority, title = rng.choice(EXTERNAL_SIGNERS)
            name = self.person()
            body_raw, body_folded = self.body(issuer_name, issued_on).text()
            urgency = self.urgencies.pick(rng)
        staff = self._staff(owner.pk)
        return Document(
            owner_id=owner.pk,
            direction=Direction.INCOMING,
            doc_type=doc_type,
            series=series,
            number=number,
            notation=notation,
            issued_on=issued_on,
            issuing_agency_id=issuer_id if source is not None else None,
            issuing_agency_name=issuer_name,
            subject=subject,
            body=body_raw,
            urgency=urgency,
            secrecy=Secrecy.SECRET if secret else Secrecy.NONE,
            status=status,
            signer_authority=authority,
            signer_title=title,
            signer_name=name,
            page_count=rng.randint(1, 8),
            arrival_number=self.numbering.next(owner.pk, series, day.year) if numbered else None,
            arrival_date=moment,
            registered_at=moment if numbered else None,
            registered_year=day.year if numbered else None,
            due_date=day + dt.timedelta(days=rng.choice((5, 7, 10, 15, 30))) if rng.random() < 0.4 else None,
            is_electronic=source is not None or rng.random() < 0.7,
            is_digitally_signed=source is not None,
            source_id=source.id if source is not None else None,
            created_by_id=staff,
            search_text=" ".join(
                (
                    _fold(doc_type),
                    _fold(f"{number}/{notation}"),
                    folded_subject,
                    _fold(issuer_name),
                    _fold(name),
                    body_folded,
                )
            ),
        )


# --- bulk loading -----------------------------------------------------------------------------


@contextmanager
def _deferred_secondary_indexes(rows: int) -> Iterator[bool]:
    """On PostgreSQL, for a load that at least doubles the table: drop the document table's
    non-unique indexes, yield, and recreate them from their saved definitions (also when
    the load fails). Yields whether indexes were deferred."""
    if connection.vendor != "postgresql":
        yield False
        return
    existing = Document.objects.count()
    if rows < DEFERRED_INDEX_THRESHOLD or rows < existing:
        yield False
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ci.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            JOIN pg_class ci ON ci.oid = i.indexrelid
            WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [Document._meta.db_table],
        )
        definitions: list[tuple[str, str]] = cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    try:
        yield True
    finally:
        with connection.cursor() as cursor:
            for _name, definition in definitions:
                cursor.execute(definition)


def _staff_by_agency(context: StepContext) -> dict[int, list[int]]:
    staff_ids = [u.pk for u in context.staff]
    result: dict[int, list[int]] = {}
    rows = Position.objects.filter(user_id__in=staff_ids).values_list("agency_id", "user_id")
    for agency_id, user_id in rows.iterator(chunk_size=5000):
        result.setdefault(agency_id, []).append(user_id)
    return result


def _say(message: str) -> None:
    """Progress of a long load, on stderr (stdout carries the generator's JSON summary)."""
    sys.stderr.write(f"documents: {message}\n")
    sys.stderr.flush()


@generator_step("documents")
def generate_documents(context: StepContext, target: int) -> int:
    """Bring the province's documents up to `target`; return how many were created."""
    agencies = context.agencies
    have = Document.objects.filter(owner__in=[a.pk for a in agencies]).count()
    missing = max(0, target - have)
    if missing == 0:
        return 0
    batch_size = BULK_BATCH_SIZE if context.batch_size == DEFAULT_BATCH_SIZE else context.batch_size
    # Small loads still come in several batches: copies and citations need earlier saved documents.
    batch_size = min(batch_size, max(100, missing // 10))
    factory = DocumentFactory(context.rng, agencies, _staff_by_agency(context))
    end = timezone.localdate()
    start = end - dt.timedelta(days=DAYS - 1)
    loud = missing >= PROGRESS_MIN_ROWS
    report_every = max(batch_size, missing // 10)
    started = time.perf_counter()
    created = 0
    with _deferred_secondary_indexes(missing) as deferred:
        while created < missing:
            size = min(batch_size, missing - created)
            batch = [
                factory.make(_working_day(start + dt.timedelta(days=(created + i) * DAYS // missing)))
                for i in range(size)
            ]
            with transaction.atomic():
                Document.objects.bulk_create(batch, batch_size=batch_size)
            factory.remember_issued()
            reset_queries()  # with DEBUG on, each logged INSERT of a batch holds megabytes
            created += size
            if loud and (created % report_every < size or created == missing):
                _say(f"{created}/{missing} rows in {time.perf_counter() - started:.0f} s")
        factory.numbering.save()
        inserted = time.perf_counter()
        if loud and deferred:
            _say("rebuilding the secondary indexes")
    if loud and deferred:
        _say(f"indexes rebuilt in {time.perf_counter() - inserted:.0f} s")
    analysing = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {Document._meta.db_table}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
    if loud:
        finished = time.perf_counter()
        _say(f"ANALYZE in {finished - analysing:.0f} s; {finished - started:.0f} s in all")
    return created
