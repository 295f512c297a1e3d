"""A report walked through the screens in Debian's Chromium: the commune's reporting officer
opens the campaign's report, sees the values prefilled from the documents, writes a narrative
and sends it; the requesting department's officer accepts it. Console errors (a CSP violation
is one) fail the test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cqs.org.testing import CAST_PASSWORD
from cqs.reporting.models import Report, ReportStatus, SectionKind
from cqs.reporting.tests.core_helpers import outgoing, vn
from cqs.reporting.tests.life_helpers import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Desk:
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


def test_officer_prefills_writes_and_sends_requester_accepts(cast: Any, desks: Any) -> None:
    world: World = build_world(cast)
    for day in (4, 5, 6):
        outgoing(cast.commune_a, vn(2025, 8, day))
    campaign = world.launch("2025Q3")
    report = Report.objects.get(campaign=campaign, agency=cast.commune_a)
    narrative = campaign.regime.sections.filter(kind=SectionKind.NARRATIVE).order_by("order").first()
    assert narrative is not None
    desk, errors = desks

    officer = desk(world.officer_a)
    page = officer.open("/bao-cao/")
    officer.click_and_wait(page.get_by_role("link", name=campaign.regime.name).first)
    assert page.url.endswith(f"/bao-cao/bao-cao/{report.pk}/")
    values = page.locator("table.value-table").first.inner_text()
    assert "3/3 (100 %)" in values  # documents exchanged electronically, prefilled
    page.locator(f"#muc-{narrative.pk}").fill(
        "Đã tổ chức hội nghị quán triệt chuyển đổi số cho toàn thể cán bộ xã."
    )
    officer.click_and_wait(page.get_by_role("button", name="Lưu nội dung"))
    assert "Đã lưu nội dung báo cáo" in page.locator("ul.messages").inner_text()
    assert "hội nghị quán triệt" in page.locator(f"#muc-{narrative.pk}").input_value()
    officer.click_and_wait(page.get_by_role("button", name="Gửi báo cáo"))
    assert "Đã gửi" in page.locator("#trang-thai").inner_text()

    requester = desk(world.requester)
    page = requester.open(f"/bao-cao/dot/{campaign.pk}/")
    assert "1/2 đơn vị đã nộp" in page.locator("#tien-do").inner_text()
    requester.click_and_wait(page.locator("#bang-don-vi").get_by_role("button", name="Tiếp nhận"))
    assert "Đã tiếp nhận báo cáo" in page.locator("ul.messages").inner_text()
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert report.narratives.get(section=narrative).text.startswith("Đã tổ chức hội nghị")
    assert errors == []
