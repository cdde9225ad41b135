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
"""

from __future__ import annotations

import logging
import traceback
from datetime import timedelta

from django.db.models import F, Q
from django_tasks import task, task_backends

from govid import clock
from govid.diacritics import unaccent
from govid.sms import get_routes, texts, tracking
from govid.sms.base import SmsError
from govid.sms.conf import sms_settings
from govid.sms.models import Message
from govid.sms.scrubbing import hidden_parts, scrub

log = logging.getLogger("govid.sms")

State = Message.State
# django-tasks' priorities (-100..100, higher first): a person is waiting for a code.
CODE_PRIORITY = 50
NOTICE_PRIORITY = 0


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
    claimed = (
        Message.objects.filter(pk=message_id, state=State.QUEUED, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(lease_until=now + conf.lease, attempts=F("attempts") + 1)
    )
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
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
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
