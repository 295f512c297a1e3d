"""python -m bench [name ...] [--json] [--param key=value ...] [--database-url URL] [--keep]

Runs the registered benchmarks (all of them when no name is given) and prints one result
per benchmark: with --json one JSON object per line {"name", "parameters", "figures"}.

Without --database-url (and without DATABASE_URL in the environment) the benchmarks run on
a throw-away SQLite database created and migrated for the run, so they never touch real
data. Each benchmark runs in a transaction that is rolled back unless --keep is given."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench import migrate_quietly, setup_django, unapplied_migrations
from bench.harness import REGISTRY, BenchmarkError, format_result, parse_value, run_benchmark


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Đo hiệu năng các thao tác chính.")
    parser.add_argument("names", nargs="*", help="tên benchmark (mặc định: tất cả)")
    parser.add_argument("--json", action="store_true", help="mỗi benchmark một dòng JSON")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="đặt tham số cho các benchmark có tham số đó, ví dụ --param events=100",
    )
    parser.add_argument("--database-url", help="cơ sở dữ liệu (mặc định: SQLite tạm, migrate tự động)")
    parser.add_argument("--keep", action="store_true", help="giữ lại dữ liệu benchmark ghi (không rollback)")
    parser.add_argument("--list", action="store_true", help="liệt kê benchmark rồi thoát")
    return parser.parse_args(argv)


def _overrides(pairs: list[str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise BenchmarkError(f"--param cần dạng KEY=VALUE, nhận được {pair!r}.")
        values[key.strip()] = parse_value(value)
    return values


def main(argv: Sequence[str] | None = None) -> int:
    from django.apps import apps

    args = _parse(sys.argv[1:] if argv is None else argv)
    if apps.ready:  # called from a process that already set Django up (the test suite)
        return _run(args)
    scratch: tempfile.TemporaryDirectory[str] | None = None
    database_url = args.database_url
    if not database_url and "DATABASE_URL" not in os.environ:
        scratch = tempfile.TemporaryDirectory(prefix="cqs-bench-")
        database_url = f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"
    try:
        setup_django(database_url)
        if scratch is not None:
            migrate_quietly()
        return _run(args)
    finally:
        if scratch is not None:
            from django.db import connections

            connections.close_all()
            scratch.cleanup()


def _run(args: argparse.Namespace) -> int:
    from django.utils.module_loading import autodiscover_modules

    import bench.benchmarks  # noqa: F401  (registers the built-in benchmarks)

    autodiscover_modules("benchmarks")  # an installed app's own `benchmarks` module
    if args.list:
        for name in sorted(REGISTRY):
            print(f"{name}: {REGISTRY[name].description} {REGISTRY[name].default_parameters()}")
        return 0
    pending = unapplied_migrations()
    if pending:
        print(
            f"Cơ sở dữ liệu chưa migrate ({len(pending)} migration chưa áp dụng): "
            "chạy `python manage.py migrate`.",
            file=sys.stderr,
        )
        return 2
    names = args.names or sorted(REGISTRY)
    try:
        overrides = _overrides(args.param)
        unknown = [name for name in names if name not in REGISTRY]
        if unknown:
            raise BenchmarkError(
                f"Không có benchmark {', '.join(unknown)} (đã đăng ký: {', '.join(sorted(REGISTRY))})."
            )
        used = {key for name in names for key in REGISTRY[name].default_parameters()}
        if set(overrides) - used:
            raise BenchmarkError(
                f"Không benchmark nào nhận tham số {', '.join(sorted(set(overrides) - used))}."
            )
        for name in names:
            accepted = REGISTRY[name].default_parameters()
            result = run_benchmark(
                name, keep=args.keep, **{k: v for k, v in overrides.items() if k in accepted}
            )
            print(json.dumps(result, ensure_ascii=False) if args.json else format_result(result), flush=True)
    except BenchmarkError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
