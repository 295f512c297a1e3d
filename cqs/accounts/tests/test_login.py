from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cqs.accounts.models import LoginThrottle, User

PASSWORD = "Mat-khau-2025"
LOCKED = "tạm thời bị khóa"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"


@pytest.fixture
def login_url() -> str:
    return reverse("accounts:login")


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("vanthu", password=PASSWORD, full_name="Nguyễn Thị Lan")


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("quantri", password=PASSWORD, email="qt@example.vn")


def _post_login(client, url: str, username: str, password: str, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def _errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


@pytest.mark.django_db
def test_login_page_is_vietnamese(client, login_url):
    response = client.get(login_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tên đăng nhập" in html
    assert "Mật khẩu" in html
    assert 'autocomplete="current-password"' in html


@pytest.mark.django_db
def test_valid_login_redirects_home(client, staff, login_url):
    response = _post_login(client, login_url, "vanthu", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session[SESSION_KEY] == str(staff.pk)
    home = client.get(reverse("home"))
    assert "Xin chào, Nguyễn Thị Lan" in home.content.decode()


@pytest.mark.django_db
def test_wrong_password_message_is_vietnamese(client, staff, login_url):
    response = _post_login(client, login_url, "vanthu", "sai-mat-khau")
    assert response.status_code == 200
    assert WRONG in _errors(response)
    assert SESSION_KEY not in client.session
    assert LoginThrottle.objects.get(key="user:vanthu").failures == 1


@pytest.mark.django_db
def test_lockout_after_five_failures_refuses_even_the_right_password(client, staff, login_url, settings):
    assert settings.LOGIN_MAX_FAILURES == 5
    for _ in range(4):
        assert WRONG in _errors(_post_login(client, login_url, "vanthu", "sai-mat-khau"))
    fifth = _post_login(client, login_url, "vanthu", "sai-mat-khau")
    assert LOCKED in _errors(fifth)

    sixth = _post_login(client, login_url, "vanthu", PASSWORD)
    assert sixth.status_code == 200
    assert LOCKED in _errors(sixth)
    assert "15 phút" in _errors(sixth)
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_lockout_ignores_username_case(client, staff, login_url):
    for _ in range(5):
        _post_login(client, login_url, "VanThu", "sai-mat-khau")
    assert LOCKED in _errors(_post_login(client, login_url, "vanthu", PASSWORD))


@pytest.mark.django_db
def test_login_works_again_after_the_lockout(client, staff, login_url, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(5):
        _post_login(client, login_url, "vanthu", "sai-mat-khau")
    time_machine.move_to(timezone.now() + timedelta(minutes=14))
    assert LOCKED in _errors(_post_login(client, login_url, "vanthu", PASSWORD))

    time_machine.move_to(timezone.now() + timedelta(minutes=2))
    response = _post_login(client, login_url, "vanthu", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(staff.pk)
    assert not LoginThrottle.objects.filter(key="user:vanthu").exists()


@pytest.mark.django_db
def test_an_expired_lock_starts_a_fresh_count(client, staff, login_url, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(5):
        _post_login(client, login_url, "vanthu", "sai-mat-khau")
    time_machine.move_to(timezone.now() + timedelta(minutes=16))
    assert WRONG in _errors(_post_login(client, login_url, "vanthu", "sai-mat-khau"))
    assert LoginThrottle.objects.get(key="user:vanthu").failures == 1


@pytest.mark.django_db
def test_old_failures_are_forgotten(client, staff, login_url, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(4):
        _post_login(client, login_url, "vanthu", "sai-mat-khau")
    time_machine.move_to(timezone.now() + timedelta(hours=1))
    assert WRONG in _errors(_post_login(client, login_url, "vanthu", "sai-mat-khau"))
    assert _post_login(client, login_url, "vanthu", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_success_clears_the_failure_count(client, staff, login_url):
    for _ in range(4):
        _post_login(client, login_url, "vanthu", "sai-mat-khau")
    assert _post_login(client, login_url, "vanthu", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert WRONG in _errors(_post_login(client, login_url, "vanthu", "sai-mat-khau"))


@pytest.mark.django_db
def test_an_empty_password_does_not_reset_the_count(client, staff, login_url):
    for _ in range(4):
        _post_login(client, login_url, "vanthu", "sai-mat-khau")
    empty = _post_login(client, login_url, "vanthu", "")
    assert empty.status_code == 200
    assert LoginThrottle.objects.get(key="user:vanthu").failures == 4
    assert LOCKED in _errors(_post_login(client, login_url, "vanthu", "sai-mat-khau"))


@pytest.mark.django_db
def test_overlong_username_is_throttled_without_error(client, login_url):
    response = _post_login(client, login_url, "x" * 500, "sai-mat-khau")
    assert response.status_code == 200
    assert LoginThrottle.objects.filter(key="user:" + "x" * 150).exists()


@pytest.mark.django_db
def test_an_address_spraying_many_usernames_is_locked(client, staff, login_url, settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 3
    for name in ("a.nguyen", "b.tran", "c.le"):
        _post_login(client, login_url, name, "sai-mat-khau", REMOTE_ADDR="203.0.113.9")
    locked = _post_login(client, login_url, "vanthu", PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert LOCKED in _errors(locked)
    elsewhere = _post_login(client, login_url, "vanthu", PASSWORD, REMOTE_ADDR="203.0.113.10")
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_behind_proxy_the_forwarded_address_is_throttled(client, staff, login_url, settings):
    settings.BEHIND_PROXY = True
    _post_login(client, login_url, "vanthu", "sai", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    assert LoginThrottle.objects.filter(key="ip:203.0.113.7").exists()
    assert not LoginThrottle.objects.filter(key="ip:127.0.0.1").exists()


@pytest.mark.django_db
def test_lockout_applies_to_the_admin_login(client, admin_user):
    admin_login = reverse("admin:login")
    for _ in range(5):
        response = _post_login(client, admin_login, "quantri", "sai-mat-khau")
        assert response.status_code == 200
    response = _post_login(client, admin_login, "quantri", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_admin_login_works_and_shares_the_lock_with_the_site(client, admin_user, login_url):
    admin_login = reverse("admin:login")
    ok = _post_login(client, admin_login, "quantri", PASSWORD)
    assert ok.status_code == 302
    client.logout()
    for _ in range(5):
        _post_login(client, login_url, "quantri", "sai-mat-khau")
    assert LOCKED in _post_login(client, admin_login, "quantri", PASSWORD).content.decode()


@pytest.mark.django_db
def test_admin_login_refuses_non_staff_in_vietnamese(client, staff):
    response = _post_login(client, reverse("admin:login"), "vanthu", PASSWORD)
    assert response.status_code == 200
    assert "không có quyền quản trị" in response.content.decode()


@pytest.mark.django_db
def test_inactive_user_cannot_log_in(client, staff, login_url):
    staff.is_active = False
    staff.save()
    response = _post_login(client, login_url, "vanthu", PASSWORD)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_logout_needs_post_and_ends_the_session(client, staff):
    client.force_login(staff)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


# --- password rules -------------------------------------------------------------------


def _messages(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


@pytest.mark.django_db
def test_password_minimum_length_is_ten_in_vietnamese():
    assert _messages("Ab1-Ab1-A") == ["Mật khẩu quá ngắn: cần ít nhất 10 ký tự."]
    assert _messages("Ab1-Ab1-Ab") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("chithuongvaso", False),  # one class
        ("chuthuong123", False),  # two classes
        ("CHUHOA-VA-KYHIEU", False),  # two classes
        ("Chuthuong123", True),  # lower, upper, digit
        ("chuthuong-123", True),  # lower, digit, symbol
        ("Mật-khẩu-tốt", True),  # Vietnamese letters count as letters
    ],
)
def test_password_needs_three_of_four_character_classes(password, ok):
    rule = "Mật khẩu phải có ít nhất 3 trong 4 loại ký tự: chữ thường, chữ hoa, chữ số, ký hiệu."
    assert (rule not in _messages(password)) is ok


@pytest.mark.django_db
def test_password_too_similar_to_full_name_is_refused_in_vietnamese():
    user = User(username="lan.nguyen", full_name="Nguyenthilan Hanoi")
    messages = _messages("Nguyenthilan1", user)
    assert any(m.startswith("Mật khẩu quá giống với") for m in messages)


@pytest.mark.django_db
def test_common_and_numeric_passwords_are_refused_in_vietnamese():
    assert "Mật khẩu này hoàn toàn là số." in _messages("8412957306128")
    assert "Mật khẩu này quá phổ biến." in _messages("password12")
