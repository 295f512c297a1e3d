"""seed_demo builds the Sơn Hà demo province and is idempotent (runs once per suite: ~1 s)."""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from cqs.audit.models import AuditEvent
from cqs.org.demo import DEMO_PASSWORD
from cqs.org.models import (
    AGENCY_CODE_VALIDATOR,
    Agency,
    AgencyLevel,
    AgencySuccession,
    Position,
    PositionRole,
    Role,
    Unit,
)
from cqs.org.selectors import history_sources, visible_agency_ids

pytestmark = pytest.mark.django_db

MODELS = (Agency, AgencySuccession, Unit, Position, PositionRole, get_user_model())


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in MODELS}


def _is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def test_seed_demo_builds_the_province_and_a_second_run_changes_nothing():
    first = StringIO()
    call_command("seed_demo", "--json", stdout=first)
    after_first = _counts()
    events = AuditEvent.objects.count()

    second = StringIO()
    call_command("seed_demo", stdout=second)

    assert _counts() == after_first
    assert AuditEvent.objects.count() == events  # nothing changed, nothing audited
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1
    assert "không có gì thay đổi" in second.getvalue()
    assert DEMO_PASSWORD in second.getvalue() and "vanthu.bdt" in second.getvalue()
    _check_accounts(json.loads(first.getvalue()))
    _check_tree()
    _check_staff()


def _check_accounts(data: dict[str, Any]) -> None:
    accounts = {a["username"]: a for a in data["accounts"]}
    assert data["password"] == DEMO_PASSWORD
    assert {
        "quantri",
        "vanthu.bdt",
        "lanhdao.bdt",
        "chuyenvien.bdt",
        "motcua.xa-an-phu",
        "baocao.snv",
    } <= set(accounts)
    assert accounts["quantri"]["is_superuser"] is True
    assert accounts["vanthu.bdt"]["agency"] == "Sở Dân tộc và Tôn giáo"
    assert accounts["lanhdao.huyen-an-phu"]["until"] == "2025-06-30"
    assert all(a.isascii() for a in accounts)
    assert data["created"]["org.Agency"] == Agency.objects.count()
    quantri = authenticate(username="quantri", password=DEMO_PASSWORD)
    assert quantri is not None and quantri.is_superuser


def _check_tree() -> None:
    before, after = date(2025, 6, 30), date(2025, 7, 1)
    province = Agency.objects.get(code="000.00.00.H99", parent=None)
    assert province.name == "Ủy ban nhân dân tỉnh Sơn Hà" and province.place_name == "Sơn Hà"
    assert Agency.objects.valid_on(after).filter(level=AgencyLevel.DEPARTMENT).count() >= 20
    assert Agency.objects.valid_on(after).filter(level=AgencyLevel.COMMUNE).count() >= 30
    districts = Agency.objects.filter(level=AgencyLevel.DISTRICT)
    assert districts.count() == 4
    assert districts.valid_on(before).count() == 4 and districts.valid_on(after).count() == 0
    for district in districts:
        assert 4 <= district.children.valid_on(before).count() <= 6
        assert district.children.valid_on(after).count() == 0
    for agency in Agency.objects.all():
        AGENCY_CODE_VALIDATOR(agency.code)
        assert all(_is_nfc(t) for t in (agency.name, agency.short_name, agency.place_name)), agency.code
    # New communes merged from two or three old ones, with the Standing Committee's resolution.
    merged = AgencySuccession.objects.filter(effective_date=after, successor__level=AgencyLevel.COMMUNE)
    per_successor: dict[int, list[AgencySuccession]] = {}
    for link in merged:
        per_successor.setdefault(link.successor_id, []).append(link)
        assert "NQ-UBTVQH15" in link.basis and _is_nfc(link.basis)
    assert len(per_successor) >= 5
    assert all(2 <= len(links) <= 3 for links in per_successor.values())
    # The March 2025 department mergers roll history into the successors.
    finance = Agency.objects.get(code__endswith=".H99", notation="STC")
    assert {a.notation for a in history_sources(finance)} == {"STC", "SKHĐT"}
    ethnic = Agency.objects.get(code__endswith=".H99", notation="SDTTG")
    assert {a.notation for a in history_sources(ethnic)} == {"SDTTG", "BDT"}


def _check_staff() -> None:
    assert set(PositionRole.objects.values_list("role", flat=True)) == set(Role.values)
    for user in get_user_model().objects.all():
        assert user.full_name and _is_nfc(user.full_name)
    for title in Position.objects.values_list("title", flat=True):
        assert _is_nfc(title)
    for name in Unit.objects.values_list("name", flat=True):
        assert _is_nfc(name)
    assert (
        Position.objects.filter(agency__level=AgencyLevel.DISTRICT, valid_to=date(2025, 6, 30)).count() >= 6
    )
    clerk = get_user_model().objects.get(username="vanthu.bdt")
    assert {Agency.objects.get(pk=pk).notation for pk in visible_agency_ids(clerk)} == {"SDTTG", "BDT"}
    one_stop = get_user_model().objects.get(username="motcua.xa-an-phu")
    assert Position.objects.current().get(user=one_stop).role_codes == [Role.ONE_STOP_OFFICER]
