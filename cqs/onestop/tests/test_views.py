"""Screens: the 404 gate matrix, the list, reception, actions, forms as PDF/DOCX, register,
statistics, catalogue import/export."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document as open_docx

from cqs.core.workcalendar import VN_TZ
from cqs.onestop import services as s
from cqs.onestop.models import Dossier, DossierStatus
from cqs.rendering.tests import poppler

MONDAY = datetime(2025, 10, 6, 9, 0, tzinfo=VN_TZ)
APPLICANT = s.ApplicantData(name="Trần Thị Hoa", id_number="051190001234", phone="0905123456")


@pytest.fixture
def dossier(world: Any, time_machine: Any) -> Dossier:
    time_machine.move_to(MONDAY, tick=False)
    return s.receive_at_counter(
        actor=world.officer_a,
        version=world.version,
        agency=world.cast.commune_a,
        applicant=APPLICANT,
        checked=[c.pk for c in world.version.components.filter(is_required=True)],
    )


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(data: bytes, tmp_path: Any) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return poppler.text(path)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("officer_a", True),
        ("leader_a", True),
        ("officer_b", False),
        ("leader_b", False),
        ("clerk_a", False),
        ("department_leader", False),
        ("province_admin", False),
    ],
)
def test_gate_answers_404_to_whoever_may_not_see(world: Any, dossier: Dossier, who: str, sees: bool) -> None:
    user = getattr(world, who, None) or getattr(world.cast, who)
    response = client_for(user).get(reverse("onestop:detail", args=[dossier.pk]))
    assert response.status_code == (200 if sees else 404)
    form = client_for(user).get(reverse("onestop:form", args=[dossier.pk, "01", "pdf"]))
    assert form.status_code == (200 if sees else 404)


def test_assigned_officer_sees_the_dossier(world: Any, dossier: Dossier) -> None:
    client = client_for(world.cast.officer_a)
    assert client.get(reverse("onestop:detail", args=[dossier.pk])).status_code == 404
    s.dossier_handover(
        actor=world.officer_a, dossier=dossier, step_name="Thẩm định", officer=world.cast.officer_a
    )
    assert client.get(reverse("onestop:detail", args=[dossier.pk])).status_code == 200


def test_list_shows_own_agency_only_and_filters(world: Any, dossier: Dossier) -> None:
    page = client_for(world.officer_a).get(reverse("onestop:index"))
    assert dossier.code in page.content.decode()
    other = client_for(world.officer_b).get(reverse("onestop:index"))
    assert dossier.code not in other.content.decode()
    filtered = client_for(world.officer_a).get(
        reverse("onestop:index"), {"trang_thai": DossierStatus.RETURNED}
    )
    assert dossier.code not in filtered.content.decode()
    overdue = client_for(world.officer_a).get(reverse("onestop:index"), {"sap_xep": "han"})
    assert dossier.code in overdue.content.decode()


def test_list_pages_with_a_cursor(world: Any, dossier: Dossier) -> None:
    from cqs.onestop.selectors import ListFilters, dossier_page

    for _ in range(3):
        s.receive_at_counter(
            actor=world.officer_a,
            version=world.version,
            agency=world.cast.commune_a,
            applicant=APPLICANT,
            checked=[c.pk for c in world.version.components.filter(is_required=True)],
        )
    first = dossier_page(Dossier.objects.all(), ListFilters(agency_id=world.cast.commune_a.pk), size=3)
    assert first.has_more and len(first.rows) == 3
    rest = dossier_page(
        Dossier.objects.all(), ListFilters(agency_id=world.cast.commune_a.pk), after=first.next_cursor, size=3
    )
    assert [d.code for d in rest.rows] == [dossier.code] and not rest.has_more


def test_reception_screen_receives_and_keeps_input_on_error(world: Any, time_machine: Any) -> None:
    time_machine.move_to(MONDAY, tick=False)
    client = client_for(world.officer_a)
    url = reverse("onestop:receive")
    assert client.get(url, {"thu_tuc": world.version.pk}).status_code == 200
    bad = client.post(
        url, {"thu_tuc": world.version.pk, "ho_ten": "Lê Văn Bình", "so_dinh_danh": "051190009999"}
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "chưa đủ thành phần bắt buộc" in body and "Lê Văn Bình" in body
    ok = client.post(
        url,
        {
            "thu_tuc": world.version.pk,
            "ho_ten": "Lê Văn Bình",
            "so_dinh_danh": "051190009999",
            "da_nhan": [c.pk for c in world.version.components.all()],
        },
    )
    created = Dossier.objects.get(applicant_id_number="051190009999")
    assert ok.status_code == 302 and ok["Location"] == reverse("onestop:detail", args=[created.pk])


def test_reception_is_404_for_non_one_stop_staff(world: Any) -> None:
    assert client_for(world.cast.clerk_a).get(reverse("onestop:receive")).status_code == 404


def test_actions_through_the_screen(world: Any, dossier: Dossier) -> None:
    client = client_for(world.officer_a)
    response = client.post(
        reverse("onestop:act", args=[dossier.pk, "yeu-cau-bo-sung"]),
        {
            "noi_dung": "Giấy chứng sinh bản chính\nSổ hộ khẩu",
            "ly_do": "Bản photo không rõ",
            "can_cu": "Luật Hộ tịch",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT
    refused = client.post(reverse("onestop:act", args=[dossier.pk, "tu-choi"]), {"ly_do": ""}, follow=True)
    assert "phải nêu rõ lý do" in refused.content.decode()
    assert client.post(reverse("onestop:act", args=[dossier.pk, "khong-co"])).status_code == 404


def test_form_01_pdf_and_docx(world: Any, dossier: Dossier, tmp_path: Any) -> None:
    client = client_for(world.officer_a)
    pdf = client.get(reverse("onestop:form", args=[dossier.pk, "01", "pdf"]))
    text = pdf_text(pdf.content, tmp_path)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert dossier.code in text and "09/10/2025" in text and "Trần Thị Hoa" in text
    docx = client.get(reverse("onestop:form", args=[dossier.pk, "01", "docx"]))
    document = open_docx(io.BytesIO(docx.content))
    words = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert dossier.code in words and "Giấy chứng sinh" in words


def test_forms_02_to_06_render(world: Any, dossier: Dossier, tmp_path: Any, time_machine: Any) -> None:
    client = client_for(world.officer_a)
    s.dossier_request_supplement(
        actor=world.officer_a, dossier=dossier, missing=["Giấy chứng sinh bản chính"], reason="Bản photo mờ"
    )
    assert "Giấy chứng sinh bản chính" in pdf_text(
        client.get(reverse("onestop:form", args=[dossier.pk, "02", "pdf"])).content, tmp_path
    )
    s.supply_supplement(actor=world.officer_a, dossier=dossier, files={}, note="Đã nộp")
    s.dossier_apologise(
        actor=world.leader_a, dossier=dossier, reason="Chờ xác minh", new_due_date=date(2025, 10, 14)
    )
    text04 = pdf_text(client.get(reverse("onestop:form", args=[dossier.pk, "04", "pdf"])).content, tmp_path)
    assert "14/10/2025" in text04 and "09/10/2025" in text04
    assert client.get(reverse("onestop:form", args=[dossier.pk, "03", "pdf"])).status_code == 404
    s.dossier_refuse(actor=world.officer_a, dossier=dossier, reason="Trẻ đã đăng ký khai sinh nơi khác")
    text03 = pdf_text(client.get(reverse("onestop:form", args=[dossier.pk, "03", "pdf"])).content, tmp_path)
    assert "đăng ký khai sinh nơi khác" in text03
    text06 = pdf_text(client.get(reverse("onestop:form", args=[dossier.pk, "06", "pdf"])).content, tmp_path)
    assert "PHIẾU KIỂM SOÁT" in text06 and "Tiếp nhận hồ sơ" in text06


def test_register_and_statistics(world: Any, dossier: Dossier, tmp_path: Any) -> None:
    client = client_for(world.officer_a)
    params = {"tu_ngay": "2025-10-01", "den_ngay": "2025-10-31"}
    assert dossier.code in client.get(reverse("onestop:register"), params).content.decode()
    text07 = pdf_text(
        client.get(reverse("onestop:register"), {**params, "dinh_dang": "pdf"}).content, tmp_path
    )
    assert "SỔ THEO DÕI HỒ SƠ" in text07 and "Trần Thị" in text07
    register_docx = open_docx(
        io.BytesIO(client.get(reverse("onestop:register"), {**params, "dinh_dang": "docx"}).content)
    )
    cells = [cell.text for table in register_docx.tables for row in table.rows for cell in row.cells]
    assert dossier.code in cells and "09/10/2025" in cells
    page = client.get(reverse("onestop:statistics"), params).content.decode()
    assert "Đạt" in page and "Không đạt" not in page
    xlsx = client.get(reverse("onestop:statistics"), {**params, "dinh_dang": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet["B3"].value == world.cast.commune_a.name and sheet["C3"].value == 1
    report = pdf_text(
        client.get(reverse("onestop:statistics"), {**params, "dinh_dang": "pdf"}).content, tmp_path
    )
    assert "Tiếp nhận = đã giải quyết + đang giải quyết" in report
