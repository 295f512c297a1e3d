"""Extra people for the worklist tests, on top of the fixed cast (cqs/org/testing.py):

* `province_leader`: Chủ tịch UBND tỉnh (agency-level leader of the province) — assigns.
* `department_officer`: an officer of Sở Nội vụ in its Văn phòng Sở — reports progress.
* `commune_a_leader`: Chủ tịch UBND xã An Lạc.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cqs.core.workcalendar import VN_TZ
from cqs.org.models import Role
from cqs.org.testing import give_position, make_person

# A working day in 2025 after the cast's communes start (01/07/2025).
TODAY = datetime(2025, 8, 20, 9, 0, tzinfo=VN_TZ)  # Wednesday


@pytest.fixture
def people(cast: Any) -> dict[str, Any]:
    leader = make_person("lanhdao_tinh", "Nguyễn Hữu Quang")
    give_position(leader, cast.province, Role.LEADER, title="Chủ tịch UBND tỉnh")
    officer = make_person("chuyenvien_snv", "Ngô Minh Quân")
    give_position(officer, cast.department, Role.OFFICER, title="Chuyên viên", unit=cast.unit_department)
    commune_leader = make_person("lanhdao_a", "Nguyễn Văn Bình")
    give_position(commune_leader, cast.commune_a, Role.LEADER, title="Chủ tịch UBND xã")
    return {"province_leader": leader, "department_officer": officer, "commune_a_leader": commune_leader}


@pytest.fixture
def today(time_machine: Any) -> datetime:
    time_machine.move_to(TODAY, tick=False)
    return TODAY


def png_upload(name: str = "anh-hien-truong.png", color: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def xlsx_upload(name: str = "so-lieu.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Chỉ tiêu", "Số liệu"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())
