"""Data an administrator edits for the shared services.

`CalendarDay` holds the government's yearly announcements (Thông báo of the Ministry
of Home Affairs / the Prime Minister's decisions) that override the working-day rules
computed by `cqs.core.workcalendar`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


class CalendarDay(models.Model):
    """One announced day: a holiday, a day off, or a weekend day that becomes a working day.

    How an entry overrides the computed calendar is described in `cqs.core.workcalendar`:
    in short, the entry decides its own date, and a "holiday" or "compensatory" entry in
    the Tết Nguyên đán or Quốc khánh season replaces the computed days of that season.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "Ngày nghỉ lễ, tết"
        COMPENSATORY = "compensatory", "Nghỉ bù"
        SWAP_OFF = "swap_off", "Nghỉ hoán đổi"
        SWAP_WORKING = "swap_working", "Làm bù"

    date = models.DateField("ngày", unique=True)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    name = models.CharField(
        "tên",
        max_length=200,
        blank=True,
        help_text="Ví dụ: Tết Nguyên đán, Quốc khánh. Để trống thì dùng tên mặc định của loại ngày.",
    )
    note = models.TextField(
        "ghi chú",
        blank=True,
        help_text="Căn cứ (số thông báo, quyết định) hoặc giải thích.",
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "ngày điều chỉnh lịch làm việc"
        verbose_name_plural = "lịch nghỉ lễ, nghỉ bù, làm bù"
        ordering = ["date"]

    def __str__(self) -> str:
        label = self.name or self.get_kind_display()
        return f"{self.date:%d/%m/%Y} – {label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _calendar_changed()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        _calendar_changed()
        return result

    @property
    def weekday_name(self) -> str:
        return WEEKDAY_NAMES[self.date.weekday()] if self.date else ""

    def clean(self) -> None:
        super().clean()
        if self.date is None:
            return
        weekend = self.date.weekday() >= 5
        if self.kind == self.Kind.SWAP_WORKING and not weekend:
            raise ValidationError(
                {"kind": "Ngày làm bù phải là thứ Bảy hoặc Chủ nhật (ngày nghỉ hằng tuần)."}
            )
        if self.kind in (self.Kind.SWAP_OFF, self.Kind.COMPENSATORY) and weekend:
            raise ValidationError(
                {"kind": "Ngày nghỉ bù hoặc nghỉ hoán đổi phải là ngày làm việc (thứ Hai đến thứ Sáu)."}
            )


def _calendar_changed() -> None:
    from cqs.core.workcalendar import calendar_changed

    calendar_changed()
