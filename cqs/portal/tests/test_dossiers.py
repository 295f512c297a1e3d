"""The citizen's dossier: every reason shown, supplements, result download, rating rules,
the public status lookup without personal data, the public list with masked names, and the
notifications sent on every public change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from cqs.onestop import services as s
from cqs.onestop.models import Dossier, DossierStatus, Rating
from cqs.portal import sms
from cqs.portal.models import CitizenProfile, NotificationLog
from cqs.portal.tests.conftest import Portal, pdf_upload, required_files

pytestmark = pytest.mark.django_db

REASON = "Giấy chứng sinh bị mờ, không đọc được họ tên người mẹ"


@pytest.fixture
def dossier(portal: Portal, monday: datetime, django_capture_on_commit_callbacks: Any) -> Dossier:
    applicant = s.ApplicantData(
        name="Trần Thị Hoa", id_number="051190001234", phone="0905123456", email="hoa.tran@example.vn"
    )
    with django_capture_on_commit_callbacks(execute=True):
        return s.submit_online(
            actor=portal.citizen,
            version=portal.free,
            agency=portal.cast.commune_a,
            applicant=applicant,
            files=required_files(portal.free),
        )


def request_supplement(portal: Portal, dossier: Dossier) -> None:
    s.dossier_request_supplement(
        actor=portal.officer, dossier=dossier, missing=["Giấy chứng sinh (chụp lại rõ nét)"], reason=REASON
    )


def resolve(portal: Portal, dossier: Dossier) -> Dossier:
    dossier.refresh_from_db()
    if dossier.status == DossierStatus.SUBMITTED:
        s.accept_online(actor=portal.officer, dossier=dossier)
    s.dossier_handover(
        actor=portal.officer,
        dossier=dossier,
        step_name="Thẩm định",
        officer=portal.cast.officer_a,
        allotted_days=2,
    )
    s.dossier_submit_for_approval(actor=portal.cast.officer_a, dossier=dossier, leader=portal.leader)
    s.dossier_approve(
        actor=portal.leader, dossier=dossier, result_summary="Cấp Giấy khai sinh bản chính số 125."
    )
    return s.dossier_return(actor=portal.officer, dossier=dossier)


def test_notification_on_submission_and_on_every_public_change(
    portal: Portal, dossier: Dossier, django_capture_on_commit_callbacks: Any
) -> None:
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1
    assert dossier.code in mail.outbox[0].subject and "Nộp hồ sơ trực tuyến" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        request_supplement(portal, dossier)
    assert len(mail.outbox) == 2 and len(sms.outbox) == 2
    body = mail.outbox[1].body
    assert mail.outbox[1].to == ["hoa.tran@example.vn"]
    assert REASON in body and "Kính gửi Ông/Bà Trần Thị Hoa" in body
    assert reverse("portal:dossier", args=[dossier.code]) in body
    assert sms.outbox[1].to == "0905123456" and "Cần bổ sung" in sms.outbox[1].body
    assert NotificationLog.objects.filter(dossier=dossier).count() == 4


def test_notification_preferences_and_private_events(
    portal: Portal, dossier: Dossier, django_capture_on_commit_callbacks: Any
) -> None:
    CitizenProfile.objects.filter(user=portal.citizen).update(notify_sms=False)
    s.accept_online(actor=portal.officer, dossier=dossier)  # not captured: nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        s.dossier_change_route(
            actor=portal.officer,
            dossier=dossier,
            step_name="Thẩm định lại",
            officer=portal.cast.officer_a,
            reason="Cán bộ nghỉ phép",
        )  # an internal event (public=False): the citizen is not told
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        s.dossier_refuse(
            actor=portal.officer, dossier=dossier, reason="Người đề nghị không cư trú tại xã An Lạc"
        )
    assert len(mail.outbox) == 2 and len(sms.outbox) == 1
    assert "không cư trú tại xã An Lạc" in mail.outbox[1].body


def test_owner_sees_every_reason_and_supplies_online(
    client: Client, portal: Portal, dossier: Dossier, django_capture_on_commit_callbacks: Any
) -> None:
    request_supplement(portal, dossier)
    client.force_login(portal.citizen)
    page = client.get(reverse("portal:dossier", args=[dossier.code])).content.decode()
    assert REASON in page and "Hồ sơ cần bổ sung" in page and "Giấy chứng sinh (chụp lại rõ nét)" in page
    second = portal.free.components.get(order=2)
    response = client.post(
        reverse("portal:supplement_component", args=[dossier.code, second.pk]),
        {"file": pdf_upload("chung-sinh-ro.pdf")},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:supplement", args=[dossier.code]), {"note": "Đã chụp lại giấy chứng sinh."}
        )
    assert response["Location"] == reverse("portal:dossier", args=[dossier.code])
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED and not dossier.is_paused
    assert dossier.components.filter(original_name="chung-sinh-ro.pdf").exists()
    # Second request: both reasons stay on the timeline.
    request_supplement(portal, dossier)
    page = client.get(reverse("portal:dossier", args=[dossier.code])).content.decode()
    assert page.count(REASON) >= 3  # the open request box and two timeline entries
    assert "Đã chụp lại giấy chứng sinh." in page


def test_another_citizen_sees_nothing(client: Client, portal: Portal, dossier: Dossier) -> None:
    client.force_login(portal.other)
    for name in ("portal:dossier", "portal:supplement", "portal:result", "portal:confirmation"):
        assert client.get(reverse(name, args=[dossier.code])).status_code == 404
    assert dossier.code not in client.get(reverse("portal:my_dossiers")).content.decode()


def test_public_lookup_shows_no_personal_data(client: Client, portal: Portal, dossier: Dossier) -> None:
    s.accept_online(actor=portal.officer, dossier=dossier)
    html = client.get(reverse("portal:lookup"), {"ma": dossier.code.lower()}).content.decode()
    assert "Thủ tục đăng ký khai sinh" in html and "Đã tiếp nhận" in html
    for personal in ("Trần Thị Hoa", "051190001234", "0905123456", "hoa.tran@example.vn", "Thôn 2"):
        assert personal not in html
    missing = client.get(reverse("portal:lookup"), {"ma": "KHONG-CO"}).content.decode()
    assert "Không tìm thấy hồ sơ" in missing


def test_result_download_rating_and_public_list(
    client: Client, portal: Portal, dossier: Dossier, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(portal.citizen)
    refused = client.post(reverse("portal:rate", args=[dossier.code]), {"score": "4"}, follow=True)
    assert "Chỉ đánh giá được sau khi đã nhận kết quả." in refused.content.decode()
    assert not Rating.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        resolve(portal, dossier)
    page = client.get(reverse("portal:dossier", args=[dossier.code])).content.decode()
    assert "Tải kết quả (PDF)" in page and "Đánh giá mức độ hài lòng" in page
    download = client.get(reverse("portal:result", args=[dossier.code]))
    assert download.status_code == 200 and download.getvalue().startswith(b"%PDF")
    assert "Mời Ông/Bà đánh giá" in mail.outbox[-1].body
    assert client.post(reverse("portal:rate", args=[dossier.code]), {}, follow=True).status_code == 200
    assert not Rating.objects.exists()  # no score chosen
    client.post(
        reverse("portal:rate", args=[dossier.code]), {"score": "4", "comment": "Cán bộ hướng dẫn tận tình."}
    )
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.score, rating.comment, rating.rated_by) == (
        4,
        "Cán bộ hướng dẫn tận tình.",
        portal.citizen,
    )
    again = client.post(
        reverse("portal:rate", args=[dossier.code]), {"score": "1"}, follow=True
    ).content.decode()
    assert "Hồ sơ này đã được đánh giá." in again and Rating.objects.get().score == 4
    client.force_login(portal.other)
    assert client.post(reverse("portal:rate", args=[dossier.code]), {"score": "1"}).status_code == 404
    public = client.get(
        reverse("portal:public_results"), {"co-quan": portal.cast.commune_a.pk, "thang": "2026-03"}
    ).content.decode()
    assert dossier.code in public and "Trần T. H." in public and "Trần Thị Hoa" not in public
