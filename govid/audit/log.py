"""record(): write one audit event, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from govid import clock
from govid.audit.models import Event


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
    return Event.objects.create(
        at=clock.now(), action=action, actor=actor, subject=subject, ip=ip, data=data
    )
