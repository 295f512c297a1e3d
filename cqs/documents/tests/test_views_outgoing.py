"""Outgoing screens: drafting (and its errors), the steps by role through the document page,
release to a recipient agency on the platform, its status shown to the sender, exports."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document as open_docx

from cqs.documents.models import (
    DeliveryStatus,
    Direction,
    Document,
    DocumentFile,
    DocumentStatus,
    Urgency,
)
from cqs.documents.tests.test_services_common import World, approved, draft, released, world
from cqs.documents.tests.test_views_incoming import client_for, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(cast) -> World:
    return world(cast)


def draft_post(w: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "doc_type": "Kế hoạch",
        "subject": "Kế hoạch tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2026",
        "body": "1. Mục đích, yêu cầu\nTổ chức chu đáo, tiết kiệm.\n2. Nội dung\na) Tuyên truyền.",
        "drafting_unit": str(w.unit_a.pk),
        "recipient_agencies": [str(w.commune_b.pk)],
        "recipients_text": "Ủy ban Mặt trận Tổ quốc xã\nCác thôn",
        "urgency": str(Urgency.URGENT),
        "secrecy": "0",
        "signer": str(w.leader_a.pk),
        "signer_authority": "TM.",
        "archive_line": "VT, VP",
        "due_date": "",
    }
    data.update(overrides)
    return data


def test_draft_page_offers_the_29_types_the_leaders_and_the_agencies(w):
    response = client_for(w.officer_a).get(reverse("documents:outgoing_draft"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<option value="') >= 29 and ">Giấy mời<" in html and ">Nghị định<" not in html
    assert w.leader_a.full_name in html and w.commune_b.name in html
    assert "autofocus" in html


def test_draft_with_errors_keeps_the_input_and_the_choices(w):
    response = client_for(w.officer_a).post(
        reverse("documents:outgoing_draft"),
        {**draft_post(w, subject="", doc_type="Sắc lệnh"), "uploads": [pdf_upload("du-thao.pdf")]},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Vui lòng nhập trích yếu nội dung." in html
    assert "Lựa chọn không hợp lệ" in html
    assert "Ủy ban Mặt trận Tổ quốc xã" in html and "Tổ chức chu đáo, tiết kiệm." in html
    assert f'value="{w.commune_b.pk}" id="id_recipient_agencies_' in html and "checked" in html
    assert "vui lòng chọn lại tệp" in html.lower()
    assert not Document.objects.filter(direction=Direction.OUTGOING).exists()


def test_draft_saved_with_an_uploaded_file(w):
    response = client_for(w.officer_a).post(
        reverse("documents:outgoing_draft"), {**draft_post(w), "uploads": [pdf_upload("du-thao.pdf")]}
    )
    document = Document.objects.get(direction=Direction.OUTGOING)
    assert response.status_code == 302
    assert document.status == DocumentStatus.DRAFT and document.drafter == w.officer_a
    assert list(document.recipient_agencies.all()) == [w.commune_b]
    assert document.files.get().kind == DocumentFile.Kind.MAIN


def test_a_docx_upload_must_be_docx_or_pdf(w):
    image = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png")
    response = client_for(w.officer_a).post(
        reverse("documents:outgoing_draft"), {**draft_post(w), "uploads": [image]}
    )
    assert response.status_code == 400
    assert not Document.objects.filter(direction=Direction.OUTGOING).exists()


def test_outgoing_from_draft_to_release_and_receipt_through_the_pages(w):
    officer = client_for(w.officer_a)
    officer.post(reverse("documents:outgoing_draft"), draft_post(w))
    document = Document.objects.get(direction=Direction.OUTGOING)
    detail = reverse("documents:detail", args=[document.pk])

    officer.post(reverse("documents:comment", args=[document.pk]), {"gop-y-text": "Bổ sung kinh phí."})
    assert officer.post(reverse("documents:submit", args=[document.pk])).status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_REVIEW

    head = client_for(w.head_a)
    assert "Duyệt nội dung" in head.get(detail).content.decode()
    head.post(reverse("documents:review", args=[document.pk]), {"duyet-decision": "duyet", "duyet-note": ""})
    leader = client_for(w.leader_a)
    assert "Ký duyệt" in leader.get(detail).content.decode()
    leader.post(
        reverse("documents:approve", args=[document.pk]), {"ky-decision": "duyet", "ky-note": "Đồng ý."}
    )
    clerk = client_for(w.clerk_a)
    assert "Phát hành văn bản" in clerk.get(detail).content.decode()
    released = clerk.post(reverse("documents:release", args=[document.pk]), {"phat-hanh-released_on": ""})
    assert released.status_code == 302

    document.refresh_from_db()
    assert document.status == DocumentStatus.RELEASED and document.reference == "01/KH-UBND"
    copy = Document.objects.get(source=document)
    assert copy.owner == w.commune_b and copy.status == DocumentStatus.ARRIVED

    # The recipient's clerk sees it at once and registers it with one click.
    clerk_b = client_for(w.clerk_b)
    listing = clerk_b.get(reverse("documents:incoming")).content.decode()
    assert "Ngày hội Đại đoàn kết" in listing and 'name="chon"' in listing
    clerk_b.post(reverse("documents:register_arrived", args=[copy.pk]))
    copy.refresh_from_db()
    assert copy.status == DocumentStatus.REGISTERED

    page = clerk.get(detail).content.decode()
    assert "Đã vào sổ" in page and w.commune_b.name in page
    assert "Bổ sung kinh phí." in page
    assert document.deliveries.get(recipient=w.commune_b).status == DeliveryStatus.REGISTERED


def test_sending_back_needs_a_reason_and_keeps_the_note(w):
    document = draft(w)
    from cqs.documents.services import outgoing_submit

    outgoing_submit(by=w.officer_a, document=document)
    response = client_for(w.head_a).post(
        reverse("documents:review", args=[document.pk]), {"duyet-decision": "tra_lai", "duyet-note": ""}
    )
    assert response.status_code == 400
    assert "Vui lòng nêu lý do trả lại." in response.content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_REVIEW


def test_only_the_signer_sees_the_signing_form(w):
    document = approved(w)
    document.status = DocumentStatus.REVIEWED  # not saved: just the page check below
    page = client_for(w.officer_a).get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "Gửi ý kiến ký duyệt" not in page


def test_bulk_release_numbers_the_selected_documents(w):
    first, second = approved(w, subject="Về việc thứ nhất"), approved(w, subject="Về việc thứ hai")
    response = client_for(w.clerk_a).post(
        reverse("documents:outgoing_bulk_release"),
        {"chon": [str(first.pk), str(second.pk)], "loc": "do_khan=1"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?do_khan=1")
    numbers = sorted(Document.objects.filter(pk__in=[first.pk, second.pk]).values_list("number", flat=True))
    assert numbers == ["01", "02"]


def test_exports_are_docx_and_pdf(w):
    document = released(w)
    client = client_for(w.officer_a)
    assert "Tải về DOCX" in client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    docx = client.get(reverse("documents:export", args=[document.pk, "docx"]))
    pdf = client.get(reverse("documents:export", args=[document.pk, "pdf"]))
    assert docx["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "attachment" in docx["Content-Disposition"] and ".docx" in docx["Content-Disposition"]
    word = open_docx(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in word.paragraphs)
    cells = "\n".join(c.text for t in word.tables for r in t.rows for c in r.cells)
    assert "đề nghị các cơ quan phối hợp báo cáo" in text
    assert "01/UBND-VP" in cells
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert (
        client_for(w.clerk_b).get(reverse("documents:export", args=[document.pk, "pdf"])).status_code == 404
    )


def test_a_draft_cannot_be_exported_yet(w):
    document = draft(w)
    client = client_for(w.officer_a)
    assert "Tải về DOCX" not in client.get(reverse("documents:detail", args=[document.pk])).content.decode()
    response = client.get(reverse("documents:export", args=[document.pk, "pdf"]), follow=True)
    assert "Chưa trình bày được văn bản" in response.content.decode()


def test_one_click_registration_asks_to_confirm_a_probable_duplicate(w):
    from cqs.documents.services import incoming_register

    document = released(w, subject="Về việc kiểm tra trùng văn bản")
    copy = Document.objects.get(source=document)
    # Commune B already registered the paper copy of the same document.
    incoming_register(
        by=w.clerk_b,
        owner=w.commune_b,
        data={
            "doc_type": "Công văn",
            "number": document.number,
            "notation": document.notation,
            "issuing_agency_name": w.commune_a.name,
            "subject": document.subject,
        },
        confirm_duplicate=True,  # the platform copy is waiting in the same agency
    )
    clerk_b = client_for(w.clerk_b)

    warned = clerk_b.post(reverse("documents:register_arrived", args=[copy.pk]), follow=True)
    html = warned.content.decode()
    assert "xác nhận để vẫn vào sổ" in html and 'name="confirm_duplicate"' in html
    copy.refresh_from_db()
    assert copy.status == DocumentStatus.ARRIVED

    clerk_b.post(reverse("documents:register_arrived", args=[copy.pk]), {"confirm_duplicate": "1"})
    copy.refresh_from_db()
    assert copy.status == DocumentStatus.REGISTERED and copy.arrival_number == 2


def test_bulk_register_takes_in_the_selected_arrivals(w):
    first, second = released(w, subject="Về việc thứ nhất"), released(w, subject="Về việc thứ hai")
    copies = list(Document.objects.filter(source__in=[first, second]).order_by("pk"))
    clerk_b = client_for(w.clerk_b)
    listing = clerk_b.get(reverse("documents:incoming"), {"trang_thai": "da_den"}).content.decode()
    assert listing.count('name="chon"') == 2 and "Chờ vào sổ: 2" in listing

    response = clerk_b.post(
        reverse("documents:incoming_bulk_register"),
        {"chon": [str(c.pk) for c in copies], "loc": "trang_thai=da_den"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?trang_thai=da_den")
    numbers = sorted(
        n
        for n in Document.objects.filter(pk__in=[c.pk for c in copies]).values_list(
            "arrival_number", flat=True
        )
        if n is not None
    )
    assert numbers == [1, 2]
    # The sender's clerk cannot take them in for the recipient.
    other = released(w, subject="Về việc thứ ba")
    third = Document.objects.get(source=other)
    client_for(w.clerk_a).post(reverse("documents:incoming_bulk_register"), {"chon": [str(third.pk)]})
    third.refresh_from_db()
    assert third.status == DocumentStatus.ARRIVED


def test_recall_needs_a_reason_and_cancels_the_recipients_copy(w):
    document = released(w, subject="Về việc có sai sót cần thu hồi")
    copy = Document.objects.get(source=document)
    leader = client_for(w.leader_a)
    refused = leader.post(reverse("documents:recall", args=[document.pk]), {"thu-hoi-reason": " "})
    assert refused.status_code == 400 and "Vui lòng nêu lý do." in refused.content.decode()

    leader.post(reverse("documents:recall", args=[document.pk]), {"thu-hoi-reason": "Sai thể thức."})
    document.refresh_from_db()
    copy.refresh_from_db()
    assert document.status == DocumentStatus.RECALLED and copy.status == DocumentStatus.CANCELLED
    sender_page = leader.get(reverse("documents:detail", args=[document.pk])).content.decode()
    assert "Đã thu hồi" in sender_page and "Sai thể thức." in sender_page
    recipient_page = client_for(w.clerk_b).get(reverse("documents:detail", args=[copy.pk])).content.decode()
    assert "nội dung và tệp không còn được xem" in recipient_page
