"""Search and citation indexes for documents (the SQL lives in cqs/documents/search.py).

PostgreSQL: the pg_trgm and btree_gin extensions; one GIN index over the trigrams of
search_text with doc_type, direction and issued_on (serves ``search_text LIKE '%word%'``
with those filters); statistics target 1000 on search_text.
SQLite: an external-content FTS5 table over search_text, kept in sync by triggers on
insert, update of search_text and delete, and filled from the existing rows.
Both: b-tree indexes in result order (urgent first, newest first), alone and after type
and direction, one on the date of issue, and one on citations' number and notation.

These are database objects only; the model state does not change.

SQLite caveat: Django alters a SQLite table by rebuilding it, which drops its triggers and
the indexes it does not know about. Later migrations of the document table (0003 adds
fields) do exactly that, so this module connects a ``post_migrate`` receiver that puts the
objects back after every migrate run (the migration loader imports this module whenever
migrations run). Search also checks the triggers once per connection."""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models.signals import post_migrate


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from cqs.documents.search import install_search_index

    install_search_index(schema_editor.connection)


def uninstall(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from cqs.documents.search import uninstall_search_index

    uninstall_search_index(schema_editor.connection)


def repair_after_migrate(sender: Any, **kwargs: Any) -> None:
    from cqs.documents.search import repair_search_index_after_migrate

    repair_search_index_after_migrate(sender, **kwargs)


post_migrate.connect(repair_after_migrate, dispatch_uid="cqs.documents.search_index.repair")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_documents_registers_routing_delivery"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
