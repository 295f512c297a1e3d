"""Numbers and notations (Decree 30/2020 art. 15 and 22; regulations.md §1.5).

Numbers run per agency, per calendar year and per series (outgoing, incoming, and the
secret outgoing and incoming series), start at 01 on 1 January and have no gaps. The
counter row is locked until the caller's transaction ends, so two clerks releasing at the
same moment get consecutive numbers, and a release that fails rolls its number back.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from cqs.core.doctypes import type_by_name
from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import VN_TZ
from cqs.documents.models import RegisterCounter, RegisterSeries, Secrecy
from cqs.org.models import Agency, Unit


def register_year(moment: date | datetime) -> int:
    """The register year of a release or registration: its date in Vietnam."""
    if isinstance(moment, datetime):
        return moment.astimezone(VN_TZ).year
    return moment.year


def next_number(*, agency: Agency, year: int, series: str) -> int:
    """The next number of `series` for `agency` in `year`, reserved until the transaction ends.

    Call it inside the transaction that stores the number: the counter stays locked
    (SELECT … FOR UPDATE; SQLite serialises writers anyway) until that transaction commits,
    and rolls back with it.
    """
    if series not in RegisterSeries.values:
        raise ValueError(f"Unknown register series: {series!r}")
    with transaction.atomic():
        # get_or_create first: the row must exist before it can be locked. Two first
        # releases of a year race on the unique constraint; the loser reads the winner's row.
        RegisterCounter.objects.get_or_create(agency=agency, year=year, series=series)
        counter = RegisterCounter.objects.select_for_update().get(agency=agency, year=year, series=series)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return counter.last_number


def format_number(number: int) -> str:
    """Numbers below 10 take a leading zero: 5 → "05" (Decree 30, PL I §II.3)."""
    if number < 1:
        raise ValueError("Số văn bản bắt đầu từ 01.")
    return f"{number:02d}"


def outgoing_series(secrecy: int) -> str:
    return RegisterSeries.OUTGOING_SECRET if secrecy > Secrecy.NONE else RegisterSeries.OUTGOING


def incoming_series(secrecy: int) -> str:
    return RegisterSeries.INCOMING_SECRET if secrecy > Secrecy.NONE else RegisterSeries.INCOMING


def build_notation(*, doc_type: str, agency: Agency, drafting_unit: Unit | None = None) -> str:
    """'BC-BDT' for a typed document; 'UBND-VP' for a công văn (agency, then drafting unit)."""
    kind = type_by_name(doc_type)
    if kind is None:
        raise ApplicationError(f"Không có loại văn bản “{doc_type}” trong danh mục.", code="doc_type")
    if kind.code is not None:
        return f"{kind.code}-{agency.notation}"
    if drafting_unit is None:
        raise ApplicationError(
            f"{doc_type} cần có đơn vị soạn thảo để ghi ký hiệu (ví dụ {agency.notation}-VP).",
            code="drafting_unit",
        )
    return f"{agency.notation}-{drafting_unit.notation}"
