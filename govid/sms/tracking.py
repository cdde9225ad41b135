"""What became of each message: state changes, delivery reports, and the helpdesk's queries."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from django.db import close_old_connections
from django.db.models import Count

from govid import clock
from govid.sms import texts
from govid.sms.models import Message
from govid.sms.scrubbing import hidden_parts, scrub
from govid.sms.signals import message_failed

log = logging.getLogger("govid.sms")

State = Message.State
ENDED_BADLY = (State.FAILED, State.EXPIRED)


def mark_sent(message: Message, *, gateway: str, provider_id: str) -> None:
    now = clock.now()
    Message.objects.filter(pk=message.pk, state=State.QUEUED).update(
        state=State.SENT, gateway=gateway, provider_id=provider_id, sent_at=now, lease_until=None
    )
    log.info("sms %s to %s sent through %s", message.ref, message.masked_to, gateway)


def mark_ended(message: Message, state: str, reason: str) -> None:
    """End a queued message as failed or expired, and tell whoever listens."""
    ended = Message.objects.filter(pk=message.pk, state=State.QUEUED).update(
        state=state, failed_at=clock.now(), last_error=reason[:500], lease_until=None
    )
    if ended:
        log.warning("sms %s to %s %s: %s", message.ref, message.masked_to, state, reason)
        message.refresh_from_db()
        message_failed.send(sender=Message, message=message)


def apply_report(
    state: str,
    *,
    ref: str | None = None,
    gateway: str = "",
    provider_id: str = "",
    detail: str = "",
    patience: float = 0.0,
) -> bool:
    """Apply a delivery report to the message it names (by govid's ref or the provider's id).

    A report can overtake the worker that is still recording the message as sent; it then waits
    up to ``patience`` seconds for that. Returns whether a message took the report.
    """
    deadline = time.monotonic() + patience
    while True:
        found = _find(ref=ref, gateway=gateway, provider_id=provider_id)
        if found is not None and found.state != State.QUEUED:
            return _apply(found, state, detail)
        if (ref and found is None) or time.monotonic() >= deadline:
            return False  # a ref names a row that exists from the start: no use waiting
        time.sleep(0.01)


def _find(*, ref: str | None, gateway: str, provider_id: str) -> Message | None:
    rows = (
        Message.objects.filter(ref=ref)
        if ref
        else Message.objects.filter(gateway=gateway, provider_id=provider_id)
    )
    return rows.order_by("-id").first()


def _apply(message: Message, state: str, detail: str) -> bool:
    if message.state != State.SENT or state == State.SENT:
        return True  # a late or repeated report changes nothing, and is no error
    now = clock.now()
    if state == State.DELIVERED:
        changes: dict[str, object] = {"state": state, "delivered_at": now}
    else:
        changes = {"state": state, "failed_at": now, "last_error": _scrubbed(message, detail)[:500]}
    if not Message.objects.filter(pk=message.pk, state=State.SENT).update(**changes):
        return False
    log.info("sms %s to %s reported %s", message.ref, message.masked_to, state)
    if state in ENDED_BADLY:
        message.refresh_from_db()
        message_failed.send(sender=Message, message=message)
    return True


def _scrubbed(message: Message, detail: str) -> str:
    """A report's detail (the SMSC's own words) without the text, its code or the number."""
    try:
        sent = texts.text_to_send(message) or message.text  # the code, while it still counts
    except (LookupError, ValueError):
        sent = message.text
    return scrub(detail, to=message.to, text=sent, secrets=hidden_parts(sent, message.text))


def apply_report_in_thread(state: str, **kwargs: object) -> None:
    """apply_report for threads outside a request (a gateway's reader): own DB connection."""
    try:
        if not apply_report(state, patience=5.0, **kwargs):  # type: ignore[arg-type]
            log.warning("delivery report %s matched no message", state)
    finally:
        close_old_connections()


@dataclass(frozen=True)
class Sent:
    """One message as the helpdesk sees it: masked number, no text."""

    queued_at: datetime
    masked_to: str
    purpose: str  # its label in the user's language
    state: str  # its label in the user's language
    gateway: str
    last_error: str


def recent_for_account(login: str, *, limit: int = 10) -> list[Sent]:
    """The account's last messages, newest first (for the helpdesk)."""
    return [
        Sent(
            queued_at=m.queued_at,
            masked_to=m.masked_to,
            purpose=str(m.get_purpose_display()),
            state=str(m.get_state_display()),
            gateway=m.gateway,
            last_error=m.last_error,
        )
        for m in Message.objects.filter(account=login).order_by("-id")[:limit]
    ]


def counts_by_purpose_and_state() -> dict[tuple[str, str], int]:
    """How many message records are in each (purpose, state): every pair, 0 when none, purpose
    by purpose (for the metrics read at each scrape)."""
    found = {
        (row["purpose"], row["state"]): row["n"]
        for row in Message.objects.values("purpose", "state").annotate(n=Count("id"))
    }
    return {
        (purpose, state): found.get((purpose, state), 0)
        for purpose in Message.Purpose.values
        for state in Message.State.values
    }


@dataclass(frozen=True)
class Delivery:
    """What became of the messages of one source and ref, as plain values for other concerns."""

    state: str = ""  # the newest message's State ("queued", "sent", ...), or "" if none
    retrying: bool = False  # the newest is queued again after a failed attempt
    may_arrive: bool = False  # one of them is still queued, sent or delivered

    @property
    def pending(self) -> bool:
        return self.state == State.QUEUED

    @property
    def failed(self) -> bool:
        return self.state in ENDED_BADLY


def delivery_of(source: str, source_ref: str) -> Delivery:
    """What became of the messages rendered by ``source`` for ``source_ref`` (one query)."""
    messages = list(Message.objects.filter(source=source, source_ref=source_ref).order_by("-id"))
    if not messages:
        return Delivery()
    return Delivery(
        state=messages[0].state,
        retrying=messages[0].pending_retry,
        may_arrive=any(message.state not in ENDED_BADLY for message in messages),
    )
