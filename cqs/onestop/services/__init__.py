"""The one-stop services: every change to dossiers goes through these functions (keyword
arguments, the acting user `actor`, one transaction, one history row and audit event, and
`dossier_changed` on commit)."""

from cqs.onestop.services.payments import rate_dossier, record_payment, start_payment
from cqs.onestop.services.processing import (
    current_step,
    dossier_apologise,
    dossier_approve,
    dossier_change_route,
    dossier_handover,
    dossier_refuse,
    dossier_request_supplement,
    dossier_return,
    dossier_send_back,
    dossier_sign_result,
    dossier_stop,
    dossier_submit_for_approval,
    dossier_withdraw,
    supply_supplement,
)
from cqs.onestop.services.reception import (
    ApplicantData,
    accept_online,
    add_component,
    appointment_for,
    next_code,
    receive_at_counter,
    reusable_components,
    submit_online,
)

__all__ = [
    "ApplicantData",
    "accept_online",
    "add_component",
    "appointment_for",
    "current_step",
    "dossier_apologise",
    "dossier_approve",
    "dossier_change_route",
    "dossier_handover",
    "dossier_refuse",
    "dossier_request_supplement",
    "dossier_return",
    "dossier_send_back",
    "dossier_sign_result",
    "dossier_stop",
    "dossier_submit_for_approval",
    "dossier_withdraw",
    "next_code",
    "rate_dossier",
    "receive_at_counter",
    "record_payment",
    "reusable_components",
    "start_payment",
    "submit_online",
    "supply_supplement",
]
