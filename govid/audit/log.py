"""record(): write one audit event, inside the caller's transaction, chained to the last one."""

from __future__ import annotations

from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Field

from govid import clock
from govid.audit.chain import canonical_data, event_hash
from govid.audit.keys import audit_keys
from govid.audit.models import GENESIS, ChainHead, Event
from govid.audit.signals import event_recorded

# Every login writes a row: short statements written out once, not compiled by the ORM at every
# call (UPDATE ... RETURNING: SQLite >= 3.35, PostgreSQL).
_HEAD = ChainHead._meta.db_table
_EVENTS = Event._meta.db_table
_COLUMNS = ("seq", "at", "action", "actor", "subject", "ip", "data", "prev_hash", "hash", "key_id")
_FIELDS = [cast("Field[Any, Any]", Event._meta.get_field(name)) for name in _COLUMNS]
_TAKE_NEXT = f"UPDATE {_HEAD} SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"  # noqa: S608
_NEW_HEAD = f"INSERT INTO {_HEAD} (id, seq, hash) VALUES (1, 0, %s) ON CONFLICT DO NOTHING"  # noqa: S608
_VALUES = f"({', '.join(f.column for f in _FIELDS)}) VALUES ({', '.join(['%s'] * len(_FIELDS))})"
_INSERT = f"INSERT INTO {_EVENTS} {_VALUES} RETURNING id"
_SET_HASH = f"UPDATE {_HEAD} SET hash = %s WHERE id = 1"  # noqa: S608
# PostgreSQL: the row and the head's new hash in one statement (one round trip fewer).
_INSERT_AND_SET_HASH = f"WITH moved AS ({_SET_HASH}) {_INSERT}"


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
    event = _append(content)
    event_recorded.send(sender=Event, event=event)
    return event


def _append(content: dict[str, Any]) -> Event:
    keys = audit_keys()
    # No savepoint of its own: an event that cannot be written fails the caller's change with
    # it (and inside a caller's transaction a savepoint costs two more round trips). Outside
    # one, this is the transaction that holds the head's lock.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # Taking the next number locks the head row until the caller's transaction ends, so two
        # writers cannot both chain to the same last row (the write lock that SQLite's
        # BEGIN IMMEDIATE already took; a row lock on PostgreSQL).
        seq, prev_hash = _take_next(cursor)
        values = {"seq": seq, **content, "prev_hash": prev_hash}
        # Sealed here, in Python: the key is never sent to the database (PostgreSQL may log
        # statements with their parameters).
        values["hash"] = event_hash(keys.active, **values)
        values["key_id"] = keys.active_id
        params = [f.get_db_prep_save(values[f.name], connection) for f in _FIELDS]
        if connection.vendor == "postgresql":
            cursor.execute(_INSERT_AND_SET_HASH, [values["hash"], *params])
            pk = cursor.fetchone()[0]
        else:
            cursor.execute(_INSERT, params)
            pk = cursor.fetchone()[0]
            cursor.execute(_SET_HASH, [values["hash"]])
    return Event(id=pk, **values)


def _take_next(cursor: Any) -> tuple[int, str]:
    cursor.execute(_TAKE_NEXT)
    row = cursor.fetchone()
    if row is None:  # the very first event (or a flushed test database)
        cursor.execute(_NEW_HEAD, [GENESIS])
        cursor.execute(_TAKE_NEXT)
        row = cursor.fetchone()
    return int(row[0]), str(row[1])
