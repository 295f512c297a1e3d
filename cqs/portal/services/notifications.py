"""Telling the owner of an online dossier about every public change (anchors.md §6: "stuck
with no news" and "returned with no reason" are what citizens complain about most).

`dossier_changed` is sent by onestop after each transition commits; for a public event of a
dossier that has an owner with a citizen profile, one email (Django's mail backend,
Vietnamese templates) and one SMS (the `cqs.portal.sms` backend) go out, as the citizen's
preferences allow. Each is logged once per event and channel; a failing mail server or SMS
gateway is logged and never undoes the dossier's change.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from cqs.onestop.models import Dossier, DossierEvent
from cqs.portal.models import CitizenProfile, NotificationChannel, NotificationLog
from cqs.portal.sms import send_sms

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Cổng dịch vụ công] "


def dossier_url(dossier: Dossier) -> str:
    base = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    return f"{base}{reverse('portal:dossier', args=[dossier.code])}"


def _already_sent(event: DossierEvent, channel: str) -> bool:
    return NotificationLog.objects.filter(event_id=event.pk, channel=channel).exists()


def _log(
    *, dossier: Dossier, event: DossierEvent, channel: str, to: str, subject: str, body: str, error: str
) -> None:
    try:
        with transaction.atomic():
            NotificationLog.objects.create(
                dossier=dossier,
                event_id=event.pk,
                channel=channel,
                recipient=to,
                subject=subject[:200],
                body=body,
                ok=not error,
                error=error[:300],
            )
    except IntegrityError:  # a concurrent delivery of the same event already logged it
        pass


def notify_owner(*, dossier: Dossier, event: DossierEvent) -> list[str]:
    """Send the owner the email and SMS about `event`; returns the channels used."""
    if not event.public or dossier.owner_id is None:
        return []
    profile = CitizenProfile.objects.filter(user_id=dossier.owner_id).first()
    if profile is None or not profile.user.is_active:
        return []
    context = {
        "dossier": dossier,
        "event": event,
        "procedure": dossier.version.procedure,
        "profile": profile,
        "url": dossier_url(dossier),
    }
    used: list[str] = []
    if profile.notify_email and profile.email and not _already_sent(event, NotificationChannel.EMAIL):
        subject = SUBJECT_PREFIX + " ".join(
            render_to_string("portal/email/dossier_changed_subject.txt", context).split()
        )
        body = str(render_to_string("portal/email/dossier_changed.txt", context))
        error = ""
        try:
            EmailMessage(
                subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[profile.email]
            ).send()
        except Exception as exc:  # a mail outage must not break the officer's action
            logger.exception("Không gửi được thư thông báo hồ sơ %s.", dossier.code)
            error = str(exc) or exc.__class__.__name__
        _log(
            dossier=dossier,
            event=event,
            channel=NotificationChannel.EMAIL,
            to=profile.email,
            subject=subject,
            body=body,
            error=error,
        )
        used.append(NotificationChannel.EMAIL)
    if profile.notify_sms and profile.phone and not _already_sent(event, NotificationChannel.SMS):
        body = " ".join(render_to_string("portal/email/dossier_changed_sms.txt", context).split())
        error = ""
        try:
            send_sms(profile.phone, body)
        except Exception as exc:
            logger.exception("Không gửi được tin nhắn thông báo hồ sơ %s.", dossier.code)
            error = str(exc) or exc.__class__.__name__
        _log(
            dossier=dossier,
            event=event,
            channel=NotificationChannel.SMS,
            to=profile.phone,
            subject="",
            body=body,
            error=error,
        )
        used.append(NotificationChannel.SMS)
    return used


def on_dossier_changed(sender: Any, *, dossier: Dossier, event: DossierEvent, **kwargs: Any) -> None:
    """Receiver of `cqs.onestop.signals.dossier_changed` (connected in `PortalConfig.ready`)."""
    try:
        notify_owner(dossier=dossier, event=event)
    except Exception:
        logger.exception("Lỗi khi thông báo cho người nộp hồ sơ %s.", getattr(dossier, "code", "?"))
