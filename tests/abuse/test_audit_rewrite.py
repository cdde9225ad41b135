"""Someone who can read and write the database, but not the key, rewrites the audit log.

They go as a database user would: raw SQL only. They know the row format (the code is public)
but not the key, kept outside the database. They delete a row and reseal every later one (with
plain SHA-256, then with an HMAC under a key of their own), moving the head along; then they
truncate the newest rows. ``audit verify`` must call the chain broken, and ``audit verify
--against`` the heads published outside the database must catch the truncation.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from govid.audit.log import record

KEY = "the-provinces-audit-key-0123456789abcdef0123456789"
THEIR_KEY = b"a-key-the-intruder-made-up-0123456789abcdef"
GENESIS = "0" * 64
Seal = Callable[[bytes], str]


@pytest.fixture(autouse=True)
def head_file(settings, tmp_path):
    path = tmp_path / "audit-heads.jsonl"
    settings.GOVID_AUDIT = {"key": KEY, "head_file": str(path)}
    return path


def a_morning_of_events() -> None:
    """What govid writes as people log in and recover passwords (the rows to hide among)."""
    for i in range(4):
        record(
            "login_failed", actor="anonymous", subject=f"nv{i}@soctrang.gov.vn", ip="203.0.113.7"
        )
        record("login", actor=f"nv{i}@soctrang.gov.vn", subject=f"nv{i}@soctrang.gov.vn")
    record("role_granted", actor="quantri@soctrang.gov.vn", subject="ke.gian", role="auditor")
    record("password_reset", actor="ke.gian", subject="nv1@soctrang.gov.vn", via="sms")


# --- the intruder's tools: the database and the public row format, nothing of govid's ---


def sql(statement: str, *params: Any) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def rows() -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_event ORDER BY seq")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def content(row: dict[str, Any], seq: int, prev: str) -> bytes:
    """The row's canonical text, as the public code builds it."""
    at = row["at"] if isinstance(row["at"], datetime) else datetime.fromisoformat(row["at"])
    at = at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite keeps UTC without an offset
    data = json.loads(row["data"]) if isinstance(row["data"], str) else row["data"]
    ip = str(row["ip"]) if row["ip"] else ""
    fields = [seq, at.astimezone(UTC).isoformat(timespec="microseconds"), row["action"]]
    fields += [row["actor"], row["subject"], ip, data, prev]
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256(text: bytes) -> str:
    return hashlib.sha256(text).hexdigest()


def hmac_under_their_key(text: bytes) -> str:
    return hmac.new(THEIR_KEY, text, hashlib.sha256).hexdigest()


def delete_and_reseal(position: int, seal: Seal, key_id: str | None) -> None:
    """Delete one row, renumber and reseal every later one, move the head: a seamless chain."""
    before = rows()
    victim = before[position]
    sql("DELETE FROM audit_event WHERE id = %s", victim["id"])
    seq, prev = victim["seq"] - 1, before[position - 1]["hash"] if position else GENESIS
    for row in before[position + 1 :]:
        seq += 1
        digest = seal(content(row, seq, prev))
        sql(
            "UPDATE audit_event SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
            seq, prev, digest, row["id"],
        )  # fmt: skip
        if key_id:  # pass the rows off as sealed by a key of their own
            sql("UPDATE audit_event SET key_id = %s WHERE id = %s", key_id, row["id"])
        prev = digest
    sql("UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1", seq, prev)


def truncate_newest(keep: int) -> None:
    """Drop every row after the first ``keep`` and move the head back onto the last one kept."""
    kept = rows()[keep - 1]
    sql("DELETE FROM audit_event WHERE seq > %s", kept["seq"])
    sql("UPDATE audit_chainhead SET seq = %s, hash = %s WHERE id = 1", kept["seq"], kept["hash"])


def seamless_from(position: int, seal: Seal) -> bool:
    """Whether the rows from ``position`` on chain seamlessly by the intruder's own rule, and
    onto the row before them: what a verifier without a key would accept."""
    chain = rows()
    prev = chain[position - 1]["hash"] if position else GENESIS
    for expected, row in enumerate(chain[position:], start=chain[0]["seq"] + position):
        text = content(row, row["seq"], row["prev_hash"])
        if (row["seq"], row["prev_hash"], row["hash"]) != (expected, prev, seal(text)):
            return False
        prev = row["hash"]
    return sql("SELECT seq, hash FROM audit_chainhead WHERE id = 1") == [(chain[-1]["seq"], prev)]


# --- govid's side ---


def verify(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def test_the_intruder_knows_the_row_format(db):
    """So that what follows fails for want of the key, not for a wrong canonical text."""
    a_morning_of_events()
    for row in rows():
        keyed = hmac.new(KEY.encode(), content(row, row["seq"], row["prev_hash"]), hashlib.sha256)
        assert keyed.hexdigest() == row["hash"]


@pytest.mark.parametrize(
    ("seal", "relabel"),
    [
        pytest.param(sha256, False, id="resealed-with-sha256"),
        pytest.param(hmac_under_their_key, False, id="hmac-under-their-key"),
        pytest.param(hmac_under_their_key, True, id="hmac-under-their-key-with-its-id"),
    ],
)
def test_a_deleted_row_with_every_later_row_resealed_is_called_broken(db, seal, relabel):
    a_morning_of_events()
    assert '"intact": true' in verify()
    their_id = hashlib.sha256(THEIR_KEY).hexdigest()[:16] if relabel else None
    delete_and_reseal(8, seal, their_id)  # the role the intruder granted themself
    assert seamless_from(8, seal)
    expected = "unknown key" if relabel else "hash mismatch"
    with pytest.raises(CommandError, match=rf"audit chain broken: row seq=\d+ .*{expected}"):
        verify()


def test_truncating_the_newest_rows_is_caught_by_the_published_heads(db, head_file):
    a_morning_of_events()
    call_command("audit", "publish", stdout=StringIO())  # govid's periodic job, outside the db
    published = json.loads(head_file.read_text())
    truncate_newest(keep=6)
    assert '"intact": true' in verify()  # the table alone cannot tell
    with pytest.raises(CommandError, match=rf"seq={published['seq']}\) no longer holds"):
        verify("--against", str(head_file))
