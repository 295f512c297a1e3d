"""Administration of the organisation catalogue.

Only staff reach the admin site. Superusers manage everything; other staff see and change
only the agencies they administer (the `admin` role in that agency or an ancestor). Every
save through the admin is also written to the audit log. Agencies, units and positions
are never deleted: they are closed with an end date so their history stays intact.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest

from cqs.audit.services import audit_record
from cqs.org.models import Agency, AgencySuccession, Position, PositionRole, Role, Unit
from cqs.org.permissions import can_manage_agency, manageable_agencies

M = TypeVar("M", bound=models.Model)


def _agency_of(obj: models.Model) -> Agency | None:
    if isinstance(obj, Agency):
        return obj
    agency = getattr(obj, "agency", None)
    return agency if isinstance(agency, Agency) else None


class ValidityFilter(admin.SimpleListFilter):
    title = "tình trạng hiệu lực"
    parameter_name = "hieu_luc"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("con", "Đang có hiệu lực"), ("het", "Đã hết hiệu lực"), ("chua", "Chưa có hiệu lực")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        today = date.today()
        if self.value() == "con":
            return queryset.filter(valid_from__lte=today).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=today)
            )
        if self.value() == "het":
            return queryset.filter(valid_to__lt=today)
        if self.value() == "chua":
            return queryset.filter(valid_from__gt=today)
        return queryset


class AgencyScopedAdmin(admin.ModelAdmin[M]):
    """Limits staff to the agencies they administer and audits every admin save."""

    audit_action: str = ""
    agency_lookup: str = "agency"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[M]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.agency_lookup}__in": manageable_agencies(request.user)})

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        agency = _agency_of(obj) if obj is not None else None
        return allowed and (agency is None or can_manage_agency(request.user, agency))

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Agency and not request.user.is_superuser:
            kwargs["queryset"] = manageable_agencies(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _audit(self, request: HttpRequest, obj: M, verb: str, message: Any) -> None:
        agency = _agency_of(obj)
        audit_record(
            actor=request.user,
            action=f"{self.audit_action}.{verb}",
            target=obj,
            agency_id=agency.pk if agency is not None else None,
            payload={"via": "admin", "message": message},
        )

    def log_addition(self, request: HttpRequest, obj: M, message: Any) -> Any:
        self._audit(request, obj, "create", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: M, message: Any) -> Any:
        self._audit(request, obj, "update", message)
        return super().log_change(request, obj, message)


class UnitInline(admin.TabularInline[Unit, Agency]):
    model = Unit
    fk_name = "agency"
    fields = ("name", "notation", "parent", "is_active")
    autocomplete_fields = ("parent",)
    extra = 0
    show_change_link = True
    can_delete = False


class PredecessorInline(admin.TabularInline[AgencySuccession, Agency]):
    model = AgencySuccession
    fk_name = "successor"
    fields = ("predecessor", "kind", "effective_date", "basis")
    autocomplete_fields = ("predecessor",)
    extra = 0
    verbose_name = "cơ quan trước đây"
    verbose_name_plural = "Cơ quan trước đây (lịch sử dồn về cơ quan này)"


class SuccessorInline(admin.TabularInline[AgencySuccession, Agency]):
    model = AgencySuccession
    fk_name = "predecessor"
    fields = ("successor", "kind", "effective_date", "basis")
    autocomplete_fields = ("successor",)
    extra = 0
    verbose_name = "cơ quan kế thừa"
    verbose_name_plural = "Cơ quan kế thừa"


@admin.register(Agency)
class AgencyAdmin(AgencyScopedAdmin[Agency]):
    audit_action = "org.agency"
    agency_lookup = "pk"
    list_display = ("name", "code", "notation", "kind", "level", "parent", "valid_from", "valid_to")
    list_filter = ("kind", "level", ValidityFilter)
    list_select_related = ("parent",)
    search_fields = ("name", "short_name", "code", "notation")
    autocomplete_fields = ("parent",)
    readonly_fields = ("tree_path",)
    fieldsets = (
        ("Định danh", {"fields": ("code", "name", "short_name", "notation")}),
        ("Phân loại", {"fields": ("kind", "level", "parent")}),
        ("Hiệu lực", {"fields": ("valid_from", "valid_to")}),
        ("Liên hệ", {"fields": ("place_name", "address", "email", "phone")}),
        ("Kỹ thuật", {"fields": ("tree_path",), "classes": ("collapse",)}),
    )
    inlines = (UnitInline, PredecessorInline, SuccessorInline)

    def get_form(
        self, request: HttpRequest, obj: Agency | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form: type[ModelForm[Agency]] = super().get_form(request, obj, change, **kwargs)
        parent_field = form.base_fields.get("parent")
        # Only a superuser may create a top-level agency.
        if isinstance(parent_field, ModelChoiceField) and not request.user.is_superuser:
            parent_field.required = True
        return form


@admin.register(Unit)
class UnitAdmin(AgencyScopedAdmin[Unit]):
    audit_action = "org.unit"
    list_display = ("name", "notation", "agency", "parent", "is_active")
    list_filter = ("is_active", "agency__level")
    list_select_related = ("agency", "parent")
    search_fields = ("name", "notation", "agency__name", "agency__code")
    autocomplete_fields = ("agency", "parent")


class PositionRoleInline(admin.TabularInline[PositionRole, Position]):
    model = PositionRole
    extra = 1


@admin.register(Position)
class PositionAdmin(AgencyScopedAdmin[Position]):
    audit_action = "org.position"
    list_display = ("user", "agency", "unit", "title", "role_list", "valid_from", "valid_to")
    list_filter = ("roles__role", "agency__level", ValidityFilter)
    list_select_related = ("user", "agency", "unit")
    search_fields = ("user__username", "user__full_name", "title", "agency__name", "agency__code")
    autocomplete_fields = ("user", "agency", "unit")
    inlines = (PositionRoleInline,)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Position]:
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description="vai trò")
    def role_list(self, obj: Position) -> str:
        return ", ".join(Role(r.role).label for r in obj.roles.all())
