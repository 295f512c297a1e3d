"""Read-only views of the documents for administrators.

Every change to a document goes through the services (workflow, numbering, audit), so the
admin site can look but not touch. Staff who are not superusers see only the documents the
permission gate shows them.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from cqs.documents.models import (
    Assignment,
    Comment,
    Delivery,
    Document,
    DocumentEvent,
    DocumentFile,
    RegisterCounter,
)
from cqs.documents.permissions import visible_documents

M = TypeVar("M", bound=models.Model)


class ReadOnlyAdmin(admin.ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FileInline(ReadOnlyInline):
    model = DocumentFile
    fields = readonly_fields = ("kind", "original_name", "content_type", "size", "ocr_done", "uploaded_at")


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fk_name = "document"
    fields = readonly_fields = ("role", "unit", "assignee", "deadline", "status", "reminders", "completed_at")


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fk_name = "document"
    fields = readonly_fields = (
        "recipient_name",
        "status",
        "status_reason",
        "received_document",
        "updated_at",
    )


class EventInline(ReadOnlyInline):
    model = DocumentEvent
    fields = readonly_fields = ("at", "actor", "description")


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin[Document]):
    list_display = [
        "reference_display",
        "doc_type",
        "subject",
        "owner",
        "direction",
        "status",
        "urgency",
        "secrecy",
        "registered_at",
    ]
    list_filter = ["direction", "status", "urgency", "secrecy", "doc_type"]
    search_fields = ["number", "notation", "subject", "issuing_agency_name"]
    list_select_related = ["owner"]
    date_hierarchy = "registered_at"
    exclude = ["search_text"]
    inlines = [FileInline, AssignmentInline, DeliveryInline, EventInline]

    @admin.display(description="số, ký hiệu")
    def reference_display(self, obj: Document) -> str:
        return obj.reference or "—"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Document]:
        qs = super().get_queryset(request)
        return (
            qs
            if request.user.is_superuser
            else qs.filter(pk__in=visible_documents(request.user).values("pk"))
        )


@admin.register(RegisterCounter)
class RegisterCounterAdmin(ReadOnlyAdmin[RegisterCounter]):
    list_display = ["agency", "year", "series", "last_number"]
    list_filter = ["year", "series"]
    list_select_related = ["agency"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[RegisterCounter]:
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.none()


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin[Comment]):
    list_display = ["document", "author", "created_at"]
    list_select_related = ["document", "author"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Comment]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(document__in=visible_documents(request.user).values("pk"))
