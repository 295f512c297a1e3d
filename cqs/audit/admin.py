from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cqs.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("id", "at", "actor_label", "action", "target_type", "target_id", "agency_id")
    list_filter = ("action",)
    search_fields = ("action", "actor_label", "target_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
