"""Ký số through the screens in Debian's Chromium: the chairman signs an approved document
(confirming his password in the signature panel), the clerk releases it (number, date and
the agency's signature), the other commune's clerk opens the incoming copy and sees two
valid signatures; a tampered copy registered as incoming is shown invalid.

Every page is watched for console errors (a Content-Security-Policy violation is one)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from cqs.documents.models import DocumentFile, DocumentStatus
from cqs.documents.tests.test_services_common import World, approved, copy_of, world
from cqs.org.testing import CAST_PASSWORD
from cqs.signing.testing import SigningMaterial, equip_agency, equip_person, make_material, trust
from tests.browser.test_documents_browser import Desk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VALID = "span.verdict.verdict-valid"


@pytest.fixture(scope="module")
def material() -> SigningMaterial:
    return make_material()


@pytest.fixture
def w(cast: Any, material: SigningMaterial) -> World:
    w = world(cast)
    trust(material)
    equip_person(material, w.leader_a, organization=w.commune_a.name)
    equip_agency(material, w.commune_a)
    return w


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


def _panel(page: Any) -> Any:
    panel = page.locator("#chu-ky-so-noi-dung")
    panel.wait_for()
    return panel


def test_leader_signs_clerk_releases_recipient_sees_two_valid_signatures(w, desks, tmp_path):
    desk, errors = desks
    document = approved(w, subject="Về việc tổ chức Ngày Chuyển đổi số quốc gia năm 2026")

    # The chairman opens the approved document: the panel offers "Ký số" with a password box.
    leader = desk(w.leader_a)
    page = leader.open(f"/van-ban/{document.pk}/")
    panel = _panel(page)
    assert "Văn bản đã được ký duyệt, chờ ký số." in panel.inner_text()
    page.get_by_label("Nhập mật khẩu để xác nhận ký số").fill("sai-mat-khau")
    leader.click_and_wait(page.get_by_role("button", name="Ký số", exact=True))
    assert "Mật khẩu xác nhận không đúng." in page.locator("[role=alert]").inner_text()
    # The refused password comes back as 400, which Chromium reports on the console.
    assert [e for e in errors if "status of 400" not in e] == []
    errors.clear()
    page.get_by_label("Mật khẩu", exact=True).fill(CAST_PASSWORD)
    leader.click_and_wait(page.get_by_role("button", name="Xác nhận và ký số"))
    assert "Đã ký số văn bản." in leader.message()
    panel = _panel(page)
    assert "Đã có chữ ký số của người có thẩm quyền." in panel.inner_text()
    assert panel.locator(VALID).first.is_visible()

    # The clerk releases it from the actions panel and confirms with her password.
    clerk = desk(w.clerk_a)
    page = clerk.open(f"/van-ban/{document.pk}/")
    _panel(page)
    clerk.click_and_wait(page.get_by_role("button", name="Phát hành văn bản"))
    assert page.get_by_role("heading", name="Xác nhận phát hành và ký số của cơ quan").is_visible()
    page.get_by_label("Mật khẩu", exact=True).fill(CAST_PASSWORD)
    clerk.click_and_wait(page.get_by_role("button", name="Xác nhận và ký số"))
    assert re.search(r"Đã phát hành văn bản số 01/UBND-\w+, đã ký số của cơ quan", clerk.message())
    assert clerk.status() == "Đã phát hành"
    document.refresh_from_db()
    assert document.status == DocumentStatus.RELEASED and document.is_digitally_signed

    # The other commune's clerk opens the incoming copy: two valid signatures.
    copy = copy_of(document, w.commune_b)
    receiver = desk(w.clerk_b)
    page = receiver.open("/van-ban/den/")
    receiver.click_and_wait(page.get_by_role("link", name=re.compile("Ngày Chuyển đổi số quốc gia")))
    assert page.url.endswith(f"/van-ban/{copy.pk}/")
    panel = _panel(page)
    text = panel.inner_text()
    assert "2 chữ ký số, tất cả hợp lệ." in text
    assert panel.locator(".signature-card.verdict-valid").count() == 2
    assert w.leader_a.get_full_name() in text and w.commune_a.name in text
    released = document.files.get(kind=DocumentFile.Kind.MAIN)
    with released.file.open("rb") as handle:
        signed_bytes = handle.read()
    page.screenshot(path=str(tmp_path / "hai-chu-ky-hop-le.png"), full_page=True)

    # A tampered copy of the same file, registered as a paper document, is shown invalid.
    tampered = bytearray(signed_bytes)
    at = tampered.index(b"BT", len(tampered) // 4)
    tampered[at] = ord("b")
    page = receiver.open("/van-ban/den/dang-ky/")
    page.get_by_label("Tên loại văn bản").select_option("Công văn")
    page.get_by_label("Số", exact=True).fill("02")
    page.get_by_label("Ký hiệu").fill("UBND-VP")
    page.get_by_label("Ngày văn bản").fill(timezone.localdate().isoformat())
    page.get_by_label("Trích yếu nội dung").fill("Bản sao chép lại công văn về Ngày Chuyển đổi số")
    page.get_by_label("Tên cơ quan ban hành").fill(w.commune_a.name)
    page.get_by_label("Tệp văn bản").set_input_files(
        [{"name": "ban-sao.pdf", "mimeType": "application/pdf", "buffer": bytes(tampered)}]
    )
    receiver.click_and_wait(page.get_by_role("button", name="Vào sổ văn bản đến"))
    assert "Đã vào sổ văn bản đến" in receiver.message(), page.locator("main").inner_text()[:2000]
    panel = _panel(page)
    assert panel.locator("span.verdict.verdict-invalid").first.is_visible()
    assert "Không hợp lệ" in panel.inner_text()
    assert "Tài liệu đã bị sửa sau khi ký" in panel.inner_text()
    assert errors == []
