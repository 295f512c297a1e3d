"""The dossier's state machine (regulations.md §4.3; TT 03/2025/TT-VPCP).

Every service changes `Dossier.status` only through `require_transition`; the database
keeps the dates each state needs (see the constraints on `Dossier`).

    cho_tiep_nhan ─► da_tiep_nhan ─► dang_xu_ly ─► cho_phe_duyet ─► da_phe_duyet ─► da_tra_ket_qua
         │                │              │      ◄──────┘ (trả lại xử lý lại)
         └──── cho_bo_sung (phiếu 02, dừng đồng hồ) ◄─┘, back to where it came from
    tu_choi (phiếu 03), dung_xu_ly (phiếu 05), da_rut: final.
"""

from __future__ import annotations

from collections.abc import Mapping

from cqs.core.errors import ApplicationError
from cqs.onestop.models import Dossier, DossierStatus

S = DossierStatus

TRANSITIONS: Mapping[str, frozenset[str]] = {
    # Online, waiting for the one-stop officer's check: receive, ask for more, refuse.
    S.SUBMITTED: frozenset({S.RECEIVED, S.SUPPLEMENT, S.REFUSED, S.WITHDRAWN}),
    S.RECEIVED: frozenset({S.PROCESSING, S.SUPPLEMENT, S.REFUSED, S.STOPPED, S.WITHDRAWN}),
    S.PROCESSING: frozenset({S.AWAITING_APPROVAL, S.SUPPLEMENT, S.REFUSED, S.STOPPED, S.WITHDRAWN}),
    # The leader approves (the result is issued) or sends the draft result back.
    S.AWAITING_APPROVAL: frozenset({S.APPROVED, S.PROCESSING, S.REFUSED}),
    S.APPROVED: frozenset({S.RETURNED}),
    # Supplied: back to the state it was paused in; never supplied: stopped or withdrawn.
    S.SUPPLEMENT: frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.STOPPED, S.WITHDRAWN, S.REFUSED}),
    S.RETURNED: frozenset(),
    S.REFUSED: frozenset(),
    S.STOPPED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# A dossier starts online (waiting for the check) or at the counter/by post (received).
INITIAL_STATUSES: frozenset[str] = frozenset({S.SUBMITTED, S.RECEIVED})
# States a supplement request may pause, and so the states a supply may resume.
PAUSABLE_STATUSES: frozenset[str] = frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING})
FINAL_STATUSES: frozenset[str] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


def label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def allowed_next(dossier: Dossier) -> frozenset[str]:
    return TRANSITIONS.get(dossier.status, frozenset())


def can_transition(dossier: Dossier, to_status: str) -> bool:
    return to_status in allowed_next(dossier)


def require_transition(dossier: Dossier, to_status: str) -> None:
    """Refuse, in Vietnamese, a status change the table does not allow."""
    if not can_transition(dossier, to_status):
        raise ApplicationError(
            f"Không thể chuyển hồ sơ {dossier.code} từ trạng thái “{label(dossier.status)}” "
            f"sang “{label(to_status)}”.",
            code="invalid_transition",
        )


def require_initial(status: str) -> None:
    if status not in INITIAL_STATUSES:
        raise ApplicationError(
            f"Hồ sơ mới không thể bắt đầu ở trạng thái “{label(status)}”.", code="invalid_transition"
        )
