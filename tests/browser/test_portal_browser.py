"""The citizen portal on a phone (390×844) in Debian's Chromium: a citizen registers, finds a
procedure, applies online with uploads (one refused, nothing lost), checks the answers,
submits and pays at the simulated bank; an officer asks for a supplement (onestop's
services); the citizen reads the reason and supplies; the dossier is resolved; the citizen
downloads the result and rates the service. Console errors (a CSP violation is one) fail
the test, and no page may scroll sideways on the phone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cqs.documents.tests.fixtures import text_pdf
from cqs.onestop import services as s
from cqs.onestop.models import Dossier, DossierStatus, OnlineLevel, PaymentStatus, Rating
from cqs.onestop.testing import make_procedure, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[tuple[Any, list[str]]]:
    errors: list[str] = []
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror {exc}"))
    page.base = live_server.url
    try:
        yield page, errors
    finally:
        context.close()


def fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def click(page: Any, locator: Any) -> None:
    with page.expect_navigation():
        locator.click()
    fits(page)


def test_citizen_applies_pays_supplies_downloads_and_rates(
    cast: Any, phone: tuple[Any, list[str]], tmp_path: Any
) -> None:
    page, errors = phone
    staff = make_staff(cast.commune_a, prefix="pb")
    version = make_procedure(
        code="1.001193.000.00.00.H55",
        name="Thủ tục đăng ký khai sinh",
        online_level=OnlineLevel.FULL,
        fee=8_000,
        components=(("Tờ khai đăng ký khai sinh", "Bản chính", True), ("Giấy chứng sinh", "Bản chính", True)),
    )
    tokhai, chungsinh = version.components.order_by("order")

    # Register with a phone number.
    page.goto(page.base + "/dich-vu-cong/")
    fits(page)
    click(page, page.get_by_role("link", name="Đăng ký", exact=True))
    page.get_by_label("Họ và tên").fill("Trần Thị Hoa")
    page.get_by_label("Số điện thoại di động hoặc thư điện tử").fill("0905 123 456")
    page.get_by_label("Mật khẩu", exact=True).fill("Congdan@2026")
    page.get_by_label("Nhập lại mật khẩu").fill("Congdan@2026")
    page.get_by_label("Số định danh cá nhân (số căn cước)").fill("051190001234")
    page.get_by_label("Địa chỉ thường trú").fill("Thôn 2, xã An Lạc")
    click(page, page.get_by_role("button", name="Đăng ký"))
    assert "Đăng ký tài khoản thành công" in page.locator(".p-messages").inner_text()

    # Find the procedure, read its start page, start.
    page.goto(page.base + "/dich-vu-cong/thu-tuc/?q=khai+sinh")
    click(page, page.get_by_role("link", name="Thủ tục đăng ký khai sinh"))
    assert "Bạn nhận kết quả trực tuyến" in page.content()
    click(page, page.get_by_role("button", name="Bắt đầu nộp hồ sơ"))
    assert page.get_by_text("Đã làm 0/3 việc.").is_visible()

    # Applicant details: pre-filled from the account; choose the commune.
    click(page, page.get_by_role("link", name="Người nộp và nơi nộp hồ sơ"))
    assert page.get_by_label("Họ và tên người nộp").input_value() == "Trần Thị Hoa"
    page.get_by_label("Nơi nộp hồ sơ").select_option(label=cast.commune_a.name)
    click(page, page.get_by_role("button", name="Lưu và tiếp tục"))

    # Upload: a wrong file first (clear error, nothing lost), then the right ones.
    click(page, page.get_by_role("link", name="Tờ khai đăng ký khai sinh"))
    page.get_by_label("Chọn tệp").set_input_files(
        [{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": text_pdf()}]
    )
    click(page, page.get_by_role("button", name="Tải lên"))
    click(page, page.get_by_role("link", name="Giấy chứng sinh"))
    page.get_by_label("Chọn tệp").set_input_files(
        [{"name": "anh.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"}]
    )
    click(page, page.get_by_role("button", name="Tải lên"))
    summary = page.locator(".p-error-summary")
    assert summary.is_visible() and "không đúng định dạng" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('p-error-summary')")
    page.get_by_label("Chọn tệp").set_input_files(
        [{"name": "chung-sinh.pdf", "mimeType": "application/pdf", "buffer": text_pdf()}]
    )
    click(page, page.get_by_role("button", name="Tải lên"))
    assert page.get_by_text("Đã làm 3/3 việc.").is_visible()
    assert page.get_by_text("to-khai.pdf").is_visible()

    # Check your answers, declare, submit, pay at the bank.
    click(page, page.get_by_role("link", name="Tiếp tục"))
    assert page.get_by_text("051190001234").is_visible()
    page.get_by_label("Tôi cam đoan").check()
    click(page, page.get_by_role("button", name="Nộp hồ sơ và thanh toán"))
    dossier = Dossier.objects.get()
    assert "8.000 đồng" in page.content()
    click(page, page.get_by_role("button", name="Tiếp tục đến trang thanh toán"))
    assert "NGÂN HÀNG MÔ PHỎNG" in page.content() and page.locator("#so-tien").inner_text() == "8.000 đồng"
    click(page, page.get_by_role("button", name="Thanh toán", exact=True))
    assert page.locator("#ma-ho-so").inner_text() == dossier.code
    assert "Thanh toán thành công" in page.locator(".p-messages").inner_text()
    dossier.refresh_from_db()
    assert dossier.payment_status == PaymentStatus.PAID and dossier.status == DossierStatus.SUBMITTED

    # The officer accepts it and asks for a clearer birth certificate.
    s.accept_online(actor=staff["officer"], dossier=dossier)
    s.dossier_request_supplement(
        actor=staff["officer"],
        dossier=dossier,
        missing=["Giấy chứng sinh (chụp lại rõ nét)"],
        reason="Bản chụp bị mờ, không đọc được họ tên người mẹ",
    )

    # The citizen reads why and supplies it.
    page.goto(page.base + "/dich-vu-cong/ho-so-cua-toi/")
    fits(page)
    click(page, page.get_by_role("link", name="Bổ sung hồ sơ"))
    assert "không đọc được họ tên người mẹ" in page.content()
    click(page, page.get_by_role("link", name="Giấy chứng sinh"))
    page.get_by_label("Chọn tệp").set_input_files(
        [{"name": "chung-sinh-ro.pdf", "mimeType": "application/pdf", "buffer": text_pdf()}]
    )
    click(page, page.get_by_role("button", name="Tải lên"))
    page.get_by_label("Nội dung bổ sung").fill("Đã chụp lại giấy chứng sinh rõ nét.")
    click(page, page.get_by_role("button", name="Gửi bổ sung"))
    assert "Đã gửi hồ sơ bổ sung" in page.locator(".p-messages").inner_text()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED

    # The dossier is resolved and returned (onestop's services).
    s.dossier_handover(
        actor=staff["officer"],
        dossier=dossier,
        step_name="Thẩm định",
        officer=cast.officer_a,
        allotted_days=2,
    )
    s.dossier_submit_for_approval(actor=cast.officer_a, dossier=dossier, leader=staff["leader"])
    s.dossier_approve(
        actor=staff["leader"], dossier=dossier, result_summary="Cấp Giấy khai sinh bản chính số 125."
    )
    s.dossier_return(actor=staff["officer"], dossier=dossier)

    # Download the result, then rate.
    page.reload()
    fits(page)
    timeline = page.locator("#qua-trinh").inner_text()
    assert (
        "Yêu cầu bổ sung hồ sơ" in timeline
        and "không đọc được họ tên người mẹ" in timeline
        and "Trả kết quả" in timeline
    )
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải kết quả (PDF)").click()
    target = tmp_path / "ket-qua.pdf"
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    page.get_by_label("Rất hài lòng").check()
    page.get_by_label("Góp ý của bạn").fill("Cán bộ hướng dẫn tận tình, không phải đi lại.")
    click(page, page.get_by_role("button", name="Gửi đánh giá"))
    assert "Cảm ơn bạn đã đánh giá" in page.locator(".p-messages").inner_text()
    assert Rating.objects.get(dossier=dossier).score == 4

    # Anyone can look the code up, without personal data.
    page.goto(page.base + f"/dich-vu-cong/tra-cuu/?ma={dossier.code}")
    lookup = page.locator("#ket-qua-tra-cuu").inner_text()
    assert "Đã trả kết quả" in lookup and "Trần Thị Hoa" not in lookup
    assert errors == []
