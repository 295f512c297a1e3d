"""Document search: folding, AND semantics, filters, order, permissions, the index kept in
sync. Runs on SQLite (FTS5, and the LIKE fallback) and on PostgreSQL (trigram index)."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cqs.documents import search
from cqs.documents.models import Direction, Document, DocumentFile, DocumentStatus, Urgency
from cqs.documents.search import (
    build_search_text,
    compose_search_text,
    fts_match_expression,
    query_words,
    refresh_search_text,
    search_documents,
    search_page,
)

pytestmark = pytest.mark.django_db

_arrival = count(1)


def make_document(owner: Any, subject: str, **fields: Any) -> Document:
    direction = fields.pop("direction", Direction.OUTGOING)
    values: dict[str, Any] = {
        "doc_type": "Công văn",
        "issuing_agency_name": owner.name,
        "status": DocumentStatus.DRAFT,
        "issued_on": dt.date(2025, 8, 1),
    }
    if direction == Direction.INCOMING:
        values.update(status=DocumentStatus.REGISTERED, arrival_number=next(_arrival), registered_year=2025)
    values.update(fields)
    document = Document.objects.create(owner=owner, direction=direction, subject=subject, **values)
    refresh_search_text(document)
    return document


def found(query: str, base: Any = None, **filters: Any) -> list[int]:
    qs = Document.objects.all() if base is None else base
    return list(search_documents(base=qs, query=query, **filters).values_list("id", flat=True))


@pytest.fixture(params=["index", "scan", "like"])
def backend(request: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test through the database's index (FTS5 on SQLite, trigram on PostgreSQL) and, on
    SQLite, through the plan for many matches (documents read in result order, each checked
    against the matches) and through the LIKE fallback used when FTS5 is missing."""
    if request.param != "index" and connection.vendor != "sqlite":
        pytest.skip("SQLite-only query plans")
    if request.param == "scan":
        monkeypatch.setattr(search, "FTS_DRIVEN_MAX", 0)
    if request.param == "like":
        monkeypatch.setattr(search, "ensure_search_index", lambda using="default": False)
    return str(request.param)


# --- keys and queries --------------------------------------------------------------------------


def test_search_text_is_folded_metadata_and_files(cast):
    document = make_document(
        cast.commune_a,
        "Về việc Đăng ký đất đai",
        doc_type="Kế hoạch",
        number="12",
        notation="KH-UBND",
        issuing_agency_name="Ban Dân tộc tỉnh",
        signer_name="Nông Thị Hà",
        body="Nội dung   có\nnhiều  dòng",
    )
    DocumentFile.objects.create(
        document=document, file="documents/x.pdf", original_name="x.pdf", content_type="application/pdf",
        size=1, sha256="0" * 64, text="Phụ lục: Bảng kê ĐỒNG BÀO",
    )  # fmt: skip
    text = refresh_search_text(document)
    assert text == (
        "ke hoach 12/kh-ubnd ve viec dang ky dat dai ban dan toc tinh nong thi ha "
        "noi dung co nhieu dong phu luc: bang ke dong bao"
    )
    document.refresh_from_db()
    assert document.search_text == text == build_search_text(document)
    assert compose_search_text("  Ấp  ", "", "Đông") == "ap dong"


def test_query_words_and_fts_expression():
    assert query_words("Dân TỘC, dân tộc (đăng ký)") == ["dan", "toc", "dang", "ky"]
    assert query_words("05/KH-UBND") == ["05/kh-ubnd"]
    assert query_words("…  _ ") == []
    assert query_words("50%_kế") == ["50%_ke"]
    assert len(query_words(" ".join(f"w{i}" for i in range(30)))) == search.MAX_QUERY_WORDS
    assert fts_match_expression(["dan", "toc"]) == '"dan" AND "toc"'
    assert fts_match_expression(["05/kh-ubnd"]) == '"05 kh ubnd"'
    assert fts_match_expression(['a"b']) == '"a b"'
    # A trailing * asks for the start of a word, also before punctuation typed after it.
    assert query_words("Dân tộ* 2250*, *") == ["dan", "to*", "2250*"]
    assert fts_match_expression(["to*", "05/kh*"]) == '"to"* AND "05 kh"*'


# --- matching ----------------------------------------------------------------------------------


def test_folding_queries_find_accented_text(cast, backend):
    ban = make_document(cast.commune_a, "Tổng hợp ý kiến", issuing_agency_name="Ban Dân tộc tỉnh")
    dang_ky = make_document(cast.commune_a, "V/v đăng ký kinh doanh hộ cá thể")
    other = make_document(cast.commune_a, "Kế hoạch tiêm chủng mở rộng")

    assert found("dan toc") == [ban.pk]
    assert found("DÂN TỘC") == [ban.pk]
    assert found("dang ky") == [dang_ky.pk]
    assert found("Đăng Ký") == [dang_ky.pk]
    assert found("tiem chung") == [other.pk]
    assert found("ke hoach tiem") == [other.pk]


def test_every_word_must_match(cast, backend):
    kind = {"doc_type": "Thông báo"}  # "Công văn" would put "van" in every document
    both = make_document(cast.commune_a, "Chuyển đổi số trong công tác văn thư", **kind)
    make_document(cast.commune_a, "Chuyển giao công nghệ", **kind)
    make_document(cast.commune_a, "Văn thư lưu trữ", **kind)

    assert found("chuyen van") == [both.pk]
    assert len(found("chuyen")) == 2
    assert found("chuyen luu") == []


def test_words_match_whole_words_and_a_star_the_start_of_words(cast, backend):
    document = make_document(cast.commune_a, "Phòng, chống thiên tai năm 2025")
    assert found("phong chong") == [document.pk]
    assert found("2025 tai") == [document.pk]
    assert found("phong, chong;") == [document.pk]
    if backend != "like":  # without FTS5, SQLite matches substrings
        assert found("thien ta") == []  # "ta" is a word of its own: "tai" is another
    assert found("thien ta*") == [document.pk]
    assert found("202*") == [document.pk]


def test_reference_with_punctuation(cast, backend):
    document = make_document(
        cast.commune_a, "Báo cáo tháng", number="05", notation="BC-UBND", status=DocumentStatus.RELEASED
    )
    make_document(
        cast.commune_a, "Báo cáo quý", number="06", notation="BC-UBND", status=DocumentStatus.RELEASED
    )
    assert found("05/BC-UBND") == [document.pk]
    assert found("05/bc") == [document.pk]


def test_like_path_escapes_wildcards(cast, monkeypatch):
    monkeypatch.setattr(search, "ensure_search_index", lambda using="default": False)
    percent = make_document(cast.commune_a, "Đạt 50%_kế hoạch")
    make_document(cast.commune_a, "Đạt 50 xx kế hoạch")
    assert found("50%_ke") == [percent.pk]
    assert found("_ %") == found("")  # only punctuation: no word, so no condition


def test_file_text_is_searched(cast, backend):
    document = make_document(cast.commune_a, "Công văn gửi kèm phụ lục")
    assert found("bang ke dong bao") == []
    DocumentFile.objects.create(
        document=document, file="documents/y.pdf", original_name="y.pdf", content_type="application/pdf",
        size=1, sha256="1" * 64, text="BẢNG KÊ đồng bào dân tộc thiểu số",
    )  # fmt: skip
    refresh_search_text(document)
    assert found("bang ke dong bao") == [document.pk]


# --- filters, order, permissions ---------------------------------------------------------------


def test_filters(cast, backend):
    common = {"issuing_agency_name": "Sở Nội vụ"}
    plan = make_document(
        cast.commune_a,
        "Kế hoạch cải cách hành chính",
        doc_type="Kế hoạch",
        issued_on=dt.date(2025, 3, 10),
        **common,
    )
    incoming = make_document(
        cast.commune_a,
        "Cải cách hành chính: hướng dẫn",
        direction=Direction.INCOMING,
        doc_type="Hướng dẫn",
        issued_on=dt.date(2025, 6, 20),
        issuing_agency=cast.department,
        urgency=Urgency.URGENT,
        **common,
    )
    released = make_document(
        cast.commune_a,
        "Báo cáo cải cách hành chính",
        doc_type="Báo cáo",
        number="07",
        notation="BC-UBND",
        status=DocumentStatus.RELEASED,
        issued_on=dt.date(2025, 9, 1),
        **common,
    )
    q = "cai cach"
    assert sorted(found(q)) == sorted([plan.pk, incoming.pk, released.pk])
    assert found(q, doc_type="Kế hoạch") == [plan.pk]
    assert found(q, direction=Direction.INCOMING) == [incoming.pk]
    assert sorted(found(q, direction=Direction.OUTGOING)) == sorted([plan.pk, released.pk])
    assert sorted(found(q, date_from=dt.date(2025, 6, 1))) == sorted([incoming.pk, released.pk])
    assert found(q, date_from=dt.date(2025, 6, 1), date_to=dt.date(2025, 6, 30)) == [incoming.pk]
    assert found(q, date_to=dt.date(2025, 3, 10)) == [plan.pk]
    assert found(q, issuing_agency=cast.department) == [incoming.pk]
    assert found(q, issuing_agency=cast.department.pk) == [incoming.pk]
    assert found(q, status=DocumentStatus.RELEASED) == [released.pk]
    assert found(q, urgency=Urgency.URGENT) == [incoming.pk]
    assert found(q, urgency=Urgency.NORMAL, doc_type="Báo cáo") == [released.pk]
    assert found("", doc_type="Hướng dẫn") == [incoming.pk]


def test_urgent_first_then_newest(cast, backend):
    now = timezone.now()
    old = make_document(
        cast.commune_a,
        "Phòng cháy rừng (cũ)",
        direction=Direction.INCOMING,
        registered_at=now - dt.timedelta(days=9),
    )
    new = make_document(
        cast.commune_a, "Phòng cháy rừng (mới)", direction=Direction.INCOMING, registered_at=now
    )
    urgent_old = make_document(
        cast.commune_a,
        "Phòng cháy rừng (khẩn)",
        direction=Direction.INCOMING,
        registered_at=now - dt.timedelta(days=30),
        urgency=Urgency.URGENT,
    )
    flash = make_document(
        cast.commune_a,
        "Phòng cháy rừng (hỏa tốc)",
        direction=Direction.INCOMING,
        registered_at=now - dt.timedelta(days=60),
        urgency=Urgency.FLASH,
    )
    draft = make_document(cast.commune_a, "Phòng cháy rừng (dự thảo, chưa vào sổ)")
    assert found("phong chay rung") == [flash.pk, urgent_old.pk, new.pk, old.pk, draft.pk]


def test_results_never_leave_the_base_queryset(cast, backend):
    mine = make_document(cast.commune_a, "Đăng ký đất đai xã An Lạc")
    theirs = make_document(cast.commune_b, "Đăng ký đất đai xã Bình Yên")
    base_a = Document.objects.filter(owner=cast.commune_a)
    assert found("dang ky dat", base=base_a) == [mine.pk]
    assert found("binh yen", base=base_a) == []
    assert found("", base=base_a) == [mine.pk]
    assert found("dang ky", base=Document.objects.filter(owner=cast.commune_b)) == [theirs.pk]
    assert found("dang ky", base=Document.objects.none()) == []


def test_results_respect_visible_documents(cast, backend):
    from cqs.documents.permissions import visible_documents

    mine = make_document(cast.commune_a, "Đăng ký đất đai xã An Lạc")
    theirs = make_document(cast.commune_b, "Đăng ký đất đai xã Bình Yên")
    seen_by_b = found("dang ky dat", base=visible_documents(cast.clerk_b))
    assert mine.pk not in seen_by_b
    assert theirs.pk in seen_by_b


# --- the index follows the documents ----------------------------------------------------------


def test_index_follows_updates_and_deletes(cast, backend):
    document = make_document(cast.commune_a, "Tiêm chủng mở rộng")
    assert found("tiem chung") == [document.pk]

    document.subject = "Phòng, chống dịch sốt xuất huyết"
    document.save()
    refresh_search_text(document)
    assert found("tiem chung") == []
    assert found("sot xuat") == [document.pk]

    Document.objects.filter(pk=document.pk).update(search_text=compose_search_text("Nước sạch nông thôn"))
    assert found("sot xuat") == []
    assert found("nuoc sach") == [document.pk]

    Document.objects.filter(pk=document.pk).delete()
    assert found("nuoc sach") == []


def test_bulk_created_documents_are_indexed(cast, backend):
    Document.objects.bulk_create(
        [
            Document(
                owner=cast.commune_a,
                direction=Direction.OUTGOING,
                doc_type="Thông báo",
                subject=f"Lịch tiếp công dân tháng {month}",
                issuing_agency_name=cast.commune_a.name,
                status=DocumentStatus.DRAFT,
                search_text=compose_search_text("Thông báo", f"Lịch tiếp công dân tháng {month}"),
            )
            for month in range(1, 4)
        ]
    )
    assert len(found("tiep cong dan")) == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 and its triggers exist on SQLite only")
def test_fts_table_matches_documents_on_sqlite(cast, monkeypatch):
    make_document(cast.commune_a, "Một")
    doomed = make_document(cast.commune_a, "Hai")
    doomed.delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rank) VALUES ('integrity-check', 1)"
        )
        cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}")
        assert cursor.fetchone()[0] == Document.objects.count()
    one = Document.objects.get(subject="Một")
    sql = str(search_documents(base=Document.objects.all(), query="mot").query)
    # Few matches: read from the FTS index once, then looked up by id.
    assert '"documents_document".id IN (SELECT value FROM json_each(' in sql and search.FTS_TABLE not in sql
    assert list(search_documents(base=Document.objects.all(), query="mot")) == [one]
    monkeypatch.setattr(search, "FTS_DRIVEN_MAX", 0)
    sql = str(search_documents(base=Document.objects.all(), query="mot").query)
    assert f'+"documents_document".id IN (SELECT rowid FROM {search.FTS_TABLE} WHERE' in sql


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="only SQLite rebuilds tables (and drops triggers) to alter them"
)
def test_missing_triggers_are_repaired(cast):
    before = make_document(cast.commune_a, "Khuyến công năm nay")
    with connection.cursor() as cursor:
        for name in search._FTS_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    search._fts_ready.clear()
    # Written while the triggers are missing: invisible to FTS until the repair rebuilds it.
    during = Document.objects.create(
        owner=cast.commune_a,
        direction=Direction.OUTGOING,
        doc_type="Công văn",
        subject="Khuyến công năm sau",
        issuing_agency_name="x",
        status=DocumentStatus.DRAFT,
        search_text="cong van khuyen cong nam sau",
    )
    search.repair_search_index_after_migrate(apps.get_app_config("documents"), using="default")
    assert sorted(found("khuyen cong")) == sorted([before.pk, during.pk])

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {search.FTS_TABLE}_ai")
    search._fts_ready.clear()
    assert search.ensure_search_index() is True  # the first search of a connection repairs too
    after = make_document(cast.commune_a, "Khuyến công mới")
    assert after.pk in found("khuyen cong")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the tsvector index exists on PostgreSQL only")
def test_text_index_serves_the_query_on_postgresql(cast):
    make_document(cast.commune_a, "Chuyển đổi số")
    qs = search_documents(base=Document.objects.all(), query="chuyen doi")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = qs.explain()
    assert search.PG_TEXT_INDEX in plan
    # Prefix terms on the stored vector: no LIKE, no tsvector computed per row.
    assert "(search_vector @@ '''chuyen'' & ''doi'''::tsquery)" in plan
    assert "~~" not in plan and "to_tsvector" not in plan
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [search.PG_TEXT_INDEX])
        (definition,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = %s", [search.PG_TRIGRAM_INDEX])
        assert cursor.fetchone()[0] == 0  # replaced by migration 0005
    assert "gin (owner_id, search_vector)" in definition


def test_pg_tsquery_mirrors_the_fts_expression():
    assert search.pg_tsquery(["dan", "toc"]) == "'dan' & 'toc'"
    assert search.pg_tsquery(["05/kh-ubnd"]) == "'05' <-> 'kh' <-> 'ubnd'"
    assert search.pg_tsquery(["to*", "05/kh*"]) == "'to':* & '05' <-> 'kh':*"
    assert search.pg_tsquery(["--"]) == ""


def test_words_match_alike_on_both_databases(cast, backend):
    if backend == "like":
        pytest.skip("without FTS5, SQLite matches substrings")
    document = make_document(cast.commune_a, "Công tác dân tộc")
    assert found("toc") == [document.pk]
    assert found("oc") == []  # inside a word: no match (PostgreSQL matched substrings before 0005)
    assert found("oc*") == []
    assert found("dân tộ") == []  # typing in progress: "to" is another word
    assert found("dân tộ*") == [document.pk]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 exists on SQLite only")
def test_clerk_search_uses_the_fts_index_within_the_agency(cast, monkeypatch):
    from cqs.documents.permissions import visible_documents

    mine = make_document(cast.commune_a, "Đăng ký đất đai xã An Lạc")
    make_document(cast.commune_b, "Đăng ký đất đai xã Bình Yên")
    base = visible_documents(cast.clerk_a)
    assert search.scope_owners(base) == [cast.commune_a.pk]
    with CaptureQueriesContext(connection) as queries:
        qs = search_documents(base=base, query="dang ky")
    assert list(qs) == [mine]
    # The owner is part of the FTS query: only the agency's matches are read, from the index.
    (fts,) = [q["sql"] for q in queries.captured_queries if " MATCH " in q["sql"]]
    assert f'MATCH \'owner_id : ({cast.commune_a.pk}) AND search_text : ("dang" AND "ky")\'' in fts
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + fts)
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert f"SCAN {search.FTS_TABLE} VIRTUAL TABLE INDEX" in plan

    # Many matches: the agency's documents are read, each checked against the matches.
    monkeypatch.setattr(search, "FTS_DRIVEN_MAX", 0)
    qs = search_documents(base=base, query="dang ky")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert f"{search.FTS_TABLE} VIRTUAL TABLE INDEX" in plan
    assert list(qs) == [mine]
    monkeypatch.undo()

    # A platform-wide reader (more than SCOPE_ROWS documents): the words alone drive.
    monkeypatch.setattr(search, "SCOPE_ROWS", 1)
    assert search.scope_owners(Document.objects.all()) is None
    assert sorted(found("dang ky")) == sorted(Document.objects.values_list("id", flat=True))
    assert search.scope_owners(Document.objects.none()) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 exists on SQLite only")
def test_the_fts_table_of_0002_is_upgraded(cast):
    """A database indexed by migration 0002 (text only) gets the owner column and is reindexed."""
    from importlib import import_module

    document = make_document(cast.commune_a, "Khuyến công năm nay")
    previous = import_module("cqs.documents.migrations.0005_search_tsvector")
    with connection.cursor() as cursor:
        for statement in previous.PREVIOUS_SQLITE:
            cursor.execute(statement)
    search._fts_ready.clear()
    assert search.ensure_search_index() is False  # old table: LIKE until it is upgraded
    assert found("khuyen cong") == [document.pk]
    search.install_search_index(connection)
    search._fts_ready.clear()
    assert search.ensure_search_index() is True
    assert found("khuyen cong", base=Document.objects.filter(owner=cast.commune_a)) == [document.pk]
    assert found("khuyen cong", base=Document.objects.filter(owner=cast.commune_b)) == []


def test_named_documents_of_other_agencies_stay_searchable(cast, backend):
    """A document of another agency that the user is named on is in their scope too."""
    theirs = make_document(cast.commune_b, "Đăng ký đất đai xã Bình Yên")
    base = Document.objects.filter(Q(owner=cast.commune_a) | Q(pk=theirs.pk))
    mine = make_document(cast.commune_a, "Đăng ký đất đai xã An Lạc")
    assert sorted(found("dang ky dat", base=base)) == sorted([mine.pk, theirs.pk])


# --- pages and capped counts -------------------------------------------------------------------


def test_search_page_counts_up_to_the_cap(cast, backend):
    for i in range(7):
        make_document(cast.commune_a, f"Giấy mời họp số {i}", doc_type="Giấy mời")
    results = search_documents(base=Document.objects.all(), query="giay moi")

    page = search_page(results, per_page=5)
    assert (len(page.documents), page.total, page.total_capped, page.has_next) == (5, 7, False, True)
    assert page.total_text == "7 kết quả"

    capped = search_page(results, per_page=2, count_cap=3)
    assert (capped.total, capped.total_capped, capped.has_next) == (3, True, True)
    assert capped.total_text == "hơn 3 kết quả"
    assert search_page(results, page=4, per_page=2, count_cap=3).documents == list(results)[6:]

    assert search_page(search_documents(base=Document.objects.all(), query="khong co")).total_text == (
        "Không có kết quả"
    )
    with CaptureQueriesContext(connection) as queries:
        search_page(results, per_page=2, count_cap=3)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 4" in counts[0]  # counts at most cap + 1 rows
    big = search.SearchPage(documents=[], number=1, per_page=50, total=1000, total_capped=True)
    assert big.total_text == "hơn 1.000 kết quả"
    with pytest.raises(ValueError):
        search_page(results, page=0)


def test_count_that_runs_out_of_time_reports_what_the_page_proves(cast, monkeypatch):
    for i in range(4):
        make_document(cast.commune_a, f"Thông báo lịch trực {i}", doc_type="Thông báo")
    results: QuerySet[Document]
    if connection.vendor == "postgresql":
        # pg_sleep in every counted row makes the count overrun a 1 ms budget.
        results = search_documents(base=Document.objects.all(), query="lich truc").annotate(
            nap=RawSQL("pg_sleep(0.05)", [])
        )
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            (before,) = cursor.fetchone()
    else:
        monkeypatch.setattr(search, "PROGRESS_STEPS", 1)
        results = search_documents(base=Document.objects.all(), query="lich truc")
    page = search_page(results, per_page=2, count_budget_ms=0.001)
    assert (len(page.documents), page.total, page.total_capped, page.has_next) == (2, 2, True, True)
    assert page.total_text == "hơn 2 kết quả"
    # The connection is still usable and, on PostgreSQL, the timeout is back as it was.
    assert search_page(results, per_page=2, count_budget_ms=None).total == 4
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == before
            cursor.execute("SHOW enable_bitmapscan")  # turned off for a walk only
            assert cursor.fetchone()[0] == "on"
    assert search_page(results, per_page=2, count_budget_ms=10_000).total == 4


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite progress handler")
def test_count_out_of_time_with_debug_on(cast, monkeypatch, settings):
    """With DEBUG on, Django logs the interrupted count through the same connection."""
    settings.DEBUG = True
    for i in range(4):
        make_document(cast.commune_a, f"Thông báo lịch trực {i}", doc_type="Thông báo")
    monkeypatch.setattr(search, "PROGRESS_STEPS", 1)
    connection.force_debug_cursor = True
    try:
        page = search_page(
            search_documents(base=Document.objects.all(), query="lich truc"),
            per_page=2,
            count_budget_ms=0.001,
        )
    finally:
        connection.force_debug_cursor = False
    assert (page.total, page.total_capped) == (2, True)


# --- plans (PostgreSQL) and the count that follows the page ----------------------------------


def test_in_bigint_selects_what_in_selects(cast):
    mine = make_document(cast.commune_a, "Một")
    theirs = make_document(cast.commune_b, "Hai")

    def ids(**lookup: Any) -> list[int]:
        return sorted(Document.objects.filter(**lookup).values_list("id", flat=True))

    assert ids(owner_id__in_bigint=[cast.commune_a.pk]) == [mine.pk]
    assert ids(owner_id__in_bigint=[cast.commune_b.pk, cast.commune_a.pk]) == sorted([mine.pk, theirs.pk])
    assert ids(owner_id__in_bigint=[]) == []
    one = str(Document.objects.filter(owner_id__in_bigint=[cast.commune_a.pk]).query)
    two = str(Document.objects.filter(owner_id__in_bigint=[cast.commune_a.pk, cast.commune_b.pk]).query)
    if connection.vendor == "postgresql":  # bigint values: what btree_gin's int8 class can serve
        assert f"= {cast.commune_a.pk}::bigint" in one
        assert "= ANY(" in two and "::bigint[]" in two
    else:
        assert " IN (" in one and " IN (" in two


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
def test_the_text_index_can_serve_the_owner_as_the_permission_layer_writes_it(cast):
    """The GIN index over (owner_id, search_vector) serves ``owner_id = …::bigint`` (what
    `visible_documents` writes through ``in_bigint``), so a clerk's agency and words can be
    one index scan. Django's plain ``IN (5)`` becomes ``owner_id = 5``, an int8 = int4
    comparison, which btree_gin's int8 class does not have (a list of several values is
    made an int8 array by PostgreSQL itself)."""
    from cqs.documents.permissions import visible_documents

    make_document(cast.commune_a, "Chuyển đổi số")
    make_document(cast.commune_b, "Chuyển đổi số")
    owners = [cast.commune_a.pk, cast.commune_b.pk]

    def plan(qs: QuerySet[Document]) -> str:
        with connection.cursor() as cursor:
            # Leave the text index as the only index that knows the owner.
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname <> %s "
                "AND indexdef LIKE '%%(owner_id%%'",
                [search.DOCUMENT_TABLE, search.PG_TEXT_INDEX],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')  # rolled back with the test's transaction
            cursor.execute("SET LOCAL enable_seqscan = off")
            return qs.explain()

    typed = plan(Document.objects.filter(owner_id__in_bigint=owners))
    assert search.PG_TEXT_INDEX in typed and "Index Cond: (owner_id = ANY ('{" in typed
    one = plan(Document.objects.filter(owner_id__in_bigint=owners[:1]))
    assert search.PG_TEXT_INDEX in one and f"Index Cond: (owner_id = '{owners[0]}'::bigint)" in one
    assert "Index Cond" not in plan(Document.objects.filter(owner_id__in=owners[:1]))
    # The clerk's search carries the typed condition, and finds their agency's document only.
    results = search_documents(base=visible_documents(cast.clerk_a), query="chuyen doi")
    assert "::bigint" in str(results.query)
    assert [d.owner_id for d in results] == [cast.commune_a.pk]


def test_plan_hints(cast, monkeypatch):
    base = Document.objects.all()

    def plan(query: str, **filters: Any) -> str:
        return search.search_plan(search_documents(base=base, query=query, **filters))

    common = ({"phong": 0.5, "chong": 0.3, "thien": 0.01}, 0.001)
    monkeypatch.setattr(search, "word_frequencies", lambda using="default": common)
    window = {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2025, 1, 31)}
    if connection.vendor != "postgresql":  # SQLite: the window's matches are counted on the way
        assert plan("phong chong") == ""
        assert plan("phong chong", **window) == search.INTERSECT
        return
    assert plan("phong chong") == search.WALK  # every word common: walk first
    assert plan("phong ch*") == search.WALK  # the start of a word counts as common
    assert plan("phong thien") == ""  # one word rare enough: the planner decides
    assert plan("phong hiem") == ""  # a word the statistics do not list is rarer still
    # A window of dates: very common words are looked for in the window's sorted documents,
    # others by intersecting the words' documents with the window's.
    assert plan("phong chong", **window) == search.WINDOW_WALK
    assert plan("phong", date_to=dt.date(2025, 1, 31)) == search.WINDOW_WALK
    assert plan("phong thien", **window) == search.INTERSECT
    assert plan("", doc_type="Công văn") == ""
    # The hint stays with the results through the usual refinements.
    results = search_documents(base=base, query="phong chong").select_related("owner")
    assert search.search_plan(results.annotate(n=RawSQL("1", []))[:5]) == search.WALK


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans of PostgreSQL")
def test_every_plan_gives_the_same_page(cast):
    for day in range(1, 7):
        make_document(cast.commune_a, f"Phòng chống thiên tai đợt {day}", issued_on=dt.date(2025, 8, day))
    make_document(cast.commune_a, "Chống tham nhũng", issued_on=dt.date(2025, 8, 2))
    make_document(cast.commune_a, "Phòng chống lụt", issued_on=dt.date(2025, 9, 2))  # outside the window
    window: dict[str, Any] = {"date_from": dt.date(2025, 8, 1), "date_to": dt.date(2025, 8, 31)}

    def hinted(kind: str) -> QuerySet[Document]:
        results = search_documents(base=Document.objects.all(), query="phong chong", **window)
        setattr(results.query, search.PLAN_HINT, search._Hint(kind, **window))
        return results.select_related("owner")

    expected = list(hinted("").values_list("id", flat=True))
    assert len(expected) == 6
    for kind in (search.WALK, search.INTERSECT, search.WINDOW_WALK, ""):
        page = search_page(hinted(kind), per_page=4, count_cap=3)
        assert [d.pk for d in page.documents] == expected[:4], kind
        assert page.documents[0].owner == cast.commune_a  # select_related kept
        if kind == search.INTERSECT:  # every match read: the exact number, past the cap
            assert (page.total, page.total_capped, page.total_text) == (6, False, "6 kết quả")
        else:
            assert (page.total, page.total_capped) == (3, True), kind
        second = search_page(hinted(kind), page=2, per_page=4)
        assert [d.pk for d in second.documents] == expected[4:], kind
        assert search_page(hinted(kind), page=3, per_page=4).documents == []
    # The window walk checks each candidate against the whole search, permissions included.
    mine = search_documents(base=Document.objects.filter(owner=cast.commune_b), query="phong chong", **window)
    setattr(mine.query, search.PLAN_HINT, search._Hint(search.WINDOW_WALK, **window))
    assert search_page(mine).documents == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans of PostgreSQL")
def test_a_walk_out_of_time_falls_back_to_the_planner(cast, monkeypatch):
    for i in range(3):
        make_document(cast.commune_a, f"Phòng chống bão số {i}")
    monkeypatch.setattr(search, "WALK_BUDGET_MS", 1.0)
    results = search_documents(base=Document.objects.all(), query="phong chong").annotate(
        nap=RawSQL("pg_sleep(0.01)", [])  # every row read costs 10 ms: the walk overruns 1 ms
    )
    setattr(results.query, search.PLAN_HINT, search.WALK)
    assert search._walked_page(results, 0, 2) is None
    page = search_page(results, per_page=2, count_budget_ms=None)
    assert len(page.documents) == 2 and page.total == 3
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_stats")
def test_word_frequencies_come_from_the_statistics(cast):
    for i in range(5):
        make_document(cast.commune_a, f"Phòng chống dịch bệnh {i}")
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {search.DOCUMENT_TABLE}")
    search._frequencies.clear()
    try:
        frequencies, floor = search.word_frequencies()
        assert frequencies["phong"] == pytest.approx(1.0)
        assert 0 < floor <= 1.0
        assert search.word_frequencies()[0] is frequencies  # read again only after a while
    finally:
        search._frequencies.clear()


def test_the_screen_asks_for_the_count_after_the_page(cast, client, monkeypatch):
    from cqs.documents.views import search as screen

    for i in range(3):
        make_document(cast.commune_a, f"Giấy mời họp giao ban {i}", doc_type="Giấy mời")
    monkeypatch.setattr(screen, "PAGE_SIZE", 2)
    counting = search._capped_count

    def slow_inline_count(results: Any, cap: int, budget_ms: float | None) -> int | None:
        return None if budget_ms == search.COUNT_BUDGET_MS else counting(results, cap, budget_ms)

    monkeypatch.setattr(search, "_capped_count", slow_inline_count)
    client.force_login(cast.clerk_a)
    for url in ("/van-ban/tim-kiem/", "/van-ban/di/"):
        html = client.get(url, {"q": "giay moi", "trang": "1"}).content.decode()
        assert "hơn 2 kết quả" in html
        assert f'hx-get="{url}?q=giay+moi&amp;dem=1"' in html  # the page number left out
        later = client.get(url, {"q": "giay moi", "dem": "1"})
        assert later.content.decode() == "<span>3 kết quả</span>"
    monkeypatch.setattr(search, "_capped_count", lambda results, cap, budget_ms: None)
    assert client.get("/van-ban/tim-kiem/", {"q": "giay moi", "dem": "1"}).status_code == 204
    # A count that finished with the page: no second request.
    monkeypatch.setattr(search, "_capped_count", counting)
    html = client.get("/van-ban/tim-kiem/", {"q": "giay moi"}).content.decode()
    assert "3 kết quả" in html and "dem=1" not in html


def test_a_window_search_counts_its_matches_exactly(cast, backend):
    """With a window of dates every match in the window is read to be sorted: its number
    comes with the page, exact even past the cap."""
    for day in range(1, 6):
        make_document(cast.commune_a, f"Lịch tiếp công dân tuần {day}", issued_on=dt.date(2025, 8, day))
    make_document(cast.commune_a, "Lịch tiếp công dân tháng trước", issued_on=dt.date(2025, 7, 1))
    results = search_documents(
        base=Document.objects.all(),
        query="tiep cong dan",
        date_from=dt.date(2025, 8, 1),
        date_to=dt.date(2025, 8, 31),
    )
    page = search_page(results, per_page=2, count_cap=3)
    assert (len(page.documents), page.total, page.total_capped, page.count_unfinished) == (2, 5, False, False)
    assert page.total_text == "5 kết quả" and page.has_next
    assert [d.issued_on for d in search_page(results, page=3, per_page=2).documents] == [dt.date(2025, 8, 1)]
