"""A task walked through the screens in Debian's Chromium, as its users would:

the chairman of the provincial People's Committee assigns a task to Sở Nội vụ with a
deadline in working days; an officer of the department finds it in the agency's list and
reports progress with an evidence image; the chairman opens the task again and sees the
report, the file and the percentage, and chases it with a typed reminder that the officer's
list then counts. Every page is watched for console errors (a CSP violation is one)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from cqs.org.models import Role
from cqs.org.testing import CAST_PASSWORD, give_position, make_person
from cqs.worklist.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "steelblue").save(buffer, format="PNG")
    return buffer.getvalue()


class Desk:
    def __init__(self, browser: Any, base_url: str, user: Any, errors: list[str]) -> None:
        self.context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.base_url = base_url
        self.page.on(
            "console", lambda m: errors.append(f"{user.username}: {m.text}") if m.type == "error" else None
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


@pytest.fixture
def desks(browser: Any, live_server: Any) -> Iterator[tuple[Any, list[str]]]:
    errors: list[str] = []
    opened: list[Desk] = []

    def desk(user: Any) -> Desk:
        d = Desk(browser, live_server.url, user, errors)
        opened.append(d)
        return d

    yield desk, errors
    for d in opened:
        d.context.close()


def test_leader_assigns_agency_reports_progress_leader_sees_it(cast: Any, desks: Any) -> None:
    desk, errors = desks
    chairman = make_person("lanhdao_tinh", "Nguyễn Hữu Quang")
    give_position(chairman, cast.province, Role.LEADER, title="Chủ tịch UBND tỉnh")
    officer = make_person("chuyenvien_snv", "Ngô Minh Quân")
    give_position(officer, cast.department, Role.OFFICER, title="Chuyên viên", unit=cast.unit_department)

    # The chairman assigns the task from the "Nhiệm vụ" menu.
    leader = desk(chairman)
    page = leader.open("/")
    leader.click_and_wait(page.get_by_role("link", name="Nhiệm vụ", exact=True))
    assert page.get_by_role("heading", level=1).inner_text() == "Nhiệm vụ đã giao"
    leader.click_and_wait(page.get_by_role("link", name="Giao nhiệm vụ mới"))
    page.get_by_label("Nội dung nhiệm vụ").fill("Xây dựng kho dữ liệu cán bộ, công chức của tỉnh")
    page.get_by_label("Cơ quan chủ trì").select_option(label="Sở Nội vụ")
    page.get_by_label("hoặc số ngày làm việc kể từ hôm nay").fill("10")
    page.get_by_label("Kết quả dự kiến (sản phẩm)").fill("Kho dữ liệu vận hành")
    leader.click_and_wait(page.get_by_role("button", name="Giao nhiệm vụ"))
    assert "Đã giao nhiệm vụ cho Sở Nội vụ" in leader.message()
    task = Task.objects.get()
    assert page.url.endswith(f"/nhiem-vu/{task.pk}/")

    # The department's officer finds it in the agency's list and reports progress with a photo.
    clerk = desk(officer)
    page = clerk.open("/nhiem-vu/")
    assert page.get_by_role("heading", level=1).inner_text() == "Nhiệm vụ của Sở Nội vụ"
    clerk.click_and_wait(page.get_by_role("link", name=re.compile("Xây dựng kho dữ liệu cán bộ")))
    page.get_by_label("Nội dung báo cáo tiến độ").fill("Đã thu thập dữ liệu của 12/20 cơ quan")
    page.get_by_label("Tiến độ (%)").fill("60")
    page.get_by_label("Tệp minh chứng (PDF, DOCX, XLSX, PNG, JPEG)").set_input_files(
        [{"name": "anh-hop-trien-khai.png", "mimeType": "image/png", "buffer": png()}]
    )
    clerk.click_and_wait(page.get_by_role("button", name="Gửi báo cáo tiến độ"))
    assert "Đã gửi báo cáo tiến độ." in clerk.message()

    # The chairman sees the report, the file and the percentage, and chases.
    page = leader.open(f"/nhiem-vu/{task.pk}/")
    timeline = page.locator("ol.timeline").inner_text()
    assert "Báo cáo tiến độ 60 % (Sở Nội vụ): Đã thu thập dữ liệu của 12/20 cơ quan" in timeline
    assert page.get_by_role("link", name="anh-hop-trien-khai.png").is_visible()
    assert "60 %" in page.locator("table.meta-table").inner_text()
    page.get_by_text("Đôn đốc", exact=True).click()
    page.get_by_label("Hình thức đôn đốc").select_option(label="Nhắc nhở")
    leader.click_and_wait(page.get_by_role("button", name="Gửi đôn đốc"))
    assert "Đã gửi đôn đốc." in leader.message()

    # The htmx filter of the officer's list shows it with its reminder count.
    page = clerk.open("/nhiem-vu/cua-co-quan/")
    page.get_by_label("Tình trạng").select_option(label="Đang thực hiện, trong hạn")
    page.wait_for_url(re.compile(r"trang_thai=trong_han"))
    assert "1 lần" in page.locator("#ket-qua").inner_text()
    assert errors == []
