"""The chain's head, published outside the database: a JSON line in a file and a log line.

Someone who can write the database could still truncate the newest rows and move the head back,
or rebuild the chain from a point on with a stolen key; a head published elsewhere pins what
the chain was. ``manage.py audit verify --against FILE`` checks every published head still holds.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.db.models import Max

from govid import clock
from govid.audit.chain import extends
from govid.audit.conf import audit_settings
from govid.audit.models import ChainHead, Event

log = logging.getLogger("govid.audit")
_TAIL = 4096  # bytes read back from the end of the file to find its last line


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    key_id: str
    at: str  # when it was published, ISO 8601 in UTC

    def as_line(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))


def current_head() -> Head | None:
    """The chain's head now, or None while the log is empty."""
    head = ChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        return None
    key_id = Event.objects.filter(seq=head.seq).values_list("key_id", flat=True).first()
    return Head(head.seq, head.hash, key_id or "", clock.now().isoformat())


def publish_head() -> Head | None:
    """Publish the head now (``manage.py audit publish``); None when the log is empty."""
    with _head_file() as out:
        head = current_head()
        if head is not None:
            _publish(out, head, last=read_last_head(out))
    return head


def publish_head_if_due() -> None:
    """The periodic job: publish when the head moved and the last one is old enough."""
    every = audit_settings().publish_every
    with _head_file() as out:
        last = read_last_head(out)
        if last is not None and _age(last) < every:
            return
        head = current_head()
        if head is None or (last is not None and (last.seq, last.hash) == (head.seq, head.hash)):
            return
        _publish(out, head, last=last)


def _publish(out: IO[bytes], head: Head, *, last: Head | None) -> None:
    problem = _not_extending(last, head) if last is not None else ""
    if not _ends_a_line(out):
        out.write(b"\n")  # a line torn by a crash stays alone on its line
    out.write(head.as_line().encode("ascii") + b"\n")
    out.flush()
    os.fsync(out.fileno())
    fields = {"audit_head": asdict(head)}
    log.info("audit head seq=%d hash=%s key_id=%s", head.seq, head.hash, head.key_id, extra=fields)
    if last is not None and problem:
        # Published all the same: the file keeps both heads, and verify --against names it.
        log.error("audit chain does not extend the head published at seq=%d: %s", last.seq, problem)


def _ends_a_line(out: IO[bytes]) -> bool:
    if out.seek(0, os.SEEK_END) == 0:
        return True
    out.seek(-1, os.SEEK_END)
    return out.read(1) == b"\n"


def _not_extending(last: Head, head: Head) -> str:
    if head.seq < last.seq:
        return f"the head went back from seq={last.seq} to seq={head.seq}"
    return extends(after=last.seq, after_hash=last.hash, seq=head.seq, head=head.hash)


def _age(head: Head) -> timedelta:
    try:
        age = clock.now() - datetime.fromisoformat(head.at)
    except (TypeError, ValueError):
        return timedelta.max  # a line without a readable time: publish
    return age if age >= timedelta(0) else timedelta.max  # the clock went back: publish


@contextmanager
def _head_file() -> Iterator[IO[bytes]]:
    """The head file, opened for appending and reading, locked against this host's others."""
    path = Path(audit_settings().head_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT
    try:
        fd = os.open(path, flags | os.O_EXCL, 0o640)
        os.fchmod(fd, 0o640)  # whatever the umask: readable by the service's group, no one else
    except FileExistsError:
        fd = os.open(path, flags)
    with os.fdopen(fd, "a+b") as out:
        fcntl.flock(fd, fcntl.LOCK_EX)  # workers publish one at a time, each reading the last
        yield out


def read_last_head(out: IO[bytes]) -> Head | None:
    """The last line of the file as a Head, or None (no line, or not a head)."""
    out.seek(0, os.SEEK_END)
    size = out.tell()
    out.seek(max(0, size - _TAIL))
    lines = out.read().splitlines()
    if not lines:
        return None
    try:
        return head_from(json.loads(lines[-1]))
    except ValueError:
        return None


def head_from(value: Any) -> Head:
    """A Head from one decoded JSON line; ValueError saying what is wrong otherwise."""
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    seq, digest = value.get("seq"), value.get("hash")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ValueError("no positive whole seq")
    if not isinstance(digest, str) or len(digest) != 64:
        raise ValueError("no 64-character hash")
    return Head(seq, digest, str(value.get("key_id", "")), str(value.get("at", "")))


class HeadFileError(ValueError):
    """The file of published heads cannot be read or holds something else."""


def read_heads(path: Path) -> list[tuple[int, Head]]:
    """Every published head in ``path`` with its line number, in the file's order."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise HeadFileError(f"cannot read {path}: {reason}") from None
    heads = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            heads.append((number, head_from(json.loads(line))))
        except ValueError as error:  # json.JSONDecodeError is a ValueError too
            raise HeadFileError(f"{path} line {number}: not a published head ({error})") from None
    if not heads:
        raise HeadFileError(f"{path} holds no published head")
    return heads


def first_broken_head(heads: list[tuple[int, Head]]) -> str:
    """Why the first published head that no longer matches its row fails ("" if all hold)."""
    seqs = sorted({head.seq for _, head in heads})
    stored: dict[int, str] = {}
    for start in range(0, len(seqs), 1000):
        chunk = seqs[start : start + 1000]
        stored.update(Event.objects.filter(seq__in=chunk).values_list("seq", "hash"))
    for number, head in heads:
        now = stored.get(head.seq)
        if now == head.hash:
            continue
        where = f"the head published at {head.at or '?'} (line {number}, seq={head.seq})"
        if now is None:
            end = Event.objects.aggregate(end=Max("seq"))["end"] or 0
            return f"{where} no longer holds: no row seq={head.seq} (the chain ends at seq={end})"
        return (
            f"{where} no longer holds: row seq={head.seq} has hash {now[:16]}..., "
            f"published {head.hash[:16]}..."
        )
    return ""
