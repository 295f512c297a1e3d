from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from cqs.onestop.models import ProcedureVersion
from cqs.onestop.testing import make_procedure, make_staff


@dataclass(frozen=True)
class World:
    cast: Any
    version: ProcedureVersion
    officer_a: Any  # one-stop officer, commune A
    leader_a: Any
    officer_b: Any  # one-stop officer, commune B
    leader_b: Any


@pytest.fixture
def world(cast: Any) -> World:
    a = make_staff(cast.commune_a, prefix="a")
    b = make_staff(cast.commune_b, prefix="b")
    version = make_procedure()
    return World(
        cast=cast,
        version=version,
        officer_a=a["officer"],
        leader_a=a["leader"],
        officer_b=b["officer"],
        leader_b=b["leader"],
    )
