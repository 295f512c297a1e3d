"""Fixtures of the portal tests: two procedures (fully online and free; partly online with a
fee), the one-stop staff of commune A, citizens registered through the real service, and
the locmem SMS backend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cqs.core.workcalendar import VN_TZ
from cqs.documents.tests.fixtures import text_pdf
from cqs.onestop.models import OnlineLevel, ProcedureVersion
from cqs.onestop.testing import make_procedure, make_staff
from cqs.portal import sms
from cqs.portal.services.accounts import ProfileData, citizen_register

PASSWORD = "Congdan@2026"
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)


@dataclass(frozen=True)
class Portal:
    cast: Any
    free: ProcedureVersion  # fully online, no fee
    paid: ProcedureVersion  # partly online, 50.000 đồng
    officer: Any  # one-stop officer of commune A
    leader: Any
    citizen: Any
    other: Any  # another citizen


def make_citizen(
    *, phone: str = "", email: str = "", name: str = "Trần Thị Hoa", id_number: str = "051190001234"
) -> Any:
    return citizen_register(
        data=ProfileData(
            full_name=name, id_number=id_number, phone=phone, email=email, address="Thôn 2, xã An Lạc"
        ),
        password=PASSWORD,
    )


@pytest.fixture(autouse=True)
def _sms_outbox(settings: Any) -> None:
    settings.CQS_SMS_BACKEND = "cqs.portal.sms.LocmemSmsBackend"
    sms.outbox.clear()


@pytest.fixture
def monday(time_machine: Any) -> datetime:
    time_machine.move_to(MONDAY, tick=False)
    return MONDAY


@pytest.fixture
def portal(cast: Any) -> Portal:
    staff = make_staff(cast.commune_a, prefix="pa")
    free = make_procedure(
        code="1.001193.000.00.00.H55",
        name="Thủ tục đăng ký khai sinh",
        online_level=OnlineLevel.FULL,
        components=(
            ("Tờ khai đăng ký khai sinh", "Bản chính", True),
            ("Giấy chứng sinh", "Bản chính", True),
            ("Giấy chứng nhận kết hôn của cha mẹ", "Bản sao", False),
        ),
    )
    paid = make_procedure(
        code="2.000815.000.00.00.H55",
        name="Thủ tục chứng thực bản sao từ bản chính",
        field="Chứng thực",
        online_level=OnlineLevel.PARTIAL,
        fee=50_000,
        components=(("Bản chính giấy tờ cần chứng thực", "Bản chính", True),),
    )
    citizen = make_citizen(phone="0905123456", email="hoa.tran@example.vn")
    other = make_citizen(phone="0912000111", name="Lê Văn Bình", id_number="051090004321")
    return Portal(
        cast=cast,
        free=free,
        paid=paid,
        officer=staff["officer"],
        leader=staff["leader"],
        citizen=citizen,
        other=other,
    )


def pdf_upload(name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text_pdf(), content_type="application/pdf")


def required_files(version: ProcedureVersion) -> dict[int, SimpleUploadedFile]:
    return {c.pk: pdf_upload(f"giay-to-{c.order}.pdf") for c in version.components.all() if c.is_required}
