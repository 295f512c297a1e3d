"""The demo province's data: agencies, successions, units and staff of "tỉnh Sơn Hà".

Names follow the real 2025 reorganisation (see `cqs.org.demo`); `{province}` in a name is
replaced by the DEMO_PROVINCE_NAME setting. Every text is written precomposed (NFC).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from cqs.org.models import AgencyKind, Role, SuccessionKind

PROVINCE_SUFFIX = "H99"
LONG_AGO = date(2000, 1, 1)
STAFF_SINCE = date(2020, 1, 1)
DEPARTMENT_REFORM = date(2025, 3, 1)
TWO_TIER = date(2025, 7, 1)
LAST_DISTRICT_DAY = date(2025, 6, 30)
LAST_PRE_REFORM_DAY = date(2025, 2, 28)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def ascii_slug(text: str) -> str:
    """'xã Nậm Cuổi' -> 'xa-nam-cuoi' (đ -> d), for keys and user names."""
    stripped = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    letters = "".join(c for c in stripped if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in letters).split())


def code(jj: int, kk: int = 0) -> str:
    return f"000.{kk:02d}.{jj:02d}.{PROVINCE_SUFFIX}"


# (JJ, notation, name, kind, valid_from) — agencies under UBND tỉnh in force today.
DEPARTMENTS: tuple[tuple[int, str, str, str, date], ...] = (
    (1, "VP", "Văn phòng Ủy ban nhân dân tỉnh", AgencyKind.OFFICE, LONG_AGO),
    (2, "SNV", "Sở Nội vụ", AgencyKind.DEPARTMENT, LONG_AGO),
    (3, "STC", "Sở Tài chính", AgencyKind.DEPARTMENT, LONG_AGO),
    (4, "STP", "Sở Tư pháp", AgencyKind.DEPARTMENT, LONG_AGO),
    (5, "SKHCN", "Sở Khoa học và Công nghệ", AgencyKind.DEPARTMENT, LONG_AGO),
    (6, "SXD", "Sở Xây dựng", AgencyKind.DEPARTMENT, LONG_AGO),
    (7, "SNNMT", "Sở Nông nghiệp và Môi trường", AgencyKind.DEPARTMENT, DEPARTMENT_REFORM),
    (8, "SYT", "Sở Y tế", AgencyKind.DEPARTMENT, LONG_AGO),
    (9, "SGDĐT", "Sở Giáo dục và Đào tạo", AgencyKind.DEPARTMENT, LONG_AGO),
    (10, "SCT", "Sở Công Thương", AgencyKind.DEPARTMENT, LONG_AGO),
    (11, "SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", AgencyKind.DEPARTMENT, LONG_AGO),
    (12, "SDTTG", "Sở Dân tộc và Tôn giáo", AgencyKind.DEPARTMENT, DEPARTMENT_REFORM),
    (13, "TTr", "Thanh tra tỉnh", AgencyKind.INSPECTORATE, LONG_AGO),
    (14, "BQLKCN", "Ban Quản lý các Khu công nghiệp tỉnh", AgencyKind.BOARD, LONG_AGO),
    (15, "TTPVHCC", "Trung tâm Phục vụ hành chính công tỉnh", AgencyKind.SERVICE_CENTRE, LONG_AGO),
    (
        16,
        "BQLDADDCN",
        "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh",
        AgencyKind.BOARD,
        LONG_AGO,
    ),
    (
        17,
        "BQLDAGT",
        "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh",
        AgencyKind.BOARD,
        LONG_AGO,
    ),
    (
        18,
        "BQLDANN",
        "Ban Quản lý dự án đầu tư xây dựng các công trình nông nghiệp và phát triển nông thôn tỉnh",
        AgencyKind.BOARD,
        LONG_AGO,
    ),
    (
        19,
        "TTXT",
        "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh",
        AgencyKind.SERVICE_CENTRE,
        LONG_AGO,
    ),
    (20, "BPTTH", "Báo và Phát thanh, Truyền hình {province}", AgencyKind.PUBLIC_SERVICE_UNIT, TWO_TIER),
    (21, "CĐSH", "Trường Cao đẳng {province}", AgencyKind.PUBLIC_SERVICE_UNIT, LONG_AGO),
)

# (JJ, notation, name, kind, valid_to) — agencies that ended in the 2025 reorganisation.
FORMER_DEPARTMENTS: tuple[tuple[int, str, str, str, date], ...] = (
    (22, "SKHĐT", "Sở Kế hoạch và Đầu tư", AgencyKind.DEPARTMENT, LAST_PRE_REFORM_DAY),
    (23, "STTTT", "Sở Thông tin và Truyền thông", AgencyKind.DEPARTMENT, LAST_PRE_REFORM_DAY),
    (24, "SGTVT", "Sở Giao thông vận tải", AgencyKind.DEPARTMENT, LAST_PRE_REFORM_DAY),
    (25, "SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", AgencyKind.DEPARTMENT, LAST_PRE_REFORM_DAY),
    (26, "STNMT", "Sở Tài nguyên và Môi trường", AgencyKind.DEPARTMENT, LAST_PRE_REFORM_DAY),
    (27, "SLĐTBXH", "Sở Lao động - Thương binh và Xã hội", AgencyKind.DEPARTMENT, LAST_PRE_REFORM_DAY),
    (28, "SNgV", "Sở Ngoại vụ", AgencyKind.DEPARTMENT, LAST_PRE_REFORM_DAY),
    (29, "BDT", "Ban Dân tộc", AgencyKind.BOARD, LAST_PRE_REFORM_DAY),
    (30, "BSH", "Báo {province}", AgencyKind.PUBLIC_SERVICE_UNIT, LAST_DISTRICT_DAY),
    (
        35,
        "ĐPTTH",
        "Đài Phát thanh và Truyền hình {province}",
        AgencyKind.PUBLIC_SERVICE_UNIT,
        LAST_DISTRICT_DAY,
    ),
)

DEPARTMENT_BASIS = (
    "Nghị quyết số 05/NQ-HĐND ngày 26/02/2025 của Hội đồng nhân dân tỉnh {province} về việc "
    "thành lập, tổ chức lại các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh"
)
PRESS_BASIS = "Quyết định số 1125/QĐ-UBND ngày 20/6/2025 của Ủy ban nhân dân tỉnh {province}"
COMMUNE_BASIS = (
    "Nghị quyết số 1680/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội về việc sắp xếp "
    "các đơn vị hành chính cấp xã của tỉnh {province} năm 2025"
)

# (predecessor notation, successor notation, effective date, kind, basis)
DEPARTMENT_SUCCESSIONS: tuple[tuple[str, str, date, str, str], ...] = (
    ("SKHĐT", "STC", DEPARTMENT_REFORM, SuccessionKind.MERGER, DEPARTMENT_BASIS),
    ("STTTT", "SKHCN", DEPARTMENT_REFORM, SuccessionKind.MERGER, DEPARTMENT_BASIS),
    ("SGTVT", "SXD", DEPARTMENT_REFORM, SuccessionKind.MERGER, DEPARTMENT_BASIS),
    ("SNNPTNT", "SNNMT", DEPARTMENT_REFORM, SuccessionKind.MERGER, DEPARTMENT_BASIS),
    ("STNMT", "SNNMT", DEPARTMENT_REFORM, SuccessionKind.MERGER, DEPARTMENT_BASIS),
    ("SLĐTBXH", "SNV", DEPARTMENT_REFORM, SuccessionKind.MERGER, DEPARTMENT_BASIS),
    ("SNgV", "VP", DEPARTMENT_REFORM, SuccessionKind.MERGER, DEPARTMENT_BASIS),
    ("BDT", "SDTTG", DEPARTMENT_REFORM, SuccessionKind.REORGANISATION, DEPARTMENT_BASIS),
    ("BSH", "BPTTH", TWO_TIER, SuccessionKind.MERGER, PRESS_BASIS),
    ("ĐPTTH", "BPTTH", TWO_TIER, SuccessionKind.MERGER, PRESS_BASIS),
)

# (JJ, district name, [commune names]) — districts and their communes until 30/06/2025.
DISTRICTS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (31, "An Phú", ("thị trấn An Phú", "xã An Thạnh", "xã Phú Mỹ", "xã Phú Hòa", "xã Tân Lập")),
    (
        32,
        "Thanh Lâm",
        ("thị trấn Thanh Lâm", "xã Thanh Hà", "xã Thanh Tân", "xã Lâm Sơn", "xã Lâm Phú", "xã Đồng Xuân"),
    ),
    (33, "Tà Lùng", ("thị trấn Tà Lùng", "xã Pắc Ta", "xã Nậm Cuổi", "xã Khe Mạ", "xã Bản Mù")),
    (34, "Hải Thịnh", ("thị trấn Hải Thịnh", "xã Hải An", "xã Hải Đông", "xã Thịnh Long")),
)

# (JJ, new commune or ward, [(district, old commune), ...]) — in force from 01/07/2025.
NEW_COMMUNES: tuple[tuple[int, str, tuple[tuple[str, str], ...]], ...] = (
    (41, "xã An Phú", (("An Phú", "thị trấn An Phú"), ("An Phú", "xã An Thạnh"), ("An Phú", "xã Phú Mỹ"))),
    (42, "xã Phú Hòa", (("An Phú", "xã Phú Hòa"), ("An Phú", "xã Tân Lập"))),
    (43, "xã Thanh Lâm", (("Thanh Lâm", "thị trấn Thanh Lâm"), ("Thanh Lâm", "xã Thanh Hà"))),
    (44, "xã Thanh Tân", (("Thanh Lâm", "xã Thanh Tân"), ("Thanh Lâm", "xã Lâm Sơn"))),
    (45, "xã Đồng Xuân", (("Thanh Lâm", "xã Lâm Phú"), ("Thanh Lâm", "xã Đồng Xuân"))),
    (46, "xã Tà Lùng", (("Tà Lùng", "thị trấn Tà Lùng"), ("Tà Lùng", "xã Pắc Ta"))),
    (47, "xã Nậm Cuổi", (("Tà Lùng", "xã Nậm Cuổi"), ("Tà Lùng", "xã Khe Mạ"), ("Tà Lùng", "xã Bản Mù"))),
    (48, "xã Hải Thịnh", (("Hải Thịnh", "thị trấn Hải Thịnh"), ("Hải Thịnh", "xã Hải An"))),
    (49, "xã Hải Đông", (("Hải Thịnh", "xã Hải Đông"), ("Hải Thịnh", "xã Thịnh Long"))),
    (50, "phường {province}", ()),
    (51, "phường Bắc Sơn", ()),
    (52, "phường Nam Sơn", ()),
    (53, "phường Hà Trung", ()),
    (54, "phường Đông Hà", ()),
    (55, "phường Tây Hà", ()),
    (56, "phường Hưng Thịnh", ()),
    (57, "xã Tân Thành", ()),
    (58, "xã Hưng Đạo", ()),
    (59, "xã Quang Trung", ()),
    (60, "xã Minh Khai", ()),
    (61, "xã Hồng Phong", ()),
    (62, "xã Kim Sơn", ()),
    (63, "xã Vĩnh Lộc", ()),
    (64, "xã Phúc Thịnh", ()),
    (65, "xã Yên Bình", ()),
    (66, "xã Bình Minh", ()),
    (67, "xã Cao Sơn", ()),
    (68, "xã Mường Khoa", ()),
    (69, "xã Nà Phặc", ()),
    (70, "xã Sín Chải", ()),
    (71, "xã Phong Thạnh", ()),
    (72, "xã Trường Xuân", ()),
)

_COMMUNE_UNITS = (
    ("VP", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân"),
    ("KT", "Phòng Kinh tế"),
    ("VHXH", "Phòng Văn hóa - Xã hội"),
    ("TTPVHCC", "Trung tâm Phục vụ hành chính công"),
)

# agency key -> [(notation, unit name)]; agency keys are notations, or slugs for local ones.
UNITS: dict[str, tuple[tuple[str, str], ...]] = {
    "VP": (
        ("HCTC", "Phòng Hành chính - Tổ chức"),
        ("TH", "Phòng Tổng hợp"),
        ("KT", "Phòng Kinh tế"),
        ("KGVX", "Phòng Khoa giáo - Văn xã"),
        ("NC", "Phòng Nội chính"),
        ("NgV", "Phòng Ngoại vụ"),
        ("KSTTHC", "Phòng Kiểm soát thủ tục hành chính"),
        ("BTCD", "Ban Tiếp công dân tỉnh"),
    ),
    "SNV": (
        ("VP", "Văn phòng Sở"),
        ("TCBC", "Phòng Tổ chức, biên chế và tổ chức phi chính phủ"),
        ("CCHC", "Phòng Cải cách hành chính và Văn thư, lưu trữ"),
        ("CQĐP", "Phòng Chính quyền địa phương"),
        ("CCVC", "Phòng Công chức, viên chức"),
        ("LĐVL", "Phòng Lao động, Việc làm và Bảo hiểm xã hội"),
    ),
    "SDTTG": (
        ("VP", "Văn phòng Sở"),
        ("CSDT", "Phòng Chính sách dân tộc"),
        ("TTĐB", "Phòng Tuyên truyền và Địa bàn"),
        ("TG", "Phòng Tôn giáo"),
    ),
    "BDT": (
        ("VP", "Văn phòng Ban"),
        ("CS", "Phòng Chính sách"),
        ("TTĐB", "Phòng Tuyên truyền và Địa bàn"),
        ("TTr", "Thanh tra Ban"),
    ),
    "STC": (
        ("VP", "Văn phòng Sở"),
        ("NS", "Phòng Quản lý ngân sách"),
        ("ĐT", "Phòng Đầu tư"),
        ("DN", "Phòng Doanh nghiệp, kinh tế tập thể và tư nhân"),
    ),
    "TTPVHCC": (
        ("HCTH", "Phòng Hành chính - Tổng hợp"),
        ("TNTKQ", "Bộ phận Tiếp nhận và trả kết quả"),
    ),
    "huyen-an-phu": (
        ("VP", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân"),
        ("NV", "Phòng Nội vụ"),
        ("TCKH", "Phòng Tài chính - Kế hoạch"),
        ("BPMC", "Bộ phận Một cửa"),
    ),
    "xa-an-phu": _COMMUNE_UNITS,
    "xa-thanh-lam": _COMMUNE_UNITS,
}


@dataclass(frozen=True)
class PositionSpec:
    agency: str
    title: str
    roles: tuple[str, ...]
    unit: str | None = None
    valid_from: date = STAFF_SINCE
    valid_to: date | None = None


@dataclass(frozen=True)
class StaffSpec:
    username: str
    full_name: str
    positions: tuple[PositionSpec, ...]
    is_superuser: bool = False


def _six_roles(
    slug: str,
    agency: str,
    names: tuple[str, str, str, str, str, str],
    titles: dict[str, tuple[str, str | None]],
    **dates: Any,
) -> list[StaffSpec]:
    """One person per role (leader, clerk, officer, one-stop, reporting, admin) in `agency`."""
    prefixes = (
        ("lanhdao", Role.LEADER),
        ("vanthu", Role.CLERK),
        ("chuyenvien", Role.OFFICER),
        ("motcua", Role.ONE_STOP_OFFICER),
        ("baocao", Role.REPORTING_OFFICER),
        ("quantri", Role.ADMINISTRATOR),
    )
    staff = []
    for (prefix, role), full_name in zip(prefixes, names, strict=True):
        title, unit = titles[role]
        spec = PositionSpec(agency=agency, title=title, roles=(role,), unit=unit, **dates)
        staff.append(StaffSpec(username=f"{prefix}.{slug}", full_name=full_name, positions=(spec,)))
    return staff


_COMMUNE_TITLES: dict[str, tuple[str, str | None]] = {
    Role.LEADER: ("Chủ tịch Ủy ban nhân dân xã", None),
    Role.CLERK: ("Văn thư", "VP"),
    Role.OFFICER: ("Chuyên viên Phòng Kinh tế", "KT"),
    Role.ONE_STOP_OFFICER: ("Công chức tiếp nhận và trả kết quả", "TTPVHCC"),
    Role.REPORTING_OFFICER: ("Chuyên viên tổng hợp", "VP"),
    Role.ADMINISTRATOR: ("Chuyên viên phụ trách công nghệ thông tin", "VP"),
}


def staff_specs() -> list[StaffSpec]:
    """Every demo account and its positions, in the order the account table prints them."""
    staff = [
        StaffSpec(
            "quantri",
            "Trần Minh Tuấn",
            (PositionSpec("UBND", "Quản trị hệ thống", (Role.ADMINISTRATOR,)),),
            is_superuser=True,
        ),
        StaffSpec(
            "lanhdao.tinh",
            "Nguyễn Hữu Quang",
            (PositionSpec("UBND", "Chủ tịch Ủy ban nhân dân tỉnh", (Role.LEADER,)),),
        ),
    ]
    staff += _six_roles(
        "vp",
        "VP",
        (
            "Nguyễn Thị Thu Hà",
            "Phạm Thị Hồng Nhung",
            "Lê Văn Đức",
            "Đặng Thị Mai",
            "Hoàng Minh Châu",
            "Vũ Quốc Khánh",
        ),
        {
            Role.LEADER: ("Chánh Văn phòng", None),
            Role.CLERK: ("Văn thư", "HCTC"),
            Role.OFFICER: ("Chuyên viên Phòng Kinh tế", "KT"),
            Role.ONE_STOP_OFFICER: ("Chuyên viên Phòng Kiểm soát thủ tục hành chính", "KSTTHC"),
            Role.REPORTING_OFFICER: ("Chuyên viên Phòng Tổng hợp", "TH"),
            Role.ADMINISTRATOR: ("Chuyên viên công nghệ thông tin", "HCTC"),
        },
    )
    staff += _ethnic_affairs_staff()
    staff += _six_roles(
        "snv",
        "SNV",
        (
            "Đinh Quang Huy",
            "Bùi Thị Thanh Tâm",
            "Ngô Minh Quân",
            "Đỗ Thị Ngọc Ánh",
            "Trịnh Văn Long",
            "Lưu Đức Anh",
        ),
        {
            Role.LEADER: ("Giám đốc Sở", None),
            Role.CLERK: ("Văn thư", "VP"),
            Role.OFFICER: ("Chuyên viên Phòng Tổ chức, biên chế", "TCBC"),
            Role.ONE_STOP_OFFICER: ("Công chức tiếp nhận hồ sơ tại Trung tâm Phục vụ hành chính công", "VP"),
            Role.REPORTING_OFFICER: ("Chuyên viên Phòng Cải cách hành chính", "CCHC"),
            Role.ADMINISTRATOR: ("Chuyên viên công nghệ thông tin", "VP"),
        },
    )
    staff.append(
        StaffSpec("lanhdao.stc", "Phạm Văn Thịnh", (PositionSpec("STC", "Giám đốc Sở", (Role.LEADER,)),))
    )
    staff += _six_roles(
        "xa-an-phu",
        "xa-an-phu",
        (
            "Nguyễn Văn Bình",
            "Trần Thị Kim Oanh",
            "Phan Thanh Sơn",
            "Lê Thị Mỹ Duyên",
            "Võ Minh Trí",
            "Huỳnh Tấn Phát",
        ),
        _COMMUNE_TITLES,
        valid_from=TWO_TIER,
    )
    staff += _six_roles(
        "xa-thanh-lam",
        "xa-thanh-lam",
        (
            "Mai Xuân Trường",
            "Đoàn Thị Hạnh",
            "Cao Văn Thành",
            "Dương Thị Bích Ngọc",
            "Lý Quốc Bảo",
            "Tạ Minh Hoàng",
        ),
        _COMMUNE_TITLES,
        valid_from=TWO_TIER,
    )
    staff += _six_roles(
        "huyen-an-phu",
        "huyen-an-phu",
        ("Châu Văn Lợi", "Kiều Thị Thu", "Lâm Hoàng Phúc", "Quách Thị Diễm", "Tô Văn Hiếu", "Thái Minh Nhật"),
        {
            Role.LEADER: ("Chủ tịch Ủy ban nhân dân huyện", None),
            Role.CLERK: ("Văn thư", "VP"),
            Role.OFFICER: ("Chuyên viên Phòng Nội vụ", "NV"),
            Role.ONE_STOP_OFFICER: ("Công chức Bộ phận Một cửa", "BPMC"),
            Role.REPORTING_OFFICER: ("Chuyên viên tổng hợp", "VP"),
            Role.ADMINISTRATOR: ("Chuyên viên phụ trách công nghệ thông tin", "VP"),
        },
        valid_to=LAST_DISTRICT_DAY,
    )
    return staff


def _ethnic_affairs_staff() -> list[StaffSpec]:
    """Ban Dân tộc staff who moved to Sở Dân tộc và Tôn giáo on 01/03/2025 (two positions each)."""
    people = (
        ("lanhdao", "Lò Văn Thắng", Role.LEADER, ("Trưởng ban", None), ("Giám đốc Sở", None)),
        ("vanthu", "Hà Thị Lan", Role.CLERK, ("Văn thư", "VP"), ("Văn thư", "VP")),
        (
            "chuyenvien",
            "Nông Văn Hùng",
            Role.OFFICER,
            ("Chuyên viên Phòng Chính sách", "CS"),
            ("Chuyên viên Phòng Chính sách dân tộc", "CSDT"),
        ),
        (
            "motcua",
            "Sầm Thị Thủy",
            Role.ONE_STOP_OFFICER,
            ("Công chức tiếp nhận và trả kết quả", "VP"),
            ("Công chức tiếp nhận và trả kết quả", "VP"),
        ),
        (
            "baocao",
            "Triệu Thị Hương",
            Role.REPORTING_OFFICER,
            ("Chuyên viên Văn phòng", "VP"),
            ("Chuyên viên Văn phòng", "VP"),
        ),
        (
            "quantri",
            "Hoàng Văn Nam",
            Role.ADMINISTRATOR,
            ("Chuyên viên công nghệ thông tin", "VP"),
            ("Chuyên viên công nghệ thông tin", "VP"),
        ),
    )
    return [
        StaffSpec(
            f"{prefix}.bdt",
            full_name,
            (
                PositionSpec("BDT", before[0], (role,), before[1], valid_to=LAST_PRE_REFORM_DAY),
                PositionSpec("SDTTG", after[0], (role,), after[1], valid_from=DEPARTMENT_REFORM),
            ),
        )
        for prefix, full_name, role, before, after in people
    ]
