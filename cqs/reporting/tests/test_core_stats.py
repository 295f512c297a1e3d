"""Document counts per agency over a Decree-09 window, in Vietnam time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from cqs.documents.models import DocumentStatus, Secrecy
from cqs.documents.stats import ZERO, document_stats_by_agency
from cqs.reporting.tests.core_helpers import incoming, lead_assignment, outgoing, vn

pytestmark = pytest.mark.django_db

START, END = dt.date(2023, 6, 15), dt.date(2023, 9, 14)


def test_window_boundaries_in_vietnam_time(cast: Any) -> None:
    a = cast.commune_a
    outgoing(a, vn(2023, 6, 14, 23, 59))  # before the window
    outgoing(a, vn(2023, 6, 15, 0, 0))  # first minute
    outgoing(a, vn(2023, 9, 14, 23, 59))  # last minute
    outgoing(a, vn(2023, 9, 15, 0, 0))  # next period
    # 14/09 23:30 in Vietnam is 14/09 16:30 UTC; 15/09 00:30 Vietnam is 14/09 17:30 UTC.
    outgoing(a, dt.datetime(2023, 9, 14, 17, 30, tzinfo=dt.UTC))
    stats = document_stats_by_agency([a.pk], START, END)[a.pk]
    assert stats.outgoing == 2


def test_secret_excluded_recalled_counted_drafts_ignored(cast: Any) -> None:
    a = cast.commune_a
    outgoing(a, vn(2023, 7, 1))
    outgoing(a, vn(2023, 7, 2), electronic=False, signed=False)
    outgoing(a, vn(2023, 7, 3), status=DocumentStatus.RECALLED)
    outgoing(a, vn(2023, 7, 4), secrecy=Secrecy.SECRET, signed=False)
    outgoing(a, vn(2023, 7, 5), status=DocumentStatus.APPROVED)  # not issued
    stats = document_stats_by_agency([a.pk, cast.commune_b.pk], START, END)
    assert stats[a.pk].outgoing == 3
    assert stats[a.pk].outgoing_electronic == 2
    assert stats[a.pk].outgoing_signed == 2
    assert stats[a.pk].outgoing_secret == 1
    assert stats[cast.commune_b.pk] == ZERO


def test_incoming_and_work_files(cast: Any) -> None:
    a, b = cast.commune_a, cast.commune_b
    sent = outgoing(b, vn(2023, 7, 1))
    d1 = incoming(a, vn(2023, 7, 2), source=sent)  # from the platform
    d2 = incoming(a, vn(2023, 7, 3), electronic=True)
    d3 = incoming(a, vn(2023, 7, 4))  # paper
    incoming(a, vn(2023, 7, 5), secrecy=Secrecy.SECRET)
    incoming(a, vn(2023, 9, 15, 0, 1))  # next period
    by = cast.clerk_a
    lead_assignment(d1, by, cast.unit_a, vn(2023, 7, 2), vn(2023, 7, 10))
    lead_assignment(d2, by, cast.unit_a, vn(2023, 7, 3), vn(2023, 9, 20))  # done after the window
    lead_assignment(d3, by, cast.unit_a, vn(2023, 7, 4), None)
    stats = document_stats_by_agency([a.pk], START, END)[a.pk]
    assert (stats.incoming, stats.incoming_electronic) == (3, 2)
    assert (stats.work_files, stats.work_files_done) == (3, 1)
    assert (stats.exchanged, stats.exchanged_electronic) == (3, 2)


def test_query_count_does_not_grow_with_agencies(cast: Any, django_assert_max_num_queries: Any) -> None:
    ids = [cast.commune_a.pk, cast.commune_b.pk, cast.department.pk, cast.office.pk, cast.province.pk]
    # Three grouped queries; on PostgreSQL also the savepoint pair and "SET LOCAL jit = off".
    extra = 3 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(3 + extra):
        document_stats_by_agency(ids, START, END)
