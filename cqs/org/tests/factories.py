"""factory_boy factories for the organisation: agencies, units, positions with roles."""

from __future__ import annotations

from datetime import date
from typing import Any

from factory.declarations import Sequence, SubFactory, Trait
from factory.django import DjangoModelFactory
from factory.helpers import post_generation

from cqs.accounts.tests.factories import UserFactory
from cqs.org.models import (
    Agency,
    AgencyKind,
    AgencyLevel,
    AgencySuccession,
    Position,
    PositionRole,
    Role,
    SuccessionKind,
    Unit,
)


def _code(n: int) -> str:
    return f"{n // 10000 % 1000:03d}.{n // 100 % 100:02d}.{n % 100:02d}.F01"


class AgencyFactory(DjangoModelFactory[Agency]):
    class Meta:
        model = Agency

    code = Sequence(_code)
    name = Sequence(lambda n: f"Sở Thử nghiệm {n}")
    notation = "STN"
    kind = AgencyKind.DEPARTMENT
    level = AgencyLevel.DEPARTMENT
    parent = None
    place_name = "Thử Nghiệm"
    valid_from = date(2000, 1, 1)
    valid_to = None

    class Params:
        province = Trait(
            name=Sequence(lambda n: f"Ủy ban nhân dân tỉnh Thử {n}"),
            notation="UBND",
            kind=AgencyKind.PROVINCIAL_COMMITTEE,
            level=AgencyLevel.PROVINCE,
        )
        district = Trait(
            name=Sequence(lambda n: f"Ủy ban nhân dân huyện Thử {n}"),
            notation="UBND",
            kind=AgencyKind.DISTRICT_COMMITTEE,
            level=AgencyLevel.DISTRICT,
        )
        commune = Trait(
            name=Sequence(lambda n: f"Ủy ban nhân dân xã Thử {n}"),
            notation="UBND",
            kind=AgencyKind.COMMUNE_COMMITTEE,
            level=AgencyLevel.COMMUNE,
        )


class AgencySuccessionFactory(DjangoModelFactory[AgencySuccession]):
    class Meta:
        model = AgencySuccession

    predecessor = SubFactory(AgencyFactory)
    successor = SubFactory(AgencyFactory)
    effective_date = date(2025, 7, 1)
    kind = SuccessionKind.MERGER
    basis = "Nghị quyết thử nghiệm"


class UnitFactory(DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    agency = SubFactory(AgencyFactory)
    name = Sequence(lambda n: f"Phòng Thử nghiệm {n}")
    notation = Sequence(lambda n: f"P{n}")


class PositionFactory(DjangoModelFactory[Position]):
    """`PositionFactory(roles=[Role.CLERK])`; the default role is officer."""

    class Meta:
        model = Position
        skip_postgeneration_save = True

    user = SubFactory(UserFactory)
    agency = SubFactory(AgencyFactory)
    unit = None
    title = "Chuyên viên"
    valid_from = date(2000, 1, 1)
    valid_to = None

    @post_generation
    def roles(obj: Position, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        for role in extracted if extracted is not None else [Role.OFFICER]:
            PositionRole.objects.create(position=obj, role=role)
