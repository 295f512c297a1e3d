"""Demo citizens of the portal: the `seed_citizens` step of `seed_demo`.

Two citizen accounts (password: the demo password), one with a phone number and one with an
email, so the portal can be tried at once: /dich-vu-cong/dang-nhap/. Idempotent: the accounts
and profiles are upserted; a password changed later survives a re-seed.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from cqs.org.demo import DEMO_PASSWORD, DEMO_STEPS, DemoContext, upsert
from cqs.portal.models import CitizenProfile

DEMO_CITIZENS = (
    {
        "username": "0905123456",
        "full_name": "Trần Thị Hoa",
        "id_number": "051190001234",
        "phone": "0905123456",
        "email": "",
        "address": "Thôn Phú Lộc, xã An Phú",
    },
    {
        "username": "nguyenvanbinh@example.vn",
        "full_name": "Nguyễn Văn Bình",
        "id_number": "051085004321",
        "phone": "",
        "email": "nguyenvanbinh@example.vn",
        "address": "Tổ dân phố 3, xã Thanh Lâm",
    },
)


def seed_citizens(ctx: DemoContext) -> None:
    password = make_password(DEMO_PASSWORD)
    for spec in DEMO_CITIZENS:
        user = upsert(
            ctx.stats,
            get_user_model(),
            {"username": spec["username"]},
            {k: spec[k] for k in ("full_name", "email", "phone")} | {"is_active": True},
            on_create={"password": password},
        )
        upsert(
            ctx.stats,
            CitizenProfile,
            {"user": user},
            {k: spec[k] for k in ("full_name", "id_number", "phone", "email", "address")},
        )
        ctx.users[spec["username"]] = user


if seed_citizens not in DEMO_STEPS:
    DEMO_STEPS.append(seed_citizens)
