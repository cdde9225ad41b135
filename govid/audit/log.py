"""record(): write one audit event, inside the caller's transaction, chained to the last one."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from govid import clock
from govid.audit.chain import canonical_data, event_hash
from govid.audit.models import ChainHead, Event


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
    with transaction.atomic():
        # The head row is locked until the caller's transaction ends, so two writers cannot
        # both chain to the same last row (PostgreSQL: row lock; SQLite: the write lock that
        # BEGIN IMMEDIATE already took).
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = ChainHead.objects.create(pk=1)
        values = {
            "seq": head.seq + 1,
            "at": clock.now(),
            "action": action,
            "actor": actor,
            "subject": subject,
            "ip": Event._meta.get_field("ip").get_prep_value(ip),  # as the column stores it
            "data": canonical_data(data),
            "prev_hash": head.hash,
        }
        digest = event_hash(**values)
        event = Event.objects.create(**values, hash=digest)
        ChainHead.objects.filter(pk=1).update(seq=event.seq, hash=digest)
    return event
