"""The task workflow: explicit states and the actions allowed in each (enforced by the services).

    assigned ──progress──▶ in progress ──mark done──▶ done
       │                       │  ▲
       └──request extension──▶ extension requested ──grant / refuse──▶ in progress
    any open state ──cancel──▶ cancelled;  done and cancelled are final.

Chasing (đôn đốc) and splitting into sub-tasks keep the state. Marking done while an
extension request is pending closes the request as withdrawn.
"""

from __future__ import annotations

from enum import StrEnum

from cqs.core.errors import ApplicationError
from cqs.worklist.models import TaskStatus


class Action(StrEnum):
    PROGRESS = "progress"
    REQUEST_EXTENSION = "request_extension"
    GRANT_EXTENSION = "grant_extension"
    REFUSE_EXTENSION = "refuse_extension"
    MARK_DONE = "mark_done"
    CHASE = "chase"
    SPLIT = "split"
    CANCEL = "cancel"


ACTION_LABELS = {
    Action.PROGRESS: "báo cáo tiến độ",
    Action.REQUEST_EXTENSION: "xin gia hạn",
    Action.GRANT_EXTENSION: "đồng ý gia hạn",
    Action.REFUSE_EXTENSION: "không đồng ý gia hạn",
    Action.MARK_DONE: "báo cáo hoàn thành",
    Action.CHASE: "đôn đốc",
    Action.SPLIT: "giao nhiệm vụ con",
    Action.CANCEL: "hủy nhiệm vụ",
}

S = TaskStatus
TRANSITIONS: dict[tuple[str, Action], str] = {
    (S.ASSIGNED, Action.PROGRESS): S.IN_PROGRESS,
    (S.ASSIGNED, Action.REQUEST_EXTENSION): S.EXTENSION_REQUESTED,
    (S.ASSIGNED, Action.MARK_DONE): S.DONE,
    (S.ASSIGNED, Action.CHASE): S.ASSIGNED,
    (S.ASSIGNED, Action.SPLIT): S.ASSIGNED,
    (S.ASSIGNED, Action.CANCEL): S.CANCELLED,
    (S.IN_PROGRESS, Action.PROGRESS): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.REQUEST_EXTENSION): S.EXTENSION_REQUESTED,
    (S.IN_PROGRESS, Action.MARK_DONE): S.DONE,
    (S.IN_PROGRESS, Action.CHASE): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.SPLIT): S.IN_PROGRESS,
    (S.IN_PROGRESS, Action.CANCEL): S.CANCELLED,
    (S.EXTENSION_REQUESTED, Action.PROGRESS): S.EXTENSION_REQUESTED,
    (S.EXTENSION_REQUESTED, Action.GRANT_EXTENSION): S.IN_PROGRESS,
    (S.EXTENSION_REQUESTED, Action.REFUSE_EXTENSION): S.IN_PROGRESS,
    (S.EXTENSION_REQUESTED, Action.MARK_DONE): S.DONE,
    (S.EXTENSION_REQUESTED, Action.CHASE): S.EXTENSION_REQUESTED,
    (S.EXTENSION_REQUESTED, Action.SPLIT): S.EXTENSION_REQUESTED,
    (S.EXTENSION_REQUESTED, Action.CANCEL): S.CANCELLED,
}


def allowed(status: str, action: Action) -> bool:
    return (status, action) in TRANSITIONS


def next_status(status: str, action: Action) -> str:
    """The state after `action`; `ApplicationError` (Vietnamese) when the state does not allow it."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        label = TaskStatus(status).label.lower()
        raise ApplicationError(
            f"Không thể {ACTION_LABELS[action]} khi nhiệm vụ ở trạng thái «{label}».", code="state"
        ) from None
