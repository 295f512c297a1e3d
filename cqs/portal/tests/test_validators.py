from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cqs.portal.sms import normalise_phone
from cqs.portal.validators import birth_year_of, validate_id_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 386 123 456", "0386123456"),
        ("84912345678", "0912345678"),
        ("0212345678", None),  # a landline prefix
        ("091234567", None),
        ("01234567890", None),  # the old 11-digit numbers were renumbered in 2018
    ],
)
def test_mobile_numbers(raw: str, expected: str | None) -> None:
    assert normalise_phone(raw) == expected


def test_id_number_birth_year_and_century() -> None:
    assert validate_id_number("036 095 001234") == "036095001234"
    assert birth_year_of("036095001234") == 1995
    assert birth_year_of("001305001234") == 2005
    with pytest.raises(ValidationError):
        validate_id_number("001326001234", today=date(2025, 1, 1))  # born 2026: not yet
    validate_id_number("001326001234", today=date(2026, 6, 1))


@pytest.mark.django_db
def test_demo_citizens_are_idempotent() -> None:
    from cqs.org.demo import DEMO_PASSWORD, DemoContext
    from cqs.portal.demo import seed_citizens
    from cqs.portal.models import CitizenProfile
    from cqs.portal.selectors import citizen_username

    seed_citizens(DemoContext(province_name="Sơn Hà"))
    second = DemoContext(province_name="Sơn Hà")
    seed_citizens(second)
    assert not second.stats.changed
    assert CitizenProfile.objects.count() == 2
    user = second.users["0905123456"]
    assert user.check_password(DEMO_PASSWORD) and citizen_username("+84 905 123 456") == "0905123456"
