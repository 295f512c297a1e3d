"""The built-in benchmarks. Imported by `python -m bench` once Django is set up."""

from __future__ import annotations

import time

from bench.generate import generate_province
from bench.harness import Figures, benchmark, summarize, time_calls
from cqs.audit.selectors import audit_chain_verify
from cqs.audit.services import audit_record
from cqs.org.models import Agency


@benchmark("audit_append")
def audit_append(events: int = 1000) -> Figures:
    """Events per second appended to the audit hash chain (one atomic block per event)."""
    if events < 1:
        raise ValueError("events must be at least 1")
    payload = {"văn_bản": "123/UBND-VP", "trạng_thái": "đã ký", "số_trang": 3}
    samples = time_calls(
        lambda: audit_record(actor=None, action="bench.append", agency_id=1, payload=payload),
        repeat=events,
        warmup=0,
    )
    total = sum(samples)
    verify_start = time.perf_counter()
    report = audit_chain_verify()
    verify_seconds = time.perf_counter() - verify_start
    return {
        "events": events,
        "seconds": round(total, 4),
        "events_per_second": round(events / total, 1),
        "append": summarize(samples),
        "verify_seconds": round(verify_seconds, 4),
        "chain_ok": report.ok,
    }


@benchmark("agency_visibility")
def agency_visibility(agencies: int = 200, repeat: int = 200, prefix: str = "Y01") -> Figures:
    """Time to list the agencies under one agency (Agency.objects.descendants_of) in a generated tree."""
    province = generate_province(agencies=agencies, staff_per_agency=0, prefix=prefix)
    root = province.province
    departments = [a for a in province.agencies if a.parent_id == root.pk and a.children.exists()]

    def ids_under(agency: Agency) -> list[int]:
        return list(Agency.objects.descendants_of(agency, include_self=True).values_list("id", flat=True))

    under_root = len(ids_under(root))
    figures: Figures = {
        "agencies": len(province.agencies),
        "visible_from_root": under_root,
        "root": summarize(time_calls(lambda: ids_under(root), repeat=repeat)),
    }
    if departments:
        department = departments[0]
        figures["visible_from_department"] = len(ids_under(department))
        figures["department"] = summarize(time_calls(lambda: ids_under(department), repeat=repeat))
    cycle = iter(province.agencies * (repeat // len(province.agencies) + 1))
    figures["any_agency"] = summarize(time_calls(lambda: ids_under(next(cycle)), repeat=repeat, warmup=0))
    return figures
