"""The benchmark harness and the province generator, with tiny parameters."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bench import __main__ as bench_main
from bench import generate
from bench.harness import REGISTRY, BenchmarkError, percentile, run_benchmark, summarize, time_calls
from cqs.accounts.models import User
from cqs.org.models import AGENCY_CODE_VALIDATOR, Agency, AgencyKind, Position, PositionRole, Role

CODE = re.compile(AGENCY_CODE_VALIDATOR.regex)


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.django_db
def test_generator_builds_a_valid_idempotent_province(capsys):
    assert generate.main(["--agencies", "20", "--staff-per-agency", "3", "--prefix", "Z07", "--json"]) == 0
    summary = _json_lines(capsys.readouterr().out)[0]
    assert summary["created"] == {"agencies": 20, "staff": 60, "positions": 60}

    agencies = list(Agency.objects.filter(code__endswith=".Z07"))
    assert len(agencies) == 20
    assert len({a.code for a in agencies}) == 20
    for agency in agencies:
        assert len(agency.code) == 13
        assert CODE.fullmatch(agency.code), agency.code
        agency.full_clean()
    root = Agency.objects.get(code="000.00.00.Z07")
    assert root.kind == AgencyKind.PROVINCIAL_COMMITTEE
    assert root.parent is None and root.tree_path == f"/{root.pk}/"
    for agency in agencies:
        expected = f"{agency.parent.tree_path}{agency.pk}/" if agency.parent else f"/{agency.pk}/"
        assert agency.tree_path == expected
    assert Agency.objects.descendants_of(root).count() == 19
    kinds = sorted(a.kind for a in agencies)
    assert kinds.count(AgencyKind.DEPARTMENT) == 2
    assert kinds.count(AgencyKind.SERVICE_CENTRE) == 2
    assert kinds.count(AgencyKind.COMMUNE_COMMITTEE) == 15

    assert User.objects.filter(username__startswith="z07.").count() == 60
    assert Position.objects.filter(agency__in=agencies).count() == 60
    assert PositionRole.objects.filter(position__agency=root, role=Role.CLERK).count() == 1
    clerk = User.objects.get(positions__agency=root, positions__roles__role=Role.CLERK)
    assert clerk.check_password(generate.BENCH_PASSWORD)

    assert generate.main(["--agencies", "20", "--staff-per-agency", "3", "--prefix", "Z07", "--json"]) == 0
    again = _json_lines(capsys.readouterr().out)[0]
    assert again["created"] == {"agencies": 0, "staff": 0, "positions": 0}
    assert Agency.objects.filter(code__endswith=".Z07").count() == 20

    assert generate.main(["--agencies", "25", "--staff-per-agency", "3", "--prefix", "Z07", "--json"]) == 0
    grown = _json_lines(capsys.readouterr().out)[0]
    assert grown["created"]["agencies"] == 5
    assert Agency.objects.filter(code__endswith=".Z07").count() == 25


@pytest.mark.django_db
def test_generator_steps_receive_agencies_and_target(capsys):
    seen: dict[str, object] = {}

    @generate.generator_step("smoke_rows")
    def smoke_rows(context: generate.StepContext, target: int) -> int:
        seen.update(agencies=len(context.agencies), province=context.province.code, target=target)
        return target

    try:
        code = generate.main(
            ["--agencies", "5", "--staff-per-agency", "0", "--prefix", "Z08", "--smoke-rows", "7"]
        )
    finally:
        generate.STEPS.pop("smoke_rows")
    assert code == 0
    assert seen == {"agencies": 5, "province": "000.00.00.Z08", "target": 7}


@pytest.mark.django_db
def test_generator_explains_a_kind_without_a_step(capsys):
    code = generate.main(["--agencies", "5", "--zz-unregistered", "1000000"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Chưa có bước sinh dữ liệu cho 'zz_unregistered'" in err
    assert not Agency.objects.exists()


def test_generator_rejects_a_bad_prefix():
    with pytest.raises(SystemExit):
        generate._parse(["--prefix", "z1"])


def test_tree_shape_and_codes():
    assert generate.TreeShape.for_total(1) == generate.TreeShape(0, 0, 0)
    assert generate.TreeShape.for_total(200) == generate.TreeShape(20, 20, 159)
    assert generate.commune_code("Z01", 36**3 - 1) == "ZZZ.00.00.Z01"
    with pytest.raises(ValueError):
        generate.base36(36**2, 2)


def test_timing_helpers():
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0
    assert percentile([7.0], 95) == 7.0
    summary = summarize([0.001, 0.002, 0.003])
    assert summary == {"runs": 3, "median_ms": 2.0, "p95_ms": 3.0, "min_ms": 1.0, "max_ms": 3.0}
    calls: list[int] = []
    samples = time_calls(lambda: calls.append(1), repeat=4, warmup=2)
    assert len(samples) == 4 and len(calls) == 6 and all(s >= 0 for s in samples)


@pytest.mark.django_db
def test_benchmarks_print_one_json_object_each(capsys):
    from cqs.audit.models import AuditEvent

    code = bench_main.main(
        [
            "agency_visibility",
            "audit_append",
            "--json",
            "--param",
            "agencies=20",
            "--param",
            "repeat=3",
            "--param",
            "events=5",
        ]
    )
    assert code == 0
    results = _json_lines(capsys.readouterr().out)
    assert [r["name"] for r in results] == ["agency_visibility", "audit_append"]
    for result in results:
        assert set(result) == {"name", "parameters", "figures"}
    visibility, audit = results
    assert visibility["parameters"]["agencies"] == 20
    assert visibility["figures"]["agencies"] == 20
    assert visibility["figures"]["visible_from_root"] == 20
    for key in ("root", "department", "any_agency"):
        assert visibility["figures"][key]["runs"] == 3
        assert 0 <= visibility["figures"][key]["median_ms"] <= visibility["figures"][key]["p95_ms"]
    assert audit["parameters"]["events"] == 5
    assert audit["figures"]["events"] == 5
    assert audit["figures"]["events_per_second"] > 0
    assert audit["figures"]["chain_ok"] is True
    assert audit["figures"]["append"]["runs"] == 5
    # Rolled back: a benchmark leaves nothing behind.
    assert not AuditEvent.objects.exists()
    assert not Agency.objects.exists()


@pytest.mark.django_db
def test_bench_refuses_unknown_names_and_parameters(capsys):
    assert bench_main.main(["nope"]) == 2
    assert "Không có benchmark nope" in capsys.readouterr().err
    assert bench_main.main(["audit_append", "--param", "agencies=3"]) == 2
    assert "agencies" in capsys.readouterr().err
    with pytest.raises(BenchmarkError):
        run_benchmark("audit_append", bogus=1)
    assert {"audit_append", "agency_visibility"} <= set(REGISTRY)
