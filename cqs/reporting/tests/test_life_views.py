"""Screens, the 404 permission matrix, the JSON API and the dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cqs.reporting.models import OutlineSection, ReportStatus, SectionKind
from cqs.reporting.services.reports import report_submit
from cqs.reporting.tests.core_helpers import outgoing, vn
from cqs.reporting.tests.life_helpers import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Any) -> World:
    w = build_world(cast)
    outgoing(cast.commune_a, vn(2025, 8, 1))
    outgoing(cast.commune_a, vn(2025, 8, 2))
    return w


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_permission_matrix_answers_404(world: World) -> None:
    campaign = world.launch("2025Q3")
    report = world.report(campaign, world.cast.commune_a)
    url = reverse("reporting:report", args=[report.pk])
    expected = {
        "officer_a": 200,
        "leader_a": 200,
        "requester": 200,
        "officer_b": 404,
        "outsider": 404,
    }
    for name, status in expected.items():
        assert _client(getattr(world, name)).get(url).status_code == status, name
    assert _client(world.cast.clerk_a).get(url).status_code == 404  # a clerk is not a reporting role
    # Writing: only the agency's own staff.
    save = reverse("reporting:report_save", args=[report.pk])
    assert _client(world.requester).post(save, {"so": "05"}).status_code == 404
    assert _client(world.officer_b).post(save, {"so": "05"}).status_code == 404
    # The campaign page: the requester and the reporting agencies' staff.
    campaign_url = reverse("reporting:campaign", args=[campaign.pk])
    assert _client(world.requester).get(campaign_url).status_code == 200
    assert _client(world.outsider).get(campaign_url).status_code == 404
    # The outline editor: only the requesting agency.
    outline_url = reverse("reporting:outline", args=[world.dt.pk])
    assert _client(world.requester).get(outline_url).status_code == 200
    assert _client(world.outsider).get(outline_url).status_code == 404
    section = world.dt.sections.first()
    assert section is not None
    move = reverse("reporting:section_move", args=[world.dt.pk, section.pk])
    assert _client(world.officer_a).post(move, {"huong": "xuong"}).status_code == 404


def test_officer_edits_and_submits_requester_returns_then_accepts(world: World) -> None:
    campaign = world.launch("2025Q3")
    report = world.report(campaign, world.cast.commune_a)
    narrative = campaign.regime.sections.filter(kind=SectionKind.NARRATIVE).first()
    assert narrative is not None
    officer = _client(world.officer_a)
    page = officer.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert "Gợi ý:" in page and "Gửi báo cáo" in page
    response = officer.post(
        reverse("reporting:report_save", args=[report.pk]),
        {f"muc-{narrative.pk}": "Đã tổ chức hội nghị.", "so": "12"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.number == "12"
    bad = officer.post(
        reverse("reporting:report_save", args=[report.pk]), {f"muc-{narrative.pk}": "Giữ lại", "so": "12a"}
    )
    assert bad.status_code == 400 and "Giữ lại" in bad.content.decode()  # nothing typed is lost
    officer.post(reverse("reporting:report_submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    requester = _client(world.requester)
    campaign_page = requester.get(reverse("reporting:campaign", args=[campaign.pk])).content.decode()
    assert "1/2 đơn vị đã nộp, 1 nộp muộn" in campaign_page
    assert "Bình Yên" in campaign_page  # the missing one is named
    requester.post(reverse("reporting:report_return", args=[report.pk]), {"ly_do": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # a reason is required
    requester.post(reverse("reporting:report_return", args=[report.pk]), {"ly_do": "Bổ sung số liệu"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert "Bổ sung số liệu" in officer.get(reverse("reporting:report", args=[report.pk])).content.decode()
    officer.post(reverse("reporting:report_submit", args=[report.pk]))
    requester.post(reverse("reporting:report_accept", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    index = officer.get(reverse("reporting:index")).content.decode()
    assert "Đã tiếp nhận" in index


def test_report_page_shows_live_difference_after_submission(world: World) -> None:
    campaign = world.launch("2025Q3")
    report = world.report(campaign, world.cast.commune_a)
    report_submit(by=world.officer_a, report=report)
    outgoing(world.cast.commune_a, vn(2025, 9, 3))
    page = _client(world.officer_a).get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert "Số liệu hiện nay khác" in page
    assert "2/2 (100 %)" in page and "3/3 (100 %)" in page


def test_files_and_consolidation_pages(world: World) -> None:
    campaign = world.launch("2025Q3")
    report = world.report(campaign, world.cast.commune_a)
    client = _client(world.officer_a)
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("xlsx", b"PK")):
        response = client.get(reverse("reporting:report_file", args=[report.pk, fmt]))
        assert response.status_code == 200 and response.content.startswith(magic), fmt
    report_submit(by=world.officer_a, report=report)
    requester = _client(world.requester)
    url = reverse("reporting:consolidation", args=[campaign.pk, world.cast.province.pk])
    page = requester.get(url).content.decode()
    assert "1/2 đơn vị đã nộp" in page and "Chưa gửi" in page and "Bình Yên" in page
    pdf = requester.get(
        reverse("reporting:consolidation_file", args=[campaign.pk, world.cast.province.pk, "pdf"])
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert _client(world.officer_b).get(url).status_code == 404


def test_outline_editor_add_move_delete(world: World) -> None:
    client = _client(world.requester)
    before = world.dt.sections.count()
    client.post(
        reverse("reporting:section_add", args=[world.dt.pk]),
        {"loai": SectionKind.SENTENCE, "mau_cau": "Tổng số văn bản đi là {VB_DI} văn bản."},
    )
    assert world.dt.sections.count() == before + 1
    added = world.dt.sections.order_by("-order").first()
    assert added is not None and added.template.endswith("{VB_DI} văn bản.")
    client.post(
        reverse("reporting:section_add", args=[world.dt.pk]),
        {"loai": SectionKind.SENTENCE, "mau_cau": "{KHONG_CO}"},
    )
    assert world.dt.sections.count() == before + 1  # unknown indicator refused
    order = added.order
    client.post(reverse("reporting:section_move", args=[world.dt.pk, added.pk]), {"huong": "len"})
    assert OutlineSection.objects.get(pk=added.pk).order == order - 1
    client.post(reverse("reporting:section_delete", args=[world.dt.pk, added.pk]))
    assert world.dt.sections.count() == before


def test_api_json(world: World) -> None:
    campaign = world.launch("2025Q3")
    report = world.report(campaign, world.cast.commune_a)
    report_submit(by=world.officer_a, report=report)
    client = _client(world.requester)
    data = client.get(f"/api/bao-cao/bao-cao/{report.pk}").json()
    values = {v["code"]: v for v in data["values"]}
    assert data["frozen"] is True and data["agency_code"] == world.cast.commune_a.code
    assert values["VB_TRAO_DOI_DT"]["denominator"] == "2.00"
    assert values["VB_TRAO_DOI_DT"]["text"] == "2/2 (100 %)"
    status = client.get(f"/api/bao-cao/dot/{campaign.pk}").json()
    assert (status["total"], status["submitted"]) == (2, 1)
    assert status["missing"] == [world.cast.commune_b.code]
    live = (
        _client(world.officer_a)
        .get(f"/api/bao-cao/chi-tieu?co_quan={world.cast.commune_a.code}&ky=2025Q3")
        .json()
    )
    assert {v["code"]: v for v in live["values"]}["VB_DI"]["value"] == "2"
    assert _client(world.outsider).get(f"/api/bao-cao/bao-cao/{report.pk}").status_code == 404
    assert _client(world.officer_b).get(f"/api/bao-cao/dot/{campaign.pk}").status_code == 404
    assert (
        _client(world.officer_b)
        .get(f"/api/bao-cao/chi-tieu?co_quan={world.cast.commune_a.code}&ky=2025Q3")
        .status_code
        == 404
    )
    assert Client().get(f"/api/bao-cao/bao-cao/{report.pk}").status_code == 401


def test_dashboard_svg_and_sorting(world: World) -> None:
    campaign = world.launch("2025Q3")
    report_submit(by=world.officer_a, report=world.report(campaign, world.cast.commune_a))
    client = _client(world.requester)
    url = reverse("reporting:dashboard")
    params = {"che_do": str(world.dt.pk), "chi_tieu": "VB_TRAO_DOI_DT"}
    page = client.get(url, params).content.decode()
    assert page.count("<svg") == 2
    assert "An Lạc" in page and "Chưa gửi báo cáo" in page
    assert "<script" not in page.split("<main", 1)[1]  # server-side charts, no JS library
    by_name = client.get(url, {**params, "sap_xep": "ten", "chieu": "giam"})
    body = by_name.content.decode().split('id="bang-xep-hang"', 1)[1]
    assert body.index("Bình Yên") < body.index("An Lạc")
    live = client.get(url, {**params, "nguon": "truc_tiep"}).content.decode()
    assert "2/2 (100 %)" in live
