import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

SAMPLE = (
    Path(__file__).resolve().parents[3]
    / ".."
    / "shared"
    / "samples"
    / "bao-cao-ung-dung-cntt-quy-iii-2023-ban-dan-toc.txt"
)


def run(*args):
    out = StringIO()
    call_command("parse_citations", *[str(a) for a in args], stdout=out)
    return out.getvalue()


@pytest.fixture
def sample():
    if not SAMPLE.is_file():
        pytest.fail(f"Thiếu báo cáo mẫu {SAMPLE.resolve()} (thư mục shared/samples phải nằm cạnh repo)")
    return SAMPLE


def test_plain_output_one_citation_per_line(sample):
    assert run(sample).splitlines() == [
        "Kế hoạch số 61/KH-UBND ngày 10/4/2019",
        "Nghị quyết số 17/NQ-CP ngày 07/3/2019",
        "Kế hoạch số 151/KH-UBND ngày 21/12/2020",
        "Kế hoạch số 746/KH-BDT ngày 03/10/2022",
        "Kế hoạch số 746/KH-BDT ngày 03/10/2022",
        "Kế hoạch số 860/KH-BDT ngày 30/8/2023",
        "Quyết định số 569/QĐ-UBND ngày 26/6/2023",
        "Nghị định số 43/2011/NĐ-CP ngày 13/6/2011",
    ]


def test_json_output(sample):
    output = run(sample, "--json")
    assert "Kế hoạch" in output  # ensure_ascii=False: no \u escapes
    data = json.loads(output)
    assert len(data) == 8
    assert data[0] == {
        "type": "Kế hoạch",
        "type_code": "KH",
        "number": "61",
        "year": 2019,
        "notation": "KH-UBND",
        "date_text": "10/4/2019",
        "date": "2019-04-10",
        "text": "Kế hoạch số 61/KH-UBND ngày 10/4/2019",
    }
    assert data[-1]["year"] == 2011 and data[-1]["notation"] == "NĐ-CP"


def test_json_nulls_and_wrapped_citation(tmp_path):
    path = tmp_path / "vb.txt"
    path.write_text("\ufeffCăn cứ Công văn số 5/UBND và Kế hoạch\nsố 7/KH-UBND.", encoding="utf-8")
    data = json.loads(run(path, "--json"))
    assert data[0] == {
        "type": "Công văn",
        "type_code": None,
        "number": "5",
        "year": None,
        "notation": "UBND",
        "date_text": None,
        "date": None,
        "text": "Công văn số 5/UBND",
    }
    assert data[1]["text"] == "Kế hoạch\nsố 7/KH-UBND"
    assert run(path).splitlines() == ["Công văn số 5/UBND", "Kế hoạch số 7/KH-UBND"]


def test_empty_result(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("Không có trích dẫn nào.", encoding="utf-8")
    assert run(path) == ""
    assert json.loads(run(path, "--json")) == []


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run(tmp_path / "khong-co.txt")


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "tcvn3.txt"
    path.write_bytes("KÕ ho¹ch sè 61/KH-UBND".encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        run(path)
