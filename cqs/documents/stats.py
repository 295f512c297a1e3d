"""Document counts per owner agency over a reporting window (for `cqs.reporting`).

The window is a range of dates in Vietnam time (Asia/Ho_Chi_Minh), both ends included:
15/06/2023–14/09/2023 covers [15/06/2023 00:00, 15/09/2023 00:00) local time, so a
document released at 23:59 on 14/09 counts and one released at 00:00 on 15/09 does not.

Rules (the samples count "văn bản đi … trừ văn bản mật" issued in the window):

* outgoing: direction "di", released within the window (``released_at``) and issued, i.e.
  status "đã phát hành" or "đã thu hồi". A recalled document was issued in the window —
  its number was used and it reached its recipients — so it stays in the count of that
  period, and a report for a past period does not change when a document is recalled later.
* incoming: direction "den", entered in the register (``registered_at``) within the window,
  whatever happened to it afterwards (same reason).
* secret documents (``secrecy`` > 0) are excluded everywhere; they never travel
  electronically and the reports count them apart.
* outgoing electronic: ``is_electronic``; digitally signed: ``is_digitally_signed``.
* incoming electronic: received from another agency on the platform (``source`` set) or
  otherwise received as an electronic document (``is_electronic``).
* work files (hồ sơ công việc): the lead assignments ("chủ trì") given within the window on
  the agency's non-secret incoming documents; handled on the platform = completed on the
  platform by the end of the window.

Every function runs a fixed number of grouped queries whatever the number of agencies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Q

from cqs.documents.models import (
    ISSUED_STATUSES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Direction,
    Document,
    Secrecy,
)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class DocumentStats:
    outgoing: int  # non-secret outgoing documents issued in the window
    outgoing_electronic: int  # … of them sent as electronic documents
    outgoing_signed: int  # … of them digitally signed
    outgoing_secret: int  # secret outgoing documents issued in the window (reported apart)
    incoming: int  # non-secret incoming documents registered in the window
    incoming_electronic: int  # … of them received electronically
    work_files: int  # lead assignments given in the window on non-secret incoming documents
    work_files_done: int  # … of them completed on the platform by the end of the window

    @property
    def exchanged(self) -> int:
        return self.outgoing + self.incoming

    @property
    def exchanged_electronic(self) -> int:
        return self.outgoing_electronic + self.incoming_electronic


ZERO = DocumentStats(0, 0, 0, 0, 0, 0, 0, 0)


def window_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in Vietnam time, as aware datetimes."""
    if end < start:
        raise ValueError("Kỳ số liệu kết thúc trước khi bắt đầu.")
    lower = dt.datetime.combine(start, dt.time.min, tzinfo=VIETNAM)
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=VIETNAM)
    return lower, upper


def document_stats_by_agency(
    agency_ids: Collection[int], start: dt.date, end: dt.date
) -> dict[int, DocumentStats]:
    """One `DocumentStats` per agency id (zeros for agencies without documents), in three
    grouped queries (outgoing, incoming, assignments) for all agencies together."""
    ids = list(dict.fromkeys(agency_ids))
    if not ids:
        return {}
    if connection.vendor != "postgresql":
        return _document_stats(ids, start, end)
    with transaction.atomic():
        # Index-only aggregates over a quarter: PostgreSQL's JIT would spend longer compiling
        # them than running them.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        return _document_stats(ids, start, end)


def _document_stats(ids: list[int], start: dt.date, end: dt.date) -> dict[int, DocumentStats]:
    lower, upper = window_bounds(start, end)
    counts: dict[int, dict[str, int]] = {i: {} for i in ids}
    not_secret = Q(secrecy=Secrecy.NONE)
    outgoing = (
        Document.objects.filter(
            owner_id__in=ids,
            direction=Direction.OUTGOING,
            status__in=ISSUED_STATUSES,
            released_at__gte=lower,
            released_at__lt=upper,
        )
        .values("owner_id")
        .annotate(
            outgoing=Count("pk", filter=not_secret),
            outgoing_electronic=Count("pk", filter=not_secret & Q(is_electronic=True)),
            outgoing_signed=Count("pk", filter=not_secret & Q(is_digitally_signed=True)),
            outgoing_secret=Count("pk", filter=~not_secret),
        )
        .order_by()
    )
    for row in outgoing:
        counts[row.pop("owner_id")].update(row)
    incoming = (
        Document.objects.filter(
            owner_id__in=ids,
            direction=Direction.INCOMING,
            secrecy=Secrecy.NONE,
            registered_at__gte=lower,
            registered_at__lt=upper,
        )
        .values("owner_id")
        .annotate(
            incoming=Count("pk"),
            incoming_electronic=Count("pk", filter=Q(source__isnull=False) | Q(is_electronic=True)),
        )
        .order_by()
    )
    for row in incoming:
        counts[row.pop("owner_id")].update(row)
    work = (
        Assignment.objects.filter(
            document__owner_id__in=ids,
            document__direction=Direction.INCOMING,
            document__secrecy=Secrecy.NONE,
            role=AssignmentRole.LEAD,
            parent__isnull=True,
            assigned_at__gte=lower,
            assigned_at__lt=upper,
        )
        .values("document__owner_id")
        .annotate(
            work_files=Count("pk"),
            work_files_done=Count("pk", filter=Q(status=AssignmentStatus.DONE, completed_at__lt=upper)),
        )
        .order_by()
    )
    for row in work:
        counts[row.pop("document__owner_id")].update(row)
    return {
        agency_id: DocumentStats(**{name: values.get(name, 0) for name in ZERO.__dataclass_fields__})
        for agency_id, values in counts.items()
    }
