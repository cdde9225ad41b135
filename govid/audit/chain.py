"""The hash chain of the audit log: how a row's hash is made, and checking the whole chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from govid.audit.models import GENESIS, ChainHead, Event


def canonical_data(data: dict[str, Any]) -> Any:
    """``data`` as the JSON column gives it back (tuples become lists, keys strings)."""
    return json.loads(json.dumps(data, ensure_ascii=False))


def event_hash(**fields: Any) -> str:
    """SHA-256 of a row's content and the previous row's hash (``content_text``'s fields)."""
    return hashlib.sha256(content_text(**fields).encode("utf-8")).hexdigest()


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


def hash_of(event: Event) -> str:
    """What ``event.hash`` must be, recomputed from the row as stored."""
    return event_hash(
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
    head: str
    problem: str = ""  # empty when the chain is intact
    bad_id: int | None = None
    bad_seq: int | None = None

    @property
    def intact(self) -> bool:
        return not self.problem


def verify_chain() -> ChainReport:
    """Walk every row in chain order; the first row that does not fit is reported."""
    expected_seq, prev, rows = 1, GENESIS, 0
    for event in Event.objects.order_by("seq").iterator(chunk_size=2000):
        problem = _row_problem(event, expected_seq, prev)
        if problem:
            return ChainReport(rows, prev, problem, event.pk, event.seq)
        expected_seq, prev, rows = event.seq + 1, event.hash, rows + 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.seq >= expected_seq:
        problem = f"rows {expected_seq}..{head.seq} were deleted (the chain head says {head.seq})"
        return ChainReport(rows, prev, problem, None, expected_seq)
    if head is not None and head.hash != prev:
        return ChainReport(rows, prev, "the last row does not match the chain head", None, rows)
    return ChainReport(rows, prev)


def _row_problem(event: Event, expected_seq: int, prev: str) -> str:
    where = f"row seq={event.seq} (id={event.pk})"
    if event.seq != expected_seq:
        last = event.seq - 1
        gap = f"{expected_seq}" if last == expected_seq else f"{expected_seq}..{last}"
        return f"{where}: row seq={gap} before it was deleted"
    if hash_of(event) != event.hash:
        return f"{where}: its content was edited (hash mismatch)"
    if event.prev_hash != prev:
        return f"{where}: does not chain to the row before it (that row was edited)"
    return ""
