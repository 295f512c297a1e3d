"""Gapless numbering under load: many clerks releasing (or registering) at the same moment.

Each thread has its own database connection, so on PostgreSQL the releases really run in
parallel and meet on the counter row's lock. 50 threads stay well inside PostgreSQL's
default max_connections (100).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from cqs.audit.selectors import audit_chain_verify
from cqs.documents.models import (
    Delivery,
    Direction,
    Document,
    DocumentStatus,
    RegisterCounter,
    RegisterSeries,
)
from cqs.documents.services import incoming_register, outgoing_release
from cqs.documents.tests.test_services_common import World, approved, incoming_data, world

THREADS = 50

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent SELECT … FOR UPDATE needs PostgreSQL; SQLite serialises writers anyway",
    ),
]


def _run_together(work: Callable[[int], None]) -> list[BaseException]:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def runner(n: int) -> None:
        try:
            barrier.wait()
            work(n)
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _approved_documents(w: World, count: int) -> list[int]:
    """One document taken through draft, review and approval by the services, then cloned:
    the clones are what the release sees, without 200 setup calls before the race."""
    model = approved(w)
    clones = []
    for n in range(count - 1):
        clone = Document.objects.get(pk=model.pk)
        clone.pk = None
        clone.subject = f"{model.subject} ({n + 2})"
        clones.append(clone)
    Document.objects.bulk_create(clones)
    Document.recipient_agencies.through.objects.bulk_create(
        Document.recipient_agencies.through(document_id=c.pk, agency_id=w.commune_b.pk) for c in clones
    )
    return [model.pk, *(c.pk for c in clones)]


def test_fifty_simultaneous_releases_take_numbers_1_to_50(cast):
    w = world(cast)
    ids = _approved_documents(w, THREADS)

    def release(n: int) -> None:
        outgoing_release(by=w.clerk_a, document=Document.objects.get(pk=ids[n]))

    errors = _run_together(release)

    assert errors == []
    released = Document.objects.filter(pk__in=ids)
    assert {d.status for d in released} == {DocumentStatus.RELEASED}
    assert sorted(int(d.number) for d in released) == list(range(1, THREADS + 1))
    counter = RegisterCounter.objects.get(agency=w.commune_a, series=RegisterSeries.OUTGOING)
    assert counter.last_number == THREADS
    # Every release delivered its copy to commune B, and the audit chain stayed one chain.
    assert Document.objects.filter(owner=w.commune_b, direction=Direction.INCOMING).count() == THREADS
    assert Delivery.objects.filter(document_id__in=ids, received_document__isnull=False).count() == THREADS
    assert audit_chain_verify().ok


def test_fifty_simultaneous_registrations_take_arrival_numbers_1_to_50(cast):
    w = world(cast)

    def register(n: int) -> None:
        incoming_register(by=w.clerk_a, owner=w.commune_a, data=incoming_data(number=str(100 + n)))

    errors = _run_together(register)

    assert errors == []
    numbers = Document.objects.filter(owner=w.commune_a).values_list("arrival_number", flat=True)
    assert sorted(n or 0 for n in numbers) == list(range(1, THREADS + 1))
