"""The seed's recovery, as functions: start_recovery, send_code, resend_code, reset_password.

Views only parse and render; every rule (expiry, attempts, resends, daily cap, one use) is here
and in the Challenge row, and time comes from ``clock.now()``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from django.db import transaction
from django.db.models import F

from govid import clock
from govid.audit.log import record
from govid.directory import canonical_login, get_directory
from govid.directory.base import Account, AccountLocked, PasswordRefused
from govid.directory.changes import phone_replaced_since
from govid.directory.phones import mask_phone
from govid.limits.counting import hit
from govid.limits.devices import budget
from govid.passwords.change import apply_new_password, policy_errors
from govid.recovery import codes
from govid.recovery.conf import recovery_settings
from govid.recovery.errors import (
    ChallengeOver,
    CodeNotSent,
    DailyLimitReached,
    NoMoreResends,
    NotRecoverable,
    PasswordRejected,
    PhoneCoolingOff,
    ResendTooEarly,
    WrongCode,
)
from govid.recovery.models import Challenge
from govid.recovery.privacy import privacy_on, stand_in_challenge
from govid.recovery.signals import reports
from govid.recovery.sms import CODE_SOURCE, code_sms, minutes_left
from govid.sms import messages
from govid.sms.delivery import queue_sms
from govid.sms.models import Message


@dataclass(frozen=True)
class Lookup:
    """What step 2 shows: the account, and its masked phone (None in privacy mode), and until
    when a number that replaced another one gets no code (None: it gets one now)."""

    login: str
    masked_phone: str | None
    cooling_until: datetime | None = None


def start_recovery(typed: str) -> Lookup:
    """Step 2: the account behind what the user typed, if it can be recovered by SMS.

    In privacy mode every well-formed address goes on, and no phone is shown.
    """
    login = canonical_login(typed)
    try:
        account = _recoverable(login)
    except NotRecoverable:
        if login and privacy_on():
            return Lookup(login=login, masked_phone=None)
        raise
    assert account.phone is not None  # noqa: S101  (_recoverable guarantees it)
    if privacy_on():
        return Lookup(login=account.login, masked_phone=None)
    return Lookup(
        login=account.login,
        masked_phone=mask_phone(account.phone),
        cooling_until=cooling_until(account.login),
    )


def cooling_until(login: str) -> datetime | None:
    """Until when the account's number, if it replaced another one lately, gets no code."""
    wait = recovery_settings().phone_cooling_off
    replaced = phone_replaced_since(login, clock.now() - wait)
    return replaced + wait if replaced else None


@reports("code")
def send_code(login: str, *, ip: str | None, known_device: bool = False) -> Challenge:
    """Step 3: a new challenge, its code SMS queued, within the daily cap.

    Returns as soon as the SMS is queued; the reset page follows its state (``code_sms``). If
    the SMS ends failed, the challenge ends too and does not count against the cap. A known
    device (``govid.limits.devices``) has a cap and limits of its own.
    """
    login = canonical_login(login) or ""  # the session's, already canonical; callers may vary
    try:
        account: Account | None = _recoverable(login)
        until = cooling_until(login)
        if until is not None:
            raise PhoneCoolingOff(until)
    except (NotRecoverable, PhoneCoolingOff):
        if not (login and privacy_on()):
            raise
        account = None
    conf = recovery_settings()
    now = clock.now()
    known = known_device
    if _codes_today(login, now, known) >= conf.daily_codes:
        raise DailyLimitReached()
    phone = account.phone if account else None
    hit("code", account=budget(login, known=known), phone=budget(phone, known=known))
    if account is None:
        with transaction.atomic():
            if _codes_today(login, now, known) >= conf.daily_codes:
                raise DailyLimitReached()
            return stand_in_challenge(login, now=now, ip=ip, known_device=known)
    assert account.phone is not None  # noqa: S101
    with transaction.atomic():
        if _codes_today(account.login, now, known) >= conf.daily_codes:  # a moment earlier
            raise DailyLimitReached()
        challenge = Challenge.objects.create(
            login=account.login,
            account_key=account.key,
            phone=account.phone,
            seed=codes.new_seed(),
            created_at=now,
            expires_at=now + conf.code_ttl,
            last_sent_at=now,
            known_device=known,
        )
        record(
            "recovery_code_sent",
            actor=account.login,
            subject=account.login,
            ip=ip,
            phone=mask_phone(account.phone),
        )
        _queue_code(challenge, now)
    if code_sms(challenge).failed:  # a queue that runs tasks at once already knows
        raise CodeNotSent()
    return challenge


def live_challenge(token: str | None) -> Challenge:
    """The challenge behind a session's token, if it can still take a code."""
    challenge = _challenge(token)
    problem = challenge.problem(clock.now())
    if problem:
        raise ChallengeOver(problem)
    return challenge


@reports("resend")
def resend_code(token: str | None, *, ip: str | None) -> Challenge:
    """ "Gửi lại": the same code again, after the wait, a few times; a new one once it expired.

    A resend whose SMS fails is given back (see ``sms_failed``).
    """
    now = clock.now()
    challenge = _challenge(token)
    problem = challenge.problem(now)
    if problem == "code_expired":
        return send_code(challenge.login, ip=ip, known_device=challenge.known_device)
    if problem:
        raise ChallengeOver(problem)
    if challenge.resends_left <= 0:
        raise NoMoreResends()
    wait = challenge.seconds_until_resend(now)
    if wait > 0:
        raise ResendTooEarly(wait)
    hit("code", **_budgets(challenge))
    claimed = Challenge.objects.filter(
        pk=challenge.pk,
        resends=challenge.resends,
        last_sent_at=challenge.last_sent_at,
        end_reason="",
    ).update(resends=F("resends") + 1, last_sent_at=now)
    if not claimed:  # another request resent it a moment ago
        raise ResendTooEarly(challenge.seconds_until_resend(now) or 1)
    with transaction.atomic():
        record("recovery_code_resent", actor=challenge.login, subject=challenge.login, ip=ip)
        if not challenge.stand_in:
            _queue_code(challenge, now)
    if code_sms(challenge).failed:  # given back already by the failure's listener
        raise CodeNotSent()
    challenge.refresh_from_db()
    return challenge


@reports("reset")
def reset_password(token: str | None, *, code: str, password: str, ip: str | None) -> Account:
    """Step 4: check the code, check the password, then consume the code and write, at once."""
    challenge = live_challenge(token)
    # The guessing budget spans every challenge of the account and of the phone, and is spent
    # before anything else: many parallel challenges do not multiply the guesses.
    hit("check", **_budgets(challenge))
    account = get_directory().find(challenge.login)
    if challenge.stand_in:  # privacy mode: a wrong code, like any a real challenge refuses
        stand_in = Account(key="", login=challenge.login, name="")
        _count_wrong_code(challenge, ip, policy_errors(stand_in, password, check_current=False))
    if account is None or account.locked or account.key != challenge.account_key:
        raise NotRecoverable()
    cheap_errors = policy_errors(account, password, check_current=False)
    if not codes.code_matches(challenge.seed, code):
        _count_wrong_code(challenge, ip, cheap_errors)
    if cheap_errors:
        raise PasswordRejected(cheap_errors)
    errors = policy_errors(account, password)
    if errors:
        raise PasswordRejected(errors)
    now = clock.now()
    try:
        with transaction.atomic():
            # The code is checked again and used up in one statement: of two submissions
            # of the same code, exactly one changes the password.
            consumed = Challenge.objects.filter(
                pk=challenge.pk,
                seed=challenge.seed,
                end_reason="",
                expires_at__gt=now,
                attempts__lt=recovery_settings().max_attempts,
            ).update(end_reason=Challenge.End.USED, ended_at=now)
            if not consumed:
                raise ChallengeOver(live_problem(challenge.pk, now))
            apply_new_password(
                account, password, actor=account.login, action="password_reset", ip=ip
            )
    except AccountLocked:
        raise NotRecoverable() from None
    except PasswordRefused as refused:
        raise PasswordRejected(refused.messages) from None
    return account


def live_problem(pk: int, now: datetime) -> str:
    challenge = Challenge.objects.get(pk=pk)
    return challenge.problem(now) or "challenge_used"


def _challenge(token: str | None) -> Challenge:
    try:
        challenge = Challenge.objects.filter(token=uuid.UUID(str(token))).first()
    except ValueError:
        challenge = None
    if challenge is None:
        raise ChallengeOver("no_challenge")
    return challenge


def _recoverable(login: str | None) -> Account:
    account = get_directory().find(login) if login else None
    if account is None or account.locked or not account.phone:
        raise NotRecoverable()
    return account


def _codes_today(login: str, now: datetime, known_device: bool) -> int:
    """Codes of the last 24 hours, those of known devices and the others counted apart."""
    return (
        Challenge.objects.filter(
            login=login, created_at__gt=now - timedelta(hours=24), known_device=known_device
        )
        .exclude(end_reason=Challenge.End.SMS_FAILED)
        .count()
    )


def _budgets(challenge: Challenge) -> dict[str, str | None]:
    """The account and phone budgets a challenge's steps are counted under."""
    known = challenge.known_device
    return {
        "account": budget(challenge.login, known=known),
        "phone": budget(challenge.phone or None, known=known),
    }


def _queue_code(challenge: Challenge, now: datetime) -> None:
    minutes = minutes_left(challenge, now)
    queue_sms(
        challenge.phone,
        messages.redacted_code_text(minutes=minutes),
        purpose=Message.Purpose.CODE,
        account=challenge.login,
        source=CODE_SOURCE,
        source_ref=str(challenge.token),
    )


def _count_wrong_code(challenge: Challenge, ip: str | None, password_errors: list[str]) -> NoReturn:
    limit = recovery_settings().max_attempts
    Challenge.objects.filter(pk=challenge.pk, end_reason="", attempts__lt=limit).update(
        attempts=F("attempts") + 1
    )
    challenge.refresh_from_db(fields=["attempts", "end_reason"])
    if challenge.attempts < limit:
        raise WrongCode(challenge.attempts_left, password_errors)
    with transaction.atomic():
        ended = Challenge.objects.filter(pk=challenge.pk, end_reason="").update(
            end_reason=Challenge.End.ATTEMPTS, ended_at=clock.now()
        )
        if ended:
            record("recovery_attempts_exhausted", actor="system", subject=challenge.login, ip=ip)
    raise ChallengeOver("too_many_attempts")
