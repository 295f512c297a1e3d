"""Helpers shared by the one-stop services: locking, the event + audit pair, dates, text."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.core.workcalendar import VN_TZ
from cqs.onestop.models import Dossier, DossierEvent
from cqs.onestop.signals import dossier_changed


def now() -> datetime:
    return timezone.now()


def local_date(moment: datetime) -> date:
    return moment.astimezone(VN_TZ).date()


def local_today() -> date:
    return local_date(timezone.now())


def day_start(day: date) -> datetime:
    """00:00 of `day` in Vietnam, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=VN_TZ)


def day_end_exclusive(day: date) -> datetime:
    return day_start(day + timedelta(days=1))


def clean_text(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value or "")).strip()


def require_text(value: Any, message: str) -> str:
    text = clean_text(value)
    if not text:
        raise ApplicationError(message, code="required")
    return text


def person(user: Any) -> str:
    if user is None:
        return "Hệ thống"
    return str(getattr(user, "full_name", "") or getattr(user, "username", "") or user)


def format_day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def lock(dossier: Dossier) -> Dossier:
    """Take the dossier's row lock for the rest of the transaction and reload it in place."""
    list(Dossier.objects.select_for_update().filter(pk=dossier.pk).values_list("pk", flat=True))
    dossier.refresh_from_db()
    return dossier


def plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def record(
    *,
    actor: Any,
    dossier: Dossier,
    kind: str,
    from_status: str = "",
    note: str = "",
    public: bool = True,
    payload: Mapping[str, Any] | None = None,
) -> DossierEvent:
    """The history row and the audit event, once and last in every service call; the
    `dossier_changed` signal goes out when the transaction commits."""
    event = DossierEvent.objects.create(
        dossier=dossier,
        kind=kind,
        from_status=from_status,
        to_status=dossier.status,
        actor=actor if getattr(actor, "pk", None) else None,
        at=timezone.now(),
        note=note,
        public=public,
    )
    audit_record(
        actor=actor,
        action=f"onestop.{kind}",
        target=dossier,
        agency_id=dossier.agency_id,
        payload={
            "code": dossier.code,
            "from": from_status,
            "to": dossier.status,
            **{k: plain(v) for k, v in (payload or {}).items()},
        },
    )
    transaction.on_commit(lambda: dossier_changed.send(sender=Dossier, dossier=dossier, event=event))
    return event
