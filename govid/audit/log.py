"""record(): write one audit event, inside the caller's transaction, chained to the last one."""

from __future__ import annotations

from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Field

from govid import clock
from govid.audit.chain import canonical_data, content_text, event_hash
from govid.audit.models import GENESIS, ChainHead, Event
from govid.audit.signals import event_recorded

# Every login writes a row: short statements written out once, not compiled by the ORM at every
# call (UPDATE ... RETURNING: SQLite >= 3.35, PostgreSQL); on PostgreSQL one (_APPEND).
_HEAD = ChainHead._meta.db_table
_EVENTS = Event._meta.db_table
_COLUMNS = ("seq", "at", "action", "actor", "subject", "ip", "data", "prev_hash", "hash")
_FIELDS = [cast("Field[Any, Any]", Event._meta.get_field(name)) for name in _COLUMNS]
_TAKE_NEXT = f"UPDATE {_HEAD} SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"  # noqa: S608
_NEW_HEAD = f"INSERT INTO {_HEAD} (id, seq, hash) VALUES (1, 0, %s) ON CONFLICT DO NOTHING"  # noqa: S608
_INSERT = (
    f"INSERT INTO {_EVENTS} ({', '.join(f.column for f in _FIELDS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * len(_FIELDS))}) RETURNING id"
)
_SET_HASH = f"UPDATE {_HEAD} SET hash = %s WHERE id = 1"  # noqa: S608
# PostgreSQL: the whole append in one statement, one round trip, the head's row lock held for
# that statement only. It locks the head (FOR UPDATE: after a concurrent writer commits, its
# newest values), moves it on, and inserts the row; the database splices the number and the
# previous hash into the canonical text Python made of the rest, so that the hash is exactly
# event_hash()'s (``audit verify`` recomputes it in Python).
_APPEND = f"""
WITH head AS (SELECT seq, hash FROM {_HEAD} WHERE id = 1 FOR UPDATE),
moved AS (
    UPDATE {_HEAD} AS h
    SET seq = head.seq + 1,
        hash = encode(sha256(convert_to(
            '[' || (head.seq + 1) || %s || ',"' || head.hash || '"]', 'UTF8')), 'hex')
    FROM head WHERE h.id = 1
    RETURNING h.seq, h.hash, head.hash AS prev_hash
)
INSERT INTO {_EVENTS} ({", ".join(f.column for f in _FIELDS)})
SELECT moved.seq, %s::timestamptz, %s, %s, %s, %s::inet, %s::jsonb, moved.prev_hash, moved.hash
FROM moved
RETURNING id, seq, prev_hash, hash
"""  # noqa: S608


def record(
    action: str,
    *,
    actor: str,
    subject: str = "",
    ip: str | None = None,
    **data: Any,
) -> Event:
    """Append an event. Call it inside the transaction of the change it describes.

    ``data`` must never carry a code, a password or a full phone number.
    """
    content: dict[str, Any] = {
        "at": clock.now(),
        "action": action,
        "actor": actor,
        "subject": subject,
        "ip": Event._meta.get_field("ip").get_prep_value(ip),  # as the column stores it
        "data": canonical_data(data),
    }
    if connection.vendor == "postgresql":
        event = _append_in_one_statement(content)
    else:
        event = _append(content)
    event_recorded.send(sender=Event, event=event)
    return event


def _append(content: dict[str, Any]) -> Event:
    # No savepoint of its own: an event that cannot be written fails the caller's change with
    # it (and inside a caller's transaction a savepoint costs two more round trips).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # Taking the next number locks the head row until the caller's transaction ends, so two
        # writers cannot both chain to the same last row (the write lock that SQLite's
        # BEGIN IMMEDIATE already took; a row lock on other databases).
        seq, prev_hash = _take_next(cursor)
        values = {"seq": seq, **content, "prev_hash": prev_hash}
        values["hash"] = event_hash(**values)
        params = [f.get_db_prep_save(values[f.name], connection) for f in _FIELDS]
        cursor.execute(_INSERT, params)
        pk = cursor.fetchone()[0]
        cursor.execute(_SET_HASH, [values["hash"]])
    return Event(id=pk, **values)


def _append_in_one_statement(content: dict[str, Any]) -> Event:
    middle = content_text(seq=0, prev_hash="", **content)  # "[0" + middle + ",\"\"]"
    middle = middle.removeprefix("[0").removesuffix(',""]')
    fields = _FIELDS[1:7]  # at ... data
    params = [f.get_db_prep_save(content[f.name], connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(_APPEND, [middle, *params])
        row = cursor.fetchone()
        if row is None:  # the very first event (or a flushed test database): no head yet
            cursor.execute(_NEW_HEAD, [GENESIS])
            cursor.execute(_APPEND, [middle, *params])
            row = cursor.fetchone()
    pk, seq, prev_hash, digest = row
    return Event(id=pk, seq=seq, prev_hash=prev_hash, hash=digest, **content)


def _take_next(cursor: Any) -> tuple[int, str]:
    cursor.execute(_TAKE_NEXT)
    row = cursor.fetchone()
    if row is None:  # the very first event (or a flushed test database)
        cursor.execute(_NEW_HEAD, [GENESIS])
        cursor.execute(_TAKE_NEXT)
        row = cursor.fetchone()
    return int(row[0]), str(row[1])
