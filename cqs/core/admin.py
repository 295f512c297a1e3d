from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from cqs.core.models import CalendarDay
from cqs.core.workcalendar import calendar_changed


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ("date", "weekday", "kind", "name", "note")
    list_filter = ("kind",)
    search_fields = ("name", "note")
    date_hierarchy = "date"
    ordering = ("-date",)
    readonly_fields = ("updated_at",)

    @admin.display(description="thứ", ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return obj.weekday_name

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        # A bulk delete does not go through CalendarDay.delete(); clear the cache here.
        super().delete_queryset(request, queryset)
        calendar_changed()
