"""Crafting documents and assignments for report-core tests (no factories in documents yet)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from cqs.documents.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Direction,
    Document,
    DocumentStatus,
    Secrecy,
)
from cqs.org.models import Agency

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_numbers = itertools.count(1)


def vn(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def outgoing(
    owner: Agency,
    released_at: dt.datetime,
    *,
    secrecy: int = Secrecy.NONE,
    electronic: bool = True,
    signed: bool = True,
    status: str = DocumentStatus.RELEASED,
) -> Document:
    return Document.objects.create(
        owner=owner,
        direction=Direction.OUTGOING,
        doc_type="Công văn",
        issuing_agency_name=owner.name,
        subject="Về việc báo cáo kết quả ứng dụng công nghệ thông tin",
        status=status,
        number=""
        if status not in (DocumentStatus.RELEASED, DocumentStatus.RECALLED)
        else str(next(_numbers)),
        notation="UBND",
        series="di" if secrecy == Secrecy.NONE else "di_mat",
        registered_year=released_at.year,
        secrecy=secrecy,
        is_electronic=electronic and secrecy == Secrecy.NONE,
        is_digitally_signed=signed,
        released_at=released_at,
    )


def incoming(
    owner: Agency,
    registered_at: dt.datetime,
    *,
    secrecy: int = Secrecy.NONE,
    electronic: bool = False,
    source: Document | None = None,
) -> Document:
    return Document.objects.create(
        owner=owner,
        direction=Direction.INCOMING,
        doc_type="Công văn",
        issuing_agency_name="Sở Thông tin và Truyền thông",
        subject="Về việc đôn đốc báo cáo",
        status=DocumentStatus.REGISTERED,
        series="den" if secrecy == Secrecy.NONE else "den_mat",
        arrival_number=next(_numbers),
        registered_year=registered_at.year,
        secrecy=secrecy,
        is_electronic=electronic,
        source=source,
        registered_at=registered_at,
    )


def lead_assignment(
    document: Document, by: Any, unit: Any, assigned_at: dt.datetime, done_at: dt.datetime | None
) -> Assignment:
    assignment = Assignment.objects.create(
        document=document,
        role=AssignmentRole.LEAD,
        unit=unit,
        assigned_by=by,
        status=AssignmentStatus.DONE if done_at else AssignmentStatus.IN_PROGRESS,
        completed_at=done_at,
    )
    Assignment.objects.filter(pk=assignment.pk).update(assigned_at=assigned_at)
    return assignment
