"""Signing throughput, found by `python -m bench` (it imports each installed app's `benchmarks`)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench.harness import Figures, benchmark, summarize
from cqs.org.models import Agency, AgencyKind, AgencyLevel, Position, PositionRole, Role
from cqs.rendering.pdf import render_pdf_with_layout
from cqs.rendering.samples import sample_it_report
from cqs.signing.demo import ensure_demo_pki
from cqs.signing.models import Certificate, CertificateKind
from cqs.signing.pki import KeyType
from cqs.signing.placement import field_placement_for
from cqs.signing.services import BulkItem, bulk_sign


@contextmanager
def _one_core() -> Iterator[int | None]:
    """Pin the process to one CPU while measuring (where the OS allows it)."""
    if not hasattr(os, "sched_setaffinity"):
        yield None
        return
    before = os.sched_getaffinity(0)
    core = min(before)
    os.sched_setaffinity(0, {core})
    try:
        yield core
    finally:
        os.sched_setaffinity(0, before)


def _leader() -> Any:
    from django.contrib.auth import get_user_model

    agency = Agency.objects.create(
        code="000.00.00.B01",
        name="Ủy ban nhân dân tỉnh Đo Đạc",
        notation="UBND",
        kind=AgencyKind.PROVINCIAL_COMMITTEE,
        level=AgencyLevel.PROVINCE,
        place_name="Đo Đạc",
    )
    user = get_user_model().objects.create(username="bench.lanhdao", full_name="Nguyễn Văn Đo")
    position = Position.objects.create(user=user, agency=agency, title="Chủ tịch")
    PositionRole.objects.create(position=position, role=Role.LEADER)
    return user


def _run(user: Any, certificate: Certificate, items: list[BulkItem], *, visible: bool) -> dict[str, Any]:
    stamps: list[float] = []
    start = time.perf_counter()
    outcomes = bulk_sign(
        by=user,
        items=items,
        certificate=certificate,
        visible=visible,
        reauth_ok=True,
        progress=lambda done, total: stamps.append(time.perf_counter()),
    )
    seconds = time.perf_counter() - start
    if not all(o.ok for o in outcomes):
        raise RuntimeError(next(o.error for o in outcomes if not o.ok))
    samples = [b - a for a, b in zip([start, *stamps[:-1]], stamps, strict=True)]
    return {
        "documents": len(items),
        "seconds": round(seconds, 4),
        "documents_per_second": round(len(items) / seconds, 2),
        "per_document": summarize(samples),
    }


@benchmark("signing_throughput")
def signing_throughput(documents: int = 30, key_type: str = "rsa") -> Figures:
    """Documents signed per second on one core (leader PAdES signature, demo PKI), visible and not."""
    if documents < 1:
        raise ValueError("documents must be at least 1")
    kind: KeyType = "ec" if key_type == "ec" else "rsa"
    user = _leader()
    ensure_demo_pki(key_type=kind)
    certificate = Certificate.objects.get(kind=CertificateKind.PERSONAL, owner_user=user)
    doc = sample_it_report(number=None, issued_on=None)
    rendering = render_pdf_with_layout(doc)
    fields = field_placement_for(doc)
    items = [
        BulkItem(f"doc-{i}", rendering.content, box=rendering.signature_box, fields=fields)
        for i in range(documents)
    ]
    with _one_core() as core:
        _run(user, certificate, items[:2], visible=True)  # warm-up: fonts, imports
        visible = _run(user, certificate, items, visible=True)
        invisible = _run(user, certificate, items, visible=False)
    return {
        "key": certificate.key_description,
        "pdf_bytes": len(rendering.content),
        "pages": rendering.page_count,
        "pinned_core": core,
        "visible": visible,
        "invisible": invisible,
        "goal_met": visible["documents_per_second"] >= 5 and invisible["documents_per_second"] >= 15,
    }
