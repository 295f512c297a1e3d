"""Accent- and case-insensitive full-text search over documents.

Every document keeps `search_text`: the accent-folded (`cqs.core.text.fold`) text of its
type, number/notation, subject, issuing agency, signer, body and the text of all its files,
rebuilt by `refresh_search_text`. A query is folded the same way and split on white space;
every word must match (AND), so "dan toc" finds "Ban Dân tộc" and "dang ky" finds "đăng ký".

A word matches a whole word of the text ("toc" finds "tộc", "to" does not, nor does "oc"):
Vietnamese words are syllables, and the start of one is usually another ("tan" is not "tâng",
"tanh"). A word typed with a trailing ``*`` matches the start of a word ("tộ*" finds "tộc",
"2250*" finds "22501"). A word with inner punctuation ("05/bc-bdt") is the phrase of its parts.
The words of the text are its runs of letters and digits. Whole words are also what keeps
the search fast: an index finds one word's documents directly, while the start of a word
means gathering the documents of every word it begins (PostgreSQL reads them all before
anything else: 170 ms instead of 6 ms for two common words in one agency's documents).

* PostgreSQL — a stored generated column ``search_vector`` (``to_tsvector('simple', …)`` of
  search_text, a database column the model does not declare) with a GIN index over
  ``(owner_id, search_vector)`` (btree_gin), both from migration 0005; the query is
  ``search_vector @@ to_tsquery('simple', 'dan & toc')``. The planner chooses between the
  GIN index (rare words, or a clerk's agency: ``owner_id = ANY(bigint[])`` from the
  permission layer and the words in one index scan) and walking an order index and
  stopping after a page (common words); `planner_settings` tells it that pages are in memory.
* SQLite — an external-content FTS5 table over search_text and owner_id, kept in sync by
  triggers, with prefix indexes of 1 to 6 characters (migrations 0002, 0005). When the
  documents the user may see belong to a few agencies (a clerk: their agency), the FTS
  query itself keeps to those owners (``owner_id : (37) AND search_text : ("dan" AND
  "toc")``), so only the agency's matches are read. When the SQLite build has no FTS5,
  words are matched with LIKE, as substrings, without an index.

Results are ordered urgent first, then newest (registered first, newest registration
first; unregistered drafts last), then newest id. Callers pass the documents the user may
see (``visible_documents(user)``) as `base`, so search never widens permissions.

Counting: counting every match of a common word over a million documents costs as much as
fetching them all, so `search_page` counts at most `COUNT_CAP` matches and reports
"hơn 1.000 kết quả" beyond that; and it gives the count `COUNT_BUDGET_MS`. When that is
not enough, the page is shown at once with what it proves ("hơn 50 kết quả") and the screen
asks for the count afterwards (`search_count`, `LATER_COUNT_BUDGET_MS`): the results do not
wait for their number.

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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Count, F, QuerySet, Window
from django.db.models.expressions import RawSQL

from cqs.core.text import fold, format_number
from cqs.documents.models import Document
from cqs.org.models import Agency

logger = logging.getLogger(__name__)
T = TypeVar("T")

PAGE_SIZE = 50
COUNT_CAP = 1000
COUNT_BUDGET_MS = 20.0  # the count's share of the search request
LATER_COUNT_BUDGET_MS = 400.0  # … and of the count the page asks for afterwards (`search_count`)
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
    # A window of issue dates, sorted in result order from the index alone (migration 0007
    # replaced the index over issued_on alone with this one).
    "documents_document_issued_order": (DOCUMENT_TABLE, f"issued_on, {_ORDER}"),
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
_TRAILING = ",.;:!?)]}\"'"  # punctuation typed after a word (and after its prefix mark)


PREFIX_MARK = "*"


def query_words(query: str) -> list[str]:
    """The folded words of `query`, without punctuation at their ends, duplicates dropped,
    at most `MAX_QUERY_WORDS`. A word typed with a trailing ``*`` keeps it: it then matches
    the start of a word ("2250*" finds "2250" and "22501")."""
    words: list[str] = []
    for raw in fold(query).split():
        word = _EDGE_PUNCTUATION.sub("", raw)
        if word and raw.rstrip(_TRAILING).endswith(PREFIX_MARK):
            word += PREFIX_MARK
        if word and word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def _tokens(word: str) -> tuple[list[str], bool]:
    """The index tokens of a query word, and whether its last token is a prefix."""
    prefix = word.endswith(PREFIX_MARK)
    return _FTS_TOKEN.findall(word.removesuffix(PREFIX_MARK) if prefix else word), prefix


def fts_match_expression(words: list[str]) -> str:
    """FTS5 query: every word a term (a word with inner punctuation the phrase of its
    parts); a word typed with ``*`` a prefix term."""
    terms = []
    for word in words:
        tokens, prefix = _tokens(word)
        if tokens:
            terms.append('"' + " ".join(tokens) + '"' + (PREFIX_MARK if prefix else ""))
    return " AND ".join(terms)


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def pg_tsquery(words: list[str]) -> str:
    """PostgreSQL tsquery text, as `fts_match_expression` on SQLite: every word a lexeme
    (``'dan' & 'toc'``); a word with inner punctuation the phrase of its parts
    (``'05' <-> 'kh' <-> 'ubnd'``); a word typed with ``*`` a prefix (``'2250':*``)."""
    terms = []
    for word in words:
        tokens, prefix = _tokens(word)
        quoted = [token.replace("'", "''") for token in tokens]
        if quoted:
            terms.append(" <-> ".join(f"'{token}'" for token in quoted) + (":*" if prefix else ""))
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
        qs = qs.filter(search_text__contains=word.removesuffix(PREFIX_MARK))
    return qs


# --- PostgreSQL: walk or intersect ---------------------------------------------------------

WALK_BUDGET_MS = 30.0  # time a walk through an order index gets to fill the page
WALK_MIN_FREQUENCY = 0.02  # … tried when every word is in at least this share of documents
# How search_page should look for the page (a _Hint: WALK, INTERSECT, WINDOW_WALK or ""), set by
# search_documents on the query of its results: a Query's clone copies its attributes, so the
# hint stays with the results through select_related, annotate and slicing. Only a hint: every
# plan gives the same rows (tests/test_search.py, test_every_plan_gives_the_same_page).
PLAN_HINT = "cqs_search_plan"
WALK = "walk"
INTERSECT = "intersect"
WINDOW_WALK = "window_walk"
WINDOW_WALK_MIN_FREQUENCY = 0.2  # every word in a fifth of the documents: dense in any window
WINDOW_WALK_BUDGET_MS = 60.0
RESULT_ORDER = (F("urgency").desc(), F("registered_at").desc(nulls_last=True), F("id").desc())


@dataclass(frozen=True)
class _Hint:
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _hint(results: QuerySet[Document]) -> _Hint:
    hint = getattr(results.query, PLAN_HINT, None)
    return hint if isinstance(hint, _Hint) else _Hint()


STATISTICS_TTL_S = 600.0

# Per database alias: (read at, {word: share of documents containing it}, share below which
# words are not listed).
_frequencies: dict[str, tuple[float, dict[str, float], float]] = {}


def word_frequencies(using: str = DEFAULT_DB_ALIAS) -> tuple[dict[str, float], float]:
    """The most common words of the search vector and the share of documents that contain
    each, from PostgreSQL's statistics (``pg_stats``, kept by ANALYZE), read again every
    `STATISTICS_TTL_S` seconds; and the smallest share listed (a word not listed is rarer).
    Empty before the first ANALYZE."""
    cached = _frequencies.get(using)
    if cached is not None and time.monotonic() - cached[0] < STATISTICS_TTL_S:
        return cached[1], cached[2]
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
            [DOCUMENT_TABLE, PG_VECTOR_COLUMN],
        )
        row = cursor.fetchone()
    frequencies: dict[str, float] = {}
    floor = 0.0
    if row and row[0] and row[1]:
        elements, shares = row
        frequencies = dict(zip(elements, shares, strict=False))  # shares end with min, max, nulls
        floor = float(shares[len(elements)])
    _frequencies[using] = (time.monotonic(), frequencies, floor)
    return frequencies, floor


def walk_first(words: list[str], using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether a page of these words is worth looking for by walking an order index first.

    PostgreSQL estimates the documents containing several words as if the words were
    independent, but words typed together go together ("đào tạo": 44,000 documents where
    it expects 3,000), so for common words it intersects the words' posting lists and sorts
    every match (40,000 documents: 200 ms) where walking the documents in result order
    stops after a page (1,100 documents: 15 ms). When every word is common (at least
    `WALK_MIN_FREQUENCY` of the documents, or a prefix), `search_page` walks first, for at
    most `WALK_BUDGET_MS`; when that is not enough, the words were rarer together than
    alone, and the planner's intersection is the right plan after all."""
    return _all_common(words, WALK_MIN_FREQUENCY, using)


def _all_common(words: list[str], threshold: float, using: str) -> bool:
    """Whether every word is in at least `threshold` of the documents (a prefix counts)."""
    if not words:
        return False
    frequencies, floor = word_frequencies(using)
    if not frequencies:
        return False
    for word in words:
        tokens, prefix = _tokens(word)
        if not tokens:
            return False
        if prefix:
            continue  # the start of a word: many words, and gathering them all is what costs
        if min(frequencies.get(token, floor) for token in tokens) < threshold:
            return False
    return True


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
    words = query_words(query)
    qs = _match_words(base, words)
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
    ordered = qs.order_by(*RESULT_ORDER)
    vendor = connections[qs.db].vendor
    if vendor == "postgresql" and words:
        setattr(ordered.query, PLAN_HINT, _plan(words, date_from, date_to, using=qs.db))
    elif vendor == "sqlite" and words and (date_from is not None or date_to is not None):
        # SQLite reads every match in the window to sort them anyway: count them on the way.
        setattr(ordered.query, PLAN_HINT, _Hint(INTERSECT, date_from, date_to))
    return ordered


def search_plan(results: QuerySet[Document]) -> str:
    """The kind of plan `search_documents` hinted for `results` ("" when none)."""
    return _hint(results).kind


def _plan(words: list[str], date_from: dt.date | None, date_to: dt.date | None, *, using: str) -> _Hint:
    """How `search_page` should look for the page on PostgreSQL (see `walk_first`).

    With a window of issue dates, walking the documents in result order would read every
    document newer than the window first (24,000 documents, 200 ms, for a window two months
    back), yet the planner does it whenever the words are common, as if the window's
    documents were spread evenly among the others. Instead: when every word is very common
    (`WINDOW_WALK_MIN_FREQUENCY`), the window's documents are sorted from an index alone and
    checked in that order (`WINDOW_WALK`: 80,000 documents in a month, 30 ms, where reading
    them all takes 100 ms); otherwise the words' documents are intersected with the window's
    (`INTERSECT`: index scans off) and counted on the way."""
    if date_from is not None or date_to is not None:
        dense = _all_common(words, WINDOW_WALK_MIN_FREQUENCY, using)
        return _Hint(WINDOW_WALK if dense else INTERSECT, date_from, date_to)
    return _Hint(WALK if walk_first(words, using) else "")


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

    count_cap: int = COUNT_CAP

    @property
    def has_next(self) -> bool:
        return self.total_capped or self.number * self.per_page < self.total

    @property
    def count_unfinished(self) -> bool:
        """The count ran out of time: `search_count` may finish it (the page asks for it)."""
        return self.total_capped and self.total < self.count_cap

    @property
    def total_text(self) -> str:
        """'Không có kết quả', '37 kết quả' or 'hơn 1.000 kết quả'."""
        return total_text(self.total, self.total_capped)


def total_text(total: int, capped: bool) -> str:
    """'Không có kết quả', '37 kết quả', 'hơn 1.000 kết quả'."""
    if capped:
        return f"hơn {format_number(total)} kết quả"
    if total == 0:
        return "Không có kết quả"
    return f"{format_number(total)} kết quả"


def search_count(
    results: QuerySet[Document], *, cap: int = COUNT_CAP, budget_ms: float | None = LATER_COUNT_BUDGET_MS
) -> tuple[int, bool]:
    """The number of `results`, at most `cap` (and whether there are more), for a page whose
    own count ran out of time: the results are shown first and their count follows.
    When `budget_ms` runs out again: ``(0, True)`` — nothing more is known than the page says."""
    indexes = {"enable_indexscan": "off"} if _hint(results).kind in {INTERSECT, WINDOW_WALK} else {}
    with planner_settings(results.db, **indexes):
        counted = _capped_count(results, cap, budget_ms)
    if counted is None:
        return 0, True
    return min(counted, cap), counted > cap


@contextmanager
def pg_settings(using: str, **values: str) -> Iterator[None]:
    """On PostgreSQL, run the block in a savepoint with these settings, restored afterwards
    (``set_config(…, true)`` would otherwise last until the end of the outer transaction).
    Elsewhere: nothing."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not values:
        yield
        return
    names = list(values)
    current = ", ".join("current_setting(%s)" for _ in names)
    assign = ", ".join("set_config(%s, %s, true)" for _ in names)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"SELECT {current}", names)
        previous = cursor.fetchone()
        cursor.execute(f"SELECT {assign}", [v for name in names for v in (name, values[name])])
        yield
        cursor.execute(f"SELECT {assign}", [v for pair in zip(names, previous, strict=True) for v in pair])


def planner_settings(using: str, **planner: str) -> AbstractContextManager[None]:
    """`pg_settings` for the search's queries: ``random_page_cost`` =
    ``settings.SEARCH_PG_RANDOM_PAGE_COST`` (1.1: the documents and their indexes are
    expected in memory, where reading a page out of order costs little more than reading
    the next one) and the `planner` settings (``enable_indexscan="off"``). With the default
    4, the planner prefers intersecting the posting lists of common words (90 ms for "bổ
    kinh" over a million documents) to reading the 279 documents of an agency's 30-day
    window and checking their words (7 ms)."""
    cost = getattr(settings, "SEARCH_PG_RANDOM_PAGE_COST", None)
    return pg_settings(
        using, **({"random_page_cost": str(float(cost))} if cost is not None else {}), **planner
    )


def _pg_within_budget(using: str, budget_ms: float, run: Callable[[], T], **planner: str) -> T | None:
    """`run()` on PostgreSQL with ``statement_timeout`` = `budget_ms` and the `planner`
    settings (``enable_bitmapscan="off"``), restored afterwards. None when the time ran
    out (the statement is cancelled by the server, the savepoint rolled back)."""
    try:
        with pg_settings(using, statement_timeout=f"{max(1, round(budget_ms))}ms", **planner):
            return run()
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
            return None
        raise


def _documents_by_id(results: QuerySet[Document], ids: list[int]) -> list[Document]:
    """The documents of `ids`, in that order, with the related rows `results` selects."""
    documents = Document.objects.using(results.db).filter(pk__in=ids)
    documents.query.select_related = results.query.select_related
    by_id = {document.pk: document for document in documents}
    return [by_id[pk] for pk in ids]


def _walked_page(results: QuerySet[Document], offset: int, per_page: int) -> list[Document] | None:
    """The page read by walking an order index (bitmap scans off) within `WALK_BUDGET_MS`;
    None when the matches are too sparse for that (the time ran out)."""
    return _pg_within_budget(
        results.db,
        WALK_BUDGET_MS,
        lambda: list(results[offset : offset + per_page]),
        enable_bitmapscan="off",
    )


def _window_walked_page(
    results: QuerySet[Document], hint: _Hint, offset: int, per_page: int
) -> list[Document] | None:
    """`WINDOW_WALK`: the window's documents sorted in result order from the index over
    (issued_on, urgency, registered_at, id) alone (migration 0007), each checked against
    the whole search in that order until the page is full; within `WINDOW_WALK_BUDGET_MS`,
    None when that is not enough (the words were rarer in the window than everywhere)."""
    window = Document.objects.using(results.db).all()
    if hint.date_from is not None:
        window = window.filter(issued_on__gte=hint.date_from)
    if hint.date_to is not None:
        window = window.filter(issued_on__lte=hint.date_to)
    candidates_sql, candidates_params = (
        window.order_by(*RESULT_ORDER).values_list("id", "urgency", "registered_at").query.sql_with_params()
    )
    check_sql, check_params = (
        results.order_by().filter(pk=RawSQL('"candidate"."id"', [])).values("pk").query.sql_with_params()
    )
    sql = (
        f'SELECT "candidate"."id" FROM ({candidates_sql}) AS "candidate" WHERE EXISTS ({check_sql}) '
        'ORDER BY "candidate"."urgency" DESC, "candidate"."registered_at" DESC NULLS LAST, '
        '"candidate"."id" DESC LIMIT %s OFFSET %s'
    )

    def run() -> list[int]:
        with connections[results.db].cursor() as cursor:
            cursor.execute(sql, [*candidates_params, *check_params, per_page, offset])
            return [pk for (pk,) in cursor.fetchall()]

    ids = _pg_within_budget(results.db, WINDOW_WALK_BUDGET_MS, run)
    return None if ids is None else _documents_by_id(results, ids)


def _intersected_page(
    results: QuerySet[Document], offset: int, per_page: int
) -> tuple[list[Document], int | None]:
    """The page and the number of all results, in one pass, when the plan reads every match
    anyway (`INTERSECT`, index scans off): ``SELECT id, count(*) OVER () … ORDER BY …
    LIMIT`` sorts the ids of the matches (narrow rows), then the page's documents are read
    by id. None for the count when the page is empty (past the end)."""
    with planner_settings(results.db, enable_indexscan="off"):
        rows = list(
            results.annotate(_total=Window(Count("id"))).values_list("id", "_total")[
                offset : offset + per_page
            ]
        )
    if not rows:
        return [], None
    return _documents_by_id(results, [pk for pk, _total in rows]), rows[0][1]


def _find_page(results: QuerySet[Document], offset: int, per_page: int) -> tuple[list[Document], int | None]:
    """The page by the plan `search_documents` hinted, and the exact number of results
    when that plan counted them on the way."""
    hint = _hint(results)
    if hint.kind == WINDOW_WALK:
        walked = _window_walked_page(results, hint, offset, per_page)
        if walked is not None:
            return walked, None
    if hint.kind in {WINDOW_WALK, INTERSECT}:
        return _intersected_page(results, offset, per_page)
    if hint.kind == WALK:
        walked = _walked_page(results, offset, per_page)
        if walked is not None:
            return walked, None
    return list(results[offset : offset + per_page]), None


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
        return _pg_within_budget(results.db, budget_ms, limited.count)
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
    the pages so far prove ("hơn 50 kết quả" on a full first page) and `count_unfinished`
    tells the screen to ask `search_count` for the rest once the page is shown. A page that
    is not full needs no count at all."""
    if page < 1 or per_page < 1 or count_cap < 1:
        raise ValueError("page, per_page and count_cap must be positive")
    offset = (page - 1) * per_page
    with planner_settings(results.db):
        documents, total = _find_page(results, offset, per_page)
        if total is not None:  # every match was read and counted: the exact number
            return SearchPage(documents, page, per_page, total, False, count_cap)
        counted: int | None
        if (documents and len(documents) < per_page) or (offset == 0 and not documents):
            counted = offset + len(documents)  # the last page: everything is known
        else:
            counted = _capped_count(results, count_cap, count_budget_ms)
    if counted is None:
        return SearchPage(documents, page, per_page, offset + len(documents), True, count_cap)
    capped = counted > count_cap
    return SearchPage(documents, page, per_page, count_cap if capped else counted, capped, count_cap)
