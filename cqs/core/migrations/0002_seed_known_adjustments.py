"""Seed the government's announced holiday adjustments known when this was written.

Existing rows are kept; `python manage.py working_days seed` inserts the list again
(for example after KNOWN_ADJUSTMENTS gains a new year)."""

from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from cqs.core.workcalendar import seed_known_adjustments

    seed_known_adjustments(apps.get_model("core", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_calendar_days")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
