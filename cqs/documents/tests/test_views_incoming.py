"""Incoming screens: the list, registration (with its duplicate warning), the document page,
routing to completion through the forms, returning, file download and preview.

The helpers here (`client_for`, `tiny_pdf`) are reused by the other view tests."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reportlab.pdfgen.canvas import Canvas

from cqs.documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Document,
    DocumentFile,
    DocumentStatus,
    Urgency,
)
from cqs.documents.tests.test_services_common import World, register, world

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def tiny_pdf(text: str = "Công văn thử nghiệm số 12/UBND-VP") -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 760, text.encode("ascii", "ignore").decode() or "Van ban")
    canvas.save()
    return buffer.getvalue()


def pdf_upload(name: str = "cong-van.pdf", text: str = "Van ban den thu nghiem") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


def registration_post(**overrides: Any) -> dict[str, Any]:
    now = timezone.localtime()
    data: dict[str, Any] = {
        "doc_type": "Công văn",
        "number": "215",
        "notation": "UBND-KGVX",
        "issued_on": (now.date() - timedelta(days=3)).isoformat(),
        "issuing_agency_name": "Ủy ban nhân dân tỉnh Thử Nghiệm",
        "subject": "Về việc triển khai Chương trình chuyển đổi số năm 2026",
        "urgency": str(Urgency.URGENT),
        "secrecy": "0",
        "arrival_date": now.strftime("%Y-%m-%dT%H:%M"),
        "copies": "1",
        "page_count": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def w(cast) -> World:
    return world(cast)


# ---------------------------------------------------------------------------- list


def test_incoming_list_shows_urgent_first_with_badges(w):
    register(w, subject="Về việc báo cáo số liệu thường kỳ", number="1")
    register(w, subject="Về việc phòng, chống lụt bão khẩn cấp", number="2", urgency=Urgency.FLASH)
    register(w, subject="Về việc tổ chức hội nghị", number="3", urgency=Urgency.URGENT)

    response = client_for(w.clerk_a).get(reverse("documents:incoming"))

    assert response.status_code == 200
    html = response.content.decode()
    order = [html.index(s) for s in ("phòng, chống lụt bão", "tổ chức hội nghị", "báo cáo số liệu")]
    assert order == sorted(order)
    assert 'class="badge badge-hoa-toc">Hỏa tốc<' in html
    assert 'class="badge badge-khan">Khẩn<' in html
    assert "Đăng ký văn bản đến" in html  # the clerk's button


def test_incoming_list_filters_accent_insensitively_and_answers_htmx_with_the_table_only(w):
    register(w, subject="Về việc hỗ trợ đồng bào dân tộc thiểu số", number="10")
    register(w, subject="Về việc sửa chữa trụ sở", number="11")
    client = client_for(w.clerk_a)

    full = client.get(reverse("documents:incoming"), {"q": "dan toc"})
    partial = client.get(
        reverse("documents:incoming"), {"q": "dan toc"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ket-qua"
    )

    assert "hỗ trợ đồng bào dân tộc" in full.content.decode()
    assert "sửa chữa trụ sở" not in full.content.decode()
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="ket-qua"')
    assert "<html" not in body and "hỗ trợ đồng bào dân tộc" in body
    assert "HX-Request" in partial["Vary"]


def test_incoming_list_reports_a_bad_date_and_still_lists(w):
    register(w, number="12")
    response = client_for(w.clerk_a).get(reverse("documents:incoming"), {"tu_ngay": "31/02/2026"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in html and "1 kết quả" in html


def test_incoming_list_pages_by_fifty(w):
    for n in range(1, 53):
        register(w, number=str(n), subject=f"Về việc thử nghiệm phân trang số {n}")
    client = client_for(w.clerk_a)
    first = client.get(reverse("documents:incoming")).content.decode()
    second = client.get(reverse("documents:incoming"), {"trang": "2"}).content.decode()
    assert first.count('name="chon"') == 0  # registered documents are not "Vào sổ" candidates
    assert first.count("thử nghiệm phân trang số") == 50
    assert second.count("thử nghiệm phân trang số") == 2
    assert "Trang sau" in first and "Trang trước" in second


def test_lists_need_a_login(client):
    response = client.get(reverse("documents:incoming"))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


# ---------------------------------------------------------------------------- registration


def test_register_page_is_for_clerks_only(w):
    assert client_for(w.clerk_a).get(reverse("documents:incoming_register")).status_code == 200
    assert client_for(w.officer_a).get(reverse("documents:incoming_register")).status_code == 403


def test_register_with_a_pdf_gives_the_arrival_number_and_stores_the_file(w):
    client = client_for(w.clerk_a)
    response = client.post(
        reverse("documents:incoming_register"), {**registration_post(), "uploads": [pdf_upload()]}
    )

    document = Document.objects.get(notation="UBND-KGVX")
    assert response.status_code == 302 and response["Location"] == reverse(
        "documents:detail", args=[document.pk]
    )
    assert document.status == DocumentStatus.REGISTERED and document.arrival_number == 1
    assert document.urgency == Urgency.URGENT
    stored = document.files.get()
    assert stored.kind == DocumentFile.Kind.MAIN and stored.original_name == "cong-van.pdf"
    page = client.get(response["Location"]).content.decode()
    assert "Đã vào sổ văn bản đến số 01" in page
    assert reverse("documents:file_preview", args=[document.pk, stored.pk]) in page


def test_register_with_errors_keeps_everything_typed_and_asks_to_reselect_the_file(w):
    response = client_for(w.clerk_a).post(
        reverse("documents:incoming_register"),
        {
            **registration_post(subject="", number="0815", signer_name="Trần Văn Ký"),
            "uploads": [pdf_upload()],
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "Vui lòng nhập trích yếu nội dung." in html
    assert 'value="0815"' in html and 'value="Trần Văn Ký"' in html and 'value="UBND-KGVX"' in html
    assert "vui lòng chọn lại tệp" in html.lower()
    assert 'aria-invalid="true"' in html
    assert not Document.objects.exists()


def test_register_refuses_a_fake_pdf_in_vietnamese(w):
    fake = SimpleUploadedFile("quyet-dinh.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client_for(w.clerk_a).post(
        reverse("documents:incoming_register"), {**registration_post(), "uploads": [fake]}
    )
    assert response.status_code == 400
    assert "không đúng định dạng" in response.content.decode()
    assert not Document.objects.exists()


def test_duplicate_is_warned_about_and_registered_once_confirmed(w):
    client = client_for(w.clerk_a)
    client.post(reverse("documents:incoming_register"), registration_post())

    warned = client.post(reverse("documents:incoming_register"), registration_post(number="0215"))
    html = warned.content.decode()
    assert warned.status_code == 400
    assert "Có thể trùng văn bản đã có trong hệ thống" in html and 'name="confirm_duplicate"' in html
    assert Document.objects.count() == 1

    confirmed = client.post(
        reverse("documents:incoming_register"), registration_post(number="0215", confirm_duplicate="on")
    )
    assert confirmed.status_code == 302
    assert Document.objects.count() == 2


# ---------------------------------------------------------------------------- the document page


def test_document_page_is_404_for_another_agencys_staff(w):
    document = register(w)
    assert client_for(w.clerk_a).get(reverse("documents:detail", args=[document.pk])).status_code == 200
    assert client_for(w.clerk_b).get(reverse("documents:detail", args=[document.pk])).status_code == 404
    assert client_for(w.leader_b).get(reverse("documents:detail", args=[document.pk])).status_code == 404


def test_leader_routes_head_forwards_officer_reports_and_completes(w):
    document = register(w, subject="Về việc rà soát hộ nghèo năm 2026")
    leader = client_for(w.leader_a)
    page = leader.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "Phân công xử lý" in page and 'name="phan-cong-lead"' in page

    deadline = (timezone.localdate() + timedelta(days=20)).isoformat()
    routed = leader.post(
        reverse("documents:route", args=[document.pk]),
        {
            "phan-cong-lead": f"u{w.unit_a.pk}",
            "phan-cong-supports": [f"u{w.unit_a2.pk}"],
            "phan-cong-informed": [f"p{w.officer_b.pk}"] if False else [],
            "phan-cong-direction": "Văn phòng chủ trì, tham mưu trả lời trước hạn.",
            "phan-cong-deadline": deadline,
        },
    )
    assert routed.status_code == 302
    lead = Assignment.objects.get(document=document, role=AssignmentRole.LEAD)
    assert lead.unit == w.unit_a and lead.deadline is not None and lead.deadline.isoformat() == deadline

    head = client_for(w.head_a)
    forwarded = head.post(
        reverse("documents:forward", args=[document.pk, lead.pk]),
        {f"chuyen-{lead.pk}-to_user": str(w.officer_a.pk), f"chuyen-{lead.pk}-direction": "Đồng chí xử lý."},
    )
    assert forwarded.status_code == 302
    child = Assignment.objects.get(parent=lead)

    officer = client_for(w.officer_a)
    assert (
        officer.post(
            reverse("documents:progress", args=[document.pk, child.pk]),
            {f"tien-do-{child.pk}-note": "Đang tổng hợp số liệu các thôn."},
        ).status_code
        == 302
    )
    done = officer.post(
        reverse("documents:complete", args=[document.pk, child.pk]),
        {f"hoan-thanh-{child.pk}-note": "Đã báo cáo.", f"hoan-thanh-{child.pk}-reply_document": ""},
    )
    assert done.status_code == 302
    document.refresh_from_db()
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.DONE
    assert document.status == DocumentStatus.DONE
    page = officer.get(reverse("documents:detail", args=[document.pk])).content.decode()
    for text in (
        "Văn phòng chủ trì, tham mưu trả lời trước hạn.",
        "Đang tổng hợp số liệu các thôn.",
        "Hoàn thành",
    ):
        assert text in page


def test_route_errors_keep_the_form_open_with_what_was_typed(w):
    document = register(w)
    response = client_for(w.leader_a).post(
        reverse("documents:route", args=[document.pk]),
        {"phan-cong-lead": "", "phan-cong-direction": "Giao Văn phòng xử lý gấp"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng chọn đơn vị hoặc cán bộ chủ trì." in html
    assert "Giao Văn phòng xử lý gấp" in html
    assert re.search(r"<details open>\s*<summary>Phân công xử lý", html)


def test_return_needs_a_reason(w):
    document = register(w)
    client = client_for(w.clerk_a)
    refused = client.post(reverse("documents:return", args=[document.pk]), {"tra-lai-reason": ""})
    assert refused.status_code == 400 and "Vui lòng nêu lý do." in refused.content.decode()
    done = client.post(
        reverse("documents:return", args=[document.pk]), {"tra-lai-reason": "Gửi nhầm nơi nhận."}
    )
    assert done.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.RETURNED and document.status_reason == "Gửi nhầm nơi nhận."


def test_officers_cannot_route(w):
    document = register(w)
    response = client_for(w.officer_a).post(
        reverse("documents:route", args=[document.pk]),
        {"phan-cong-lead": f"u{w.unit_a.pk}", "phan-cong-direction": "Tự giao."},
    )
    assert response.status_code == 400
    assert "Chỉ lãnh đạo cơ quan" in response.content.decode()
    assert not Assignment.objects.exists()


# ---------------------------------------------------------------------------- files


def test_file_download_and_same_origin_preview(w):
    client = client_for(w.clerk_a)
    client.post(reverse("documents:incoming_register"), {**registration_post(), "uploads": [pdf_upload()]})
    document = Document.objects.get()
    stored = document.files.get()

    download = client.get(reverse("documents:file_download", args=[document.pk, stored.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]

    preview = client.get(reverse("documents:file_preview", args=[document.pk, stored.pk]))
    assert preview.status_code == 200 and preview["Content-Disposition"].startswith("inline")
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    # Every other page stays unframeable.
    page = client.get(reverse("documents:detail", args=[document.pk]))
    assert page["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page["Content-Security-Policy"]

    outsider = client_for(w.clerk_b)
    assert outsider.get(reverse("documents:file_download", args=[document.pk, stored.pk])).status_code == 404
    assert outsider.get(reverse("documents:file_preview", args=[document.pk, stored.pk])).status_code == 404
