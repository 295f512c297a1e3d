"""Citation links between documents, both directions."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

import pytest

from cqs.documents.links import (
    cited_by,
    cites,
    link_citations,
    normal_number,
    notation_variants,
    number_variants,
    relink_citations_to,
)
from cqs.documents.models import Citation, Direction, Document, DocumentFile, DocumentStatus

pytestmark = pytest.mark.django_db

_arrival = count(1)


def outgoing(owner: Any, number: str, notation: str, issued_on: dt.date, **fields: Any) -> Document:
    values: dict[str, Any] = {
        "doc_type": "Kế hoạch",
        "subject": f"Văn bản {number}/{notation}",
        "status": DocumentStatus.RELEASED,
        "series": "di",
        "registered_year": issued_on.year,
    }
    values.update(fields)
    return Document.objects.create(
        owner=owner,
        direction=Direction.OUTGOING,
        number=number,
        notation=notation,
        issued_on=issued_on,
        issuing_agency=owner,
        issuing_agency_name=owner.name,
        **values,
    )


def incoming(owner: Any, number: str, notation: str, issued_on: dt.date, **fields: Any) -> Document:
    source: Document | None = fields.pop("source", None)
    values: dict[str, Any] = {
        "doc_type": "Công văn",
        "subject": f"Văn bản đến {number}/{notation}",
        "status": DocumentStatus.REGISTERED,
        "series": "den",
        "issuing_agency_name": source.issuing_agency_name if source else "Bộ Nội vụ",
        "issuing_agency": source.owner if source else None,
        "arrival_number": next(_arrival),
        "registered_year": issued_on.year,
    }
    values.update(fields)
    return Document.objects.create(
        owner=owner,
        direction=Direction.INCOMING,
        number=number,
        notation=notation,
        issued_on=issued_on,
        source=source,
        **values,
    )


def citing(owner: Any, body: str, **fields: Any) -> Document:
    document = Document.objects.create(
        owner=owner,
        direction=Direction.OUTGOING,
        doc_type="Báo cáo",
        subject=fields.pop("subject", "Báo cáo kết quả thực hiện"),
        body=body,
        issuing_agency_name=owner.name,
        status=DocumentStatus.DRAFT,
        issued_on=fields.pop("issued_on", dt.date(2025, 9, 1)),
        **fields,
    )
    link_citations(document)
    return document


def targets(document: Document) -> dict[str, int | None]:
    return {f"{c.number}/{c.notation}": c.target_id for c in Citation.objects.filter(document=document)}


# --- keys --------------------------------------------------------------------------------------


def test_number_and_notation_spellings():
    assert normal_number("5") == "05"
    assert normal_number("005") == "05"
    assert normal_number("125") == "125"
    assert number_variants("05") == ["05", "5"]
    assert number_variants("125") == ["125"]
    assert "QyĐ-UBND" in notation_variants("QYĐ-UBND")
    assert "TTr-UBND" in notation_variants("TTR-UBND")
    assert notation_variants("UBND") == ["UBND"]
    assert notation_variants("NQ/TU") == ["NQ/TU"]


# --- linking -----------------------------------------------------------------------------------


def test_citation_links_to_the_outgoing_original(cast):
    plan = outgoing(cast.province, "12", "KH-UBND", dt.date(2025, 4, 10))
    copy = incoming(cast.commune_a, "12", "KH-UBND", dt.date(2025, 4, 10), source=plan)
    report = citing(cast.commune_a, "Thực hiện Kế hoạch số 12/KH-UBND ngày 10/4/2025 của UBND tỉnh, ...")

    assert targets(report) == {"12/KH-UBND": plan.pk}
    row = Citation.objects.get(document=report)
    assert row.text == "Kế hoạch số 12/KH-UBND ngày 10/4/2025"
    assert row.year == 2025
    assert copy.pk not in targets(report).values()


def test_subject_body_and_files_are_read_and_duplicates_stored_once(cast):
    plan = outgoing(cast.province, "12", "KH-UBND", dt.date(2025, 4, 10))
    decision = outgoing(cast.province, "7", "QĐ-UBND", dt.date(2025, 2, 3), doc_type="Quyết định")
    report = citing(
        cast.commune_a,
        "Căn cứ Kế hoạch số 12/KH-UBND ngày 10/4/2025. Như Kế hoạch số 12/KH-UBND ngày 10/4/2025 đã nêu.",
        subject="Báo cáo thực hiện Quyết định số 07/QĐ-UBND ngày 03/02/2025",
    )
    assert targets(report) == {"07/QĐ-UBND": decision.pk, "12/KH-UBND": plan.pk}

    law = outgoing(cast.province, "30", "TB-UBND", dt.date(2025, 5, 5), doc_type="Thông báo")
    DocumentFile.objects.create(
        document=report, file="documents/r.pdf", original_name="r.pdf", content_type="application/pdf",
        size=1, sha256="2" * 64, text="Phụ lục kèm theo Thông báo số 30/TB-UBND ngày 05/5/2025",
    )  # fmt: skip
    link_citations(report)  # replaces the rows, never duplicates them
    assert targets(report) == {"07/QĐ-UBND": decision.pk, "12/KH-UBND": plan.pk, "30/TB-UBND": law.pk}
    assert Citation.objects.filter(document=report).count() == 3


def test_own_number_in_the_heading_is_not_a_citation(cast):
    report = outgoing(cast.commune_a, "15", "BC-UBND", dt.date(2025, 9, 1), doc_type="Báo cáo")
    other = outgoing(cast.province, "12", "KH-UBND", dt.date(2025, 4, 10))
    DocumentFile.objects.create(
        document=report, file="documents/h.pdf", original_name="h.pdf", content_type="application/pdf",
        size=1, sha256="3" * 64, text="Số: 15/BC-UBND ... thực hiện Kế hoạch số 12/KH-UBND",
    )  # fmt: skip
    link_citations(report)
    assert targets(report) == {"12/KH-UBND": other.pk}

    # A received copy repeats its original's number: neither the original nor the copy is cited.
    copy = incoming(
        cast.commune_b, "12", "KH-UBND", dt.date(2025, 4, 10), source=other, body="Số: 12/KH-UBND"
    )
    link_citations(copy)
    assert targets(copy) == {}


def test_external_document_links_to_the_copy_in_the_same_agency(cast):
    dispatch = incoming(cast.commune_a, "392", "BNV-VP", dt.date(2025, 3, 1))
    mine = citing(cast.commune_a, "Thực hiện Công văn số 392/BNV-VP ngày 01/3/2025 của Bộ Nội vụ")
    theirs = citing(cast.commune_b, "Thực hiện Công văn số 392/BNV-VP ngày 01/3/2025 của Bộ Nội vụ")
    assert targets(mine) == {"392/BNV-VP": dispatch.pk}
    assert targets(theirs) == {"392/BNV-VP": None}  # commune B has no copy of it


def test_original_preferred_to_a_copy_in_the_same_agency(cast):
    plan = outgoing(cast.province, "12", "KH-UBND", dt.date(2025, 4, 10))
    incoming(cast.commune_a, "12", "KH-UBND", dt.date(2025, 4, 10), source=plan)
    report = citing(cast.commune_a, "Thực hiện Kế hoạch số 12/KH-UBND")
    assert targets(report) == {"12/KH-UBND": plan.pk}


def test_shared_notation_is_resolved_only_when_it_can_be(cast):
    a = outgoing(cast.commune_a, "07", "KH-UBND", dt.date(2025, 3, 2))
    b = outgoing(cast.commune_b, "07", "KH-UBND", dt.date(2025, 5, 6))

    # Both communes' numbers read "07/KH-UBND": the province cannot be told which one.
    assert targets(citing(cast.province, "Xét Kế hoạch số 07/KH-UBND")) == {"07/KH-UBND": None}
    # The date tells them apart.
    assert targets(citing(cast.province, "Xét Kế hoạch số 07/KH-UBND ngày 06/5/2025")) == {"07/KH-UBND": b.pk}
    # A commune citing "07/KH-UBND" means its own.
    assert targets(citing(cast.commune_a, "Theo Kế hoạch số 07/KH-UBND")) == {"07/KH-UBND": a.pk}
    # So does an agency that received one of them.
    incoming(cast.department, "07", "KH-UBND", dt.date(2025, 5, 6), source=b)
    assert targets(citing(cast.department, "Theo Kế hoạch số 07/KH-UBND")) == {"07/KH-UBND": b.pk}


def test_year_and_number_spelling(cast):
    this_year = outgoing(cast.province, "05", "QĐ-UBND", dt.date(2025, 1, 9), doc_type="Quyết định")
    last_year = outgoing(cast.province, "05", "QĐ-UBND", dt.date(2024, 1, 8), doc_type="Quyết định")
    assert targets(citing(cast.commune_a, "Quyết định số 5/QĐ-UBND ngày 08/01/2024")) == {
        "05/QĐ-UBND": last_year.pk
    }
    assert targets(citing(cast.commune_a, "Quyết định số 05/QĐ-UBND ngày 09/01/2025")) == {
        "05/QĐ-UBND": this_year.pk
    }
    # Without a year, the citing document's year comes first.
    assert targets(citing(cast.commune_a, "Quyết định số 05/QĐ-UBND", issued_on=dt.date(2025, 3, 1))) == {
        "05/QĐ-UBND": this_year.pk
    }
    assert targets(citing(cast.commune_a, "Quyết định số 05/QĐ-UBND ngày 09/01/2023")) == {"05/QĐ-UBND": None}


def test_drafts_are_never_targets(cast):
    outgoing(cast.province, "40", "KH-UBND", dt.date(2025, 6, 1), status=DocumentStatus.APPROVED)
    assert targets(citing(cast.commune_a, "Kế hoạch số 40/KH-UBND ngày 01/6/2025")) == {"40/KH-UBND": None}


# --- relinking when the named document arrives --------------------------------------------------


def test_relink_when_the_named_document_is_issued(cast):
    early = citing(cast.commune_a, "Chuẩn bị theo Quyết định số 20/QĐ-UBND ngày 01/6/2025 của UBND tỉnh")
    unrelated = citing(cast.commune_b, "Theo Quyết định số 21/QĐ-UBND ngày 01/6/2025")
    assert targets(early) == {"20/QĐ-UBND": None}

    decision = outgoing(cast.province, "20", "QĐ-UBND", dt.date(2025, 6, 1), doc_type="Quyết định")
    assert relink_citations_to(decision) == 1
    assert targets(early) == {"20/QĐ-UBND": decision.pk}
    assert targets(unrelated) == {"21/QĐ-UBND": None}
    assert relink_citations_to(decision) == 0  # idempotent


def test_relink_ignores_documents_not_issued(cast):
    citing(cast.commune_a, "Theo Kế hoạch số 44/KH-UBND")
    draft = outgoing(cast.province, "44", "KH-UBND", dt.date(2025, 6, 1), status=DocumentStatus.DRAFT)
    assert relink_citations_to(draft) == 0


def test_relink_moves_a_citation_from_a_copy_to_the_original(cast):
    # Commune A registered a paper copy of the province's plan before the original was on the platform.
    paper = incoming(cast.commune_a, "12", "KH-UBND", dt.date(2025, 4, 10), issuing_agency_name="UBND tỉnh")
    report = citing(cast.commune_a, "Thực hiện Kế hoạch số 12/KH-UBND ngày 10/4/2025")
    assert targets(report) == {"12/KH-UBND": paper.pk}
    plan = outgoing(cast.province, "12", "KH-UBND", dt.date(2025, 4, 10))
    assert relink_citations_to(plan) == 1
    assert targets(report) == {"12/KH-UBND": plan.pk}


# --- selectors ---------------------------------------------------------------------------------


def test_cites_and_cited_by(cast):
    plan = outgoing(cast.province, "12", "KH-UBND", dt.date(2025, 4, 10))
    copy = incoming(cast.commune_b, "12", "KH-UBND", dt.date(2025, 4, 10), source=plan)
    report_a = citing(cast.commune_a, "Thực hiện Kế hoạch số 12/KH-UBND; Công văn số 99/ABC-XY ngày 1/1/2025")
    report_b = citing(cast.commune_b, "Thực hiện Kế hoạch số 12/KH-UBND ngày 10/4/2025")

    rows: list[Any] = list(cites(report_a))  # annotated with target_visible
    assert [(r.number, r.notation, r.target_id, r.target_visible) for r in rows] == [
        ("12", "KH-UBND", plan.pk, True),
        ("99", "ABC-XY", None, False),
    ]
    only_commune_a = Document.objects.filter(owner=cast.commune_a)
    hidden: list[Any] = list(cites(report_a, visible=only_commune_a))
    assert [(r.target_id, r.target_visible) for r in hidden] == [(plan.pk, False), (None, False)]

    assert set(cited_by(plan)) == {report_a, report_b}
    assert list(cited_by(plan, visible=only_commune_a)) == [report_a]
    # A received copy's page shows who cites its original.
    assert set(cited_by(copy)) == {report_a, report_b}
    assert list(cited_by(report_a)) == []
