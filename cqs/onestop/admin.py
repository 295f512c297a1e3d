from django.contrib import admin

from cqs.onestop.models import Procedure, ProcedureComponent, ProcedureVersion


class ComponentInline(admin.TabularInline[ProcedureComponent, ProcedureVersion]):
    model = ProcedureComponent
    extra = 0


class VersionInline(admin.StackedInline[ProcedureVersion, Procedure]):
    model = ProcedureVersion
    extra = 0
    show_change_link = True
    fields = (
        "number",
        "effective_from",
        "decision_reference",
        "competent_agency",
        "processing_days",
        "same_day_cutoff",
        "fee",
        "online_level",
        "result_type",
        "is_current",
    )


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = ("code", "name", "field", "level", "is_active")
    list_filter = ("level", "field", "is_active")
    search_fields = ("code", "name")
    inlines = [VersionInline]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin[ProcedureVersion]):
    list_display = ("procedure", "number", "effective_from", "processing_days", "online_level", "is_current")
    list_filter = ("online_level", "is_current")
    search_fields = ("procedure__code", "procedure__name")
    inlines = [ComponentInline]
