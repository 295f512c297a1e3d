"""Generator step ``dossiers``: a year of one-stop dossiers for the synthetic province.

    python -m bench.generate --agencies 200 --staff-per-agency 5 --dossiers 1000000

A small benchmark catalogue (commune and department procedures, every online level) is
created once; dossiers are spread over the last 365 days and over the province's agencies
(communes receive most), with realistic channels (≈ 86 % online for partly-online
procedures), due dates from the working-day calendar, and outcomes: most resolved early or
on time, a few late, some refused or withdrawn, the recent ones still open (some paused for
a supplement, some overdue). Codes follow ``<agency>-<yymmdd>-<nnnn>`` and the day counters
are moved past them. Rows go in with ``bulk_create`` in batches, one transaction a batch,
then the table is ANALYZEd. Only dossier rows are made (no components, events or files).

Idempotent per province: only the missing dossiers are created."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections import defaultdict

from django.db import connection, reset_queries, transaction
from django.utils import timezone

from bench.generate import DEFAULT_BATCH_SIZE, StepContext, generator_step
from cqs.core.workcalendar import VN_TZ, get_calendar
from cqs.onestop.models import (
    Channel,
    Dossier,
    DossierSequence,
    DossierStatus,
    OnlineLevel,
    PaymentStatus,
    Procedure,
    ProcedureVersion,
)
from cqs.org.models import Agency, AgencyLevel

S = DossierStatus
DAYS = 365
BULK_BATCH_SIZE = 10_000
# (code, name, level, days, fee, online level)
CATALOGUE = (
    ("1.001193", "Đăng ký khai sinh", AgencyLevel.COMMUNE, 1, 0, OnlineLevel.PARTIAL),
    ("1.000894", "Đăng ký kết hôn", AgencyLevel.COMMUNE, 1, 0, OnlineLevel.PARTIAL),
    ("1.000656", "Đăng ký khai tử", AgencyLevel.COMMUNE, 1, 0, OnlineLevel.FULL),
    ("2.000908", "Chứng thực bản sao từ bản chính", AgencyLevel.COMMUNE, 0, 2000, OnlineLevel.NONE),
    ("1.001612", "Đăng ký thành lập hộ kinh doanh", AgencyLevel.COMMUNE, 3, 100000, OnlineLevel.PARTIAL),
    (
        "1.009994",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        AgencyLevel.COMMUNE,
        15,
        75000,
        OnlineLevel.PARTIAL,
    ),
    ("2.000488", "Cấp Phiếu lý lịch tư pháp", AgencyLevel.DEPARTMENT, 10, 200000, OnlineLevel.FULL),
    ("1.001053", "Cấp giấy phép lao động", AgencyLevel.DEPARTMENT, 5, 600000, OnlineLevel.FULL),
    (
        "1.009972",
        "Cấp giấy phép xây dựng công trình",
        AgencyLevel.DEPARTMENT,
        20,
        150000,
        OnlineLevel.PARTIAL,
    ),
)


def _catalogue(prefix: str) -> dict[str, list[ProcedureVersion]]:
    by_level: dict[str, list[ProcedureVersion]] = defaultdict(list)
    for code, name, level, days, fee, online in CATALOGUE:
        procedure, _ = Procedure.objects.get_or_create(
            code=f"{code}.000.00.00.{prefix}", defaults={"name": name, "field": "Thử nghiệm", "level": level}
        )
        version, _ = ProcedureVersion.objects.get_or_create(
            procedure=procedure,
            number=1,
            defaults={
                "effective_from": dt.date(2024, 1, 1),
                "processing_days": days,
                "fee": fee,
                "online_level": online,
                "result_type": name,
            },
        )
        by_level[level].append(version)
    return by_level


def _say(message: str) -> None:
    """Progress of a long load, on stderr (stdout carries the generator's JSON summary)."""
    sys.stderr.write(f"dossiers: {message}\n")
    sys.stderr.flush()


@generator_step("dossiers")
def generate_dossiers(context: StepContext, target: int) -> int:
    """Bring the province's dossiers up to `target`; return how many were created."""
    agencies: list[Agency] = [
        a for a in context.agencies if a.level in (AgencyLevel.COMMUNE, AgencyLevel.DEPARTMENT)
    ]
    if not agencies:
        return 0
    have = Dossier.objects.filter(agency__in=agencies).count()
    missing = max(0, target - have)
    if missing == 0:
        return 0
    rng = context.rng
    versions = _catalogue(context.prefix)
    weights = [3 if a.level == AgencyLevel.COMMUNE else 2 for a in agencies]
    calendar = get_calendar()
    today = timezone.now().astimezone(VN_TZ).date()
    days = [d for d in (today - dt.timedelta(days=i) for i in range(DAYS)) if calendar.is_working_day(d)]
    days.sort()
    due_cache: dict[tuple[dt.date, int], dt.date] = {}
    sequences: dict[tuple[int, dt.date], int] = defaultdict(int)
    for agency_id, day, last in DossierSequence.objects.filter(agency__in=agencies).values_list(
        "agency_id", "day", "last_number"
    ):
        sequences[(agency_id, day)] = last
    batch_size = BULK_BATCH_SIZE if context.batch_size == DEFAULT_BATCH_SIZE else context.batch_size
    started = time.perf_counter()
    created = 0
    while created < missing:
        size = min(batch_size, missing - created)
        batch: list[Dossier] = []
        for i in range(size):
            agency = rng.choices(agencies, weights=weights)[0]
            version = rng.choice(versions[agency.level])
            day = days[min(len(days) - 1, (created + i) * len(days) // missing)]
            moment = dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=VN_TZ)
            key = (day, version.processing_days)
            if key not in due_cache:
                due_cache[key] = calendar.add_working_days(day, version.processing_days)
            due = due_cache[key]
            online = version.online_level == OnlineLevel.FULL or (
                version.online_level == OnlineLevel.PARTIAL and rng.random() < 0.865
            )
            sequences[(agency.pk, day)] += 1
            roll = rng.random()
            finished_on = None
            if due < today or roll < 0.5:
                shift = 1 if roll < 0.03 else (0 if roll < 0.35 else -1)
                finished_on = min(max(day, calendar.add_working_days(due, shift)), today)
            if finished_on is not None and finished_on > today - dt.timedelta(days=3) and roll < 0.2:
                finished_on = None  # still open, some of them overdue
            status = S.PROCESSING
            if finished_on is not None:
                status = S.REFUSED if roll > 0.985 else (S.WITHDRAWN if roll > 0.98 else S.RETURNED)
            elif roll > 0.9:
                status = S.SUPPLEMENT
            finished_at = (
                dt.datetime.combine(finished_on, dt.time(16), tzinfo=VN_TZ)
                if finished_on is not None
                else None
            )
            batch.append(
                Dossier(
                    code=f"{agency.code}-{day:%y%m%d}-{sequences[(agency.pk, day)]:04d}",
                    version=version,
                    agency=agency,
                    receiving_agency=agency,
                    channel=Channel.ONLINE
                    if online
                    else (Channel.POSTAL if roll < 0.02 else Channel.COUNTER),
                    applicant_name="Nguyễn Văn An",
                    applicant_id_number=f"0{rng.randint(10_000_000_000, 99_999_999_999)}",
                    created_at=moment,
                    submitted_at=moment if online else None,
                    received_at=moment,
                    appointment_date=due,
                    due_date=due,
                    finished_at=finished_at,
                    finished_on=finished_on,
                    returned_at=finished_at if status == S.RETURNED else None,
                    status=status,
                    is_paused=status == S.SUPPLEMENT,
                    fee=version.fee,
                    payment_status=PaymentStatus.PAID if version.fee else PaymentStatus.NO_FEE,
                    result_digitised=status == S.RETURNED and roll < 0.99,
                )
            )
        with transaction.atomic():
            Dossier.objects.bulk_create(batch, batch_size=batch_size)
        reset_queries()
        created += size
        if missing >= 50_000 and created % (batch_size * 10) < size:
            _say(f"{created}/{missing} rows in {time.perf_counter() - started:.0f} s")
    DossierSequence.objects.bulk_create(
        [DossierSequence(agency_id=a, day=d, last_number=n) for (a, d), n in sequences.items()],
        update_conflicts=True,
        unique_fields=["agency", "day"],
        update_fields=["last_number"],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"ANALYZE {Dossier._meta.db_table}" if connection.vendor == "postgresql" else "ANALYZE"
        )
    return created
