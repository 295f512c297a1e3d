"""The register screen: choose the register and the year, read the table, download PDF and XLSX."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cqs.documents.tests.test_services_common import World, register, released, world
from cqs.documents.tests.test_views_incoming import client_for

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def w(cast) -> World:
    return world(cast)


def test_incoming_register_table_lists_the_registered_documents(w):
    register(w, subject="Về việc kiểm tra công tác văn thư", number="77", notation="UBND-VP")
    year = timezone.localdate().year
    response = client_for(w.clerk_a).get(reverse("documents:registers"), {"so": "den", "nam": str(year)})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"SỔ ĐĂNG KÝ VĂN BẢN ĐẾN — Năm {year}" in html
    assert "Số đến" in html and "Tác giả" in html
    assert "kiểm tra công tác văn thư" in html and "77/UBND-VP" in html


def test_outgoing_and_follow_up_registers_render(w):
    released(w, subject="Về việc báo cáo chuyển đổi số quý IV")
    client = client_for(w.clerk_a)
    outgoing = client.get(reverse("documents:registers"), {"so": "di"}).content.decode()
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in outgoing and "01/UBND-VP" in outgoing
    follow = client.get(reverse("documents:registers"), {"so": "giai-quyet"})
    assert follow.status_code == 200 and "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN" in follow.content.decode()


def test_register_downloads_have_the_right_types(w):
    register(w, subject="Về việc tổng kết năm", number="88")
    client = client_for(w.clerk_a)
    year = str(timezone.localdate().year)

    pdf = client.get(reverse("documents:register_download", args=["pdf"]), {"so": "den", "nam": year})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f'filename="so-dang-ky-van-ban-den-{year}.pdf"' in pdf["Content-Disposition"]

    xlsx = client.get(reverse("documents:register_download", args=["xlsx"]), {"so": "den", "nam": year})
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("tổng kết năm" in v for v in values)

    assert client.get(reverse("documents:register_download", args=["csv"]), {"so": "den"}).status_code == 404


def test_registers_of_another_agency_are_not_offered(w):
    register(w, subject="Về việc nội bộ xã An Lạc", number="99")
    response = client_for(w.clerk_b).get(
        reverse("documents:registers"), {"so": "den", "co_quan": str(w.commune_a.pk)}
    )
    assert response.status_code == 400
    assert "nội bộ xã An Lạc" not in response.content.decode()


def test_secret_register_only_for_clerks_and_leaders(w):
    from cqs.documents.models import Secrecy

    register(w, subject="Về việc bảo vệ bí mật nhà nước", number="5", secrecy=Secrecy.SECRET)
    officer = client_for(w.officer_a).get(reverse("documents:registers"), {"so": "den", "mat": "1"})
    clerk = client_for(w.clerk_a).get(reverse("documents:registers"), {"so": "den", "mat": "1"})
    assert "bảo vệ bí mật nhà nước" not in officer.content.decode()
    assert "bảo vệ bí mật nhà nước" in clerk.content.decode() and "ĐẾN MẬT" in clerk.content.decode()
