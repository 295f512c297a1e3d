"""The task services: assignment, sub-tasks, progress, extensions, completion, chasing, cancelling."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from cqs.audit.models import AuditEvent
from cqs.core.errors import ApplicationError
from cqs.notify.models import Notification
from cqs.worklist.models import ExtensionStatus, Reminder, ReminderKind, Task, TaskEvidence, TaskStatus
from cqs.worklist.services import (
    TaskSpec,
    task_assign,
    task_cancel,
    task_chase,
    task_grant_extension,
    task_mark_done,
    task_refuse_extension,
    task_report_progress,
    task_request_extension,
    task_split,
)
from cqs.worklist.tests.conftest import png_upload, xlsx_upload

pytestmark = pytest.mark.usefixtures("today")


@pytest.fixture
def task(cast: Any, people: dict[str, Any]) -> Task:
    return task_assign(
        by=people["province_leader"],
        assigning_agency=cast.province,
        spec=TaskSpec(
            title="Xây dựng kho dữ liệu dùng chung của tỉnh",
            lead_agency=cast.department,
            supporting_agencies=[cast.commune_a],
            working_days=10,
            expected_result="Kho dữ liệu vận hành",
        ),
    )


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=f"worklist.{action}").count()


def test_assign_computes_the_deadline_in_working_days_and_tells_the_owners(
    cast: Any, people: dict[str, Any], task: Task
) -> None:
    # 20/08/2025 + 10 working days, skipping the weekends and Quốc khánh (01–02/09/2025).
    assert task.deadline == date(2025, 9, 5)
    assert task.status == TaskStatus.ASSIGNED and task.assigned_on == date(2025, 8, 20)
    assert (
        Notification.objects.filter(user=cast.department_leader, title__startswith="Nhiệm vụ mới").count()
        == 1
    )
    assert (
        Notification.objects.filter(user=people["commune_a_leader"], title__startswith="Phối hợp").count()
        == 1
    )
    assert events("task.assign") == 1


def test_a_date_on_a_day_off_moves_to_the_next_working_day(cast: Any, people: dict[str, Any]) -> None:
    spec = TaskSpec(title="Báo cáo", lead_agency=cast.department, deadline=date(2025, 8, 30))
    task = task_assign(by=people["province_leader"], assigning_agency=cast.province, spec=spec)
    assert task.deadline == date(2025, 9, 3)


@pytest.mark.parametrize(
    ("spec_kwargs", "message"),
    [
        ({"deadline": date(2025, 8, 1)}, "Thời hạn 01/08/2025 đã qua"),
        ({}, "Hãy nhập thời hạn"),
        ({"deadline": date(2025, 9, 1), "working_days": 3}, "Hãy nhập thời hạn"),
        ({"working_days": 0}, "Số ngày làm việc phải từ 1"),
        ({"working_days": 5, "title": "  "}, "Hãy nhập nội dung nhiệm vụ"),
    ],
)
def test_bad_assignments_are_refused_in_vietnamese(
    cast: Any, people: dict[str, Any], spec_kwargs: dict[str, Any], message: str
) -> None:
    spec = TaskSpec(**{"title": "Nhiệm vụ", "lead_agency": cast.department, **spec_kwargs})
    with pytest.raises(ApplicationError, match=message):
        task_assign(by=people["province_leader"], assigning_agency=cast.province, spec=spec)
    assert not Task.objects.exists()


def test_only_those_who_act_for_the_agency_assign_and_only_below_it(
    cast: Any, people: dict[str, Any]
) -> None:
    spec = TaskSpec(title="Nhiệm vụ", lead_agency=cast.commune_a, working_days=5)
    with pytest.raises(PermissionDenied):
        task_assign(by=cast.clerk_a, assigning_agency=cast.province, spec=spec)
    with pytest.raises(PermissionDenied):  # a department does not assign to a commune
        task_assign(by=cast.department_leader, assigning_agency=cast.department, spec=spec)
    # The provincial office acts for the provincial committee.
    task = task_assign(by=cast.office_reporter, assigning_agency=cast.province, spec=spec)
    assert task.assigning_agency == cast.province


def test_split_gives_sub_tasks_to_units_within_the_deadline(
    cast: Any, people: dict[str, Any], task: Task
) -> None:
    too_late = TaskSpec(
        title="Dự thảo",
        lead_agency=cast.department,
        lead_unit=cast.unit_department,
        deadline=date(2025, 9, 8),
    )
    with pytest.raises(ApplicationError, match="không được sau thời hạn"):
        task_split(by=cast.department_leader, task=task, specs=[too_late])
    children = task_split(
        by=cast.department_leader,
        task=task,
        specs=[
            TaskSpec(
                title="Dự thảo", lead_agency=cast.department, lead_unit=cast.unit_department, working_days=5
            )
        ],
    )
    assert [c.parent_id for c in children] == [task.pk]
    assert children[0].assigning_agency == cast.department and children[0].deadline == date(2025, 8, 27)
    with pytest.raises(PermissionDenied):
        task_split(by=cast.clerk_a, task=task, specs=[])


def test_progress_with_evidence_files(cast: Any, people: dict[str, Any], task: Task) -> None:
    progress = task_report_progress(
        by=people["department_officer"],
        task=task,
        text="Đã khảo sát 12/20 cơ quan",
        percent=60,
        files=[png_upload(), xlsx_upload()],
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS and task.percent == 60
    names = sorted(TaskEvidence.objects.filter(progress=progress).values_list("original_name", flat=True))
    assert names == ["anh-hien-truong.png", "so-lieu.xlsx"]
    assert all(len(e.sha256) == 64 for e in TaskEvidence.objects.all())
    # A supporting agency reports too, without moving the lead's percentage.
    task_report_progress(by=cast.officer_a, task=task, text="Xã đã cung cấp số liệu", percent=100)
    task.refresh_from_db()
    assert task.percent == 60
    assert events("task.progress") == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "chỉ nhận PDF, DOCX, XLSX, PNG, JPEG"),
        (SimpleUploadedFile("bao-cao.pdf", b"PK\x03\x04 not a pdf"), "nội dung không phải PDF"),
        (SimpleUploadedFile("so-lieu.xlsx", b"PK\x03\x04 broken zip"), "không phải tệp Excel"),
        (SimpleUploadedFile("cu.doc.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 20), "tệp Office cũ"),
        (SimpleUploadedFile("rong.png", b""), "rỗng"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_written(
    cast: Any, people: dict[str, Any], task: Task, upload: SimpleUploadedFile, message: str
) -> None:
    with pytest.raises(ApplicationError, match=message):
        task_report_progress(by=cast.department_leader, task=task, text="Báo cáo", percent=10, files=[upload])
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED and not task.progress_reports.exists()


def test_evidence_size_limit(cast: Any, task: Task, settings: Any) -> None:
    settings.WORKLIST_MAX_UPLOAD_MB = 0.001  # about 1 KB
    big = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 4000)
    with pytest.raises(ApplicationError, match="vượt quá giới hạn dung lượng 1 KB"):
        task_report_progress(by=cast.department_leader, task=task, text="Báo cáo", percent=10, files=[big])


def test_outsiders_cannot_report(cast: Any, task: Task) -> None:
    with pytest.raises(PermissionDenied):
        task_report_progress(by=cast.clerk_b, task=task, text="x", percent=10)


def test_extension_granted_moves_the_deadline(cast: Any, people: dict[str, Any], task: Task) -> None:
    with pytest.raises(ApplicationError, match="phải sau thời hạn hiện tại 05/09/2025"):
        task_request_extension(
            by=cast.department_leader, task=task, new_deadline=date(2025, 9, 5), reason="Chậm"
        )
    request = task_request_extension(
        by=cast.department_leader, task=task, new_deadline=date(2025, 9, 20), reason="Chờ số liệu của Bộ"
    )
    assert request.new_deadline == date(2025, 9, 22)  # Saturday 20/09 → Monday
    task.refresh_from_db()
    assert task.status == TaskStatus.EXTENSION_REQUESTED
    with pytest.raises(ApplicationError, match="Không thể xin gia hạn"):
        task_request_extension(
            by=cast.department_leader, task=task, new_deadline=date(2025, 9, 30), reason="x"
        )
    with pytest.raises(PermissionDenied):
        task_grant_extension(by=cast.department_leader, task=task)
    task_grant_extension(by=people["province_leader"], task=task, reason="Đồng ý")
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    assert (task.deadline, task.extended_deadline) == (date(2025, 9, 5), date(2025, 9, 22))
    assert Notification.objects.filter(user=cast.department_leader, title__contains="đồng ý gia hạn").exists()


def test_extension_refused_needs_a_reason_and_keeps_the_deadline(
    cast: Any, people: dict[str, Any], task: Task
) -> None:
    task_request_extension(
        by=cast.department_leader, task=task, new_deadline=date(2025, 9, 30), reason="Chậm"
    )
    with pytest.raises(ApplicationError, match="lý do không đồng ý"):
        task_refuse_extension(by=people["province_leader"], task=task, reason="")
    request = task_refuse_extension(by=people["province_leader"], task=task, reason="Nhiệm vụ cấp bách")
    task.refresh_from_db()
    assert request.status == ExtensionStatus.REFUSED and task.extended_deadline is None
    assert task.status == TaskStatus.IN_PROGRESS


def test_mark_done_waits_for_sub_tasks_and_closes_pending_requests(
    cast: Any, people: dict[str, Any], task: Task
) -> None:
    [child] = task_split(
        by=cast.department_leader,
        task=task,
        specs=[
            TaskSpec(
                title="Dự thảo", lead_agency=cast.department, lead_unit=cast.unit_department, working_days=3
            )
        ],
    )
    task_request_extension(
        by=cast.department_leader, task=task, new_deadline=date(2025, 9, 30), reason="Chậm"
    )
    with pytest.raises(ApplicationError, match="Còn 1 nhiệm vụ con"):
        task_mark_done(by=cast.department_leader, task=task, result_note="Xong")
    task_mark_done(by=people["department_officer"], task=child, result_note="Đã dự thảo")
    with pytest.raises(ApplicationError, match="Hãy nhập kết quả"):
        task_mark_done(by=cast.department_leader, task=task, result_note=" ")
    task_mark_done(by=cast.department_leader, task=task, result_note="Đã vận hành kho dữ liệu")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.finished_on == date(2025, 8, 20) and task.percent == 100
    assert task.extensions.get().status == ExtensionStatus.WITHDRAWN
    with pytest.raises(PermissionDenied):  # a supporting agency does not close the task
        task_mark_done(by=cast.officer_a, task=child, result_note="x")
    with pytest.raises(ApplicationError, match="trạng thái «hoàn thành»"):
        task_report_progress(by=cast.department_leader, task=task, text="Thêm", percent=100)


def test_chase_is_typed_and_counted(cast: Any, people: dict[str, Any], task: Task) -> None:
    with pytest.raises(PermissionDenied):
        task_chase(by=cast.department_leader, task=task, kind=ReminderKind.REMIND)
    task_chase(by=people["province_leader"], task=task, kind=ReminderKind.REMIND)
    second = task_chase(
        by=people["province_leader"], task=task, kind=ReminderKind.CRITICISE, text="Chậm tiến độ"
    )
    assert second.sequence == 2
    assert list(Reminder.objects.values_list("kind", flat=True)) == ["nhac_nho", "phe_binh"]
    titles = set(Notification.objects.filter(user=cast.department_leader).values_list("title", flat=True))
    assert "Phê bình (lần 2): Xây dựng kho dữ liệu dùng chung của tỉnh" in titles
    with pytest.raises(ApplicationError, match="hình thức đôn đốc"):
        task_chase(by=people["province_leader"], task=task, kind="khen")


def test_cancel_cascades_to_open_sub_tasks(cast: Any, people: dict[str, Any], task: Task) -> None:
    [child] = task_split(
        by=cast.department_leader,
        task=task,
        specs=[
            TaskSpec(
                title="Dự thảo", lead_agency=cast.department, lead_unit=cast.unit_department, working_days=3
            )
        ],
    )
    with pytest.raises(ApplicationError, match="lý do hủy"):
        task_cancel(by=people["province_leader"], task=task, reason="")
    task_cancel(by=people["province_leader"], task=task, reason="Không còn phù hợp")
    child.refresh_from_db()
    assert child.status == TaskStatus.CANCELLED and child.cancel_reason.startswith("Nhiệm vụ cha bị hủy")
    assert events("task.cancel") == 1
