"""A synthetic province for benchmarks and load tests.

    python -m bench.generate --agencies 200 --staff-per-agency 5 [--prefix Z01]
                             [--database-url URL] [--migrate] [--documents 1000000 ...]

The tree follows the two-level local government in force from 1 July 2025: the UBND tỉnh
at the root, its departments (sở, ~10 %) each with a subordinate centre, and the UBND
xã/phường directly under the province. Codes follow QĐ 20/2020/QĐ-TTg (13 characters,
000.00.00.Z01) with the prefix as the province segment, so a run is idempotent per prefix:
rows that exist are kept, the missing ones are added.

Other modules add rows through steps: `@generator_step("documents")` registers a function
that receives a `StepContext` (the province's agencies, staff, prefix, a seeded RNG) and a
target row count, and returns how many rows it created. Steps live in a `bench_steps`
module of any installed app (found automatically) or are registered before `main` runs."""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from bench import migrate_quietly, setup_django, unapplied_migrations

if TYPE_CHECKING:
    from cqs.accounts.models import User
    from cqs.org.models import Agency

PREFIX_PATTERN = re.compile(r"^[A-Z][0-9]{2}$")
DEFAULT_PREFIX = "Z01"  # letters after H are not used by real provinces
DEFAULT_BATCH_SIZE = 1000
BENCH_PASSWORD = "Bench-mat-khau-2025"
_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

T = TypeVar("T")


# --- steps registry -----------------------------------------------------------------------


@dataclass
class StepContext:
    prefix: str
    agencies: list[Agency]
    staff: list[User]
    batch_size: int
    rng: random.Random

    @property
    def province(self) -> Agency:
        return self.agencies[0]


GeneratorStep = Callable[[StepContext, int], int]
STEPS: dict[str, GeneratorStep] = {}


def generator_step(kind: str) -> Callable[[GeneratorStep], GeneratorStep]:
    """Register the function that creates `kind` rows (`--<kind> N` on the command line)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", kind):
        raise ValueError(f"step kind {kind!r} must be lower_snake_case")

    def register(step: GeneratorStep) -> GeneratorStep:
        if kind in STEPS and STEPS[kind] is not step:
            raise ValueError(f"generator step {kind!r} is already registered")
        STEPS[kind] = step
        return step

    return register


def discover_steps() -> None:
    """Import every installed app's `bench_steps` module so its steps register."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("bench_steps")


# --- codes and shape ----------------------------------------------------------------------


def base36(number: int, width: int) -> str:
    if not 0 <= number < 36**width:
        raise ValueError(f"{number} does not fit {width} base-36 digits")
    digits = []
    for _ in range(width):
        number, rest = divmod(number, 36)
        digits.append(_B36[rest])
    return "".join(reversed(digits))


def province_code(prefix: str) -> str:
    return f"000.00.00.{prefix}"


def department_code(prefix: str, d: int) -> str:
    return f"000.00.{base36(d, 2)}.{prefix}"


def centre_code(prefix: str, d: int) -> str:
    return f"000.01.{base36(d, 2)}.{prefix}"


def commune_code(prefix: str, k: int) -> str:
    return f"{base36(k, 3)}.00.00.{prefix}"


@dataclass(frozen=True)
class TreeShape:
    departments: int
    centres: int
    communes: int

    @classmethod
    def for_total(cls, agencies: int) -> TreeShape:
        if agencies < 1:
            raise ValueError("at least one agency (the province) is needed")
        remaining = agencies - 1
        departments = min(remaining, max(1, agencies // 10))
        remaining -= departments
        centres = min(remaining, departments)
        remaining -= centres
        if departments > 36**2 - 1 or remaining > 36**3 - 1:
            raise ValueError("too many agencies for one province's code space")
        return cls(departments, centres, remaining)


@dataclass
class GeneratedProvince:
    prefix: str
    agencies: list[Agency]
    staff: list[User]
    created: dict[str, int] = field(default_factory=dict)

    @property
    def province(self) -> Agency:
        return self.agencies[0]


def _batches(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- generation ---------------------------------------------------------------------------


def generate_province(
    *,
    agencies: int,
    staff_per_agency: int,
    prefix: str = DEFAULT_PREFIX,
    province_name: str = "Thử Nghiệm",
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> GeneratedProvince:
    """Create (or complete) the synthetic province `prefix`; idempotent."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from cqs.accounts.models import User
    from cqs.org.models import Agency, AgencyKind, AgencyLevel, Position, PositionRole, Role

    if not PREFIX_PATTERN.fullmatch(prefix):
        raise ValueError("prefix must look like a province segment: one capital letter and two digits (Z01)")
    if staff_per_agency < 0:
        raise ValueError("staff_per_agency cannot be negative")
    shape = TreeShape.for_total(agencies)
    created = {"agencies": 0, "staff": 0, "positions": 0}

    with transaction.atomic():
        existing = {a.code: a for a in Agency.objects.filter(code__endswith=f".{prefix}")}

        def add_level(
            specs: list[tuple[str, dict[str, Any]]], parent_of: Callable[[str], Agency | None]
        ) -> None:
            new = [
                Agency(code=code, parent=parent_of(code), **fields)
                for code, fields in specs
                if code not in existing
            ]
            for batch in _batches(new, batch_size):
                Agency.objects.bulk_create(batch, batch_size=batch_size)
            for agency in new:
                parent = agency.parent
                agency.tree_path = f"{parent.tree_path if parent else '/'}{agency.pk}/"
                existing[agency.code] = agency
            Agency.objects.bulk_update(new, ["tree_path"], batch_size=batch_size)
            created["agencies"] += len(new)

        place = province_name
        root_code = province_code(prefix)
        add_level(
            [
                (
                    root_code,
                    {
                        "name": f"Ủy ban nhân dân tỉnh {province_name}",
                        "short_name": f"UBND tỉnh {province_name}",
                        "notation": "UBND",
                        "kind": AgencyKind.PROVINCIAL_COMMITTEE,
                        "level": AgencyLevel.PROVINCE,
                        "place_name": place,
                    },
                )
            ],
            lambda code: None,
        )
        root = existing[root_code]
        add_level(
            [
                (
                    department_code(prefix, d),
                    {
                        "name": f"Sở Thử nghiệm số {d}",
                        "notation": f"STN{d}",
                        "kind": AgencyKind.DEPARTMENT,
                        "level": AgencyLevel.DEPARTMENT,
                        "place_name": place,
                    },
                )
                for d in range(1, shape.departments + 1)
            ],
            lambda code: root,
        )
        add_level(
            [
                (
                    centre_code(prefix, d),
                    {
                        "name": f"Trung tâm trực thuộc Sở Thử nghiệm số {d}",
                        "notation": f"TT{d}",
                        "kind": AgencyKind.SERVICE_CENTRE,
                        "level": AgencyLevel.DEPARTMENT,
                        "place_name": place,
                    },
                )
                for d in range(1, shape.centres + 1)
            ],
            lambda code: existing[f"000.00.{code[7:9]}.{prefix}"],
        )
        add_level(
            [
                (
                    commune_code(prefix, k),
                    {
                        "name": f"Ủy ban nhân dân xã Thử Nghiệm {k}",
                        "notation": "UBND",
                        "kind": AgencyKind.COMMUNE_COMMITTEE,
                        "level": AgencyLevel.COMMUNE,
                        "place_name": f"Thử Nghiệm {k}",
                    },
                )
                for k in range(1, shape.communes + 1)
            ],
            lambda code: root,
        )
        ordered_codes = (
            [root_code]
            + [department_code(prefix, d) for d in range(1, shape.departments + 1)]
            + [centre_code(prefix, d) for d in range(1, shape.centres + 1)]
            + [commune_code(prefix, k) for k in range(1, shape.communes + 1)]
        )
        province_agencies = [existing[code] for code in ordered_codes]

        # Staff: one shared password hash (hashing per user would dominate the run time).
        password = make_password(BENCH_PASSWORD)
        wanted = {
            f"{prefix.lower()}.{agency.code[:9].replace('.', '')}.{i:02d}": (agency, i)
            for agency in province_agencies
            for i in range(1, staff_per_agency + 1)
        }
        have = set(User.objects.filter(username__in=list(wanted)).values_list("username", flat=True))
        new_users = [
            User(username=username, password=password, full_name=f"Cán bộ {i} — {agency.code}")
            for username, (agency, i) in wanted.items()
            if username not in have
        ]
        for batch in _batches(new_users, batch_size):
            User.objects.bulk_create(batch, batch_size=batch_size)
        created["staff"] = len(new_users)
        users = {u.username: u for u in User.objects.filter(username__in=list(wanted))}

        new_positions: list[Position] = []
        new_roles: list[PositionRole] = []
        roles = [Role.LEADER, Role.CLERK]
        for username in (u.username for u in new_users):
            agency, i = wanted[username]
            position = Position(user=users[username], agency=agency, title="Cán bộ thử nghiệm")
            new_positions.append(position)
            new_roles.append(PositionRole(position=position, role=roles[i - 1] if i <= 2 else Role.OFFICER))
        for position_batch in _batches(new_positions, batch_size):
            Position.objects.bulk_create(position_batch, batch_size=batch_size)
        for role_batch in _batches(new_roles, batch_size):
            PositionRole.objects.bulk_create(role_batch, batch_size=batch_size)
        created["positions"] = len(new_positions)

    return GeneratedProvince(
        prefix=prefix,
        agencies=province_agencies,
        staff=[users[name] for name in wanted],
        created=created,
    )


def run_steps(
    province: GeneratedProvince, targets: dict[str, int], *, batch_size: int = DEFAULT_BATCH_SIZE
) -> dict[str, int]:
    """Run the registered step of every requested kind; return rows created per kind."""
    missing = sorted(set(targets) - set(STEPS))
    if missing:
        raise KeyError(missing)
    rng = random.Random(province.prefix)
    context = StepContext(
        prefix=province.prefix,
        agencies=province.agencies,
        staff=province.staff,
        batch_size=batch_size,
        rng=rng,
    )
    return {kind: STEPS[kind](context, target) for kind, target in targets.items()}


# --- command line -------------------------------------------------------------------------


def _parse(argv: Sequence[str]) -> tuple[argparse.Namespace, dict[str, int]]:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Sinh một tỉnh giả lập (cơ quan, cán bộ, và các bước đăng ký thêm) để đo hiệu năng.",
        epilog="Các bước thêm: --<loại> N, ví dụ --documents 1000000 (cần bước đã đăng ký).",
    )
    parser.add_argument("--agencies", type=int, default=200, help="tổng số cơ quan (mặc định 200)")
    parser.add_argument("--staff-per-agency", type=int, default=5, help="số cán bộ mỗi cơ quan (mặc định 5)")
    parser.add_argument("--prefix", default=DEFAULT_PREFIX, help="mã tỉnh giả lập, dạng Z01 (mặc định Z01)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--database-url", help="cơ sở dữ liệu đích (mặc định DATABASE_URL của cấu hình)")
    parser.add_argument("--migrate", action="store_true", help="chạy migrate trước khi sinh dữ liệu")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    args, rest = parser.parse_known_args(argv)

    targets: dict[str, int] = {}
    items = list(rest)
    while items:
        flag = items.pop(0)
        value: str | None = None
        if flag.startswith("--") and "=" in flag:
            flag, value = flag.split("=", 1)
        elif items and not items[0].startswith("--"):
            value = items.pop(0)
        kind = flag[2:].replace("-", "_") if flag.startswith("--") else ""
        if not kind or value is None or not value.isdigit():
            parser.error(f"không hiểu tham số {flag!r}: dùng --<loại> N với N là số nguyên không âm")
        targets[kind] = int(value)
    if args.prefix and not PREFIX_PATTERN.fullmatch(args.prefix):
        parser.error("--prefix phải gồm một chữ in hoa và hai chữ số, ví dụ Z01")
    if args.agencies < 1 or args.staff_per_agency < 0 or args.batch_size < 1:
        parser.error("--agencies ≥ 1, --staff-per-agency ≥ 0, --batch-size ≥ 1")
    return args, targets


def main(argv: Sequence[str] | None = None) -> int:
    from django.apps import apps

    args, targets = _parse(sys.argv[1:] if argv is None else argv)
    if not apps.ready:  # already set up when called from the test suite
        setup_django(args.database_url)
    discover_steps()

    missing = sorted(set(targets) - set(STEPS))
    if missing:
        registered = ", ".join(sorted(STEPS)) or "chưa có"
        for kind in missing:
            print(
                f"Chưa có bước sinh dữ liệu cho '{kind}' (--{kind.replace('_', '-')}): "
                f"mô-đun tương ứng chưa đăng ký @generator_step({kind!r}). Bước đã đăng ký: {registered}.",
                file=sys.stderr,
            )
        print("Không sinh dữ liệu nào.", file=sys.stderr)
        return 2

    if args.migrate:
        migrate_quietly()
    pending = unapplied_migrations()
    if pending:
        print(
            f"Cơ sở dữ liệu chưa migrate ({len(pending)} migration chưa áp dụng): "
            "chạy `python manage.py migrate` hoặc thêm --migrate.",
            file=sys.stderr,
        )
        return 2

    started = time.perf_counter()
    province = generate_province(
        agencies=args.agencies,
        staff_per_agency=args.staff_per_agency,
        prefix=args.prefix,
        batch_size=args.batch_size,
    )
    created = dict(province.created)
    created.update(run_steps(province, targets, batch_size=args.batch_size))
    summary = {
        "prefix": province.prefix,
        "agencies": len(province.agencies),
        "staff": len(province.staff),
        "created": created,
        "seconds": round(time.perf_counter() - started, 3),
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"Tỉnh {province.prefix}: {summary['agencies']} cơ quan, {summary['staff']} cán bộ; "
            f"tạo mới {created} trong {summary['seconds']} giây."
        )
    return 0


if __name__ == "__main__":
    # `python -m bench.generate` runs this file as `__main__`, while steps register in the
    # importable `bench.generate` module: run that module's `main` so they are found.
    from bench import generate

    raise SystemExit(generate.main())
