"""Two documents walked through the screens in Debian's Chromium, as their users would:

(a) an incoming paper document: the clerk registers it with a small PDF, the commune's
    chairman routes it to the Office, the Office's head passes it on to an officer, who
    records progress and completes it;
(b) an outgoing document: an officer drafts it, the Office's head approves the content, the
    chairman signs it, the clerk releases it; it appears at once in the other commune's
    incoming list (the htmx filter finds it), that clerk registers it with one click, and the
    sender sees "Đã vào sổ".

Every page is watched for console errors (a Content-Security-Policy violation is one)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from reportlab.pdfgen.canvas import Canvas

from cqs.documents.models import Direction, Document, DocumentStatus
from cqs.documents.tests.test_services_common import World, world
from cqs.org.testing import CAST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def small_pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 760, "UY BAN NHAN DAN TINH THU NGHIEM - So: 215/UBND-KGVX")
    canvas.drawString(72, 740, "V/v trien khai chuong trinh chuyen doi so nam 2026")
    canvas.save()
    return buffer.getvalue()


class Desk:
    """One signed-in user in their own browser context; console errors are collected."""

    def __init__(self, browser: Any, base_url: str, user: Any, errors: list[str]) -> None:
        self.context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.base_url = base_url
        self.page.on(
            "console",
            lambda msg: errors.append(f"{user.username}: {msg.text}") if msg.type == "error" else None,
        )
        self.page.on("pageerror", lambda exc: errors.append(f"{user.username}: pageerror {exc}"))
        self.page.goto(f"{base_url}/tai-khoan/dang-nhap/")
        self.page.get_by_label("Tên đăng nhập").fill(user.username)
        self.page.get_by_label("Mật khẩu").fill(CAST_PASSWORD)
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Đăng nhập").click()

    def open(self, path: str) -> Any:
        self.page.goto(self.base_url + path)
        return self.page

    def click_and_wait(self, locator: Any) -> None:
        with self.page.expect_navigation():
            locator.click()

    def message(self) -> str:
        return str(self.page.locator("ul.messages").inner_text())

    def status(self) -> str:
        return str(self.page.locator("#trang-thai").inner_text())


@pytest.fixture
def w(cast) -> World:
    return world(cast)


@pytest.fixture
def desks(browser, live_server) -> Iterator[tuple[Any, list[str]]]:
    errors: list[str] = []
    opened: list[Desk] = []

    def desk(user: Any) -> Desk:
        d = Desk(browser, live_server.url, user, errors)
        opened.append(d)
        return d

    yield desk, errors
    for d in opened:
        d.context.close()


def test_incoming_document_from_registration_to_completion(w, desks, tmp_path):
    desk, errors = desks
    today = timezone.localdate()

    # The clerk registers a paper document with its scan.
    clerk = desk(w.clerk_a)
    page = clerk.open("/")
    clerk.click_and_wait(page.get_by_role("link", name="Văn bản", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Văn bản đến"
    clerk.click_and_wait(page.get_by_role("link", name="Đăng ký văn bản đến"))
    assert page.evaluate("document.activeElement.id") == "id_doc_type"  # autofocus on the first field
    page.get_by_label("Tên loại văn bản").select_option("Công văn")
    page.get_by_label("Số", exact=True).fill("215")
    page.get_by_label("Ký hiệu").fill("UBND-KGVX")
    page.get_by_label("Ngày văn bản").fill((today - timedelta(days=2)).isoformat())
    page.get_by_label("Trích yếu nội dung").fill("Về việc triển khai Chương trình chuyển đổi số năm 2026")
    page.get_by_label("Tên cơ quan ban hành").fill("Ủy ban nhân dân tỉnh Thử Nghiệm")
    page.get_by_label("Độ khẩn").select_option(label="Khẩn")
    page.get_by_label("Tệp văn bản").set_input_files(
        [{"name": "cong-van-215.pdf", "mimeType": "application/pdf", "buffer": small_pdf()}]
    )
    clerk.click_and_wait(page.get_by_role("button", name="Vào sổ văn bản đến"))
    assert "Đã vào sổ văn bản đến số 01" in clerk.message()
    assert clerk.status() == "Đã vào sổ"
    assert page.get_by_role("link", name="cong-van-215.pdf").is_visible()
    preview = page.locator("iframe.file-preview")
    assert re.search(r"/van-ban/\d+/tep/\d+/xem/$", preview.get_attribute("src"))
    document = Document.objects.get(direction=Direction.INCOMING)

    # The chairman routes it to the Office, with a direction and a deadline.
    leader = desk(w.leader_a)
    page = leader.open("/van-ban/den/")
    assert page.locator("tr.is-urgent .badge-khan").first.is_visible()  # urgency badge on the list
    leader.click_and_wait(page.get_by_role("link", name=re.compile("triển khai Chương trình chuyển đổi số")))
    page.get_by_label("Chủ trì giải quyết").select_option(label=w.unit_a.name)
    page.get_by_label("Ý kiến chỉ đạo").fill("Giao Văn phòng chủ trì, tham mưu triển khai.")
    page.get_by_label("Thời hạn giải quyết (chủ trì)").fill((today + timedelta(days=14)).isoformat())
    leader.click_and_wait(page.get_by_role("button", name="Phân công", exact=True))
    assert "Đã phân công" in leader.message()
    assert leader.status() == "Đã phân công xử lý"

    # The Office's head finds it in "Việc của tôi" and passes it on to an officer.
    head = desk(w.head_a)
    page = head.open("/van-ban/viec-cua-toi/")
    head.click_and_wait(page.get_by_role("link", name=re.compile("triển khai Chương trình chuyển đổi số")))
    page.get_by_text("Chuyển cán bộ xử lý").click()
    page.get_by_label("Chuyển cho cán bộ").select_option(label=w.officer_a.full_name)
    page.get_by_label("Ý kiến", exact=True).fill("Đồng chí Viên xử lý, báo cáo trước hạn.")
    head.click_and_wait(page.get_by_role("button", name="Chuyển", exact=True))
    assert f"Đã chuyển cho {w.officer_a.full_name}" in head.message()

    # The officer records progress, then completes it.
    officer = desk(w.officer_a)
    page = officer.open("/van-ban/viec-cua-toi/")
    officer.click_and_wait(page.get_by_role("link", name=re.compile("triển khai Chương trình chuyển đổi số")))
    page.get_by_text("Cập nhật tiến độ").click()
    page.get_by_label("Tiến độ giải quyết").fill("Đã làm việc với các thôn; đang tổng hợp.")
    officer.click_and_wait(page.get_by_role("button", name="Lưu tiến độ"))
    assert officer.status() == "Đang xử lý"
    page.get_by_text("Hoàn thành xử lý").click()
    page.get_by_label("Kết quả giải quyết").fill("Đã triển khai và báo cáo lãnh đạo.")
    officer.click_and_wait(page.get_by_role("button", name="Xác nhận hoàn thành"))
    assert officer.status() == "Hoàn thành"
    timeline = page.locator("ol.timeline").inner_text()
    for text in (
        "vào sổ văn bản đến",
        "phân công xử lý",
        "chuyển phân công",
        "cập nhật tiến độ",
        "hoàn thành",
    ):
        assert text in timeline
    document.refresh_from_db()
    assert document.status == DocumentStatus.DONE

    shot = tmp_path / "van-ban-den.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert errors == []


def test_outgoing_document_from_draft_to_receipt_by_another_agency(w, desks):
    desk, errors = desks
    subject = "Về việc tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2026"

    # The officer drafts it.
    officer = desk(w.officer_a)
    page = officer.open("/van-ban/di/")
    officer.click_and_wait(page.get_by_role("link", name="Soạn thảo văn bản"))
    page.get_by_label("Tên loại văn bản").select_option("Công văn")
    page.get_by_label("Trích yếu nội dung").fill(subject)
    page.get_by_label("Nội dung", exact=True).fill(
        "Ủy ban nhân dân xã An Lạc đề nghị Ủy ban nhân dân xã Bình Yên phối hợp tổ chức.\n"
        "1. Thời gian: tháng 11."
    )
    page.get_by_label(w.commune_b.name).check()
    page.get_by_label("Người ký").select_option(label=w.leader_a.full_name)
    page.get_by_label("Thẩm quyền ký").select_option("TM.")
    officer.click_and_wait(page.get_by_role("button", name="Lưu dự thảo"))
    assert "Đã lưu dự thảo" in officer.message()
    officer.click_and_wait(page.get_by_role("button", name="Trình duyệt"))
    assert officer.status() == "Chờ lãnh đạo đơn vị duyệt"
    path = page.url.removeprefix(officer.base_url)

    # The head of the drafting unit approves the content; the signer signs.
    head = desk(w.head_a)
    page = head.open(path)
    head.click_and_wait(page.get_by_role("button", name="Gửi ý kiến duyệt"))
    assert head.status() == "Chờ người ký duyệt"
    leader = desk(w.leader_a)
    page = leader.open(path)
    page.get_by_label("Ý kiến", exact=True).fill("Đồng ý ban hành.")
    leader.click_and_wait(page.get_by_role("button", name="Gửi ý kiến ký duyệt"))
    assert leader.status() == "Đã duyệt, chờ phát hành"

    # The clerk releases it: number, notation, delivery.
    clerk = desk(w.clerk_a)
    page = clerk.open(path)
    clerk.click_and_wait(page.get_by_role("button", name="Phát hành văn bản"))
    assert clerk.status() == "Đã phát hành"
    assert "Công văn số 01/UBND-VP" in page.get_by_role("heading", level=1).inner_text()
    recipients = page.locator("#noi-nhan + table, section[aria-labelledby=noi-nhan] table")
    assert "Đã đến" in recipients.inner_text()

    # It is at once in the other commune's incoming list; the htmx filter finds it.
    other = desk(w.clerk_b)
    page = other.open("/van-ban/den/")
    row = page.locator("tr", has_text="Ngày hội Đại đoàn kết")
    assert "Đã đến, chờ vào sổ" in row.inner_text()
    page.get_by_label("Từ khóa").fill("ngay hoi dai doan ket")
    page.wait_for_url(re.compile(r"[?&]q=ngay(%20|\+)hoi(%20|\+)dai"))
    page.wait_for_selector("#ket-qua:has-text('1 kết quả')")
    bulk = page.get_by_role("button", name="Vào sổ các văn bản đã chọn")
    assert bulk.is_disabled()  # nothing selected yet (documents.js)
    page.get_by_label(re.compile("Chọn văn bản 01/UBND-VP")).check()
    assert bulk.is_enabled()
    # Let any htmx swap of the results finish first: a click on a row being replaced is lost.
    page.wait_for_load_state("networkidle")
    other.click_and_wait(page.get_by_role("link", name=re.compile("Ngày hội Đại đoàn kết")))
    page.wait_for_url(re.compile(r"/van-ban/\d+/$"))
    other.click_and_wait(page.get_by_role("button", name="Vào sổ", exact=True))
    assert "Đã vào sổ, số đến 01" in other.message()
    assert other.status() == "Đã vào sổ"

    # The sender sees the recipient's status.
    page = clerk.open(path)
    row = page.locator("section[aria-labelledby=noi-nhan] tr", has_text=w.commune_b.name)
    assert "Đã vào sổ" in row.inner_text()
    assert errors == []
