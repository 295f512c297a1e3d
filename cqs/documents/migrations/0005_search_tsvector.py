"""Search indexes, second version (the SQL lives in cqs/documents/search.py).

PostgreSQL: a stored generated column ``search_vector`` (``to_tsvector('simple', …)`` of the
letter-and-digit runs of search_text; a database column the model does not declare) and a
GIN index over the owner and it (btree_gin for the owner) replace the trigram index of 0002:
a word is now a prefix of a word of the text, as on SQLite, and a clerk's search is
answered inside the index. SQLite: the FTS5 table gets the owner as a second column and
prefixes of 1 to 6 characters; it is rebuilt from the documents (minutes per million
documents). Both: a b-tree index of an agency's documents in result order.

Backwards, the objects of 0002 come back (their SQL is kept here, as it was)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLE = "documents_document"
FTS = "documents_document_fts"
OWNER_ORDER_INDEX = "documents_document_search_owner_order"

PREVIOUS_PG = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "DROP INDEX IF EXISTS documents_document_search_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
    f"DROP INDEX IF EXISTS {OWNER_ORDER_INDEX}",
    f"CREATE INDEX IF NOT EXISTS documents_document_search_trgm ON {TABLE} "
    "USING gin (search_text gin_trgm_ops, doc_type, direction, issued_on)",
    f"ALTER TABLE {TABLE} ALTER COLUMN search_text SET STATISTICS 1000",
)
PREVIOUS_SQLITE = (
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
    f"DROP INDEX IF EXISTS {OWNER_ORDER_INDEX}",
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        search_text, content='{TABLE}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )""",
    f"""CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    f"""CREATE TRIGGER {FTS}_au AFTER UPDATE OF search_text ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
)


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from cqs.documents.search import install_search_index

    install_search_index(schema_editor.connection)


def restore_previous(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    statements: tuple[str, ...] = ()
    if connection.vendor == "postgresql":
        statements = PREVIOUS_PG
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS])
            had_fts = cursor.fetchone() is not None
        statements = PREVIOUS_SQLITE if had_fts else (f"DROP INDEX IF EXISTS {OWNER_ORDER_INDEX}",)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0004_owner_urgent_list_index"),
    ]

    operations = [
        migrations.RunPython(install, restore_previous),
    ]
