"""The seeded catalogue: complete, idempotent, every computed indicator has a function."""

from __future__ import annotations

from typing import Any

import pytest

from cqs.reporting.catalogue import INDICATORS, TARGETS, sync_catalogue
from cqs.reporting.models import Indicator, IndicatorSource, Target
from cqs.reporting.registry import registered_names

pytestmark = pytest.mark.django_db


def test_migration_seeded_the_catalogue_and_sync_is_idempotent(db: Any) -> None:
    assert Indicator.objects.count() == len(INDICATORS)
    assert Target.objects.count() == len(TARGETS)
    assert sync_catalogue() == {"created": 0, "updated": 0}
    Indicator.objects.filter(code="VB_DI").update(name="Sửa tay")
    Target.objects.filter(indicator__code="HS_SO_HOA_TP", agency_level="xa").update(value=70)
    assert sync_catalogue() == {"created": 0, "updated": 2}
    assert Indicator.objects.get(code="VB_DI").name.startswith("Tổng số văn bản đi")
    assert Indicator.objects.count() == len(INDICATORS)


def test_every_computed_indicator_names_a_registered_function(db: Any) -> None:
    names = set(registered_names())
    computed = Indicator.objects.filter(source=IndicatorSource.COMPUTED)
    assert computed.count() >= 35
    assert {i.function for i in computed} <= names
    codes = set(Indicator.objects.values_list("code", flat=True))
    # Every figure of the samples.
    assert {
        "VB_DI",
        "VB_DI_DT",
        "VB_DI_KS",
        "VB_TRAO_DOI_DT",
        "HS_CV_MANG",
        "TTHC_TOAN_TRINH",
        "TTHC_MOT_PHAN",
        "HS_MP_TT",
        "HS_TT_TT",
        "HS_SO_HOA_TP",
        "HS_SO_HOA_KQ",
        "HS_DUNG_HAN_766",
        "TT_TRUC_TUYEN",
        "HL_HAI_LONG",
        "MAY_TINH",
        "MAY_TINH_MA_DOC",
        "CB_CNTT",
        "BCD_CDS",
        "NV_QUA_HAN",
    } <= codes
