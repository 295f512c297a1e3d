"""compute_indicators: JSON and the Vietnamese table."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cqs.documents.models import Secrecy
from cqs.reporting.tests.core_helpers import outgoing, vn

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("compute_indicators", *args, stdout=out)
    return out.getvalue()


def test_json_output(cast: Any) -> None:
    d = cast.department
    for day in range(1, 5):
        outgoing(d, vn(2023, 7, day), signed=day != 4)
    outgoing(d, vn(2023, 7, 5), secrecy=Secrecy.SECRET)
    data = json.loads(_run("--agency", d.code, "--period", "2023Q3", "--json"))
    assert data["period"] == {
        "code": "2023Q3",
        "label": "Quý III/2023",
        "start": "2023-06-15",
        "end": "2023-09-14",
    }
    by_code = {row["code"]: row for row in data["indicators"]}
    assert by_code["VB_DI"]["value"] == 4 and by_code["VB_DI"]["text"] == "4"
    ks = by_code["VB_DI_KS"]
    assert (ks["numerator"], ks["denominator"], ks["value"], ks["text"]) == (3, 4, 75, "3/4 (75 %)")
    tp = by_code["HS_SO_HOA_TP"]
    assert tp["target"]["value"] == 80 and tp["target"]["agency_level"] == "so_ban_nganh"
    assert tp["target_status"] is None  # no dossiers, no value
    assert by_code["CB_CNTT"]["value"] is None and by_code["CB_CNTT"]["source"] == "nhap_tay"
    assert all(isinstance(row["issues"], list) for row in data["indicators"])


def test_consolidated_and_table(cast: Any) -> None:
    outgoing(cast.department, vn(2023, 7, 1))
    outgoing(cast.office, vn(2023, 7, 1), electronic=False)
    data = json.loads(_run("--agency", cast.province.code, "--period", "2023Q3", "--json", "--consolidated"))
    assert data["consolidated"] is True and cast.department.code in data["agencies"]
    by_code = {row["code"]: row for row in data["indicators"]}
    assert by_code["VB_DI"]["value"] == 2 and by_code["VB_DI_DT"]["text"] == "1/2 (50 %)"
    table = _run("--agency", cast.department.code, "--period", "2023Q3", "--no-history")
    assert "Sở Nội vụ — Quý III/2023 (số liệu từ 15/06/2023–14/09/2023)" in table
    assert "Số hóa thành phần hồ sơ" in table and "≥ 80 %" in table


def test_errors_in_vietnamese(cast: Any) -> None:
    with pytest.raises(CommandError, match="Mã kỳ báo cáo không hợp lệ"):
        _run("--agency", cast.department.code, "--period", "2023-3")
    with pytest.raises(CommandError, match="Không có cơ quan"):
        _run("--agency", "000.99.99.X00", "--period", "2023Q3")
