"""Dossier codes under load: 30 one-stop officers receiving at one agency at the same moment
get distinct, gapless sequence numbers (PostgreSQL: real parallel transactions)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from cqs.onestop import services as s
from cqs.onestop.models import Dossier, DossierSequence

THREADS = 30

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent SELECT … FOR UPDATE needs PostgreSQL; SQLite serialises writers anyway",
    ),
]


def test_thirty_simultaneous_receptions_get_distinct_gapless_numbers(world: Any) -> None:
    required = [c.pk for c in world.version.components.filter(is_required=True)]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def runner(n: int) -> None:
        try:
            barrier.wait()
            s.receive_at_counter(
                actor=world.officer_a,
                version=world.version,
                agency=world.cast.commune_a,
                applicant=s.ApplicantData(name=f"Người nộp {n}", id_number=f"0511900{n:05d}"),
                checked=required,
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in Dossier.objects.values_list("code", flat=True))
    assert numbers == list(range(1, THREADS + 1))
    assert DossierSequence.objects.get().last_number == THREADS
