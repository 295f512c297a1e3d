"""The demo year every screen shows: made through the services, consistent, seeded once.

One test seeds the demo province (org step + the documents step, ~30 s on SQLite) and checks
the year it holds, then opens the screens as the demo staff would."""

from __future__ import annotations

import sys
import time
from collections import defaultdict

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from cqs.audit.models import AuditEvent
from cqs.documents.demo import OFFICES, seed_documents
from cqs.documents.models import (
    Assignment,
    AssignmentStatus,
    Citation,
    Delivery,
    DeliveryStatus,
    Direction,
    Document,
    DocumentEvent,
    DocumentStatus,
    Urgency,
)
from cqs.documents.selectors import _window
from cqs.documents.tests.test_views_incoming import client_for
from cqs.org.demo import seed_agencies, seed_demo, seed_staff, seed_units
from cqs.org.models import Agency

pytestmark = pytest.mark.django_db


def _gapless(pairs: list[tuple[tuple[object, ...], int]]) -> None:
    series: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for key, number in pairs:
        series[key].append(number)
    for key, numbers in series.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), key


# Only the organisation and the documents year: later modules' steps add their own documents.
DOCUMENT_STEPS = [seed_agencies, seed_units, seed_staff, seed_documents]


def test_demo_year_of_documents_is_consistent_and_seeded_once(capsys):
    started = time.monotonic()
    ctx = seed_demo(steps=DOCUMENT_STEPS)
    seconds = time.monotonic() - started
    with capsys.disabled():
        sys.stdout.write(f"\nseed_demo (tổ chức + văn bản): {seconds:.1f} s\n")
    agencies = [ctx.agencies[o.key] for o in OFFICES]
    documents = Document.objects.filter(owner__in=agencies)

    # A year of documents, in both directions, for every demo agency.
    assert 300 <= documents.count() <= 600
    assert ctx.stats.created["documents.Document"] == documents.count()
    per_agency = dict(documents.values_list("owner").annotate(n=Count("id")))
    assert set(per_agency) == {a.pk for a in agencies} and min(per_agency.values()) >= 30
    today = timezone.localdate()
    oldest = documents.order_by("created_at").values_list("created_at", flat=True).first()
    assert oldest is not None and (today - timezone.localtime(oldest).date()).days > 300
    assert documents.filter(direction=Direction.OUTGOING, status=DocumentStatus.RELEASED).count() >= 80
    assert documents.filter(urgency__gte=Urgency.URGENT).count() >= 20
    assert documents.filter(urgency__gte=Urgency.FLASH).exists()

    # Through the services: numbers gapless per agency, series and year; a timeline and audit
    # events for each document; copies delivered to the recipients with their statuses.
    _gapless(
        [
            ((d.owner_id, d.series, d.registered_year), int(d.number))
            for d in documents.filter(direction=Direction.OUTGOING).exclude(number="")
        ]
    )
    _gapless(
        [
            ((d.owner_id, d.series, d.registered_year), d.arrival_number)
            for d in documents.filter(arrival_number__isnull=False)
            if d.arrival_number is not None
        ]
    )
    assert not documents.exclude(pk__in=DocumentEvent.objects.values("document_id")).exists()
    audited = set(
        AuditEvent.objects.filter(target_type="documents.document").values_list("target_id", flat=True)
    )
    assert {str(pk) for pk in documents.filter(source__isnull=True).values_list("pk", flat=True)} <= audited
    statuses = set(Delivery.objects.filter(recipient__in=agencies).values_list("status", flat=True))
    assert {DeliveryStatus.DONE, DeliveryStatus.ARRIVED} <= statuses
    assert documents.filter(direction=Direction.INCOMING, status=DocumentStatus.ARRIVED).exists()
    assert documents.filter(direction=Direction.INCOMING, status=DocumentStatus.RETURNED).exists() or (
        Delivery.objects.filter(status=DeliveryStatus.RETURNED).exists()
    )
    assert Citation.objects.filter(document__in=documents, target__isnull=False).exists()

    # Work in every state: overdue assignments still open today, some done late, drafts waiting.
    open_overdue = Assignment.objects.filter(
        document__in=documents,
        status__in=(AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS),
        document__status__in=(DocumentStatus.ROUTED, DocumentStatus.IN_PROGRESS),
        deadline__lt=today,
    )
    assert open_overdue.count() >= 3
    assert Assignment.objects.filter(document__in=documents, reminders__gt=0).exists()
    assert documents.filter(
        status__in=(DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, DocumentStatus.REVIEWED)
    ).exists()
    # The register of this year counts what was registered this year (the demo clock).
    since, until = _window(today.replace(month=1, day=1), today)
    assert documents.filter(registered_at__gte=since, registered_at__lt=until).exists()

    # A second run adds nothing and writes no audit event.
    count, events = Document.objects.count(), AuditEvent.objects.count()
    again = seed_demo(steps=DOCUMENT_STEPS)
    assert Document.objects.count() == count and AuditEvent.objects.count() == events
    assert not again.stats.changed

    # The screens show it to the demo staff.
    clerk = client_for(ctx.users["vanthu.bdt"])
    listing = clerk.get(reverse("documents:incoming")).content.decode()
    assert "badge-" in listing and "kết quả" in listing
    for name in ("documents:outgoing", "documents:my_work", "documents:follow_up", "documents:registers"):
        assert clerk.get(reverse(name)).status_code == 200, name
    sdttg = Agency.objects.get(pk=ctx.agencies["SDTTG"].pk)
    some = documents.filter(owner=sdttg, assignments__isnull=False).first()
    assert some is not None
    assert clerk.get(reverse("documents:detail", args=[some.pk])).status_code == 200
    # Another agency's clerk does not see the department's own documents (only its copies).
    outsider = client_for(ctx.users["vanthu.xa-an-phu"])
    for document in documents.filter(owner=sdttg).order_by("id")[:5]:
        assert outsider.get(reverse("documents:detail", args=[document.pk])).status_code == 404
