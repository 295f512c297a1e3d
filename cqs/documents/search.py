"""Accent- and case-insensitive full-text search over documents.

Every document keeps `search_text`: the accent-folded (`cqs.core.text.fold`) text of its
type, number/notation, subject, issuing agency, signer, body and the text of all its files,
rebuilt by `refresh_search_text`. A query is folded the same way and split on white space;
every word must match (AND), so "dan toc" finds "Ban Dân tộc" and "dang ky" finds "đăng ký".

How a word matches depends on the database (both are served by an index):

* PostgreSQL — ``search_text LIKE '%word%'`` per word: a substring anywhere, served by the
  GIN trigram index (``gin_trgm_ops``) that migration 0002 creates. LIKE and not ILIKE:
  both sides are already case-folded, and Django's ``icontains`` compares
  ``UPPER(search_text)``, which no index serves.
* SQLite — an FTS5 table over ``search_text`` kept in sync by triggers (migration 0002);
  each word is a prefix term (``"dan"* "toc"*``), so a word matches the start of a word of
  the text ("toc" finds "tộc", "oc" does not). A word with inner punctuation
  ("05/bc-bdt") becomes a phrase of its parts. When the SQLite build has no FTS5, words
  are matched with LIKE, as substrings, without an index.

Results are ordered urgent first, then newest (registered first, newest registration
first; unregistered drafts last), then newest id. Callers pass the documents the user may
see (``visible_documents(user)``) as `base`, so search never widens permissions.

Counting: counting every match of a common word over a million documents costs as much as
fetching them all, so `search_page` counts at most `COUNT_CAP` matches and reports
"hơn 1.000 kết quả" beyond that; and it gives the count `COUNT_BUDGET_MS`, after which
it reports what the page proves ("hơn 50 kết quả").

Plans: a query whose words are common is answered fastest by reading documents in result
order and stopping after a page; a rare one by the text index. PostgreSQL's planner
chooses (hence the finer statistics on search_text and the ordered b-tree indexes);
SQLite cannot estimate a MATCH, so `_match_fts` chooses from a capped count.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import weakref
from dataclasses import dataclass
from typing import Any

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

DOCUMENT_TABLE = "documents_document"
CITATION_TABLE = "documents_citation"

# --- indexes on both databases --------------------------------------------------------------

ORDER_INDEX = "documents_document_search_order"
CITATION_INDEX = "documents_citation_number_notation"
# Result order, alone and after each equality filter, so that a query matching many documents
# can walk the index and stop after one page; and the date of issue for date ranges.
# (PostgreSQL sorts NULLs first in a DESC index unless told; SQLite always sorts them last.)
_ORDER = "urgency DESC, registered_at DESC{nulls}, id DESC"
_BTREE_INDEXES = {
    ORDER_INDEX: (DOCUMENT_TABLE, _ORDER),
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

PG_TRIGRAM_INDEX = "documents_document_search_trgm"
# One GIN index over the trigrams of search_text and the most used equality/range filters
# (btree_gin): a query with words and a type, direction or date range is answered inside
# the index, and the table is read only for rows that match everything.
_PG_INSTALL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    f"CREATE INDEX IF NOT EXISTS {PG_TRIGRAM_INDEX} ON {DOCUMENT_TABLE} "
    "USING gin (search_text gin_trgm_ops, doc_type, direction, issued_on)",
    *_btree_statements(" NULLS LAST"),
    # LIKE selectivity comes from the column's histogram: a finer one lets the planner tell a
    # common word (walk the order index, stop after a page) from a rare one (use the GIN index).
    f"ALTER TABLE {DOCUMENT_TABLE} ALTER COLUMN search_text SET STATISTICS 1000",
)
# The extensions stay: other schemas or later migrations may use them, and dropping needs ownership.
_PG_UNINSTALL = (
    f"ALTER TABLE {DOCUMENT_TABLE} ALTER COLUMN search_text SET STATISTICS -1",
    f"DROP INDEX IF EXISTS {PG_TRIGRAM_INDEX}",
    *(f"DROP INDEX IF EXISTS {name}" for name in _BTREE_INDEXES),
)

# --- SQLite objects ---------------------------------------------------------------------------

FTS_TABLE = "documents_document_fts"
_FTS_TRIGGERS = {
    f"{FTS_TABLE}_ai": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {DOCUMENT_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    f"{FTS_TABLE}_ad": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {DOCUMENT_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
                VALUES ('delete', old.id, old.search_text);
        END""",
    f"{FTS_TABLE}_au": f"""
        CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF search_text ON {DOCUMENT_TABLE} BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
                VALUES ('delete', old.id, old.search_text);
            INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}
# External content: the FTS table stores only the index and reads the text from the document row.
# `prefix` keeps extra indexes of 2- and 3-character prefixes so short prefix terms stay cheap.
_FTS_CREATE = f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_text, content='{DOCUMENT_TABLE}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    )"""
_FTS_REBUILD = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"
_SQLITE_INDEXES = _btree_statements("")


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
            for name in _FTS_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
            for name in _BTREE_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")


# Per database wrapper: (the raw SQLite connection checked, whether FTS is usable there).
# Checked again whenever the wrapper opens a new connection.
_fts_ready: weakref.WeakKeyDictionary[BaseDatabaseWrapper, tuple[Any, bool]] = weakref.WeakKeyDictionary()

MIGRATION = ("documents", "0002_search_index")


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
    ready = FTS_TABLE in present
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


def _fts_hits(using: str, expression: str, limit: int) -> int:
    """How many documents match `expression`, counted up to `limit` (FTS index only)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s)",
            [expression, limit],
        )
        (hits,) = cursor.fetchone()
    return int(hits)


def _match_fts(qs: QuerySet[Document], expression: str) -> QuerySet[Document]:
    """Documents of `qs` whose FTS row matches `expression`.

    SQLite cannot tell how many rows a MATCH returns, so the plan is chosen here from a
    capped count of the matches (a few milliseconds: the FTS index alone is read):
    up to `FTS_DRIVEN_MAX` matches, the matches drive the query (each is looked up and the
    few are sorted); beyond, the documents are read in result order through the order
    indexes and each is checked against the matches (collected once), stopping after a
    page: the unary ``+`` keeps SQLite from using the match list as the driving index."""
    subquery = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
    if _fts_hits(qs.db, expression, FTS_DRIVEN_MAX + 1) <= FTS_DRIVEN_MAX:
        return qs.filter(id__in=RawSQL(subquery, [expression]))
    table = connections[qs.db].ops.quote_name(Document._meta.db_table)
    return qs.filter(RawSQL(f"+{table}.id IN ({subquery})", [expression], output_field=BooleanField()))


def _match_words(qs: QuerySet[Document], words: list[str]) -> QuerySet[Document]:
    if not words:
        return qs
    connection = connections[qs.db]
    if connection.vendor == "sqlite" and ensure_search_index(qs.db):
        expression = fts_match_expression(words)
        if not expression:  # only punctuation inside the words: nothing FTS could index matches
            return qs.none()
        return _match_fts(qs, expression)
    # PostgreSQL (trigram index) and SQLite without FTS5: `contains` is LIKE '%word%' with
    # the word's wildcards escaped; search_text is case-folded already.
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
                cursor.execute("SELECT current_setting('statement_timeout')")
                (previous,) = cursor.fetchone()
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)", [f"{max(1, round(budget_ms))}ms"]
                )
                counted = limited.count()
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
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
    except OperationalError as error:
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
