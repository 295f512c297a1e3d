"""The demo step: a catalogue of ≥ 30 procedures, a year of dossiers that looks like the
samples, the citizen account, and a second run that changes nothing."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cqs.onestop.models import Dossier, Procedure
from cqs.onestop.stats import dossier_stats_by_agency
from cqs.org.demo import seed_demo
from cqs.org.models import Agency


@pytest.mark.django_db
def test_demo_year_is_realistic_and_idempotent() -> None:
    from cqs.onestop.demo import seed_onestop
    from cqs.org.demo import seed_agencies, seed_staff, seed_units

    started = time.monotonic()
    ctx = seed_demo(steps=[seed_agencies, seed_units, seed_staff, seed_onestop])
    assert time.monotonic() - started < 60
    assert Procedure.objects.count() >= 30
    citizen = get_user_model().objects.get(username="congdan")
    assert Dossier.objects.filter(owner=citizen).count() >= 5
    agencies = [ctx.agencies[k].pk for k in ("xa-an-phu", "xa-thanh-lam", "SNV")]
    today = timezone.localdate()
    stats = dossier_stats_by_agency(agencies, today - timedelta(days=365), today)
    total = stats[agencies[0]]
    assert total.received > 250 and total.balanced
    assert 0.80 < total.online_partial / total.partial_total < 0.93
    assert total.components_digitised / total.components_total > 0.97
    assert total.components_reused > 0
    assert 0 < total.resolved_late < total.resolved * 0.06
    assert total.results_digitised / total.resolved > 0.95
    assert total.ratings > 0 and total.paid_online > 0
    count = Dossier.objects.count()
    seed_demo(steps=[seed_agencies, seed_units, seed_staff, seed_onestop])
    assert Dossier.objects.count() == count
    assert Dossier.objects.filter(agency__in=agencies, status="cho_bo_sung", is_paused=True).exists()
    assert Agency.objects.filter(pk__in=agencies).count() == 3
