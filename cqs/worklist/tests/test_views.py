"""The screens and the JSON API through the Django test client."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cqs.worklist.models import Reminder, Task, TaskStatus
from cqs.worklist.services import TaskSpec, task_assign
from cqs.worklist.tests.conftest import png_upload

pytestmark = pytest.mark.usefixtures("today")


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def task(cast: Any, people: dict[str, Any]) -> Task:
    spec = TaskSpec(
        title="Số hóa hồ sơ lưu trữ",
        lead_agency=cast.department,
        supporting_agencies=[cast.commune_a],
        deadline=date(2025, 8, 22),
    )
    return task_assign(by=people["province_leader"], assigning_agency=cast.province, spec=spec)


def test_nav_link_and_index_redirects(client: Client, cast: Any, people: dict[str, Any]) -> None:
    login(client, people["province_leader"])
    home = client.get(reverse("home"))
    assert '<a href="/nhiem-vu/">Nhiệm vụ</a>' in home.content.decode()
    assert client.get(reverse("worklist:index"))["Location"] == reverse("worklist:assigned")
    login(client, cast.clerk_a)
    assert client.get(reverse("worklist:index"))["Location"] == reverse("worklist:agency")


def test_leader_assigns_through_the_form(client: Client, cast: Any, people: dict[str, Any]) -> None:
    login(client, people["province_leader"])
    assert client.get(reverse("worklist:assign")).status_code == 200
    bad = client.post(
        reverse("worklist:assign"),
        {"assigning_agency": cast.province.pk, "title": "Triển khai", "lead_agency": cast.department.pk},
    )
    assert bad.status_code == 400
    assert "Hãy nhập thời hạn" in bad.content.decode()
    response = client.post(
        reverse("worklist:assign"),
        {
            "assigning_agency": cast.province.pk,
            "title": "Triển khai nền tảng số",
            "lead_agency": cast.department.pk,
            "supporting_agencies": [cast.commune_a.pk],
            "working_days": "5",
            "expected_result": "Báo cáo kết quả",
        },
    )
    task = Task.objects.get(title="Triển khai nền tảng số")
    assert response["Location"] == reverse("worklist:detail", args=[task.pk])
    assert task.deadline == date(2025, 8, 27)


def test_lists_put_overdue_first_and_filter(
    client: Client, cast: Any, people: dict[str, Any], task: Task, time_machine: Any
) -> None:
    spec = TaskSpec(title="Nhiệm vụ còn hạn", lead_agency=cast.department, working_days=20)
    task_assign(by=people["province_leader"], assigning_agency=cast.province, spec=spec)
    time_machine.move_to(date(2025, 8, 26), tick=False)
    login(client, people["province_leader"])
    page = client.get(reverse("worklist:assigned")).content.decode()
    assert page.index("Số hóa hồ sơ lưu trữ") < page.index("Nhiệm vụ còn hạn")
    assert "Quá hạn 2 ngày" in page
    only = client.get(
        reverse("worklist:assigned"),
        {"trang_thai": "trong_han"},
        headers={"HX-Request": "true", "HX-Target": "ket-qua"},
    )
    body = only.content.decode()
    assert "Nhiệm vụ còn hạn" in body and "Số hóa hồ sơ" not in body and "<html" not in body
    login(client, cast.clerk_a)
    owed = client.get(reverse("worklist:agency")).content.decode()
    assert "Nhiệm vụ của Ủy ban nhân dân xã An Lạc" in owed and "Số hóa hồ sơ lưu trữ" in owed


def test_detail_is_404_for_outsiders(client: Client, cast: Any, task: Task) -> None:
    login(client, cast.clerk_b)
    assert client.get(reverse("worklist:detail", args=[task.pk])).status_code == 404
    assert (
        client.post(reverse("worklist:progress", args=[task.pk]), {"text": "x", "percent": 5}).status_code
        == 404
    )
    login(client, cast.clerk_a)
    assert client.get(reverse("worklist:detail", args=[task.pk])).status_code == 200


def test_officer_reports_progress_with_a_file_and_the_leader_sees_it(
    client: Client, cast: Any, people: dict[str, Any], task: Task
) -> None:
    login(client, people["department_officer"])
    response = client.post(
        reverse("worklist:progress", args=[task.pk]),
        {"text": "Đã số hóa 1.200 hồ sơ", "percent": "40", "evidence": [png_upload()]},
    )
    assert response.status_code == 302
    bad = client.post(reverse("worklist:progress", args=[task.pk]), {"text": "Thêm", "percent": "140"})
    assert bad.status_code == 400 and "Tiến độ phải từ 0 đến 100 %." in bad.content.decode()
    login(client, people["province_leader"])
    page = client.get(reverse("worklist:detail", args=[task.pk])).content.decode()
    assert "Đã số hóa 1.200 hồ sơ" in page and "anh-hien-truong.png" in page
    file_id = task.progress_reports.get().files.get().pk
    download = client.get(reverse("worklist:evidence", args=[file_id]))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    login(client, cast.clerk_b)
    assert client.get(reverse("worklist:evidence", args=[file_id])).status_code == 404


def test_chase_and_extension_forms(client: Client, cast: Any, people: dict[str, Any], task: Task) -> None:
    login(client, people["province_leader"])
    client.post(reverse("worklist:chase", args=[task.pk]), {"kind": "phe_binh", "text": "Chậm tiến độ"})
    assert Reminder.objects.get().kind == "phe_binh"
    login(client, cast.department_leader)
    client.post(
        reverse("worklist:extension_request", args=[task.pk]),
        {"new_deadline": "2025-09-15", "reason": "Chờ kinh phí"},
    )
    login(client, people["province_leader"])
    refused = client.post(
        reverse("worklist:extension_decide", args=[task.pk]), {"decision": "tu_choi", "reason": ""}
    )
    assert refused.status_code == 400 and "Hãy nêu lý do không đồng ý gia hạn." in refused.content.decode()
    client.post(reverse("worklist:extension_decide", args=[task.pk]), {"decision": "dong_y", "reason": ""})
    task.refresh_from_db()
    assert task.extended_deadline == date(2025, 9, 15) and task.status == TaskStatus.IN_PROGRESS
    page = client.get(reverse("worklist:detail", args=[task.pk])).content.decode()
    assert "Đã gia hạn từ 22/08/2025" in page and "Phê bình lần 1" in page


def test_board_counts_by_agency(client: Client, cast: Any, people: dict[str, Any], task: Task) -> None:
    login(client, cast.office_reporter)
    page = client.get(
        reverse("worklist:board"), {"tu_ngay": "2025-01-01", "den_ngay": "2025-08-25"}
    ).content.decode()
    assert "Sở Nội vụ" in page
    row = page[page.index('<th scope="row">Sở Nội vụ</th>') :]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:8]]
    assert cells == ["1", "0", "0", "0", "0", "1", "—"]


# --- API -------------------------------------------------------------------------------


def test_api_needs_a_session(client: Client, task: Task) -> None:
    assert client.get("/api/nhiem-vu/").status_code == 401


def test_api_list_detail_progress_done(client: Client, cast: Any, people: dict[str, Any], task: Task) -> None:
    login(client, cast.clerk_b)
    assert client.get("/api/nhiem-vu/").json() == {"count": 0, "items": []}
    assert client.get(f"/api/nhiem-vu/{task.pk}").status_code == 404
    login(client, cast.department_leader)
    listing = client.get("/api/nhiem-vu/", {"trang_thai": "trong_han"}).json()
    assert listing["count"] == 1 and listing["items"][0]["timing"] == "trong_han"
    assert listing["items"][0]["due"] == "2025-08-22"
    response = client.post(
        f"/api/nhiem-vu/{task.pk}/tien-do", {"text": "Đang số hóa", "percent": "70", "files": [png_upload()]}
    )
    assert response.status_code == 201, response.content
    assert response.json()["files"][0]["name"] == "anh-hien-truong.png"
    bad = client.post(f"/api/nhiem-vu/{task.pk}/tien-do", {"text": "x", "percent": "101"})
    assert bad.status_code == 400 and "từ 0 đến 100" in bad.json()["detail"]
    empty = client.post(
        f"/api/nhiem-vu/{task.pk}/hoan-thanh", {"result_note": ""}, content_type="application/json"
    )
    assert empty.status_code == 400 and empty.json()["detail"] == "Hãy nhập kết quả thực hiện nhiệm vụ."
    done = client.post(
        f"/api/nhiem-vu/{task.pk}/hoan-thanh",
        {"result_note": "Hoàn thành số hóa"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["timing"] == "hoan_thanh_truoc_han"
    detail = client.get(f"/api/nhiem-vu/{task.pk}").json()
    assert detail["progress"][0]["percent"] == 70 and detail["result_note"] == "Hoàn thành số hóa"
    login(client, cast.officer_a)  # supporting agency: may report progress, may not close the task
    assert client.post(
        f"/api/nhiem-vu/{task.pk}/hoan-thanh", {"result_note": "x"}, content_type="application/json"
    ).status_code in (400, 403)


# --- plans: create, import, export -----------------------------------------------------


def test_plan_create_import_and_export(client: Client, cast: Any, people: dict[str, Any]) -> None:
    from cqs.worklist.tests.test_xlsx import GOOD, workbook

    login(client, people["province_leader"])
    response = client.post(
        reverse("worklist:plans"),
        {
            "issuing_agency": cast.province.pk,
            "title": "Kế hoạch chuyển đổi số năm 2025",
            "year": "2025",
            "citation": "Kế hoạch số 18/KH-UBND ngày 15/01/2025",
        },
    )
    plan_url = response["Location"]
    bad_rows = [*GOOD, [9, "Nhiệm vụ X", "Sở Không Có", "", "31/12/2025", "", ""]]
    upload = SimpleUploadedFile("phu-luc.xlsx", workbook(bad_rows))
    refused = client.post(plan_url, {"file": upload})
    assert refused.status_code == 400
    assert "Dòng 8: cơ quan chủ trì: không tìm thấy cơ quan «Sở Không Có»." in refused.content.decode()
    assert not Task.objects.exists()
    done = client.post(plan_url, {"file": SimpleUploadedFile("phu-luc.xlsx", workbook(GOOD))})
    assert done.status_code == 302 and Task.objects.count() == 4
    page = client.get(plan_url).content.decode()
    assert "<td>1.1</td><td>Chuẩn hóa dữ liệu</td>" in page
    export = client.get(plan_url + "xuat-excel/")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert export.content.startswith(b"PK")
    login(
        client, cast.clerk_b
    )  # commune B leads task 3 of the plan, so it sees the plan, without import rights
    page = client.get(plan_url).content.decode()
    assert "Nhập danh sách" not in page
    login(client, cast.officer_a)
    assert client.get(plan_url).status_code == 200
