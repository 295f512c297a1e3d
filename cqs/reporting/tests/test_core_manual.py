"""Manual values: permission, validation, audit, the inline entry screen."""

from __future__ import annotations

from decimal import Decimal
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cqs.audit.models import AuditEvent
from cqs.core.errors import ApplicationError
from cqs.org.models import Role
from cqs.org.testing import CAST_PASSWORD, give_position
from cqs.reporting.models import Indicator, ManualValue
from cqs.reporting.services.manual import can_enter_manual_values, manual_value_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter(cast: Any) -> Any:
    """officer_a also holds the reporting-officer role of commune A."""
    give_position(cast.officer_a, cast.commune_a, Role.REPORTING_OFFICER, title="Cán bộ báo cáo")
    return cast.officer_a


def test_reporting_officer_enters_ratio_and_count(cast: Any, reporter: Any) -> None:
    computers = Indicator.objects.get(code="MAY_TINH")
    mv = manual_value_set(
        actor=reporter,
        agency=cast.commune_a,
        indicator=computers,
        period="2021y",
        numerator="19",
        denominator="19",
        note="19 máy/19 cán bộ, công chức",
    )
    assert (mv.numerator, mv.denominator, mv.value, mv.period) == (D(19), D(19), D("100.00"), "2021Y")
    it_staff = Indicator.objects.get(code="CB_CNTT")
    manual_value_set(actor=reporter, agency=cast.commune_a, indicator=it_staff, period="2021Y", value="1")
    # Correcting replaces the value, one row per indicator, agency and period; every call audited.
    manual_value_set(
        actor=reporter,
        agency=cast.commune_a,
        indicator=computers,
        period="2021Y",
        numerator="21",
        denominator="19",
    )
    mv.refresh_from_db()
    assert (mv.numerator, mv.value) == (D(21), D("110.53"))  # more computers than staff is allowed
    assert ManualValue.objects.filter(agency=cast.commune_a).count() == 2
    events = AuditEvent.objects.filter(action="reporting.manual_value.set").order_by("pk")
    assert events.count() == 3
    assert events.last().payload["previous"]["numerator"] == "19.00"  # type: ignore[union-attr]


def test_permission_only_reporting_officer_or_leader_of_the_agency(cast: Any, reporter: Any) -> None:
    antivirus = Indicator.objects.get(code="MAY_TINH_MA_DOC")
    assert can_enter_manual_values(cast.department_leader, cast.department)
    assert not can_enter_manual_values(cast.department_leader, cast.commune_a)
    assert not can_enter_manual_values(cast.clerk_a, cast.commune_a)
    with pytest.raises(PermissionDenied):
        manual_value_set(
            actor=cast.clerk_a,
            agency=cast.commune_a,
            indicator=antivirus,
            period="2023Q3",
            numerator=1,
            denominator=1,
        )
    with pytest.raises(PermissionDenied):
        manual_value_set(
            actor=reporter,
            agency=cast.commune_b,
            indicator=antivirus,
            period="2023Q3",
            numerator=1,
            denominator=1,
        )
    assert not ManualValue.objects.exists()


def test_successor_officer_completes_a_merged_agency_past_period(cast: Any, reporter: Any) -> None:
    """The old commune ended on 30/06/2025 and rolled into commune A: commune A's reporting
    officer completes the old commune's 2024 figures; commune B's staff cannot."""
    antivirus = Indicator.objects.get(code="MAY_TINH_MA_DOC")
    assert can_enter_manual_values(reporter, cast.old_commune)
    assert not can_enter_manual_values(cast.clerk_b, cast.old_commune)
    mv = manual_value_set(
        actor=reporter,
        agency=cast.old_commune,
        indicator=antivirus,
        period="2024Q3",
        numerator=8,
        denominator=8,
    )
    assert mv.agency == cast.old_commune and mv.value == D("100.00")


@pytest.mark.parametrize(
    ("code", "kwargs", "message"),
    [
        ("MAY_TINH_MA_DOC", {"numerator": "17", "denominator": "16"}, "Tử số không được lớn hơn mẫu số"),
        ("MAY_TINH_MA_DOC", {"numerator": "3"}, "cả tử số và mẫu số"),
        ("MAY_TINH_MA_DOC", {"numerator": "0", "denominator": "0"}, "Mẫu số phải lớn hơn 0"),
        ("CB_CNTT", {"value": "-1"}, "không được âm"),
        ("CB_CNTT", {"value": "một"}, "phải là một số"),
        ("CB_CNTT", {}, "Chưa nhập giá trị"),
        ("VB_DI", {"value": "5"}, "tính tự động"),
    ],
)
def test_bad_input_refused_in_vietnamese(
    cast: Any, reporter: Any, code: str, kwargs: Any, message: str
) -> None:
    with pytest.raises(ApplicationError, match=message):
        manual_value_set(
            actor=reporter,
            agency=cast.commune_a,
            indicator=Indicator.objects.get(code=code),
            period="2023Q3",
            **kwargs,
        )
    with pytest.raises(ApplicationError, match="Mã kỳ báo cáo không hợp lệ"):
        manual_value_set(
            actor=reporter,
            agency=cast.commune_a,
            indicator=Indicator.objects.get(code="CB_CNTT"),
            period="Q3",
            value=1,
        )


def test_vietnamese_decimal_input(cast: Any, reporter: Any) -> None:
    bandwidth = Indicator.objects.get(code="DUONG_TRUYEN")
    mv = manual_value_set(
        actor=reporter, agency=cast.commune_a, indicator=bandwidth, period="2023Q3", value="1.000,5"
    )
    assert mv.value == Decimal("1000.50")


def test_entry_screen_htmx_and_plain_post(client: Any, cast: Any, reporter: Any) -> None:
    client.login(username=reporter.username, password=CAST_PASSWORD)
    url = reverse("reporting:manual_values")
    page = client.get(url, {"ky": "2023Q3"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Số liệu nhập tay" in html and "MAY_TINH_MA_DOC" in html and "Quý III/2023" in html
    assert "VB_DI<" not in html  # computed indicators are not entered by hand
    save = reverse("reporting:manual_value_save")
    data = {
        "co_quan": cast.commune_a.pk,
        "ky": "2023Q3",
        "chi_tieu": "MAY_TINH_MA_DOC",
        "tu_so": "16",
        "mau_so": "16",
    }
    row = client.post(save, data, HTTP_HX_REQUEST="true")
    assert row.status_code == 200
    assert "16/16 (100 %)" in row.content.decode() and "Đã lưu" in row.content.decode()
    bad = client.post(save, {**data, "tu_so": "20"}, HTTP_HX_REQUEST="true")
    body = bad.content.decode()
    assert "Tử số không được lớn hơn mẫu số" in body and 'value="20"' in body  # input kept
    plain = client.post(save, {**data, "tu_so": "15"})
    assert plain.status_code == 302
    assert ManualValue.objects.get(indicator__code="MAY_TINH_MA_DOC").numerator == 15
    other = client.get(url, {"co_quan": cast.commune_b.pk})
    assert other.status_code == 404


def test_entry_screen_refuses_people_without_role(client: Any, cast: Any) -> None:
    client.login(username=cast.clerk_a.username, password=CAST_PASSWORD)
    assert client.get(reverse("reporting:manual_values")).status_code == 403
