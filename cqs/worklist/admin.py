"""Read-mostly admin of tasks: the services own every change, so the admin only looks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cqs.worklist.models import ExtensionRequest, Plan, Reminder, Task, TaskProgress


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("title", "issuing_agency", "year", "citation")
    search_fields = ("title", "citation")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "lead_agency",
        "assigned_on",
        "deadline",
        "extended_deadline",
        "status",
        "percent",
    )
    list_filter = ("status",)
    search_fields = ("title",)
    list_select_related = ("lead_agency",)


@admin.register(TaskProgress)
class TaskProgressAdmin(ReadOnlyAdmin):
    list_display = ("task", "percent", "agency", "reported_by", "reported_at")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ("task", "previous_deadline", "new_deadline", "status", "decided_on")


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("task", "sequence", "kind", "sent_by", "sent_at")
