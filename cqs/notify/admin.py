from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from cqs.notify.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    """Read-only: notifications are written by services only."""

    list_display = ["title", "user", "level", "created_at", "read_at"]
    list_filter = ["level"]
    search_fields = ["title", "user__username", "user__full_name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "title", "body", "url", "level", "created_at", "read_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False
