"""Queueing and sending: every SMS is a Message row first, then a background task sends it.

The request that asks for an SMS only writes the row and enqueues the task (in the same
transaction when the task queue lives in the database), so it returns at once. A worker claims
the row with a lease, tries each route in failover order, and records what happened: sent, a
retry later with exponential back-off (transient errors), or failed (permanent errors, or no
attempts left). A worker killed mid-send leaves the lease to expire; ``deliver_due`` (run
periodically by every worker) then hands the row to another one, so no message is lost. The
price is at-least-once: a message the gateway took just before the kill may go out twice.

Codes go first: their tasks carry a higher priority than notices', and workers take the
highest priority first, so a province-wide notice of thousands of messages queued before a
code never holds it up.

A province-wide notice (``queue_bulk``) is not one task a message: its rows are written in one
statement and one batch task sends them, ``bulk_batch`` at a time. A batch claims its messages
in one transaction, keeps ``bulk_in_flight`` of them at the gateway at once, records every
outcome in one more transaction and queues the next batch with it; it starts no send after
BATCH_SECONDS, handing the rest back, so that a code queued meanwhile waits at most that long
even for a worker of one thread. Two commits for a hundred messages instead of several each.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django_tasks import task, task_backends

from govid import clock
from govid.diacritics import unaccent
from govid.sms import get_routes, texts, tracking
from govid.sms.base import SmsError
from govid.sms.conf import sms_settings
from govid.sms.models import Message
from govid.sms.scrubbing import hidden_parts, scrub
from govid.tasks.api import take, unleased

log = logging.getLogger("govid.sms")

State = Message.State
# django-tasks' priorities (-100..100, higher first): a person is waiting for a code.
CODE_PRIORITY = 50
NOTICE_PRIORITY = 0
BATCH_SECONDS = 1.0  # a bulk batch starts no send after this long


def priority(purpose: str) -> int:
    return CODE_PRIORITY if purpose == Message.Purpose.CODE else NOTICE_PRIORITY


def queue_sms(
    to: str,
    text: str,
    *,
    purpose: str,
    account: str = "",
    source: str = "",
    source_ref: str = "",
) -> Message:
    """Record an SMS and hand it to the task queue; returns without waiting for any gateway.

    With ``source``, ``text`` is the redacted form kept on record and the text sent is
    rendered at sending time (see texts.py). Call it inside the transaction of the change the
    SMS belongs to: with the database task queue, the row and its task commit together.
    """
    now = clock.now()
    message = Message.objects.create(
        to=to,
        text=unaccent(text),
        purpose=purpose,
        account=account,
        source=source,
        source_ref=source_ref,
        queued_at=now,
        next_attempt_at=now,
    )
    log.info("sms %s %s to %s queued", message.ref, purpose, message.masked_to)
    deliver_message.using(priority=priority(purpose)).enqueue(message.pk)
    return message


def queue_bulk(recipients: Iterable[tuple[str, str]]) -> int:
    """Queue a notice to many phones ((phone, text) pairs, phones in E.164) in the caller's
    transaction: the rows in bulk and one batch task for all of them. Returns how many."""
    now = clock.now()
    rows = [
        Message(
            to=to,
            text=unaccent(text),
            purpose=Message.Purpose.NOTICE,
            queued_at=now,
            next_attempt_at=now,
        )
        for to, text in recipients
    ]
    Message.objects.bulk_create(rows, batch_size=1000)
    if rows:
        log.info("%d sms notices queued in bulk", len(rows))
        deliver_batch.using(priority=NOTICE_PRIORITY).enqueue()
    return len(rows)


def send_after_commit(to: str, text: str, *, purpose: str, account: str = "") -> Message:
    """Queue a notice with the caller's transaction: it goes out only if that commits."""
    kind = Message.Purpose.CODE if purpose == Message.Purpose.CODE else Message.Purpose.NOTICE
    return queue_sms(to, text, purpose=kind, account=account)


def send_now(to: str, text: str, *, purpose: str, account: str = "") -> str:
    """Queue and send at once, for callers that must know: the provider's id, or SmsError."""
    message = send_after_commit(to, text, purpose=purpose, account=account)
    deliver(message.pk)
    message.refresh_from_db()
    if message.state not in (State.SENT, State.DELIVERED):
        raise SmsError(message.last_error or f"message {message.state}")
    return message.provider_id


@task()
def deliver_message(message_id: int) -> str:
    """The background task: one sending attempt of one message."""
    return deliver(message_id)


def deliver(message_id: int) -> str:
    """Claim the message, try every route once, record the outcome; returns the new state."""
    conf = sms_settings()
    now = clock.now()
    claimed = take(Message.objects.filter(pk=message_id), now, conf.lease)
    if not claimed:
        return "skipped"  # already done, not due yet, or another worker holds it
    message = Message.objects.get(pk=message_id)
    try:
        text = texts.text_to_send(message)
    except LookupError as error:
        tracking.mark_ended(message, State.FAILED, str(error))
        return State.FAILED
    if text is None:
        tracking.mark_ended(message, State.EXPIRED, "no longer needed before it could be sent")
        return State.EXPIRED
    try:
        gateway, provider_id = send_over_routes(message, text)
    except SmsError as error:
        if error.permanent or message.attempts >= conf.max_attempts:
            tracking.mark_ended(message, State.FAILED, str(error))
            return State.FAILED
        _retry_later(message, str(error))
        return State.QUEUED
    tracking.mark_sent(message, gateway=gateway, provider_id=provider_id)
    return State.SENT


@task()
def deliver_batch() -> int:
    """The bulk notice's task: one batch sent (see the module's note); returns how many."""
    return deliver_notices()


def deliver_notices(*, budget: float = BATCH_SECONDS) -> int:
    """Claim up to ``bulk_batch`` due notices, send them ``bulk_in_flight`` at a time, record
    the outcomes and, while there may be more, queue the next batch; returns how many went."""
    conf = sms_settings()
    now = clock.now()
    claimed = _claim_notices(now, conf.bulk_batch, now + conf.lease)
    if not claimed:
        return 0
    deadline = time.monotonic() + budget

    def attempt(message: Message) -> tuple[str, str] | SmsError | None:
        if time.monotonic() > deadline:
            return None  # handed back untried: the next batch takes it
        try:
            return send_over_routes(message, message.text)
        except SmsError as error:
            return error

    with ThreadPoolExecutor(max_workers=max(1, conf.bulk_in_flight)) as pool:
        outcomes = list(pool.map(attempt, claimed))
    sent: list[tuple[Message, str, str]] = []
    with transaction.atomic():
        for message, outcome in zip(claimed, outcomes, strict=True):
            if outcome is None:
                Message.objects.filter(pk=message.pk, state=State.QUEUED).update(
                    lease_until=None, attempts=F("attempts") - 1
                )
            elif isinstance(outcome, SmsError):
                if outcome.permanent or message.attempts >= conf.max_attempts:
                    tracking.mark_ended(message, State.FAILED, str(outcome))
                else:
                    _retry_later(message, str(outcome))
            else:
                sent.append((message, *outcome))
        tracking.mark_sent_many(sent)
        if len(claimed) == conf.bulk_batch or None in outcomes:
            deliver_batch.using(priority=NOTICE_PRIORITY).enqueue()  # commits with this one
    return len(sent)


def _claim_notices(now: datetime, limit: int, lease_until: datetime) -> list[Message]:
    """Due notices held by no lease (texts stored whole, no source), claimed in one transaction:
    locked and skipped by other workers on PostgreSQL, taken by one UPDATE where the database
    has no SKIP LOCKED (SQLite: one writer at a time)."""
    free = unleased(now)
    due = Message.objects.filter(
        free,
        state=State.QUEUED,
        purpose=Message.Purpose.NOTICE,
        source="",
        next_attempt_at__lte=now,
    )
    first = due.order_by("next_attempt_at", "pk")
    with transaction.atomic():
        if not connection.features.has_select_for_update_skip_locked:
            return _claim_whole(first.values("pk")[:limit], lease_until)
        rows = list(first.select_for_update(skip_locked=True)[:limit])
        Message.objects.filter(pk__in=[row.pk for row in rows]).update(
            lease_until=lease_until, attempts=F("attempts") + 1
        )
    for row in rows:
        row.attempts += 1
        row.lease_until = lease_until
    return rows


def _claim_whole(first: QuerySet[Message, Any], lease_until: datetime) -> list[Message]:
    """SQLite (one writer at a time): one UPDATE takes the first free rows and names them
    (RETURNING), instead of a conditional UPDATE per row."""
    meta, quote = Message._meta, connection.ops.quote_name
    pick, params = first.query.sql_with_params()
    pk, lease = quote(meta.pk.column), quote(Message.lease_until.field.column)
    attempts = quote(Message.attempts.field.column)
    sql = (  # names from the model, values as parameters
        f"UPDATE {quote(meta.db_table)} SET {lease} = %s, {attempts} = {attempts} + 1 "  # noqa: S608
        f"WHERE {pk} IN ({pick}) RETURNING {pk}"
    )
    at = Message.lease_until.field.get_db_prep_value(lease_until, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [at, *params])
        claimed = [row[0] for row in cursor.fetchall()]
    return list(Message.objects.filter(pk__in=claimed).order_by("next_attempt_at", "pk"))


def send_over_routes(message: Message, text: str) -> tuple[str, str]:
    """Hand the text to the first route that takes it: (route name, provider's id).

    A route's answer is logged and kept only scrubbed of the text, its code and the number.
    """
    codes = hidden_parts(text, message.text)

    def scrubbed(error: Exception) -> str:
        return scrub(str(error), to=message.to, text=text, secrets=codes)

    errors: list[str] = []
    for name, gateway in get_routes():
        try:
            gateway.pacer.wait()  # the carrier's rate; the send itself overlaps the others'
            return name, gateway.send(message.to, text, ref=str(message.ref))
        except SmsError as error:
            why = scrubbed(error)
            log.warning("sms %s route %s refused: %s", message.ref, name, why)
            if error.permanent:
                raise type(error)(f"{name}: {why}") from None
            errors.append(f"{name}: {why}")
        except Exception as error:  # a gateway's bug must not lose the message
            kind, frames = type(error).__name__, "".join(traceback.format_tb(error.__traceback__))
            log.error(
                "sms %s route %s broke: %s: %s\n%s",
                message.ref,
                name,
                kind,
                scrubbed(error),
                frames,
            )
            errors.append(f"{name}: {kind}")
    raise SmsError("; ".join(errors) or "no SMS route configured")


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt after ``attempts`` failed ones: base, 2x base, 4x base..."""
    conf = sms_settings()
    return min(conf.retry_max, conf.retry_base * (1 << max(0, attempts - 1)))


def _retry_later(message: Message, reason: str) -> None:
    when = clock.now() + backoff(message.attempts)
    Message.objects.filter(pk=message.pk, state=State.QUEUED).update(
        next_attempt_at=when, lease_until=None, last_error=reason[:500]
    )
    log.info("sms %s retry %d at %s: %s", message.ref, message.attempts + 1, when, reason)
    if task_backends[deliver_message.backend].supports_defer:
        task = deliver_message.using(run_after=when, priority=priority(message.purpose))
        task.enqueue(message.pk)


def deliver_due(*, grace: timedelta = timedelta(0), limit: int = 500) -> int:
    """Enqueue the queued messages due for ``grace`` already and held by no live lease.

    Workers run it every few seconds with ``grace`` = the lease, to pick up messages whose
    worker died; with a queue that cannot defer tasks it also runs the retries.
    """
    now = clock.now()
    due = (
        Message.objects.filter(state=State.QUEUED, next_attempt_at__lte=now - grace)
        .filter(unleased(now))
        .order_by("next_attempt_at")
        .values_list("pk", "purpose")[:limit]
    )
    rows = list(due)
    for pk, purpose in rows:
        deliver_message.using(priority=priority(purpose)).enqueue(pk)
    return len(rows)


def rescue_stale() -> None:
    """The periodic job: messages a dead worker left behind go back to the queue."""
    count = deliver_due(grace=sms_settings().lease)
    if count:
        log.warning("requeued %d SMS left behind by a stopped worker", count)
