"""The documents of a window of issue dates, in result order, from the index alone.

A b-tree over (issued_on, urgency, registered_at, id) replaces the one over issued_on (it
serves the same date ranges): a search with a window of dates sorts the window's documents
by these columns without reading them (`cqs.documents.search`: on PostgreSQL the plan
WINDOW_WALK checks the words of the first ones in that order; SQLite sorts the window's
matches from it). SQLite keeps NULLs last in a descending column without being told."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "documents_document"
NEW = "documents_document_issued_order"
OLD = "documents_document_issued_on"
ORDER = "urgency DESC, registered_at DESC NULLS LAST, id DESC"


def _order(schema_editor: BaseDatabaseSchemaEditor) -> str:
    return ORDER if schema_editor.connection.vendor == "postgresql" else ORDER.replace(" NULLS LAST", "")


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NEW} ON {TABLE} (issued_on, {_order(schema_editor)})")
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD}")


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {OLD} ON {TABLE} (issued_on)")
    schema_editor.execute(f"DROP INDEX IF EXISTS {NEW}")


class Migration(migrations.Migration):
    dependencies = [("documents", "0006_reporting_window_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
