"""The `working_days` and `period_window` management commands."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cqs.core.workcalendar import clear_calendar_cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
class TestWorkingDays:
    def test_add(self):
        assert run("working_days", "add", "2024-02-07", "5") == "2024-02-21"
        assert run("working_days", "add", "2024-02-21", "-5") == "2024-02-07"
        assert run("working_days", "add", "2024-03-02", "0") == "2024-03-04"

    def test_between(self):
        assert run("working_days", "between", "2024-02-01", "2024-02-29") == "15"
        assert run("working_days", "between", "2024-02-29", "2024-02-01") == "-15"

    def test_is(self):
        assert run("working_days", "is", "2024-02-10") == "no Tết Nguyên đán"
        assert run("working_days", "is", "2024-02-15") == "yes"
        assert run("working_days", "is", "2024-02-17") == "no Nghỉ hằng tuần"
        assert run("working_days", "is", "2025-04-26") == "yes Làm bù"
        assert run("working_days", "is", "2025-04-30") == "no Ngày Giải phóng miền Nam, thống nhất đất nước"

    def test_json(self):
        assert json.loads(run("working_days", "add", "2024-02-07", "5", "--json")) == {
            "start": "2024-02-07",
            "n": 5,
            "result": "2024-02-21",
        }
        assert json.loads(run("working_days", "--json", "between", "2024-02-01", "2024-02-29")) == {
            "start": "2024-02-01",
            "end": "2024-02-29",
            "working_days": 15,
        }
        assert json.loads(run("working_days", "is", "2024-02-10", "--json")) == {
            "date": "2024-02-10",
            "working": False,
            "kind": "holiday",
            "name": "Tết Nguyên đán",
        }

    def test_seed(self):
        assert run("working_days", "seed") == "Đã thêm 0 ngày điều chỉnh."

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (("add", "2024-02-30", "5"), "Ngày không hợp lệ"),
            (("add", "07/02/2024", "5"), "Ngày không hợp lệ"),
            (("add", "2024-02-07", "năm"), "Số ngày làm việc không hợp lệ"),
            (("between", "2024-02-01", "hôm nay"), "Ngày không hợp lệ"),
            (("is", "x"), "Ngày không hợp lệ"),
            (("add", "1700-01-03", "5"), "phạm vi"),
        ],
    )
    def test_bad_input(self, args, message):
        with pytest.raises(CommandError, match=message):
            run("working_days", *args)

    def test_missing_action(self):
        with pytest.raises(CommandError, match="Thiếu thao tác"):
            run("working_days")


class TestPeriodWindow:
    def test_plain(self):
        assert run("period_window", "2023Q3") == "2023-06-15 2023-09-14"
        assert run("period_window", "2024Q1") == "2023-12-15 2024-03-14"
        assert run("period_window", "2024Y", "--window", "calendar") == "2024-01-01 2024-12-31"
        assert run("period_window", "2024Q1", "--cutoff-day", "20") == "2023-12-21 2024-03-20"

    def test_json(self):
        assert json.loads(run("period_window", "2023Q3", "--json")) == {
            "code": "2023Q3",
            "label": "Quý III/2023",
            "start": "2023-06-15",
            "end": "2023-09-14",
        }

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (("2023Q5",), "Không có quý số 5"),
            (("quý 3",), "Mã kỳ báo cáo không hợp lệ"),
            (("2023Q3", "--window", "monthly"), "Chế độ chốt số liệu không hợp lệ"),
            (("2023Q3", "--cutoff-day", "30"), "Ngày chốt số liệu"),
            (("2023Q3", "--cutoff-day", "x"), "Ngày chốt số liệu không hợp lệ"),
        ],
    )
    def test_bad_input(self, args, message):
        with pytest.raises(CommandError, match=message):
            run("period_window", *args)

    def test_missing_code(self):
        with pytest.raises(CommandError, match="Thiếu mã kỳ báo cáo"):
            run("period_window")
