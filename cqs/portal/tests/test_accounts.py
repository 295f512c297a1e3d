"""Citizen accounts: registration by phone or email, Vietnamese validation messages, login
with either, throttling, and the wall between citizen and staff accounts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cqs.audit.models import AuditEvent
from cqs.org.testing import CAST_PASSWORD
from cqs.portal.models import CitizenProfile
from cqs.portal.tests.conftest import PASSWORD, make_citizen

pytestmark = pytest.mark.django_db

REGISTER = {
    "full_name": "  Nguyễn   Văn An ",
    "login": "+84 912 345 678",
    "password1": "Matkhau@2026",
    "password2": "Matkhau@2026",
    "id_number": "036 095 001 234",
    "address": "Số 5, thôn Đông, xã An Lạc",
}


def test_register_with_phone_logs_in_and_creates_the_profile(client: Client) -> None:
    response = client.post(reverse("portal:register"), REGISTER)
    assert response.status_code == 302 and response["Location"] == reverse("portal:my_dossiers")
    profile = CitizenProfile.objects.get()
    assert (profile.phone, profile.email, profile.full_name, profile.id_number) == (
        "0912345678",
        "",
        "Nguyễn Văn An",
        "036095001234",
    )
    assert profile.user.username == "0912345678"
    assert AuditEvent.objects.filter(action="portal.citizen_register").count() == 1
    assert client.get(reverse("portal:my_dossiers")).status_code == 200


def test_register_with_email(client: Client) -> None:
    client.post(reverse("portal:register"), REGISTER | {"login": "An.Nguyen@Example.VN", "id_number": ""})
    profile = CitizenProfile.objects.get()
    assert (profile.email, profile.phone, profile.id_number) == ("an.nguyen@example.vn", "", "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("login", "0123", "Nhập số điện thoại di động (10 chữ số"),
        ("login", "an@", "Thư điện tử chưa đúng định dạng"),
        ("id_number", "12345", "gồm đúng 12 chữ số"),
        ("id_number", "003095001234", "mã «003» không có"),
        ("id_number", "036395001234", "năm sinh sau năm nay"),
        ("password2", "Khac@2026xx", "Hai lần nhập mật khẩu không giống nhau"),
        ("full_name", "", "Vui lòng nhập họ và tên"),
    ],
)
def test_register_errors_are_in_vietnamese_and_keep_what_was_typed(
    client: Client, field: str, value: str, message: str
) -> None:
    response = client.post(reverse("portal:register"), REGISTER | {field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Có lỗi cần sửa" in html and f'href="#id_{field}"' in html
    assert 'value="Số 5, thôn Đông, xã An Lạc"' in html  # nothing typed is lost
    assert not CitizenProfile.objects.exists()


def test_weak_password_is_refused_in_vietnamese(client: Client) -> None:
    response = client.post(reverse("portal:register"), REGISTER | {"password1": "abc", "password2": "abc"})
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in response.content.decode()
    assert not CitizenProfile.objects.exists()


def test_a_phone_registers_once(client: Client) -> None:
    make_citizen(phone="0912345678")
    response = client.post(reverse("portal:register"), REGISTER)
    assert "Số điện thoại này đã được dùng" in response.content.decode()
    assert CitizenProfile.objects.count() == 1


@pytest.mark.parametrize("login", ["0905123456", "+84905123456", "Hoa.Tran@example.vn"])
def test_login_with_phone_or_email(client: Client, login: str) -> None:
    make_citizen(phone="0905123456", email="hoa.tran@example.vn")
    response = client.post(reverse("portal:login"), {"username": login, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:my_dossiers")


def test_wrong_password_message_is_vietnamese_and_throttled(client: Client, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    make_citizen(phone="0905123456")
    for _ in range(2):
        response = client.post(reverse("portal:login"), {"username": "0905123456", "password": "sai"})
        assert "Số điện thoại/thư điện tử hoặc mật khẩu không đúng" in response.content.decode()
    response = client.post(reverse("portal:login"), {"username": "0905123456", "password": "sai"})
    assert "Tài khoản tạm thời bị khóa" in response.content.decode()
    response = client.post(reverse("portal:login"), {"username": "0905123456", "password": PASSWORD})
    assert "Tài khoản tạm thời bị khóa" in response.content.decode()  # locked even with the right password


def test_staff_cannot_log_in_on_the_portal(client: Client, cast: Any) -> None:
    response = client.post(
        reverse("portal:login"), {"username": cast.clerk_a.username, "password": CAST_PASSWORD}
    )
    assert response.status_code == 200
    assert "Đây là tài khoản cán bộ" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_logged_in_are_refused_on_citizen_pages(client: Client, cast: Any) -> None:
    client.force_login(cast.clerk_a)
    for name in ("portal:my_dossiers", "portal:profile"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "chỉ dành cho tài khoản công dân" in response.content.decode()
    # The portal's public pages stay open to them, without the staff navigation.
    html = client.get(reverse("portal:home")).content.decode()
    assert reverse("documents:incoming") not in html


def test_citizens_see_nothing_of_the_back_office(client: Client, cast: Any) -> None:
    from cqs.documents.tests.test_services_common import world as documents_world

    documents_world(cast)
    citizen = make_citizen(phone="0905123456")
    client.force_login(citizen)
    html = client.get(reverse("documents:incoming")).content.decode()
    assert "V/v" not in html  # no document of any agency is listed
    from cqs.org.selectors import visible_agency_scope

    assert visible_agency_scope(citizen) == set()


def test_profile_update_and_keeping_a_login(client: Client) -> None:
    citizen = make_citizen(phone="0905123456")
    client.force_login(citizen)
    data = {
        "full_name": "Trần Thị Hoa",
        "id_number": "",
        "phone": "",
        "email": "",
        "address": "",
        "notify_sms": "on",
    }
    response = client.post(reverse("portal:profile"), data)
    assert "Cần ít nhất số điện thoại di động hoặc thư điện tử" in response.content.decode()
    response = client.post(
        reverse("portal:profile"), data | {"email": "hoa@example.vn", "phone": "0905 123 456"}
    )
    assert response.status_code == 302
    profile = CitizenProfile.objects.get(user=citizen)
    assert (profile.email, profile.phone, profile.notify_email, profile.notify_sms) == (
        "hoa@example.vn",
        "0905123456",
        False,
        True,
    )
    client.logout()
    assert (
        client.post(reverse("portal:login"), {"username": "hoa@example.vn", "password": PASSWORD}).status_code
        == 302
    )
