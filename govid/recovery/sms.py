"""The code SMS: queued, rendered when it is sent, followed by the reset page, given back if it
fails. Recovery talks to the SMS concern through functions and plain values only.

The message record keeps the text with the code redacted; the worker asks ``render_code`` for
the real text at sending time, from the challenge's seed (the code itself is never stored).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Protocol

from django.db import transaction

from govid import clock
from govid.audit.api import record
from govid.limits.api import budget, give_back
from govid.recovery import codes
from govid.recovery.models import Challenge
from govid.sms.api import Delivery, code_text, delivery_of, queue_sms, redacted_code_text

CODE_SOURCE = "recovery_code"
CODE_PURPOSE = "code"  # the message record's purpose for a code

# What the reset page tells about the newest SMS of a challenge: state ("" when none was
# queued), retrying, pending, failed.
CodeSms = Delivery


class FailedSms(Protocol):
    """What ``sms_failed`` reads of the message the SMS concern reports."""

    source: str
    source_ref: str


def minutes_left(challenge: Challenge, now: datetime) -> int:
    return max(1, math.ceil((challenge.expires_at - now).total_seconds() / 60))


def queue_code(challenge: Challenge, now: datetime) -> None:
    """Queue the challenge's code SMS (its text rendered only when it is sent); call it in the
    transaction of the change it belongs to."""
    queue_sms(
        challenge.phone,
        redacted_code_text(minutes=minutes_left(challenge, now)),
        purpose=CODE_PURPOSE,
        account=challenge.login,
        source=CODE_SOURCE,
        source_ref=str(challenge.token),
    )


def render_code(token: str) -> str | None:
    """The text source: the code SMS for the challenge ``token``, or None if it is over."""
    challenge = Challenge.objects.filter(token=token).first()
    now = clock.now()
    if challenge is None or challenge.problem(now):
        return None
    code = codes.code_for(challenge.seed)
    return code_text(code, minutes=minutes_left(challenge, now))


def code_sms(challenge: Challenge) -> CodeSms:
    return delivery_of(CODE_SOURCE, str(challenge.token))


def sms_failed(message: FailedSms, **kwargs: object) -> None:
    """No code reached the phone: end the challenge (it does not count against the daily
    cap), or, if an earlier SMS of it did go out, give the failed resend back."""
    if message.source != CODE_SOURCE:
        return
    now = clock.now()
    challenge = Challenge.objects.filter(token=message.source_ref).first()
    if challenge is None:
        return
    # No SMS went out: the code budgets of the account and the phone get this one back.
    known = challenge.known_device
    give_back(
        "code",
        account=budget(challenge.login, known=known),
        phone=budget(challenge.phone, known=known),
    )
    with transaction.atomic():
        if delivery_of(CODE_SOURCE, message.source_ref).may_arrive:
            challenge.give_back_resend(now)
        elif challenge.end(Challenge.End.SMS_FAILED, now):
            record("recovery_code_not_sent", actor="system", subject=challenge.login)
