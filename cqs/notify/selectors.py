"""Reads of a user's notifications (the inbox and its unread badge)."""

from __future__ import annotations

from typing import Any

from cqs.notify.models import Notification, NotificationQuerySet


def notifications_for(user: Any, *, unread_only: bool = False) -> NotificationQuerySet:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(user=user)
    return qs.unread() if unread_only else qs


def unread_count(user: Any) -> int:
    return notifications_for(user, unread_only=True).count()
