"""Seal the audit log with a key kept outside the database (HMAC-SHA256 instead of SHA-256).

Before resealing, the old SHA-256 chain is checked: what was found (rows, head, intact or the
first problem) is printed and recorded as the first keyed event, ``audit_chain_keyed``, so that
a chain broken before the upgrade is not laundered by it. An empty log records nothing.
"""

import hashlib
import hmac
import json
import sys
from datetime import UTC

from django.db import migrations, models

GENESIS = "0" * 64
BATCH = 2000


def _text(event, prev):
    content = [
        event.seq,
        event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        event.action,
        event.actor,
        event.subject,
        event.ip or "",
        event.data,
        prev,
    ]
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _sha256(event, prev):
    return hashlib.sha256(_text(event, prev).encode("utf-8")).hexdigest()


def _hmac(key):
    def seal(event, prev):
        return hmac.new(key, _text(event, prev).encode("utf-8"), hashlib.sha256).hexdigest()

    return seal


def _in_batches(Event):
    last = 0
    while True:
        batch = list(Event.objects.filter(seq__gt=last).order_by("seq")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].seq


def check_legacy_chain(Event, ChainHead):
    """What the SHA-256 chain looks like: {legacy_rows, legacy_head, legacy_intact, ...}."""
    expected, prev, rows, problem = 1, GENESIS, 0, ""
    for batch in _in_batches(Event):
        for event in batch:
            where = f"row seq={event.seq} (id={event.pk})"
            if event.seq != expected:
                problem = f"{where}: the rows from seq={expected} before it were deleted"
            elif _sha256(event, event.prev_hash) != event.hash:
                problem = f"{where}: its content was edited (hash mismatch)"
            elif event.prev_hash != prev:
                problem = f"{where}: does not chain to the row before it"
            if problem:
                break
            expected, prev, rows = event.seq + 1, event.hash, rows + 1
        if problem:
            break
    head = ChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if not problem and (head_seq, head_hash) != (expected - 1, prev):
        problem = f"the chain head ({head_seq}) does not match the last row ({expected - 1})"
    found = {
        "legacy_rows": Event.objects.count(),
        "legacy_head": head_hash,
        "legacy_head_seq": head_seq,
        "legacy_intact": not problem,
    }
    if problem:
        found["legacy_problem"] = problem
    return found


def reseal(Event, ChainHead, seal, key_id):
    """Rechain every row in seq order with ``seal``; the head follows.

    Rows after a gap are renumbered (one by one in seq order, each to a number no row holds):
    the new chain is whole, and the gap is on record in ``audit_chain_keyed``.
    Returns (rows renumbered, last seq, last hash).
    """
    prev, seq, renumbered = GENESIS, 0, 0
    for batch in _in_batches(Event):
        for event in batch:
            seq += 1
            if event.seq != seq:
                Event.objects.filter(pk=event.pk).update(seq=seq)
                event.seq, renumbered = seq, renumbered + 1
            event.prev_hash = prev
            event.hash = seal(event, prev)
            event.key_id = key_id
            prev = event.hash
        Event.objects.bulk_update(batch, ["prev_hash", "hash", "key_id"])
    ChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": prev})
    return renumbered, seq, prev


def seal_with_the_key(apps, schema_editor):
    from govid import clock
    from govid.audit.keys import audit_keys

    Event = apps.get_model("audit", "Event")
    ChainHead = apps.get_model("audit", "ChainHead")
    if not Event.objects.exists():
        return  # a new installation: nothing was chained with SHA-256
    found = check_legacy_chain(Event, ChainHead)
    keys = audit_keys()
    renumbered, seq, prev = reseal(Event, ChainHead, _hmac(keys.active), keys.active_id)
    found["legacy_renumbered"] = renumbered
    event = Event(
        seq=seq + 1,
        at=clock.now(),
        action="audit_chain_keyed",
        actor="system",
        subject="",
        ip=None,
        data=found,
        prev_hash=prev,
        key_id=keys.active_id,
    )
    event.hash = _hmac(keys.active)(event, prev)
    event.save()
    ChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    verdict = "intact" if found["legacy_intact"] else f"BROKEN: {found['legacy_problem']}"
    print(  # noqa: T201  (the operator running migrate reads it)
        f"\n  audit: the SHA-256 chain of {found['legacy_rows']} rows was {verdict}; "
        f"resealed with key id {keys.active_id}, recorded as audit_chain_keyed (seq {event.seq})",
        file=sys.stdout,
    )


def seal_with_sha256(apps, schema_editor):
    """Back to the plain chain that 0002 made (for a downgrade)."""
    Event = apps.get_model("audit", "Event")
    ChainHead = apps.get_model("audit", "ChainHead")
    if Event.objects.exists():
        reseal(Event, ChainHead, _sha256, "")


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_hash_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="event", name="key_id", field=models.CharField(default="", max_length=16)
        ),
        migrations.RunPython(seal_with_the_key, seal_with_sha256),
        migrations.AlterField(
            model_name="event", name="key_id", field=models.CharField(max_length=16)
        ),
    ]
