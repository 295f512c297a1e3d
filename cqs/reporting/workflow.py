"""The report's state machine: which status may follow which.

    đang soạn (draft) ──gửi──▶ đã gửi (submitted) ──tiếp nhận──▶ đã tiếp nhận (accepted)
                                  ▲      │
                                  gửi lại  trả lại (reason required)
                                  │      ▼
                             bị trả lại (returned: a draft again, with the reason shown)

Values are frozen at submission: no service changes a ReportValue of a submitted or accepted
report. A returned report is editable again like a draft, but its values stay the frozen
ones until the officer refreshes them from live data ("Cập nhật số liệu"); sending it again
freezes whatever it then holds. An accepted report is final.
"""

from __future__ import annotations

from collections.abc import Mapping

from cqs.core.errors import ApplicationError
from cqs.reporting.models import Report, ReportStatus

S = ReportStatus

TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.RETURNED}),
    S.RETURNED: frozenset({S.SUBMITTED}),
    S.ACCEPTED: frozenset(),
}

#: Statuses in which the report's values and narratives may change.
EDITABLE_STATUSES: frozenset[str] = frozenset({S.DRAFT, S.RETURNED})
#: Statuses in which the values are frozen (the report is with the requester or accepted).
FROZEN_STATUSES: frozenset[str] = frozenset({S.SUBMITTED, S.ACCEPTED})
#: Statuses that count as "đã nộp" for completeness (a returned report must be sent again).
SUBMITTED_STATUSES: frozenset[str] = frozenset({S.SUBMITTED, S.ACCEPTED})


def _label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def allowed_next(report: Report) -> frozenset[str]:
    return TRANSITIONS.get(report.status, frozenset())


def can_transition(report: Report, to_status: str) -> bool:
    return to_status in allowed_next(report)


def require_transition(report: Report, to_status: str) -> None:
    """Refuse, in Vietnamese, a status change the table does not allow."""
    if not can_transition(report, to_status):
        raise ApplicationError(
            f"Không thể chuyển báo cáo từ trạng thái “{_label(report.status)}” sang “{_label(to_status)}”.",
            code="invalid_transition",
        )


def require_editable(report: Report) -> None:
    if report.status not in EDITABLE_STATUSES:
        raise ApplicationError(
            f"Báo cáo đang ở trạng thái “{_label(report.status)}”: số liệu và nội dung đã được chốt, "
            "không sửa được.",
            code="frozen",
        )
