"""Citizens sign in on the portal; the staff login refuses their accounts with a clear message."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cqs.portal.models import CitizenProfile

pytestmark = pytest.mark.django_db


def test_staff_login_refuses_a_citizen_account(client):
    user = get_user_model().objects.create_user(username="0905123456", password="Cong@dan2025x")
    CitizenProfile.objects.create(user=user, full_name="Nguyễn Văn Bình", phone="0905123456")
    response = client.post(reverse("accounts:login"), {"username": "0905123456", "password": "Cong@dan2025x"})
    assert response.status_code == 200
    assert "Đây là tài khoản công dân" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_login_still_lets_staff_in(client):
    get_user_model().objects.create_user(username="vanthu", password="Can@bo2025x")
    response = client.post(reverse("accounts:login"), {"username": "vanthu", "password": "Can@bo2025x"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
