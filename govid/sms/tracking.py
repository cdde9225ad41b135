"""What became of each message: state changes, delivery reports, and the helpdesk's queries."""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.db import close_old_connections, connection, transaction
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


def mark_sent_many(sent: list[tuple[Message, str, str]]) -> None:
    """mark_sent for a batch, (message, gateway, provider id) each: one prepared UPDATE run for
    every message (``executemany``), not an ORM bulk_update, whose CASE per row and column
    cost more than the sending itself."""
    now = clock.now()
    meta = Message._meta
    quote = connection.ops.quote_name
    column = {f.name: quote(f.column) for f in meta.concrete_fields if f.name in _SENT}
    sql = (  # names from the model, values as parameters
        f"UPDATE {connection.ops.quote_name(meta.db_table)} SET {column['state']} = %s, "  # noqa: S608
        f"{column['gateway']} = %s, {column['provider_id']} = %s, {column['sent_at']} = %s, "
        f"{column['lease_until']} = NULL WHERE {column['id']} = %s AND {column['state']} = %s"
    )
    at = Message.sent_at.field.get_db_prep_value(now, connection)
    rows = [
        (State.SENT.value, gateway, provider_id, at, message.pk, State.QUEUED.value)
        for message, gateway, provider_id in sent
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    for message, gateway, provider_id in sent:
        message.state, message.gateway, message.provider_id = State.SENT, gateway, provider_id
        message.sent_at, message.lease_until = now, None
        log.info("sms %s to %s sent through %s", message.ref, message.masked_to, gateway)


_SENT = ("id", "state", "gateway", "provider_id", "sent_at", "lease_until")


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
    pause = 0.01  # doubled each look, up to a quarter second: a batch records its sends together
    while True:
        found = _find(ref=ref, gateway=gateway, provider_id=provider_id)
        if found is not None and found.state != State.QUEUED:
            return _apply(found, state, detail)
        if (ref and found is None) or time.monotonic() >= deadline:
            return False  # a ref names a row that exists from the start: no use waiting
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 2, 0.25)


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


@dataclass(frozen=True)
class Report:
    """A delivery report by the provider's id, as a gateway's reader receives it."""

    state: str
    provider_id: str
    detail: str
    until: float  # time.monotonic() after which it is given up if no sent message takes it


def apply_reports(gateway: str, reports: list[Report]) -> list[Report]:
    """Apply many reports of one gateway in one transaction (reports "delivered" in one
    statement); returns those whose message is not recorded as sent yet, to try again."""
    now, waiting, delivered = time.monotonic(), [], {}
    with transaction.atomic():
        found = {
            message.provider_id: message  # the newest message with that id
            for message in Message.objects.filter(
                gateway=gateway, provider_id__in={report.provider_id for report in reports}
            ).order_by("id")
        }
        for report in reports:
            message = found.get(report.provider_id)
            if message is None:
                if report.until > now:
                    waiting.append(report)
                else:
                    log.warning("delivery report %s matched no message", report.state)
            elif report.state == State.DELIVERED and message.state == State.SENT:
                delivered[message.pk] = message
            else:
                _apply(message, report.state, report.detail)
        if delivered:
            Message.objects.filter(pk__in=delivered, state=State.SENT).update(
                state=State.DELIVERED, delivered_at=clock.now()
            )
            for message in delivered.values():
                log.info("sms %s to %s reported %s", message.ref, message.masked_to, "delivered")
    return waiting


class ReportBatcher:
    """A gateway's receipts, applied by one thread of their own, together: what came in within
    ``gather`` seconds goes in one transaction, not a commit each (an SMSC that receipts a bulk
    notice at the rate it takes it). A receipt that overtook its batch's recording waits up to
    ``patience`` seconds for it."""

    def __init__(self, gateway: str, *, patience: float = 5.0, gather: float = 0.05) -> None:
        self.gateway, self.patience, self.gather = gateway, patience, gather
        self.inbox: queue.Queue[Report | None] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def put(self, state: str, *, provider_id: str, detail: str) -> None:
        until = time.monotonic() + self.patience
        self.inbox.put(Report(state, provider_id, detail, until))
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._run, name="govid-sms-reports", daemon=True
                )
                self.thread.start()

    def close(self) -> None:
        self.inbox.put(None)

    def _run(self) -> None:
        waiting: list[Report] = []
        try:
            while True:
                batch = list(waiting)
                try:
                    first = self.inbox.get(timeout=self.gather if waiting else None)
                except queue.Empty:
                    pass  # nothing new: look again at those waiting
                else:
                    if first is None:
                        return
                    batch.append(first)
                deadline = time.monotonic() + self.gather
                while len(batch) < 1000 and (left := deadline - time.monotonic()) > 0:
                    try:
                        more = self.inbox.get(timeout=left)
                    except queue.Empty:
                        break
                    if more is None:
                        self.inbox.put(None)  # after this batch
                        break
                    batch.append(more)
                try:
                    waiting = apply_reports(self.gateway, batch)
                except Exception:
                    log.exception("delivery reports of %s: tried again shortly", self.gateway)
                    waiting = [report for report in batch if report.until > time.monotonic()]
                    time.sleep(self.gather)
                finally:
                    close_old_connections()
        finally:
            connection.close()


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
