"""The benchmark registry and timing helpers.

A benchmark is a function whose keyword parameters (with defaults) are its parameters and
which returns its figures:

    @benchmark("audit_append")
    def audit_append(events: int = 1000) -> dict[str, object]:
        ...

`run_benchmark` runs it inside a transaction that is rolled back (unless `keep=True`), so
a benchmark leaves no rows behind, and returns {"name", "parameters", "figures"}."""

from __future__ import annotations

import inspect
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Figures = dict[str, Any]
BenchmarkFunction = Callable[..., Figures]


@dataclass(frozen=True)
class Benchmark:
    name: str
    function: BenchmarkFunction
    description: str

    def default_parameters(self) -> dict[str, Any]:
        return {
            name: parameter.default
            for name, parameter in inspect.signature(self.function).parameters.items()
            if parameter.default is not inspect.Parameter.empty
        }


REGISTRY: dict[str, Benchmark] = {}


class BenchmarkError(Exception):
    """An unknown benchmark or parameter; the message is meant for the command line."""


def benchmark(name: str) -> Callable[[BenchmarkFunction], BenchmarkFunction]:
    """Register a benchmark under `name`; its docstring's first line describes it."""

    def register(function: BenchmarkFunction) -> BenchmarkFunction:
        if name in REGISTRY and REGISTRY[name].function is not function:
            raise ValueError(f"benchmark {name!r} is already registered")
        doc = inspect.getdoc(function) or ""
        REGISTRY[name] = Benchmark(name, function, doc.splitlines()[0] if doc else "")
        return function

    return register


# --- timing -------------------------------------------------------------------------------


def time_calls(function: Callable[[], object], *, repeat: int, warmup: int = 1) -> list[float]:
    """Seconds taken by each of `repeat` calls (after `warmup` untimed calls)."""
    if repeat < 1:
        raise ValueError("repeat must be at least 1")
    for _ in range(warmup):
        function()
    samples: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): a value that was actually measured."""
    if not samples:
        raise ValueError("no samples")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(samples: list[float]) -> dict[str, float | int]:
    """Median, p95, min and max in milliseconds."""
    return {
        "runs": len(samples),
        "median_ms": round(statistics.median(samples) * 1000, 4),
        "p95_ms": round(percentile(samples, 95) * 1000, 4),
        "min_ms": round(min(samples) * 1000, 4),
        "max_ms": round(max(samples) * 1000, 4),
    }


# --- running ------------------------------------------------------------------------------


def parse_value(text: str) -> Any:
    """A command-line parameter value: int, float, true/false, or the string itself."""
    lowered = text.strip().lower()
    if lowered in {"true", "yes", "on"}:
        return True
    if lowered in {"false", "no", "off"}:
        return False
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def resolve_parameters(bench: Benchmark, overrides: dict[str, Any]) -> dict[str, Any]:
    parameters = bench.default_parameters()
    unknown = sorted(set(overrides) - set(parameters))
    if unknown:
        raise BenchmarkError(
            f"{bench.name}: không có tham số {', '.join(unknown)} "
            f"(có: {', '.join(sorted(parameters)) or 'không có'})."
        )
    parameters.update(overrides)
    return parameters


class _Rollback(Exception):
    pass


def run_benchmark(name: str, *, keep: bool = False, **overrides: Any) -> dict[str, Any]:
    """Run one registered benchmark; return {"name", "parameters", "figures"}."""
    from django.db import connection, transaction

    try:
        bench = REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY)) or "không có"
        raise BenchmarkError(f"Không có benchmark {name!r} (đã đăng ký: {known}).") from None
    parameters = resolve_parameters(bench, overrides)
    if keep:
        figures = bench.function(**parameters)
    else:
        figures = {}
        try:
            with transaction.atomic():
                figures = bench.function(**parameters)
                raise _Rollback
        except _Rollback:
            pass
    return {"name": name, "parameters": {**parameters, "database": connection.vendor}, "figures": figures}


def format_result(result: dict[str, Any]) -> str:
    """One human-readable line per benchmark."""
    parameters = " ".join(f"{k}={v}" for k, v in result["parameters"].items())
    figures = "; ".join(
        f"{k}: " + (", ".join(f"{kk}={vv}" for kk, vv in v.items()) if isinstance(v, dict) else str(v))
        for k, v in result["figures"].items()
    )
    return f"{result['name']} [{parameters}] {figures}"
