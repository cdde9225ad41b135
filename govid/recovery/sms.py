"""The code SMS: rendered when it is sent, followed by the reset page, given back if it fails.

The message record keeps the text with the code redacted; the worker asks ``render_code`` for
the real text at sending time, from the challenge's seed (the code itself is never stored).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F

from govid import clock
from govid.audit.log import record
from govid.limits.counting import give_back
from govid.limits.devices import budget
from govid.recovery import codes
from govid.recovery.conf import recovery_settings
from govid.recovery.models import Challenge
from govid.sms import messages, tracking
from govid.sms.models import Message

CODE_SOURCE = "recovery_code"


@dataclass(frozen=True)
class CodeSms:
    """What the reset page tells about the newest SMS of a challenge."""

    state: str  # a Message.State, or "" when none was queued
    retrying: bool = False

    @property
    def pending(self) -> bool:
        return self.state == Message.State.QUEUED

    @property
    def failed(self) -> bool:
        return self.state in (Message.State.FAILED, Message.State.EXPIRED)


def minutes_left(challenge: Challenge, now: datetime) -> int:
    return max(1, math.ceil((challenge.expires_at - now).total_seconds() / 60))


def render_code(token: str) -> str | None:
    """The text source: the code SMS for the challenge ``token``, or None if it is over."""
    challenge = Challenge.objects.filter(token=token).first()
    now = clock.now()
    if challenge is None or challenge.problem(now):
        return None
    code = codes.code_for(challenge.seed)
    return messages.code_text(code, minutes=minutes_left(challenge, now))


def code_sms(challenge: Challenge) -> CodeSms:
    message = tracking.latest_for(CODE_SOURCE, str(challenge.token))
    if message is None:
        return CodeSms(state="")
    return CodeSms(state=message.state, retrying=message.pending_retry)


def sms_failed(message: Message, **kwargs: object) -> None:
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
        if tracking.others_may_arrive(message):
            Challenge.objects.filter(pk=challenge.pk, resends__gt=0).update(
                resends=F("resends") - 1, last_sent_at=now - recovery_settings().resend_after
            )
            return
        ended = Challenge.objects.filter(pk=challenge.pk, end_reason="").update(
            end_reason=Challenge.End.SMS_FAILED, ended_at=now
        )
        if ended:
            record("recovery_code_not_sent", actor="system", subject=challenge.login)
