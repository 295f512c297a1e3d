"""Online payment with the simulated provider: the whole walk through the bank's pages, a
forged answer (bad HMAC), a wrong amount, expiry after 90 minutes, idempotent reloads."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from cqs.audit.models import AuditEvent
from cqs.onestop import services as s
from cqs.onestop.models import Dossier, Payment, PaymentState, PaymentStatus
from cqs.portal.models import PaymentAttempt
from cqs.portal.models import PaymentStatus as AttemptStatus
from cqs.portal.payments.simulated import SimulatedProvider, sign
from cqs.portal.tests.conftest import Portal, required_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(portal: Portal, monday: datetime) -> Dossier:
    applicant = s.ApplicantData(name="Trần Thị Hoa", id_number="051190001234", phone="0905123456")
    return s.submit_online(
        actor=portal.citizen,
        version=portal.paid,
        agency=portal.cast.commune_a,
        applicant=applicant,
        files=required_files(portal.paid),
    )


def checkout(client: Client, dossier: Dossier) -> dict[str, str]:
    """Press "pay" on the portal; returns the parameters of the bank's page it redirects to."""
    response = client.post(reverse("portal:pay", args=[dossier.code]))
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert url.path == reverse("portal:simulated_bank")
    return dict(parse_qsl(url.query))


def bank_says(client: Client, params: dict[str, str], action: str) -> Any:
    """Press a button on the simulated bank's page; returns the redirect back to the portal."""
    response = client.post(reverse("portal:simulated_bank"), params | {"hanh-dong": action})
    assert response.status_code == 302
    return response["Location"]


def test_paying_through_the_simulated_bank(
    client: Client, portal: Portal, dossier: Dossier, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(portal.citizen)
    assert "50.000 đồng" in client.get(reverse("portal:pay", args=[dossier.code])).content.decode()
    params = checkout(client, dossier)
    assert params["amount"] == "50000"
    bank_page = client.get(reverse("portal:simulated_bank"), params).content.decode()
    assert "50.000 đồng" in bank_page and f"Phí, lệ phí hồ sơ {dossier.code}" in bank_page
    back = bank_says(client, params, "thanh-toan")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(back)
    assert response["Location"] == reverse("portal:confirmation", args=[dossier.code])
    dossier.refresh_from_db()
    assert dossier.payment_status == PaymentStatus.PAID
    payment = Payment.objects.get(dossier=dossier)
    attempt = PaymentAttempt.objects.get(dossier=dossier)
    assert (payment.status, payment.amount, payment.reference) == (
        PaymentState.PAID,
        50_000,
        attempt.reference,
    )
    assert attempt.status == AttemptStatus.PAID and attempt.provider_reference.startswith("MP260302")
    # Reloading the return page records nothing twice.
    client.get(back)
    assert Payment.objects.filter(status=PaymentState.PAID).count() == 1
    assert dossier.events.filter(kind="thanh_toan").count() == 1


def test_a_forged_answer_is_refused_and_changes_nothing(
    client: Client, portal: Portal, dossier: Dossier
) -> None:
    client.force_login(portal.citizen)
    params = checkout(client, dossier)
    answer = dict(parse_qsl(urlsplit(bank_says(client, params, "thanh-toan")).query))
    forged = answer | {"sig": "0" * 128}
    response = client.get(reverse("portal:payment_return", args=["mo_phong"]), forged)
    assert response.status_code == 400
    assert "Chữ ký của giao dịch không hợp lệ" in response.content.decode()
    # A "paid" answer for a checkout never paid, signed with a guessed key, is refused too.
    tampered = {k: v for k, v in answer.items() if k != "sig"}
    tampered["txn"] = "MP999"
    tampered["sig"] = sign(tampered)[:-4] + "abcd"
    assert client.get(reverse("portal:payment_return", args=["mo_phong"]), tampered).status_code == 400
    dossier.refresh_from_db()
    assert dossier.payment_status == PaymentStatus.UNPAID
    assert PaymentAttempt.objects.get().status == AttemptStatus.PENDING
    assert AuditEvent.objects.filter(action="portal.payment_refused").count() == 2


def test_a_checkout_request_cannot_be_altered_on_the_way_to_the_bank(
    client: Client, portal: Portal, dossier: Dossier
) -> None:
    client.force_login(portal.citizen)
    params = checkout(client, dossier)
    assert client.get(reverse("portal:simulated_bank"), params | {"amount": "1000"}).status_code == 400


def test_a_wrong_amount_is_refused(client: Client, portal: Portal, dossier: Dossier) -> None:
    client.force_login(portal.citizen)
    params = checkout(client, dossier)
    answer = dict(parse_qsl(urlsplit(bank_says(client, params, "thanh-toan")).query))
    wrong = {k: v for k, v in answer.items() if k != "sig"} | {"amount": "5000"}
    wrong["sig"] = sign(wrong)  # correctly signed, but not what was asked
    response = client.get(reverse("portal:payment_return", args=["mo_phong"]), wrong)
    assert response.status_code == 400
    assert "khác số tiền phải nộp (50.000 đồng)" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.payment_status == PaymentStatus.UNPAID
    assert not Payment.objects.filter(status=PaymentState.PAID).exists()


def test_a_checkout_expires_after_90_minutes(
    client: Client, portal: Portal, dossier: Dossier, time_machine: Any
) -> None:
    client.force_login(portal.citizen)
    params = checkout(client, dossier)
    time_machine.shift(timedelta(minutes=89))
    assert (
        "Giao dịch đã quá 90 phút"
        not in client.get(reverse("portal:simulated_bank"), params).content.decode()
    )
    time_machine.shift(timedelta(minutes=2))
    page = client.get(reverse("portal:simulated_bank"), params).content.decode()
    assert "Giao dịch đã quá 90 phút" in page and 'value="thanh-toan"' not in page
    back = bank_says(client, params, "thanh-toan")  # pressing "pay" anyway (an old tab)
    response = client.get(back)
    assert response["Location"] == reverse("portal:dossier", args=[dossier.code])
    dossier.refresh_from_db()
    assert dossier.payment_status == PaymentStatus.UNPAID
    assert PaymentAttempt.objects.get().status == AttemptStatus.EXPIRED
    # A late "paid" answer dated after the expiry is refused as well.
    late = {k: v for k, v in dict(parse_qsl(urlsplit(back).query)).items() if k != "sig"} | {
        "result": "00",
        "txn": "MP1",
    }
    late["sig"] = sign(late)
    assert client.get(reverse("portal:payment_return", args=["mo_phong"]), late).status_code == 400
    assert not Payment.objects.filter(status=PaymentState.PAID).exists()
    # A new checkout can be opened and paid.
    params = checkout(client, dossier)
    client.get(bank_says(client, params, "thanh-toan"))
    dossier.refresh_from_db()
    assert dossier.payment_status == PaymentStatus.PAID


def test_cancelling_at_the_bank(client: Client, portal: Portal, dossier: Dossier) -> None:
    client.force_login(portal.citizen)
    params = checkout(client, dossier)
    client.get(bank_says(client, params, "huy"))
    attempt = PaymentAttempt.objects.get()
    assert attempt.status == AttemptStatus.CANCELLED and "hủy" in attempt.failure_reason
    page = client.get(reverse("portal:dossier", args=[dossier.code])).content.decode()
    assert "Đã hủy" in page and "Thanh toán</a>" in page


def test_only_the_owner_pays(client: Client, portal: Portal, dossier: Dossier) -> None:
    client.force_login(portal.other)
    assert client.post(reverse("portal:pay", args=[dossier.code])).status_code == 404


def test_provider_verify_checks_reference(dossier: Dossier, portal: Portal) -> None:
    from cqs.portal.payments import PaymentVerificationError

    params = {"ref": "A", "amount": "1", "result": "00", "txn": "x", "at": "2026-03-02T09:00:00+07:00"}
    params["sig"] = sign(params)
    assert SimulatedProvider().verify("A", params).succeeded
    with pytest.raises(PaymentVerificationError):
        SimulatedProvider().verify("B", params)
