"""The `documents` generator step and the `search_latency` benchmark, with tiny sizes."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.db.models import Max

from bench import __main__ as bench_main
from bench import generate
from bench.harness import REGISTRY, run_benchmark
from cqs.core.doctypes import ADMINISTRATIVE_TYPES
from cqs.documents import bench_steps
from cqs.documents.benchmarks import make_queries
from cqs.documents.models import Direction, Document, RegisterCounter
from cqs.documents.search import COUNT_BUDGET_MS, build_search_text, search_documents

pytestmark = pytest.mark.django_db

GROUPS = (
    "two_words_one_filter",
    "one_word_one_filter",
    "three_words_one_filter",
    "two_words_no_filter",
    "two_words_one_agency",
)
TIMING_KEYS = {"runs", "median_ms", "p95_ms", "min_ms", "max_ms"}


def _province_documents(prefix: str) -> list[Document]:
    return list(Document.objects.filter(owner__code__endswith=f".{prefix}").select_related("owner"))


def test_generator_step_makes_realistic_documents(capsys):
    generate.discover_steps()
    assert generate.STEPS["documents"] is bench_steps.generate_documents
    args = ["--agencies", "8", "--staff-per-agency", "1", "--prefix", "Z09", "--json", "--documents", "200"]
    assert generate.main(args) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["created"]["documents"] == 200

    documents = _province_documents("Z09")
    assert len(documents) == 200
    directions = Counter(d.direction for d in documents)
    assert set(directions) == {Direction.OUTGOING, Direction.INCOMING, Direction.INTERNAL}
    assert {d.doc_type for d in documents} <= {t.name for t in ADMINISTRATIVE_TYPES}
    assert len({d.subject for d in documents}) > 150
    assert len({d.owner_id for d in documents}) > 4
    assert Counter(d.urgency for d in documents).most_common(1)[0][0] == 0
    dates = sorted(d.issued_on for d in documents if d.issued_on)
    assert (dates[-1] - dates[0]).days > 300
    for document in documents:
        assert document.search_text == build_search_text(document), document.pk

    copies = [d for d in documents if d.source_id is not None]
    assert copies, "some incoming documents are copies of the province's outgoing ones"
    for copy in copies:
        assert copy.source is not None
        assert copy.source.owner_id != copy.owner_id
        assert (copy.number, copy.notation) == (copy.source.number, copy.source.notation)

    # Register counters are past every generated number, so the application numbers on from there.
    for counter in RegisterCounter.objects.filter(agency__code__endswith=".Z09"):
        issued = Document.objects.filter(owner_id=counter.agency_id, series=counter.series)
        if counter.series.startswith("den"):
            top = issued.filter(registered_year=counter.year).aggregate(m=Max("arrival_number"))["m"]
        else:
            top = max(
                int(n) for n in issued.filter(registered_year=counter.year).values_list("number", flat=True)
            )
        assert counter.last_number == top

    # The documents are searchable at once (FTS triggers on SQLite, trigram index on PostgreSQL).
    sample = documents[0]
    words = " ".join(sample.search_text.split()[2:4])
    assert sample.pk in search_documents(base=Document.objects.all(), query=words).values_list(
        "id", flat=True
    )

    # Idempotent: the province already has its 200 documents.
    assert generate.main(args) == 0
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert again["created"]["documents"] == 0
    assert Document.objects.filter(owner__code__endswith=".Z09").count() == 200


def test_queries_are_varied_and_typed_both_ways():
    import random

    queries = make_queries(random.Random(1), 2, 60)
    assert len(set(queries)) == 60
    assert all(len(q.split()) == 2 for q in queries)
    assert any(not q.isascii() for q in queries) and any(q.isascii() for q in queries)


def _check_figures(figures: dict[str, object], rows: int) -> None:
    assert figures["rows"] == rows
    assert figures["page_size"] == 50 and figures["count_cap"] == 1000
    assert figures["count_budget_ms"] == COUNT_BUDGET_MS
    assert isinstance(figures["backend"], str)
    for group in GROUPS:
        timing = figures[group]
        assert isinstance(timing, dict)
        assert set(timing) >= TIMING_KEYS, group
        assert timing["queries"] == 4 and timing["runs"] == 4 * 2
        assert 0 < timing["median_ms"] <= timing["p95_ms"] <= timing["max_ms"]
        counts = ("counts_exact", "counts_over_cap", "counts_out_of_time")
        assert {"median_hits", "queries_without_hits", "full_first_page", "later_count", *counts} <= set(
            timing
        )
        if timing["counts_out_of_time"]:  # the page asked for its count afterwards: timed apart
            assert timing["later_count"]["runs"] == timing["counts_out_of_time"]
        assert sum(timing[key] for key in counts) == 4
    assert isinstance(figures["goal_met"], bool)
    assert figures["goal_p95_ms"] == 100.0


def test_search_latency_benchmark_reports_timings():
    from cqs.documents import benchmarks  # noqa: F401  (registers the benchmark)

    assert "search_latency" in REGISTRY
    result = run_benchmark("search_latency", documents=200, queries=4, repeat=2, agencies=6)
    assert result["name"] == "search_latency"
    assert result["parameters"]["documents"] == 200
    _check_figures(result["figures"], rows=200)
    assert result["figures"]["generated"] == 200
    assert Document.objects.count() == 0  # generated inside the benchmark's transaction, rolled back


def test_search_latency_from_the_command_line_prints_json(capsys):
    code = bench_main.main(
        ["search_latency", "--json"]
        + [f"--param={p}" for p in ("documents=200", "queries=4", "repeat=2", "agencies=6")]
    )
    assert code == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    result = json.loads(lines[-1])
    assert set(result) == {"name", "parameters", "figures"}
    assert result["parameters"]["database"] in {"sqlite", "postgresql"}
    _check_figures(result["figures"], rows=200)
