"""Sending notifications. Other modules' services call `notify` inside their transaction.

Notifications are a side effect of the calling service, which writes the audit event;
they are not audited themselves. Emails go out only once that transaction commits, so a
refused or rolled-back action never mails anyone; a mail server failure is logged and
never undoes the committed action.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from cqs.notify.models import Notification, NotificationLevel

logger = logging.getLogger(__name__)

EMAIL_SUBJECT_PREFIX = "[Chính quyền số] "


def _recipients(users: Iterable[Any]) -> list[Any]:
    """Active users, each once, in the order given."""
    seen: set[int] = set()
    unique: list[Any] = []
    for user in users:
        if user is None or not getattr(user, "is_active", False) or user.pk in seen:
            continue
        seen.add(user.pk)
        unique.append(user)
    return unique


def _send_emails(messages: list[EmailMessage]) -> None:
    try:
        get_connection(fail_silently=False).send_messages(messages)
    except Exception:  # a mail outage must not turn a committed action into an error page
        logger.exception("Không gửi được %d thư thông báo.", len(messages))


def _email_body(body: str, url: str) -> str:
    if not url:
        return body
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{body}\n\nXem chi tiết: {base}{url}"


def notify(
    *,
    users: Iterable[Any],
    title: str,
    body: str,
    url: str = "",
    email: bool = True,
    level: str = NotificationLevel.INFO,
) -> list[Notification]:
    """One notification per active user (duplicates dropped); an email to those with an
    address when the surrounding transaction commits (at once outside a transaction)."""
    recipients = _recipients(users)
    title = title[:200]
    notifications = [Notification(user=u, title=title, body=body, url=url, level=level) for u in recipients]
    for notification in notifications:
        notification.full_clean(exclude=["user"])
    created = Notification.objects.bulk_create(notifications)
    if email:
        messages = [
            EmailMessage(
                subject=f"{EMAIL_SUBJECT_PREFIX}{title}",
                body=_email_body(body, url),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[u.email],
            )
            for u in recipients
            if getattr(u, "email", "")
        ]
        if messages:
            transaction.on_commit(lambda: _send_emails(messages))
    return created


def notification_mark_read(*, by: Any, notification: Notification) -> Notification:
    if notification.user_id != getattr(by, "pk", None):
        raise PermissionDenied("Thông báo này không phải của bạn.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, by: Any) -> int:
    return Notification.objects.filter(user=by).unread().update(read_at=timezone.now())
