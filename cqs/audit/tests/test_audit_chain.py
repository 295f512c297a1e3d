from __future__ import annotations

import io
import json
import threading
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from cqs.accounts.models import User
from cqs.audit.hashing import GENESIS_HASH
from cqs.audit.models import AuditChainHead, AuditEvent, AuditLogImmutableError
from cqs.audit.selectors import (
    REASON_CONTENT,
    REASON_HEAD_MISSING,
    REASON_LINK,
    REASON_OUTSIDE_CHAIN,
    REASON_TAIL_DELETED,
    _digest_of,
    audit_chain_verify,
)
from cqs.audit.services import audit_record

TABLE = AuditEvent._meta.db_table
TRIGGER = "audit_auditevent_append_only"


@contextmanager
def raw_tampering():
    """Raw SQL past the ORM; on PostgreSQL the append-only trigger must be lifted first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses while deferred foreign-key checks of the test's own inserts
            # are pending: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _record_events(n: int, actor: User | None = None) -> list[AuditEvent]:
    return [
        audit_record(actor=actor, action=f"test.action_{i}", agency_id=7, payload={"i": i, "tên": "Văn thư"})
        for i in range(n)
    ]


def _run_verify(*args: str) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("audit_verify", *args, stdout=out)
    except SystemExit as exit_:
        return out.getvalue(), int(exit_.code or 0)
    return out.getvalue(), 0


@pytest.fixture
def actor(db) -> User:
    return User.objects.create_user("chuyenvien", password="Mk-an-toan-2025", full_name="Trần Văn Bình")


@pytest.mark.django_db
def test_events_are_chained_in_order(actor):
    events = _record_events(4, actor)
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.pk > before.pk
    assert len({e.hash for e in events}) == 4
    head = AuditChainHead.objects.get()
    assert (head.last_event_id, head.last_hash) == (events[-1].pk, events[-1].hash)
    assert events[0].actor_label == "Trần Văn Bình"


@pytest.mark.django_db
def test_system_event_and_target(actor):
    event = audit_record(actor=None, action="he_thong.khoi_dong", target=actor)
    event.refresh_from_db()
    assert event.actor_id is None
    assert event.actor_label == "hệ thống"
    assert (event.target_type, event.target_id) == ("accounts.user", str(actor.pk))


@pytest.mark.django_db
def test_verify_ok_on_empty_and_full_chain(actor):
    assert audit_chain_verify().ok
    _record_events(5, actor)
    report = audit_chain_verify(batch_size=2)
    assert report.ok
    assert report.checked == 5
    assert report.first_bad_id is None


@pytest.mark.django_db
def test_payload_stored_as_hashed_with_non_json_values(actor):
    from datetime import date
    from decimal import Decimal

    audit_record(actor=actor, action="x", payload={"ngày": date(2025, 7, 1), "số": Decimal("1.50"), "n": 1.0})
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_tampered_payload_reports_that_event(actor):
    events = _record_events(5, actor)
    with raw_tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET payload = %s WHERE id = %s", ['{"i": 99}', events[2].pk])
    report = audit_chain_verify()
    assert not report.ok
    assert report.first_bad_id == events[2].pk
    assert report.reason == REASON_CONTENT
    assert report.checked == 2


@pytest.mark.django_db
def test_tampered_actor_label_is_detected(actor):
    events = _record_events(3, actor)
    with raw_tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor_label = %s WHERE id = %s", ["Người khác", events[1].pk])
    assert audit_chain_verify().first_bad_id == events[1].pk


@pytest.mark.django_db
def test_rehashed_event_breaks_the_next_link(actor):
    """Recomputing the tampered event's own hash still breaks the next event's link."""
    events = _record_events(4, actor)
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.action = "forged"
    new_hash = _digest_of(forged)
    with raw_tampering() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET action = %s, hash = %s WHERE id = %s", ["forged", new_hash, events[1].pk]
        )
    report = audit_chain_verify()
    assert (report.first_bad_id, report.reason) == (events[2].pk, REASON_LINK)


@pytest.mark.django_db
def test_deleted_middle_event_is_reported(actor):
    events = _record_events(5, actor)
    with raw_tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [events[2].pk])
    report = audit_chain_verify()
    assert not report.ok
    assert report.first_bad_id == events[3].pk
    assert report.reason == REASON_LINK


@pytest.mark.django_db
def test_deleted_last_event_is_reported_by_the_chain_head(actor):
    events = _record_events(4, actor)
    with raw_tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk])
    report = audit_chain_verify()
    assert not report.ok
    assert report.first_bad_id == events[-1].pk
    assert report.reason == REASON_TAIL_DELETED
    assert report.checked == 3


@pytest.mark.django_db
def test_deleting_every_event_is_reported(actor):
    events = _record_events(2, actor)
    with raw_tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    assert audit_chain_verify().first_bad_id == events[-1].pk


@pytest.mark.django_db
def test_event_appended_without_moving_the_head_is_reported(actor):
    events = _record_events(2, actor)
    forged = AuditEvent(
        at=events[-1].at, action="chen_cuoi", actor_label="", payload={}, prev_hash=events[-1].hash
    )
    forged.hash = _digest_of(forged)
    forged.save()  # a well-formed link, but written past audit_record
    report = audit_chain_verify()
    assert (report.first_bad_id, report.reason) == (forged.pk, REASON_OUTSIDE_CHAIN)
    assert report.checked == 3


@pytest.mark.django_db
def test_missing_chain_head_is_reported(actor):
    events = _record_events(2, actor)
    AuditChainHead.objects.all().delete()
    report = audit_chain_verify()
    assert (report.first_bad_id, report.reason) == (events[0].pk, REASON_HEAD_MISSING)


@pytest.mark.django_db
def test_fork_is_refused_by_the_database(actor):
    first = _record_events(1, actor)[0]
    fork = AuditEvent(
        at=first.at, action="fork", prev_hash=first.prev_hash, hash="f" * 64, actor_label="", payload={}
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_orm_refuses_update_and_delete(actor):
    event = _record_events(1, actor)[0]
    event.action = "changed"
    with pytest.raises(AuditLogImmutableError):
        event.save()
    with pytest.raises(AuditLogImmutableError):
        event.save(update_fields=["action"])
    with pytest.raises(AuditLogImmutableError):
        event.delete()
    with pytest.raises(AuditLogImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(AuditLogImmutableError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AuditLogImmutableError):
        AuditEvent.objects.bulk_update([event], ["action"])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == "test.action_0"
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_orm_refuses_events_outside_the_chain(actor):
    with pytest.raises(AuditLogImmutableError):
        AuditEvent.objects.create(at=actor.date_joined, action="ngoai_chuoi")
    with pytest.raises(AuditLogImmutableError):
        AuditEvent.objects.bulk_create([AuditEvent(at=actor.date_joined, action="ngoai_chuoi")])
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_actor_with_events_cannot_be_deleted(actor):
    from django.db.models import ProtectedError

    _record_events(1, actor)
    with pytest.raises(ProtectedError):
        actor.delete()


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)
def test_postgres_trigger_refuses_raw_update_and_delete(actor):
    event = _record_events(1, actor)[0]
    for sql in (f"UPDATE {TABLE} SET action = 'x' WHERE id = %s", f"DELETE FROM {TABLE} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="chỉ được ghi thêm"), transaction.atomic():
            connection.cursor().execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.action_0"


@pytest.mark.django_db
def test_audit_verify_command_ok(actor):
    _record_events(3, actor)
    out, code = _run_verify()
    assert code == 0
    assert out.startswith("OK: 3 sự kiện")


@pytest.mark.django_db
def test_audit_verify_command_reports_first_bad_id_and_exits_1(actor):
    events = _record_events(3, actor)
    with raw_tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET target_id = %s WHERE id = %s", ["42", events[1].pk])
    out, code = _run_verify()
    assert code == 1
    assert f"#{events[1].pk}" in out
    assert out.startswith("LỖI")


@pytest.mark.django_db
def test_audit_verify_command_json(actor):
    events = _record_events(2, actor)
    out, code = _run_verify("--json")
    assert code == 0
    assert json.loads(out) == {"ok": True, "checked": 2, "first_bad_id": None, "reason": ""}

    with raw_tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [events[1].pk])
    out, code = _run_verify("--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    assert data["first_bad_id"] == events[1].pk
    assert data["checked"] == 1
    assert data["reason"] == REASON_TAIL_DELETED


THREADS = 8
EVENTS_PER_THREAD = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SELECT ... FOR UPDATE on the chain head is only exercised concurrently on PostgreSQL",
)
def test_concurrent_appends_keep_one_chain():
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(EVENTS_PER_THREAD):
                with transaction.atomic():
                    audit_record(actor=None, action="concurrent", payload={"thread": n, "i": i})
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert AuditEvent.objects.count() == THREADS * EVENTS_PER_THREAD
    report = audit_chain_verify()
    assert report.ok, report
    assert report.checked == THREADS * EVENTS_PER_THREAD
    for n in range(THREADS):
        in_chain_order = [
            e.payload["i"] for e in AuditEvent.objects.order_by("id") if e.payload["thread"] == n
        ]
        assert in_chain_order == list(range(EVENTS_PER_THREAD))
