"""The audit log is a keyed hash chain: editing or deleting any row is caught at that row."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from govid.audit.chain import content_text, verify_chain
from govid.audit.keys import key_id
from govid.audit.log import record
from govid.audit.models import GENESIS, ChainHead, Event
from tests.audit.conftest import KEY, OLD_KEY


def write(n: int) -> list[Event]:
    return [record("test_event", actor="test", subject=f"s{i}", n=i) for i in range(n)]


def raw(sql: str, *params: int | str) -> None:
    """Tamper with the table directly, as someone with database access would."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_each_row_chains_to_the_one_before(db):
    first, second, third = write(3)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert [first.seq, second.seq, third.seq] == [first.seq, first.seq + 1, first.seq + 2]
    head = ChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (third.seq, third.hash)


def content_of(event: Event) -> bytes:
    fields = ("seq", "at", "action", "actor", "subject", "ip", "data", "prev_hash")
    return content_text(**{name: getattr(event, name) for name in fields}).encode()


def test_a_row_is_sealed_with_an_hmac_of_its_content_under_the_key(db):
    _, event = write(2)
    stored = Event.objects.get(pk=event.pk)
    assert stored.hash == hmac.new(KEY.encode(), content_of(stored), hashlib.sha256).hexdigest()
    assert stored.hash != hashlib.sha256(content_of(stored)).hexdigest()
    assert stored.key_id == key_id(KEY) == hashlib.sha256(KEY.encode()).hexdigest()[:16]


def test_the_key_never_reaches_the_database(db):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        write(3)
    assert len(queries) > 0
    assert not [query for query in queries if KEY in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_event")
        assert KEY not in repr(cursor.fetchall())


def test_after_a_rotation_the_old_rows_verify_with_the_fallback_key(db, settings):
    settings.GOVID_AUDIT = {**settings.GOVID_AUDIT, "key": OLD_KEY}
    old = write(3)
    settings.GOVID_AUDIT = {**settings.GOVID_AUDIT, "key": KEY, "key_fallbacks": OLD_KEY}
    new = write(2)
    assert {e.key_id for e in old} == {key_id(OLD_KEY)} and {e.key_id for e in new} == {key_id(KEY)}
    assert new[0].prev_hash == old[-1].hash
    report = verify_chain()
    assert report.intact and report.key_id == key_id(KEY)
    assert '"intact": true' in verify()


def test_a_row_sealed_by_a_key_no_longer_configured_is_reported(db, settings):
    settings.GOVID_AUDIT = {**settings.GOVID_AUDIT, "key": OLD_KEY}
    first, _ = write(2)
    settings.GOVID_AUDIT = {**settings.GOVID_AUDIT, "key": KEY}  # the fallback was forgotten
    write(1)
    report = verify_chain()
    assert report.bad_id == first.pk
    assert f"unknown key (key id {key_id(OLD_KEY)})" in report.problem
    with pytest.raises(CommandError, match="GOVID_AUDIT_KEY_FALLBACKS"):
        verify()


def test_an_intact_chain_verifies(db):
    write(5)
    assert verify_chain().intact
    assert '"intact": true' in verify()


def test_an_edited_row_is_named(db):
    events = write(5)
    raw("UPDATE audit_event SET subject = %s WHERE id = %s", "someone.else", events[2].pk)
    with pytest.raises(CommandError, match=rf"row seq={events[2].seq} \(id={events[2].pk}\)"):
        verify()
    assert "edited" in verify_chain().problem


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link(db):
    events = write(5)
    raw("UPDATE audit_event SET hash = %s WHERE id = %s", "f" * 64, events[2].pk)
    report = verify_chain()
    assert report.bad_id == events[2].pk  # its own hash no longer matches its content


def test_a_deleted_row_is_named(db):
    events = write(5)
    raw("DELETE FROM audit_event WHERE id = %s", events[1].pk)
    report = verify_chain()
    assert report.bad_id == events[2].pk
    assert f"row seq={events[1].seq} before it was deleted" in report.problem


def test_deleting_the_newest_rows_is_caught_by_the_head(db):
    events = write(4)
    raw("DELETE FROM audit_event WHERE id IN (%s, %s)", events[2].pk, events[3].pk)
    report = verify_chain()
    assert not report.intact and "deleted" in report.problem
    assert report.bad_seq == events[2].seq


def test_the_orm_refuses_to_change_or_delete_a_row(db):
    (event,) = write(1)
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_a_rolled_back_change_leaves_no_gap(db):
    write(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        record("test_event", actor="test")
        raise RuntimeError("the change failed")
    write(1)
    assert verify_chain().intact


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    barrier = threading.Barrier(4)

    def writer(k: int) -> None:
        barrier.wait()
        try:
            for i in range(10):
                record("test_event", actor=f"w{k}", n=i)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Event.objects.filter(action="test_event").count() == 40
    assert len(set(Event.objects.values_list("prev_hash", flat=True))) == Event.objects.count()
    assert verify_chain().intact


def test_audit_verify_exits_non_zero_naming_the_row(tmp_path):
    import os

    # Its own SQLite file, whatever database the suite runs on: the test edits that file.
    env = {**os.environ, "GOVID_VAR_DIR": str(tmp_path)}
    env.pop("GOVID_DATABASE_URL", None)
    env.pop("GOVID_REDIS_URL", None)

    def manage(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "manage.py", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    assert manage("migrate", "-v0").returncode == 0
    assert manage("units", "add", "ST", "--name", "Tỉnh Sóc Trăng").returncode == 0
    assert manage("units", "add", "MYTU", "--name", "Huyện Mỹ Tú", "--parent", "ST").returncode == 0
    assert manage("audit", "verify").returncode == 0
    import sqlite3

    with sqlite3.connect(tmp_path / "govid.sqlite3") as db:
        db.execute("UPDATE audit_event SET actor = 'ke.gian' WHERE seq = 2")
    result = manage("audit", "verify")
    assert result.returncode != 0
    assert "row seq=2" in result.stderr and "edited" in result.stderr
    assert "Traceback" not in result.stderr
