"""`dossier_stats_by_agency` and `procedure_stats_by_agency` on a crafted set, exact numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cqs.onestop.models import (
    Channel,
    DossierComponent,
    DossierPause,
    DossierStatus,
    OnlineLevel,
    Payment,
    PaymentState,
    Rating,
)
from cqs.onestop.stats import DossierStats, dossier_stats_by_agency, procedure_stats_by_agency
from cqs.onestop.testing import at, make_dossier, make_procedure

D = date


def build(world: Any) -> tuple[int, int]:
    a, b = world.cast.commune_a, world.cast.commune_b
    partial = world.version
    full = make_procedure(
        code="1.000894.000.00.00.H55", name="Đăng ký khai tử", online_level=OnlineLevel.FULL
    )

    def mk(**kw: Any) -> Any:
        kw.setdefault("version", partial)
        kw.setdefault("agency", a)
        return make_dossier(**kw)

    mk(received=D(2025, 9, 20), due=D(2025, 9, 25), finished=D(2025, 9, 25))  # before the window
    mk(received=D(2025, 9, 25), due=D(2025, 9, 30))  # carried over, overdue at end
    d3 = mk(received=D(2025, 9, 26), due=D(2025, 10, 3), finished=D(2025, 10, 3))  # carried over, on time
    d4 = mk(
        received=D(2025, 10, 2),
        due=D(2025, 10, 7),
        finished=D(2025, 10, 5),
        channel=Channel.ONLINE,
        result_digitised=True,
    )  # early
    mk(received=D(2025, 10, 10), due=D(2025, 10, 15), finished=D(2025, 11, 3), version=full)  # overdue at end
    d6 = mk(received=D(2025, 10, 20), due=D(2025, 11, 5), channel=Channel.POSTAL)  # within
    d7 = mk(
        received=D(2025, 10, 21),
        due=D(2025, 10, 24),
        finished=D(2025, 10, 28),
        channel=Channel.ONLINE,
        fee=50_000,
        result_digitised=True,
    )  # late, paid online
    d8 = mk(received=D(2025, 10, 25), due=D(2025, 10, 29), status=DossierStatus.SUPPLEMENT)  # paused at end
    mk(received=D(2025, 11, 2), due=D(2025, 11, 5))  # after the window
    mk(
        received=None,
        status=DossierStatus.SUBMITTED,
        channel=Channel.ONLINE,
        submitted_at=at(D(2025, 10, 30)),
    )
    mk(received=D(2025, 10, 5), due=D(2025, 10, 8), agency=b)
    DossierPause.objects.create(
        dossier=d8,
        reason="- Giấy chứng sinh",
        resume_status=DossierStatus.PROCESSING,
        requested_by=world.officer_a,
        requested_at=at(D(2025, 10, 27)),
    )
    source = DossierComponent.objects.create(dossier=d3, name="Giấy chứng sinh", digitised=True)
    DossierComponent.objects.create(dossier=d4, name="Tờ khai", digitised=True)
    DossierComponent.objects.create(dossier=d4, name="Giấy chứng sinh", digitised=True, reused_from=source)
    DossierComponent.objects.create(dossier=d6, name="Tờ khai", is_paper=True)
    Payment.objects.create(
        dossier=d7,
        amount=50_000,
        provider="demo",
        reference="GD1",
        status=PaymentState.PAID,
        expires_at=at(D(2025, 10, 21), 11),
        paid_at=at(D(2025, 10, 21), 10),
    )
    Rating.objects.create(dossier=d4, score=4, rated_at=at(D(2025, 10, 6)))
    Rating.objects.create(dossier=d3, score=2, rated_at=at(D(2025, 10, 4)))
    Rating.objects.create(dossier=d7, score=3, rated_at=at(D(2025, 9, 30)))
    return a.pk, b.pk


def test_exact_numbers_on_a_crafted_set(world: Any) -> None:
    a, b = build(world)
    stats = dossier_stats_by_agency([a, b], D(2025, 10, 1), D(2025, 10, 31))
    assert stats[a] == DossierStats(
        received=5,
        received_online=2,
        received_counter=2,
        received_postal=1,
        carried_over=2,
        online_partial=2,
        partial_total=4,
        online_full=0,
        full_total=1,
        components_total=3,
        components_digitised=2,
        components_reused=1,
        resolved=3,
        resolved_early=1,
        resolved_on_time=1,
        resolved_late=1,
        results_digitised=2,
        in_progress=4,
        in_progress_within=2,
        in_progress_overdue=2,
        fee_dossiers=1,
        paid_online=1,
        ratings=2,
        ratings_satisfied=1,
    )
    assert stats[a].balanced and stats[a].total == 7
    assert stats[b].received == 1 and stats[b].in_progress == 1 and stats[b].in_progress_overdue == 1


def test_a_few_queries_whatever_the_number_of_agencies(world: Any) -> None:
    a, b = build(world)
    with CaptureQueriesContext(connection) as queries:
        dossier_stats_by_agency([a, b, world.cast.department.pk], D(2025, 10, 1), D(2025, 10, 31))
    assert len(queries.captured_queries) <= 12


def test_agency_without_dossiers_gets_zeros(world: Any) -> None:
    stats = dossier_stats_by_agency([world.cast.department.pk], D(2025, 1, 1), D(2025, 12, 31))
    assert stats[world.cast.department.pk].received == 0 and stats[world.cast.department.pk].balanced


def test_procedures_offered_by_level_or_competent_agency(world: Any) -> None:
    make_procedure(code="1.000894.000.00.00.H55", name="Đăng ký khai tử", online_level=OnlineLevel.FULL)
    make_procedure(
        code="1.000105.000.00.00.H55",
        name="Lý lịch tư pháp",
        level="so_ban_nganh",
        competent_agency=world.cast.department,
        online_level=OnlineLevel.NONE,
    )
    make_procedure(code="1.000106.000.00.00.H55", name="Thủ tục sau", effective_from=D(2026, 1, 1))
    stats = procedure_stats_by_agency(
        [world.cast.commune_a.pk, world.cast.department.pk, world.cast.office.pk], D(2025, 10, 1)
    )
    assert stats[world.cast.commune_a.pk].offered == 2
    assert (
        stats[world.cast.commune_a.pk].full_online == 1 and stats[world.cast.commune_a.pk].partial_online == 1
    )
    assert stats[world.cast.department.pk].offered == 1 and stats[world.cast.department.pk].not_online == 1
    assert stats[world.cast.office.pk].offered == 0
