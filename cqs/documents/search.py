"""Accent- and case-insensitive full-text search over documents.

Every document keeps `search_text`: the accent-folded (`cqs.core.text.fold`) text of its
type, number/notation, subject, issuing agency, signer, body and the text of all its files,
rebuilt by `refresh_search_text`. A query is folded the same way and split on white space;
every word must match (AND), so "dan toc" finds "Ban Dân tộc" and "dang ky" finds "đăng ký".

A word matches the start of a word of the text, on both databases ("toc" finds "tộc",
"oc" does not; "y" finds "y tế"); a word with inner punctuation ("05/bc-bdt") is the phrase
of its parts, the last one a prefix. The words of the text are its runs of letters and digits.

* PostgreSQL — a stored generated column ``search_vector`` (``to_tsvector('simple', …)`` of
  search_text, a database column the model does not declare) with a GIN index over
  ``(owner_id, search_vector)`` (btree_gin), both from migration 0005; the query is
  ``search_vector @@ to_tsquery('simple', 'dan:* & toc:*')``. The planner chooses between
  the GIN index (rare words, or a clerk's agency: owner and words in one index scan) and
  walking an order index and stopping after a page (common words).
* SQLite — an external-content FTS5 table over search_text and owner_id, kept in sync by
  triggers, with prefix indexes of 1 to 6 characters (migrations 0002, 0005). When the
  documents the user may see belong to a few agencies (a clerk: their agency), the FTS
  query itself keeps to those owners (``owner_id : (37) AND search_text : ("dan"* AND
  "toc"*)``), so only the agency's matches are read. When the SQLite build has no FTS5,
  words are matched with LIKE, as substrings, without an index.

Results are ordered urgent first, then newest (registered first, newest registration
first; unregistered drafts last), then newest id. Callers pass the documents the user may
see (``visible_documents(user)``) as `base`, so search never widens permissions.

Counting: counting every match of a common word over a million documents costs as much as
fetching them all, so `search_page` counts at most `COUNT_CAP` matches and reports
"hơn 1.000 kết quả" beyond that; and it gives the count `COUNT_BUDGET_MS`, after which
it reports what the page proves ("hơn 50 kết quả").

Plans on SQLite, which cannot estimate a MATCH: `_match_fts` reads up to `FTS_DRIVEN_MAX`
matching ids from the FTS index once, and the page and its count look those ids up; with
more matches, the documents are read in result order through the order indexes and each
is checked against the matches, stopping after a page."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
import time
import weakref
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, QuerySet
from django.db.models.expressions import RawSQL

from cqs.core.text import fold, format_number
from cqs.documents.models import Document
from cqs.org.models import Agency

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
COUNT_CAP = 1000
COUNT_BUDGET_MS = 50.0
FTS_DRIVEN_MAX = 5000  # SQLite: up to this many text matches, let the matches drive the query
PROGRESS_STEPS = 2000  # SQLite virtual machine steps between two looks at the count's clock
MAX_QUERY_WORDS = 10
SCOPE_ROWS = 100_000  # SQLite: a base of up to this many documents is searched by its owners
SCOPE_MAX_OWNERS = 200  # … when they are at most this many agencies

DOCUMENT_TABLE = "documents_document"
CITATION_TABLE = "documents_citation"

# --- indexes on both databases --------------------------------------------------------------

ORDER_INDEX = "documents_document_search_order"
OWNER_ORDER_INDEX = "documents_document_search_owner_order"
CITATION_INDEX = "documents_citation_number_notation"
# Result order, alone and after each equality filter, so that a query matching many documents
# can walk the index and stop after one page; and the date of issue for date ranges.
# (PostgreSQL sorts NULLs first in a DESC index unless told; SQLite always sorts them last.)
_ORDER = "urgency DESC, registered_at DESC{nulls}, id DESC"
_BTREE_INDEXES = {
    ORDER_INDEX: (DOCUMENT_TABLE, _ORDER),
    # An agency's documents in result order: what a clerk's search walks when its words are common.
    OWNER_ORDER_INDEX: (DOCUMENT_TABLE, f"owner_id, {_ORDER}"),
    "documents_document_search_type_order": (DOCUMENT_TABLE, f"doc_type, {_ORDER}"),
    "documents_document_search_direction_order": (DOCUMENT_TABLE, f"direction, {_ORDER}"),
    "documents_document_issued_on": (DOCUMENT_TABLE, "issued_on"),
    CITATION_INDEX: (CITATION_TABLE, "number, notation"),
}


def _btree_statements(nulls: str) -> list[str]:
    return [
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns.format(nulls=nulls)})"
        for name, (table, columns) in _BTREE_INDEXES.items()
    ]


# --- PostgreSQL objects -----------------------------------------------------------------------

PG_TEXT_INDEX = "documents_document_search_vector"
PG_VECTOR_COLUMN = "search_vector"
PG_TRIGRAM_INDEX = "documents_document_search_trgm"  # before migration 0005; dropped by it
# The words of search_text as PostgreSQL sees them: every run of letters and digits, as FTS5's
# unicode61 tokenizer cuts them on SQLite (punctuation becomes a space first, so the parser
# does not treat "05/bc-bdt" as a file path). The text is folded already: the `simple`
# configuration only lower-cases, and keeps every word (no stop words, no stemming).
PG_TSVECTOR = "to_tsvector('simple'::regconfig, regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g'))"
# Kept in a stored generated column (a database column only: the model does not know it, and
# PostgreSQL computes it on every insert and update of search_text), because computing it
# costs about 0.1 ms a document: a query that reads documents in result order and checks
# each one must find it ready. One GIN index over the owner and that column (btree_gin for
# the owner): a clerk's search, owner_id IN (their agency) AND the words, is answered
# inside the index, and the table is read only for the rows that match both.
_PG_INSTALL = (
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    f"ALTER TABLE {DOCUMENT_TABLE} ADD COLUMN IF NOT EXISTS {PG_VECTOR_COLUMN} tsvector "
    f"GENERATED ALWAYS AS ({PG_TSVECTOR}) STORED",
    f"CREATE INDEX IF NOT EXISTS {PG_TEXT_INDEX} ON {DOCUMENT_TABLE} "
    f"USING gin (owner_id, {PG_VECTOR_COLUMN})",
    # Word frequencies for the planner: a finer list of the most common words lets it tell a
    # common word (walk an order index, stop after a page) from a rare one (use the GIN index).
    f"ALTER TABLE {DOCUMENT_TABLE} ALTER COLUMN {PG_VECTOR_COLUMN} SET STATISTICS 1000",
    f"DROP INDEX IF EXISTS {PG_TRIGRAM_INDEX}",
    "DROP INDEX IF EXISTS documents_document_search_tsv",  # an expression index tried before
    f"ALTER TABLE {DOCUMENT_TABLE} ALTER COLUMN search_text SET STATISTICS -1",
    *_btree_statements(" NULLS LAST"),
)
# The extensions stay: other schemas or later migrations may use them, and dropping needs ownership.
_PG_UNINSTALL = (
    f"DROP INDEX IF EXISTS {PG_TEXT_INDEX}",
    f"ALTER TABLE {DOCUMENT_TABLE} DROP COLUMN IF EXISTS {PG_VECTOR_COLUMN}",
    f"DROP INDEX IF EXISTS {PG_TRIGRAM_INDEX}",
    *(f"DROP INDEX IF EXISTS {name}" for name in _BTREE_INDEXES),
)

# --- SQLite objects ---------------------------------------------------------------------------

FTS_TABLE = "documents_document_fts"
FTS_TEXT_COLUMN = "search_text"
FTS_OWNER_COLUMN = "owner_id"
_FTS_TRIGGERS = {
    f"{FTS_TABLE}_ai": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {DOCUMENT_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}(rowid, search_text, owner_id)
                VALUES (new.id, new.search_text, new.owner_id);
        END""",
    f"{FTS_TABLE}_ad": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {DOCUMENT_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text, owner_id)
                VALUES ('delete', old.id, old.search_text, old.owner_id);
        END""",
    f"{FTS_TABLE}_au": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au
        AFTER UPDATE OF search_text, owner_id ON {DOCUMENT_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text, owner_id)
                VALUES ('delete', old.id, old.search_text, old.owner_id);
            INSERT INTO {FTS_TABLE}(rowid, search_text, owner_id)
                VALUES (new.id, new.search_text, new.owner_id);
        END""",
}
# External content: the FTS table stores only the index and reads the text from the document row.
# Two columns: the folded text, and the owner's id as a word, so that a clerk's search
# ("owner_id : 37 AND search_text : (…)") is answered inside the index (migration 0005).
# `prefix` keeps extra indexes of the 1- to 6-character prefixes of every word, so that a
# prefix term of up to 6 characters (nearly every Vietnamese syllable: "y"* for "y tế",
# "chuyen"*) reads one list, which the FTS query can skip through alongside the owner's
# list, instead of merging the lists of every word the prefix begins.
_FTS_CREATE = f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_text, owner_id, content='{DOCUMENT_TABLE}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3 4 5 6'
    )"""
_FTS_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"
_SQLITE_INDEXES = _btree_statements("")


def _drop_fts(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for name in _FTS_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def _fts_is_current(connection: BaseDatabaseWrapper) -> bool:
    """Whether the FTS table has the owner column (created by migration 0005's definition)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name FROM pragma_table_info('{FTS_TABLE}')")
        return FTS_OWNER_COLUMN in {name for (name,) in cursor.fetchall()}


def _sqlite_has_fts5(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
        (compiled_in,) = cursor.fetchone()
        if compiled_in:
            return True
        cursor.execute("SELECT 1 FROM pragma_module_list WHERE name = 'fts5'")
        return cursor.fetchone() is not None


def _sqlite_objects(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name = %s OR (type = 'trigger' AND tbl_name = %s)",
            [FTS_TABLE, DOCUMENT_TABLE],
        )
        return {name for (name,) in cursor.fetchall()}


def install_search_index(connection: BaseDatabaseWrapper) -> None:
    """Create the search index objects of `connection`'s database; idempotent.

    Used by migration 0002 and by `ensure_search_index`. On SQLite without FTS5 nothing is
    created for the text (search then uses LIKE); the ordering index is created anyway."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in _PG_INSTALL:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for statement in _SQLITE_INDEXES:
                cursor.execute(statement)
            if not _sqlite_has_fts5(connection):
                logger.warning("SQLite has no FTS5: document search falls back to LIKE without an index.")
                return
            present = _sqlite_objects(connection)
            if FTS_TABLE in present and not _fts_is_current(connection):
                _drop_fts(connection)  # the table of migration 0002 (text only): replaced
                present = set()
            cursor.execute(_FTS_CREATE)
            for trigger in _FTS_TRIGGERS.values():
                cursor.execute(trigger)
            if FTS_TABLE not in present or not set(_FTS_TRIGGERS) <= present:
                # New table, or rows may have changed while a trigger was missing.
                cursor.execute(_FTS_REBUILD)


def uninstall_search_index(connection: BaseDatabaseWrapper) -> None:
    """Drop what `install_search_index` created (the PostgreSQL extensions stay)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in _PG_UNINSTALL:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            _drop_fts(connection)
            for name in _BTREE_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")


# Per database wrapper: (the raw SQLite connection checked, whether FTS is usable there).
# Checked again whenever the wrapper opens a new connection.
_fts_ready: weakref.WeakKeyDictionary[BaseDatabaseWrapper, tuple[Any, bool]] = weakref.WeakKeyDictionary()

MIGRATION = ("documents", "0005_search_tsvector")  # the current objects


def ensure_search_index(using: str = DEFAULT_DB_ALIAS) -> bool:
    """On SQLite, whether the FTS table is usable, repairing its triggers if they are gone.

    Django rebuilds a SQLite table to alter it (copy, drop the old table, rename), and
    dropping a table drops its triggers: after such a migration of the document table the
    FTS table would silently stop following the documents. The post_migrate receiver
    below repairs that at migration time; this check (once per connection) covers a
    database migrated without it. Repairing recreates the triggers and rebuilds the FTS
    index from the documents (a few seconds per 100,000 documents).

    Returns False when the FTS table does not exist (SQLite without FTS5, or migration
    0002 not applied): search then uses LIKE."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    connection.ensure_connection()
    raw = connection.connection
    checked = _fts_ready.get(connection)
    if checked is not None and checked[0] is raw:
        return checked[1]
    present = _sqlite_objects(connection)
    ready = FTS_TABLE in present and _fts_is_current(connection)
    if FTS_TABLE in present and not ready:
        logger.warning("Document search: the FTS table predates migration 0005; searching with LIKE.")
    if ready and not set(_FTS_TRIGGERS) <= present:
        logger.warning(
            "Document search triggers missing on SQLite: recreating them and rebuilding the index."
        )
        with transaction.atomic(using=using):
            install_search_index(connection)
    _fts_ready[connection] = (raw, ready)
    return ready


def repair_search_index_after_migrate(sender: Any, *, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """``post_migrate`` receiver: on SQLite, recreate what a table rebuild dropped.

    Acts once per migrate run (for the documents app) and only while migration 0002 is
    applied, so migrating backwards past it does not bring the objects back."""
    if getattr(sender, "label", None) != "documents":
        return
    connection = connections[using]
    if connection.vendor != "sqlite":
        return  # PostgreSQL alters tables in place: its indexes survive
    from django.db.migrations.recorder import MigrationRecorder

    if MIGRATION not in MigrationRecorder(connection).applied_migrations():
        return
    with transaction.atomic(using=using):
        install_search_index(connection)
    _fts_ready.pop(connection, None)


# --- search text ------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def compose_search_text(*parts: str) -> str:
    """The folded search key of `parts` (empty parts skipped), white space collapsed."""
    return _SPACES.sub(" ", fold(" ".join(p for p in parts if p))).strip()


def build_search_text(document: Document) -> str:
    """`search_text` for `document`: type, number/notation, subject, issuing agency, signer,
    body and the text of every file (in upload order)."""
    file_texts: list[str] = []
    if document.pk is not None:
        file_texts = list(document.files.order_by("id").values_list("text", flat=True))
    return compose_search_text(
        document.doc_type,
        document.reference,
        document.subject,
        document.issuing_agency_name,
        document.signer_name,
        document.body,
        *file_texts,
    )


def refresh_search_text(document: Document) -> str:
    """Rebuild and save `document.search_text` (call after changing metadata or files)."""
    document.search_text = build_search_text(document)
    document.save(update_fields=["search_text"])
    return document.search_text


# --- queries ----------------------------------------------------------------------------------

_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
_FTS_TOKEN = re.compile(r"[^\W_]+")  # what FTS5's unicode61 tokenizer keeps: letters and digits


def query_words(query: str) -> list[str]:
    """The folded words of `query`, without punctuation at their ends, duplicates dropped,
    at most `MAX_QUERY_WORDS`."""
    words: list[str] = []
    for raw in fold(query).split():
        word = _EDGE_PUNCTUATION.sub("", raw)
        if word and word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def fts_match_expression(words: list[str]) -> str:
    """FTS5 query: every word a prefix term; a word with inner punctuation a prefix phrase."""
    terms = []
    for word in words:
        tokens = _FTS_TOKEN.findall(word)
        if tokens:
            terms.append('"' + " ".join(tokens) + '"*')
    return " AND ".join(terms)


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def pg_tsquery(words: list[str]) -> str:
    """PostgreSQL tsquery text: every word a prefix term (``'dan':*``); a word with inner
    punctuation the phrase of its parts, the last one a prefix (``'05' <-> 'kh':*``), as on SQLite."""
    terms = []
    for word in words:
        tokens = [token.replace("'", "''") for token in _FTS_TOKEN.findall(word)]
        if tokens:
            terms.append(" <-> ".join(f"'{token}'" for token in tokens) + ":*")
    return " & ".join(terms)


def scope_owners(base: QuerySet[Document]) -> list[int] | None:
    """The owners of the documents of `base`, when they are few and `base` is small.

    Read from at most `SCOPE_ROWS` rows of `base` (an index range for a clerk's documents:
    ``owner_id IN (…)``, a millisecond or two); None when `base` is larger or spans more
    than `SCOPE_MAX_OWNERS` agencies (a platform-wide reader): the text alone then drives."""
    rows = base.order_by().values_list("owner_id", flat=True)[: SCOPE_ROWS + 1]
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # base.none()
        return []
    with connections[base.db].cursor() as cursor:
        cursor.execute(f"SELECT owner_id, count(*) FROM ({sql}) AS scope GROUP BY owner_id", params)
        counted: list[tuple[int, int]] = cursor.fetchall()
    if sum(n for _owner, n in counted) > SCOPE_ROWS or len(counted) > SCOPE_MAX_OWNERS:
        return None
    return sorted(owner for owner, _n in counted)


def _match_fts(qs: QuerySet[Document], words_expression: str, owners: list[int] | None) -> QuerySet[Document]:
    """Documents of `qs` whose FTS row matches `words_expression` (and one of `owners`).

    With `owners` (every owner of `qs`'s documents) the FTS query itself keeps to their
    documents (``owner_id : (12 OR 37) AND search_text : (…)``): a clerk's search reads only
    the matches inside their agency, however common the words are elsewhere.

    SQLite cannot tell how many rows a MATCH returns, so the plan is chosen here: the FTS
    index is read for up to ``FTS_DRIVEN_MAX + 1`` matching ids (milliseconds: the index
    alone). Up to `FTS_DRIVEN_MAX`, those ids drive the query (each is looked up and the few
    are sorted; the page and its count reuse them). Beyond, the documents are read in
    result order through the order indexes and each is checked against the matches
    (collected once per statement), stopping after a page: the unary ``+`` keeps SQLite from
    using the match list as the driving index."""
    expression = f"{FTS_TEXT_COLUMN} : ({words_expression})"
    if owners is not None:
        expression = f"{FTS_OWNER_COLUMN} : ({' OR '.join(str(o) for o in owners)}) AND {expression}"
    subquery = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
    with connections[qs.db].cursor() as cursor:
        cursor.execute(f"{subquery} LIMIT %s", [expression, FTS_DRIVEN_MAX + 1])
        matches = [rowid for (rowid,) in cursor.fetchall()]
    table = connections[qs.db].ops.quote_name(Document._meta.db_table)
    if len(matches) <= FTS_DRIVEN_MAX:
        # Few: the FTS index is read once, here; the page and its count look the ids up.
        # One JSON parameter rather than one parameter per id: Django prepares each
        # parameter of an IN list in Python, which for 5,000 ids costs more than the query.
        return qs.filter(
            RawSQL(
                f"{table}.id IN (SELECT value FROM json_each(%s))",
                [json.dumps(matches)],
                output_field=BooleanField(),
            )
        )
    return qs.filter(RawSQL(f"+{table}.id IN ({subquery})", [expression], output_field=BooleanField()))


def _match_words(qs: QuerySet[Document], words: list[str]) -> QuerySet[Document]:
    if not words:
        return qs
    connection = connections[qs.db]
    if connection.vendor == "postgresql":
        tsquery = pg_tsquery(words)
        if not tsquery:  # only punctuation inside the words: no word of the text can match
            return qs.none()
        quote = connection.ops.quote_name
        column = f"{quote(Document._meta.db_table)}.{quote(PG_VECTOR_COLUMN)}"
        return qs.filter(
            RawSQL(
                f"{column} @@ to_tsquery('simple'::regconfig, %s)",
                [tsquery],
                output_field=BooleanField(),
            )
        )
    if connection.vendor == "sqlite" and ensure_search_index(qs.db):
        expression = fts_match_expression(words)
        if not expression:  # only punctuation inside the words: nothing FTS could index matches
            return qs.none()
        owners = scope_owners(qs)
        if owners == []:
            return qs.none()
        return _match_fts(qs, expression, owners)
    # SQLite without FTS5: `contains` is LIKE '%word%' with the word's wildcards escaped;
    # search_text is case-folded already. No index: a substring anywhere matches.
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return qs


def search_documents(
    *,
    base: QuerySet[Document],
    query: str,
    doc_type: str | None = None,
    direction: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    issuing_agency: Agency | int | None = None,
    status: str | None = None,
    urgency: int | None = None,
) -> QuerySet[Document]:
    """Documents of `base` matching every word of `query` and every filter given.

    `date_from`/`date_to` bound the date of issue (inclusive). An empty query with no
    filter returns all of `base`, in the same order. On SQLite, building the query reads
    the FTS index once (a capped count of the matches) to choose the plan."""
    qs = _match_words(base, query_words(query))
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if direction:
        qs = qs.filter(direction=direction)
    if date_from is not None:
        qs = qs.filter(issued_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(issued_on__lte=date_to)
    if issuing_agency is not None:
        agency_id = issuing_agency.pk if isinstance(issuing_agency, Agency) else issuing_agency
        qs = qs.filter(issuing_agency_id=agency_id)
    if status:
        qs = qs.filter(status=status)
    if urgency is not None:
        qs = qs.filter(urgency=urgency)
    return qs.order_by(F("urgency").desc(), F("registered_at").desc(nulls_last=True), F("id").desc())


# --- pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchPage:
    """One page of results and the number of matches: exactly `total`, or more than
    `total` when `total_capped` (the count stopped at the cap or ran out of time)."""

    documents: list[Document]
    number: int
    per_page: int
    total: int
    total_capped: bool

    @property
    def has_next(self) -> bool:
        return self.total_capped or self.number * self.per_page < self.total

    @property
    def total_text(self) -> str:
        """'Không có kết quả', '37 kết quả' or 'hơn 1.000 kết quả'."""
        if self.total_capped:
            return f"hơn {format_number(self.total)} kết quả"
        if self.total == 0:
            return "Không có kết quả"
        return f"{format_number(self.total)} kết quả"


def _capped_count(results: QuerySet[Document], cap: int, budget_ms: float | None) -> int | None:
    """``min(count, cap + 1)``, or None when counting takes longer than `budget_ms`.

    The budget is enforced by the database: PostgreSQL's ``statement_timeout`` for this one
    statement (in a savepoint, restored afterwards), SQLite's progress handler. Other
    databases count without a budget."""
    limited = results.order_by()[: cap + 1]
    connection = connections[results.db]
    if budget_ms is None or connection.vendor not in {"postgresql", "sqlite"}:
        return limited.count()
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic(using=results.db), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('statement_timeout'), current_setting('enable_bitmapscan')"
                )
                previous, bitmaps = cursor.fetchone()
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)", [f"{max(1, round(budget_ms))}ms"]
                )
                # The count runs only after a full page: the words are common in the scope, and
                # reading the scope's documents in order until cap + 1 match is cheaper than the
                # bitmap PostgreSQL picks, which reads the whole posting list of every common
                # word first (measured: 456 ms against 82 ms for a three-word clerk search; a
                # bitmap scan is not interrupted by the budget until it is built).
                cursor.execute("SELECT set_config('enable_bitmapscan', 'off', true)")
                counted = limited.count()
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
                cursor.execute("SELECT set_config('enable_bitmapscan', %s, true)", [bitmaps])
                return counted
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
                return None
            raise
    connection.ensure_connection()
    raw = connection.connection
    deadline = time.monotonic() + budget_ms / 1000
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
    try:
        return limited.count()
    except (OperationalError, sqlite3.OperationalError) as error:
        # With DEBUG on, Django formats the interrupted statement for its log through the
        # same connection, and the raw driver's "interrupted" error replaces its own.
        if "interrupted" in str(error):
            return None
        raise
    finally:
        raw.set_progress_handler(None, 0)


def search_page(
    results: QuerySet[Document],
    *,
    page: int = 1,
    per_page: int = PAGE_SIZE,
    count_cap: int = COUNT_CAP,
    count_budget_ms: float | None = COUNT_BUDGET_MS,
) -> SearchPage:
    """Page `page` (from 1) of `results` and their count, capped.

    The count stops at ``count_cap + 1`` rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``)
    and is given `count_budget_ms` (None: no limit). Beyond the cap, `total` is the cap
    and the page says "hơn 1.000 kết quả"; when the budget runs out first, `total` is what
    the pages so far prove ("hơn 50 kết quả" on a full first page). A page that is not
    full needs no count at all."""
    if page < 1 or per_page < 1 or count_cap < 1:
        raise ValueError("page, per_page and count_cap must be positive")
    offset = (page - 1) * per_page
    documents = list(results[offset : offset + per_page])
    if (documents and len(documents) < per_page) or (offset == 0 and not documents):
        counted: int | None = offset + len(documents)  # the last page: everything is known
    else:
        counted = _capped_count(results, count_cap, count_budget_ms)
    if counted is None:
        return SearchPage(documents, page, per_page, total=offset + len(documents), total_capped=True)
    capped = counted > count_cap
    return SearchPage(documents, page, per_page, total=count_cap if capped else counted, total_capped=capped)
