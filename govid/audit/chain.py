"""The keyed hash chain of the audit log: how a row is sealed, and checking the whole chain.

Each row's hash is an HMAC-SHA256, under a key kept outside the database, of its content, its
seq and the previous row's hash. Someone who can only write the database can delete or edit
rows, but cannot reseal what follows: ``verify_chain`` names the first row that does not fit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet

from govid.audit.keys import AuditKeys, audit_keys
from govid.audit.models import GENESIS, ChainHead, Event


def canonical_data(data: dict[str, Any]) -> Any:
    """``data`` as the JSON column gives it back (tuples become lists, keys strings)."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def event_hash(key: bytes, **fields: Any) -> str:
    """HMAC-SHA256 under ``key`` of a row's content and the previous row's hash."""
    text = content_text(**fields).encode("utf-8")
    return hmac.new(key, text, hashlib.sha256).hexdigest()


def content_text(
    *,
    seq: int,
    at: datetime,
    action: str,
    actor: str,
    subject: str,
    ip: str | None,
    data: Any,
    prev_hash: str,
) -> str:
    """The canonical JSON text a row's hash is taken of."""
    content = [
        seq,
        at.astimezone(UTC).isoformat(timespec="microseconds"),
        action,
        actor,
        subject,
        ip or "",
        data,
        prev_hash,
    ]
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def hash_of(event: Event, key: bytes) -> str:
    """What ``event.hash`` must be under ``key``, recomputed from the row as stored."""
    return event_hash(
        key,
        seq=event.seq,
        at=event.at,
        action=event.action,
        actor=event.actor,
        subject=event.subject,
        ip=event.ip,
        data=event.data,
        prev_hash=event.prev_hash,
    )


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head: str  # the hash of the last row that fits
    problem: str = ""  # empty when the chain is intact
    bad_id: int | None = None
    bad_seq: int | None = None
    seq: int = 0  # the seq of the last row that fits
    key_id: str = ""  # the key that sealed it

    @property
    def intact(self) -> bool:
        return not self.problem


def verify_chain() -> ChainReport:
    """Walk every row in chain order; the first row that does not fit is reported.

    The one-row head must then match the last row, so deleting the newest rows shows too.
    """
    report = _walk(Event.objects.order_by("seq"), after=0, after_hash=GENESIS)
    if not report.intact:
        return report
    last = report.seq
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.seq > last:
        problem = f"rows {last + 1}..{head.seq} were deleted (the chain head says {head.seq})"
        return dataclasses.replace(report, problem=problem, bad_seq=last + 1)
    if head is not None and head.hash != report.head:
        problem = "the last row does not match the chain head"
        return dataclasses.replace(report, problem=problem, bad_seq=last)
    return report


def extends(*, after: int, after_hash: str, seq: int, head: str) -> str:
    """Why the rows after..seq do not chain from ``after_hash`` to ``head`` ("" when they do).

    Checks that a new head extends one published earlier, reading only the rows in between.
    """
    rows = Event.objects.filter(seq__gt=after, seq__lte=seq).order_by("seq")
    report = _walk(rows, after=after, after_hash=after_hash)
    if not report.intact:
        return report.problem
    if (report.seq, report.head) != (seq, head):
        return f"the rows after seq={after} end at seq={report.seq}, not at the head seq={seq}"
    return ""


def _walk(rows: QuerySet[Event], *, after: int, after_hash: str) -> ChainReport:
    keys = audit_keys()
    expected_seq, prev, count, key_id = after + 1, after_hash, 0, ""
    for event in rows.iterator(chunk_size=2000):
        problem = _row_problem(event, expected_seq, prev, keys)
        if problem:
            return ChainReport(count, prev, problem, event.pk, event.seq, expected_seq - 1, key_id)
        expected_seq, prev, count, key_id = event.seq + 1, event.hash, count + 1, event.key_id
    return ChainReport(count, prev, seq=expected_seq - 1, key_id=key_id)


def _row_problem(event: Event, expected_seq: int, prev: str, keys: AuditKeys) -> str:
    where = f"row seq={event.seq} (id={event.pk})"
    if event.seq != expected_seq:
        last = event.seq - 1
        gap = f"{expected_seq}" if last == expected_seq else f"{expected_seq}..{last}"
        return f"{where}: row seq={gap} before it was deleted"
    key = keys.get(event.key_id)
    if key is None:
        return (
            f"{where}: sealed by an unknown key (key id {event.key_id or '-'}); "
            "if it is an earlier key, add it to GOVID_AUDIT_KEY_FALLBACKS"
        )
    if not hmac.compare_digest(hash_of(event, key).encode(), event.hash.encode()):
        return f"{where}: its content was edited or its hash recomputed (hash mismatch)"
    if event.prev_hash != prev:
        return f"{where}: does not chain to the row before it (that row was edited)"
    return ""
