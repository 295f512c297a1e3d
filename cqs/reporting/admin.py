"""Admin pages of the indicator catalogue: indicators, targets and manual values."""

from __future__ import annotations

from django.contrib import admin

from cqs.reporting.models import Indicator, ManualValue, Target


class TargetInline(admin.TabularInline[Target, Indicator]):
    model = Target
    extra = 0
    fields = ["year", "agency_level", "comparator", "value", "plan_reference"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ["code", "name", "group", "kind", "unit", "source", "function", "is_active"]
    list_filter = ["group", "kind", "source", "is_active"]
    search_fields = ["code", "name", "short_name"]
    ordering = ["group", "order", "code"]
    inlines = [TargetInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "short_name", "group", "order", "is_active"]}),
        (
            "Cách tính",
            {"fields": ["kind", "unit", "source", "function", "numerator_label", "denominator_label"]},
        ),
        ("Mô tả", {"fields": ["description", "higher_is_better"]}),
    ]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin[Target]):
    list_display = ["indicator", "year", "agency_level", "comparator", "value", "plan_reference"]
    list_filter = ["year", "agency_level"]
    search_fields = ["indicator__code", "indicator__name", "plan_reference"]
    autocomplete_fields = ["indicator"]
    raw_id_fields = ["plan_document"]


@admin.register(ManualValue)
class ManualValueAdmin(admin.ModelAdmin[ManualValue]):
    """Read-only: manual values are entered through the service (permission and audit)."""

    list_display = [
        "indicator",
        "agency",
        "period",
        "value",
        "numerator",
        "denominator",
        "entered_by",
        "entered_at",
    ]
    list_filter = ["period", "indicator__group"]
    search_fields = ["indicator__code", "agency__name", "agency__code"]
    list_select_related = ["indicator", "agency", "entered_by"]

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
