"""Admin: the trust store is edited here (system administrators); certificates, images and
signature records are shown read-only (keys never are), and can only be switched off."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.signing.models import Certificate, SignatureImage, SignatureRecord, TrustAnchor
from cqs.signing.services import deactivate_certificate


class _ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(_ReadOnlyAdmin):
    list_display = ("common_name", "kind", "owner_label", "issuer", "not_after", "backend", "is_active")
    list_filter = ("kind", "backend", "is_active")
    search_fields = ("common_name", "subject", "serial_number", "fingerprint_sha256")
    exclude = ("encrypted_private_key",)
    actions = ["deactivate"]

    @admin.action(description="Ngừng sử dụng các chứng thư đã chọn")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        count = 0
        for certificate in queryset.filter(is_active=True):
            try:
                deactivate_certificate(by=request.user, certificate=certificate)
                count += 1
            except (ApplicationError, PermissionDenied) as error:
                self.message_user(request, str(error), messages.ERROR)
        self.message_user(request, f"Đã ngừng sử dụng {count} chứng thư.")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for the action; every field stays read-only.
        return bool(request.user.is_superuser)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Certificate._meta.fields if f.name != "encrypted_private_key"]


@admin.register(SignatureImage)
class SignatureImageAdmin(_ReadOnlyAdmin):
    list_display = ("kind", "owner_user", "owner_agency", "preview", "created_at", "is_active")
    list_filter = ("kind", "is_active")
    exclude = ("png",)
    readonly_fields = ("preview",)

    @admin.display(description="ảnh")
    def preview(self, obj: SignatureImage) -> SafeString:
        data = base64.b64encode(bytes(obj.png)).decode("ascii")
        return format_html('<img src="data:image/png;base64,{}" alt="" style="max-height:60px">', data)


@admin.register(TrustAnchor)
class TrustAnchorAdmin(admin.ModelAdmin[TrustAnchor]):
    list_display = ("name", "kind", "subject", "not_after", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "subject", "fingerprint_sha256")
    fields = (
        "name",
        "certificate_pem",
        "is_active",
        "note",
        "kind",
        "subject",
        "fingerprint_sha256",
        "not_before",
        "not_after",
    )
    readonly_fields = ("kind", "subject", "fingerprint_sha256", "not_before", "not_after")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch it off instead: the history of who was trusted stays

    def save_model(self, request: HttpRequest, obj: TrustAnchor, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="signing.trust_anchor_change" if change else "signing.trust_anchor_add",
            target=obj,
            payload={
                "name": obj.name,
                "subject": obj.subject,
                "fingerprint_sha256": obj.fingerprint_sha256,
                "is_active": obj.is_active,
                "changed": sorted(form.changed_data) if form is not None else [],
            },
        )


@admin.register(SignatureRecord)
class SignatureRecordAdmin(_ReadOnlyAdmin):
    list_display = ("signing_time", "purpose", "field_name", "document_ref", "signed_by", "sha256_after")
    list_filter = ("purpose", "pades_level")
    search_fields = ("document_ref", "sha256_before", "sha256_after", "certificate_fingerprint")
