"""The one-stop officer's side in Debian's Chromium: receive a dossier at the counter with a
scanned component, print form 01, then ask the applicant for a supplement (form 02).

Every page is watched for console errors (a Content-Security-Policy violation is one)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from reportlab.pdfgen.canvas import Canvas

from cqs.onestop.models import Dossier, DossierStatus
from cqs.onestop.testing import make_procedure, make_staff
from cqs.org.testing import CAST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def born_digital_pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 760, "GIAY CHUNG SINH - So 125/GCS - Benh vien Da khoa huyen")
    canvas.drawString(72, 740, "Ho ten me: Tran Thi Hoa; ngay sinh con: 01/10/2025")
    canvas.save()
    return buffer.getvalue()


def test_counter_reception_form_01_and_supplement_request(
    cast: Any, browser: Any, live_server: Any, tmp_path: Any
) -> None:
    staff = make_staff(cast.commune_a, prefix="a")
    version = make_procedure()
    errors: list[str] = []
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror {exc}"))
    try:
        page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(staff["officer"].username)
        page.get_by_label("Mật khẩu").fill(CAST_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_role("link", name="Một cửa", exact=True).click()
        page.get_by_role("link", name="Tiếp nhận hồ sơ").first.click()
        page.get_by_label("Thủ tục hành chính").select_option(str(version.pk))
        with page.expect_navigation():
            page.get_by_role("button", name="Chọn thủ tục").click()

        page.get_by_label("Họ và tên").fill("Trần Thị Hoa")
        page.get_by_label("Số định danh cá nhân (CCCD)").fill("051190001234")
        page.get_by_label("Số điện thoại").fill("0905123456")
        for component in version.components.filter(is_required=True):
            page.get_by_label(f"Đã nhận {component.name}").check()
        scan = tmp_path / "giay-chung-sinh.pdf"
        scan.write_bytes(born_digital_pdf())
        page.get_by_label("Bản quét Giấy chứng sinh").set_input_files(str(scan))
        with page.expect_navigation():
            page.get_by_role("button", name="Tiếp nhận và in giấy tiếp nhận (mẫu 01)").click()

        dossier = Dossier.objects.get()
        assert page.get_by_role("heading", name=f"Hồ sơ {dossier.code}").is_visible()
        assert "Đã tiếp nhận hồ sơ" in page.locator("ul.messages").inner_text()
        assert "Đã số hóa" in page.locator("body").inner_text()
        form01 = page.request.get(f"{live_server.url}/mot-cua/ho-so/{dossier.pk}/mau-01.pdf")
        assert form01.ok and form01.headers["content-type"] == "application/pdf"
        assert form01.body().startswith(b"%PDF")

        page.get_by_text("Yêu cầu bổ sung hồ sơ (mẫu 02)").click()
        page.get_by_label("Nội dung cần bổ sung (mỗi dòng một nội dung)").fill("Giấy chứng sinh bản chính")
        page.get_by_label("Lý do yêu cầu bổ sung").fill("Bản quét không rõ dấu của bệnh viện")
        page.get_by_label("Căn cứ pháp lý").fill("Điều 16 Luật Hộ tịch năm 2014")
        with page.expect_navigation():
            page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
        assert "thời hạn giải quyết tạm dừng" in page.locator("ul.messages").inner_text()
        assert "Đang tạm dừng chờ bổ sung" in page.locator("body").inner_text()
        dossier.refresh_from_db()
        assert dossier.status == DossierStatus.SUPPLEMENT and dossier.is_paused
        form02 = page.request.get(f"{live_server.url}/mot-cua/ho-so/{dossier.pk}/mau-02.pdf")
        assert form02.ok and form02.body().startswith(b"%PDF")
        assert errors == []
    finally:
        context.close()
