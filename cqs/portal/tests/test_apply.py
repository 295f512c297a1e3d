"""Applying online: the draft keeps every upload across errors; submission goes through
onestop's `submit_online`; the check-answers page and the confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cqs.documents.tests.fixtures import encrypted_pdf
from cqs.onestop.models import Channel, Dossier, DossierStatus, PaymentStatus
from cqs.portal.models import DraftApplication, DraftFile
from cqs.portal.tests.conftest import Portal, pdf_upload

pytestmark = pytest.mark.django_db

DETAILS = {
    "applicant_name": "Trần Thị Hoa",
    "applicant_id_number": "051190001234",
    "applicant_phone": "0905123456",
    "applicant_email": "hoa.tran@example.vn",
    "applicant_address": "Thôn 2, xã An Lạc",
}


def start(client: Client, portal: Portal, version: Any) -> DraftApplication:
    client.force_login(portal.citizen)
    response = client.post(reverse("portal:apply", args=[version.procedure.code]))
    draft = DraftApplication.objects.get(owner=portal.citizen, version=version)
    assert response["Location"] == reverse("portal:draft", args=[draft.pk])
    return draft


def upload(client: Client, draft: DraftApplication, component: Any, file: Any) -> Any:
    return client.post(reverse("portal:component", args=[draft.pk, component.pk]), {"file": file})


def test_start_page_says_what_online_level_means(client: Client, portal: Portal) -> None:
    full = client.get(reverse("portal:procedure", args=[portal.free.procedure.code])).content.decode()
    assert "Bạn nhận kết quả trực tuyến" in full and "Giấy chứng sinh" in full
    partial = client.get(reverse("portal:procedure", args=[portal.paid.procedure.code])).content.decode()
    assert "Nộp trực tuyến, nhận kết quả trực tiếp" in partial
    assert "Bản chính giấy tờ cần chứng thực" in partial and "50.000 đồng" in partial


def test_search_is_accent_insensitive(client: Client, portal: Portal) -> None:
    html = client.get(reverse("portal:procedures"), {"q": "khai sinh"}).content.decode()
    assert "Thủ tục đăng ký khai sinh" in html and "chứng thực" not in html
    html = client.get(reverse("portal:procedures"), {"q": "CHUNG THUC"}).content.decode()
    assert "Thủ tục chứng thực bản sao từ bản chính" in html


def test_anonymous_start_goes_to_login_and_back(client: Client, portal: Portal) -> None:
    response = client.post(reverse("portal:apply", args=[portal.free.procedure.code]))
    assert response.status_code == 302
    start_page = reverse("portal:procedure", args=[portal.free.procedure.code])
    assert response["Location"] == f"{reverse('portal:login')}?next={start_page}"


def test_details_errors_keep_what_was_typed(client: Client, portal: Portal) -> None:
    draft = start(client, portal, portal.free)
    response = client.post(
        reverse("portal:details", args=[draft.pk]),
        DETAILS
        | {"agency": portal.cast.commune_a.pk, "applicant_id_number": "0511900", "applicant_phone": "123"},
    )
    html = response.content.decode()
    assert "gồm đúng 12 chữ số" in html and "Số điện thoại di động chưa đúng" in html
    assert 'value="Thôn 2, xã An Lạc"' in html
    draft.refresh_from_db()
    assert not draft.details_done


def test_uploads_are_kept_across_errors(client: Client, portal: Portal, settings: Any) -> None:
    draft = start(client, portal, portal.free)
    first, second, _ = portal.free.components.all()
    assert upload(client, draft, first, pdf_upload("to-khai.pdf")).status_code == 302
    kept = DraftFile.objects.get(draft=draft, component=first)
    # A wrong type, an unreadable PDF and a too-big file for the same and other components:
    cases = [
        (
            first,
            SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
            "không đúng định dạng",
        ),
        (
            first,
            SimpleUploadedFile("hong.pdf", b"%PDF-1.4 broken", content_type="application/pdf"),
            "hong.pdf",
        ),
        (second, SimpleUploadedFile("khoa.pdf", encrypted_pdf(), content_type="application/pdf"), "khoa.pdf"),
        (second, SimpleUploadedFile("to.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024 + 1)), "20 MB"),
    ]
    for component, file, message in cases:
        response = upload(client, draft, component, file)
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html and "Có lỗi cần sửa" in html
    assert list(DraftFile.objects.filter(draft=draft).values_list("pk", flat=True)) == [kept.pk]
    kept.refresh_from_db()
    assert kept.name == "to-khai.pdf" and kept.file.storage.exists(kept.file.name)
    page = client.get(reverse("portal:component", args=[draft.pk, first.pk])).content.decode()
    assert "to-khai.pdf" in page
    # The task list still counts it.
    tasks = client.get(reverse("portal:draft", args=[draft.pk])).content.decode()
    assert "Đã làm 1/4 việc." in tasks


def test_replacing_a_file_deletes_the_old_one(
    client: Client, portal: Portal, django_capture_on_commit_callbacks: Any
) -> None:
    draft = start(client, portal, portal.free)
    first = portal.free.components.first()
    upload(client, draft, first, pdf_upload("cu.pdf"))
    old = DraftFile.objects.get(draft=draft)
    old_name = old.file.name
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, draft, first, pdf_upload("moi.pdf"))
    new = DraftFile.objects.get(draft=draft)
    assert new.name == "moi.pdf" and not new.file.storage.exists(old_name)


def test_another_citizen_cannot_open_the_draft(client: Client, portal: Portal) -> None:
    draft = start(client, portal, portal.free)
    client.force_login(portal.other)
    assert client.get(reverse("portal:draft", args=[draft.pk])).status_code == 404
    assert client.get(reverse("portal:draft_file", args=[draft.pk, 1])).status_code == 404


def fill(client: Client, portal: Portal, version: Any) -> DraftApplication:
    draft = start(client, portal, version)
    client.post(reverse("portal:details", args=[draft.pk]), DETAILS | {"agency": portal.cast.commune_a.pk})
    for component in version.components.filter(is_required=True):
        assert upload(client, draft, component, pdf_upload(f"giay-{component.order}.pdf")).status_code == 302
    return draft


def test_submission_creates_the_dossier_through_onestop(
    client: Client, portal: Portal, monday: datetime, django_capture_on_commit_callbacks: Any
) -> None:
    draft = fill(client, portal, portal.free)
    check = client.get(reverse("portal:check", args=[draft.pk])).content.decode()
    assert "Trần Thị Hoa" in check and "giay-1.pdf" in check and "Tải kết quả điện tử" not in check
    refused = client.post(reverse("portal:check", args=[draft.pk]), {})
    assert refused.status_code == 200 and "cam đoan" in refused.content.decode()
    assert not Dossier.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:check", args=[draft.pk]), {"cam-doan": "1"})
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("portal:confirmation", args=[dossier.code])
    assert (dossier.status, dossier.channel, dossier.owner, dossier.agency) == (
        DossierStatus.SUBMITTED,
        Channel.ONLINE,
        portal.citizen,
        portal.cast.commune_a,
    )
    assert dossier.code.startswith(f"{portal.cast.commune_a.code}-260302-")
    assert dossier.components.count() == 2 and dossier.payment_status == PaymentStatus.NO_FEE
    draft.refresh_from_db()
    assert draft.sent_at is not None and draft.dossier == dossier and not draft.files.exists()
    confirmation = client.get(response["Location"]).content.decode()
    assert dossier.code in confirmation and "Việc gì sẽ xảy ra tiếp theo" in confirmation
    # The sent draft is closed.
    assert client.get(reverse("portal:draft", args=[draft.pk])).status_code == 404


def test_submission_with_a_fee_goes_to_payment(client: Client, portal: Portal, monday: datetime) -> None:
    draft = fill(client, portal, portal.paid)
    response = client.post(reverse("portal:check", args=[draft.pk]), {"cam-doan": "1"})
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("portal:pay", args=[dossier.code])
    assert dossier.payment_status == PaymentStatus.UNPAID and dossier.fee == 50_000


def test_missing_required_component_cannot_be_submitted(client: Client, portal: Portal) -> None:
    draft = start(client, portal, portal.free)
    client.post(reverse("portal:details", args=[draft.pk]), DETAILS | {"agency": portal.cast.commune_a.pk})
    upload(client, draft, portal.free.components.first(), pdf_upload())
    response = client.post(reverse("portal:check", args=[draft.pk]), {"cam-doan": "1"})
    assert (
        response.status_code == 200
        and "Chưa tải lên thành phần bắt buộc: Giấy chứng sinh" in response.content.decode()
    )
    assert not Dossier.objects.exists()
    assert DraftFile.objects.filter(draft=draft).count() == 1
