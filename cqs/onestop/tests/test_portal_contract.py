"""What the citizen portal calls: public status without personal data, the owner's dossiers,
the public list of results with masked names, payments (idempotent) and ratings (once)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from cqs.core.errors import ApplicationError
from cqs.onestop import services as s
from cqs.onestop.models import DossierStatus, PaymentState, PaymentStatus
from cqs.onestop.selectors import dossiers_of_owner, mask_name, public_resolved_list, public_status
from cqs.onestop.testing import make_dossier, make_procedure


def test_public_status_shows_no_personal_data(world: Any) -> None:
    dossier = make_dossier(
        version=world.version,
        agency=world.cast.commune_a,
        received=date(2025, 10, 6),
        due=date(2025, 10, 9),
        applicant_name="Trần Thị Hoa",
    )
    status = public_status(f"  {dossier.code} ")
    assert status is not None and status.status_label == "Đang xử lý"
    assert status.appointment_date == date(2025, 10, 9) and status.received_on == date(2025, 10, 6)
    values = " ".join(str(v) for v in asdict(status).values())
    assert "Hoa" not in values and "051190001234" not in values
    assert public_status("khong-co") is None


def test_mask_and_public_list(world: Any) -> None:
    assert mask_name("Nguyễn Văn An") == "Nguyễn V. A."
    make_dossier(
        version=world.version,
        agency=world.cast.commune_a,
        received=date(2025, 10, 6),
        due=date(2025, 10, 9),
        finished=date(2025, 10, 8),
        status=DossierStatus.RETURNED,
    )
    make_dossier(
        version=world.version,
        agency=world.cast.commune_a,
        received=date(2025, 10, 6),
        due=date(2025, 10, 9),
        finished=date(2025, 10, 8),
        status=DossierStatus.REFUSED,
    )
    rows = public_resolved_list([world.cast.commune_a.pk], date(2025, 10, 1), date(2025, 10, 31))
    assert [(r.applicant, r.timing_label) for r in rows] == [("Nguyễn V. A.", "Trước hạn")]


def test_payment_is_idempotent_and_rating_once_after_return(world: Any, cast: Any) -> None:
    paid = make_procedure(code="1.004772.000.00.00.H55", name="Cấp bản sao trích lục", fee=8000)
    citizen = cast.clerk_b
    dossier = make_dossier(
        version=paid,
        agency=cast.commune_a,
        received=date(2025, 10, 6),
        due=date(2025, 10, 9),
        owner=citizen,
        fee=8000,
        payment_status=PaymentStatus.UNPAID,
    )
    assert list(dossiers_of_owner(citizen)) == [dossier]
    moment = timezone.now()
    with pytest.raises(ApplicationError, match="khác phí"):
        s.record_payment(
            dossier=dossier, provider="mo_phong", reference="GD-1", amount=5000, paid_at=moment, payload={}
        )
    first = s.record_payment(
        dossier=dossier,
        provider="mo_phong",
        reference="GD-1",
        amount=8000,
        paid_at=moment,
        payload={"ok": True},
    )
    again = s.record_payment(
        dossier=dossier,
        provider="mo_phong",
        reference="GD-1",
        amount=8000,
        paid_at=moment,
        payload={"ok": True},
    )
    assert first.pk == again.pk and first.status == PaymentState.PAID
    dossier.refresh_from_db()
    assert dossier.payment_status == PaymentStatus.PAID
    assert dossier.events.filter(kind="thanh_toan").count() == 1
    with pytest.raises(ApplicationError, match="sau khi đã nhận kết quả"):
        s.rate_dossier(actor=citizen, dossier=dossier, score=4, comment="")
    dossier.status, dossier.finished_at, dossier.finished_on = DossierStatus.RETURNED, moment, moment.date()
    dossier.returned_at = moment
    dossier.save()
    with pytest.raises(ApplicationError, match="Chỉ người nộp"):
        s.rate_dossier(actor=world.officer_a, dossier=dossier, score=4, comment="")
    rating = s.rate_dossier(actor=citizen, dossier=dossier, score=4, comment="Cán bộ nhiệt tình")
    assert rating.score == 4
    with pytest.raises(ApplicationError, match="đã được đánh giá"):
        s.rate_dossier(actor=citizen, dossier=dossier, score=3, comment="")


def test_start_payment_expires_after_90_minutes(world: Any, cast: Any) -> None:
    paid = make_procedure(code="1.004772.000.00.00.H55", name="Cấp bản sao trích lục", fee=8000)
    dossier = make_dossier(
        version=paid,
        agency=cast.commune_a,
        received=date(2025, 10, 6),
        due=date(2025, 10, 9),
        owner=cast.clerk_b,
        fee=8000,
        payment_status=PaymentStatus.UNPAID,
    )
    payment = s.start_payment(actor=cast.clerk_b, dossier=dossier, provider="mo_phong", reference="GD-2")
    assert payment.expires_at - payment.created_at == timedelta(minutes=90)
    with pytest.raises(ApplicationError, match="hết hạn"):
        s.record_payment(
            dossier=dossier,
            provider="mo_phong",
            reference="GD-2",
            amount=8000,
            paid_at=payment.created_at + timedelta(minutes=91),
            payload={},
        )
