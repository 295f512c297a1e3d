"""A clerk signs in with a real Chromium and lands on the home page, with no CSP violation."""

from __future__ import annotations

import re

import pytest

from cqs.accounts.models import User
from cqs.org.models import Agency, AgencyKind, AgencyLevel, Position, PositionRole, Role

PASSWORD = "Van-thu-2025"


@pytest.fixture
def clerk() -> User:
    user = User.objects.create_user("vanthu.test", password=PASSWORD, full_name="Nguyễn Thị Lan")
    agency = Agency.objects.create(
        code="000.00.00.H99",
        name="Ủy ban nhân dân tỉnh Sơn Hà",
        notation="UBND",
        kind=AgencyKind.PROVINCIAL_COMMITTEE,
        level=AgencyLevel.PROVINCE,
        place_name="Sơn Hà",
    )
    position = Position.objects.create(user=user, agency=agency, title="Văn thư")
    PositionRole.objects.create(position=position, role=Role.CLERK)
    return user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_clerk_logs_in_and_sees_home(page, live_server, clerk, tmp_path):
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console_errors.append(f"pageerror: {exc}"))

    page.goto(live_server.url + "/")
    assert re.search(r"/tai-khoan/dang-nhap/\?next=/$", page.url), page.url
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()

    page.get_by_label("Tên đăng nhập").fill("vanthu.test")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()

    assert page.url == live_server.url + "/"
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Xin chào, Nguyễn Thị Lan"
    row = page.locator("table.table tbody tr")
    assert row.count() == 1
    assert row.locator("td").nth(0).inner_text() == "Ủy ban nhân dân tỉnh Sơn Hà"
    assert row.locator("td").nth(3).inner_text() == "Văn thư"

    page.wait_for_load_state("load")
    assert page.evaluate("typeof htmx") == "object"
    # htmx was told not to inject an inline style element (the CSP would refuse it).
    assert page.evaluate("document.querySelectorAll('style').length") == 0

    shot = tmp_path / "trang-chu.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 1000

    assert console_errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_vietnamese_error(page, live_server, clerk):
    page.goto(live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("vanthu.test")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập").click()
    alert = page.get_by_role("alert")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in alert.inner_text()
    assert "/tai-khoan/dang-nhap/" in page.url
