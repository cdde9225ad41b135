"""The seed's recovery, as its verbs: look up the account, send the code, resend it, reset the
password (and ``get_code``, the button that sends one or goes back to the session's own).

Views only parse and render. The rules live in the Challenge row (its life: models.py), in the
privacy strategy (what is told about an account: privacy.py) and here; time comes from
``clock.now()``. The SMS concern is reached through ``sms.py``, with plain values.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from django.db import transaction

from govid import clock
from govid.audit.api import record
from govid.directory.api import (
    Account,
    AccountLocked,
    PasswordRefused,
    canonical_login,
    get_directory,
    mask_phone,
)
from govid.limits.api import budget, hit
from govid.passwords.api import apply_new_password, policy_errors
from govid.recovery import codes
from govid.recovery.errors import (
    ChallengeOver,
    CodeNotSent,
    DailyLimitReached,
    NoMoreResends,
    NotRecoverable,
    PasswordRejected,
    ResendTooEarly,
    WrongCode,
)
from govid.recovery.models import Challenge
from govid.recovery.privacy import Lookup, cooling_until, privacy_strategy
from govid.recovery.signals import reports
from govid.recovery.sms import CodeSms, code_sms, queue_code

__all__ = [
    "Lookup",
    "ResetPage",
    "cooling_until",
    "get_code",
    "live_challenge",
    "resend_code",
    "reset_page",
    "reset_password",
    "send_code",
    "start_recovery",
]


@dataclass(frozen=True)
class ResetPage:
    """What step 4 shows: the session's live challenge, the wait before "Gửi lại", and the
    code SMS's state with the masked phone it went to (None: the page tells nothing)."""

    token: str
    login: str
    wait: int
    resends_left: int
    sms: CodeSms
    masked_phone: str | None


def start_recovery(typed: str) -> Lookup:
    """Step 2: the account behind what the user typed, if it can be recovered by SMS.

    In privacy mode every well-formed address goes on, and no phone is shown.
    """
    return privacy_strategy().lookup(canonical_login(typed))


def get_code(login: str, *, token: str | None, ip: str | None, known_device: bool) -> Challenge:
    """ "Lấy mã xác nhận": the session's live challenge if it is this account's, else a new one
    (``send_code``)."""
    with contextlib.suppress(ChallengeOver):
        live = live_challenge(token)
        if live.login == login:
            return live
    return send_code(login, ip=ip, known_device=known_device)


@reports("code")
def send_code(login: str, *, ip: str | None, known_device: bool = False) -> Challenge:
    """Step 3: a new challenge, its code SMS queued, within the daily cap.

    Returns as soon as the SMS is queued; the reset page follows its state (``code_sms``). If
    the SMS ends failed, the challenge ends too and does not count against the cap. A known
    device (``govid.limits.devices``) has a cap and limits of its own. In privacy mode an
    account that gets no code gets a stand-in challenge, which sends nothing.
    """
    login = canonical_login(login) or ""  # the session's, already canonical; callers may vary
    account = privacy_strategy().recipient(login)
    now = clock.now()
    if Challenge.cap_reached(login, now, known_device):
        raise DailyLimitReached()
    phone = account.phone if account else None
    hit("code", account=budget(login, known=known_device), phone=budget(phone, known=known_device))
    with transaction.atomic():
        if account is None:
            return _open_stand_in(login, now=now, ip=ip, known_device=known_device)
        challenge = _open(account, now=now, ip=ip, known_device=known_device)
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


def reset_page(token: str | None) -> ResetPage:
    """What the reset page shows of the session's live challenge (or ChallengeOver)."""
    challenge = live_challenge(token)
    sms, masked_phone = privacy_strategy().shown_sms(challenge)
    return ResetPage(
        token=str(challenge.token),
        login=challenge.login,
        wait=challenge.seconds_until_resend(clock.now()),
        resends_left=challenge.resends_left,
        sms=sms,
        masked_phone=masked_phone,
    )


@reports("resend")
def resend_code(token: str | None, *, ip: str | None) -> Challenge:
    """ "Gửi lại": the same code again, after the wait, a few times; a new one once it expired.

    A resend whose SMS fails is given back (see ``sms.sms_failed``).
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
    if not challenge.claim_resend(now):  # another request resent it a moment ago
        raise ResendTooEarly(challenge.seconds_until_resend(now) or 1)
    with transaction.atomic():
        record("recovery_code_resent", actor=challenge.login, subject=challenge.login, ip=ip)
        if not challenge.stand_in:
            queue_code(challenge, now)
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
        _wrong_code(challenge, ip, policy_errors(stand_in, password, check_current=False))
    if account is None or account.locked or account.key != challenge.account_key:
        raise NotRecoverable()
    cheap_errors = policy_errors(account, password, check_current=False)
    if not codes.code_matches(challenge.seed, code):
        _wrong_code(challenge, ip, cheap_errors)
    if cheap_errors:
        raise PasswordRejected(cheap_errors)
    errors = policy_errors(account, password)
    now = clock.now()
    if errors:
        # The same code sent twice at once: the other submission may have just set this very
        # password (now in the history). Its loser is told the code was used, not the policy.
        challenge.refresh_from_db()
        if challenge.problem(now) == "challenge_used":
            raise ChallengeOver("challenge_used")
        raise PasswordRejected(errors)
    try:
        with transaction.atomic():
            # The code is checked again and used up in one statement: of two submissions
            # of the same code, exactly one changes the password.
            if not challenge.consume(now):
                raise ChallengeOver(challenge.problem_now(now))
            apply_new_password(
                account, password, actor=account.login, action="password_reset", ip=ip
            )
    except AccountLocked:
        raise NotRecoverable() from None
    except PasswordRefused as refused:
        raise PasswordRejected(refused.messages) from None
    return account


def _open(account: Account, *, now: datetime, ip: str | None, known_device: bool) -> Challenge:
    """A challenge for a recoverable account, recorded, its code SMS queued with it."""
    assert account.phone is not None  # noqa: S101  (the strategy hands only such accounts)
    challenge = Challenge.open(
        login=account.login,
        account_key=account.key,
        phone=account.phone,
        known_device=known_device,
        now=now,
    )
    record(
        "recovery_code_sent",
        actor=account.login,
        subject=account.login,
        ip=ip,
        phone=mask_phone(account.phone),
    )
    queue_code(challenge, now)
    return challenge


def _open_stand_in(login: str, *, now: datetime, ip: str | None, known_device: bool) -> Challenge:
    """Privacy mode's challenge for an account that gets no code: nothing is sent, nothing
    opens it (no account key: see ``Challenge.stand_in``)."""
    challenge = Challenge.open(
        login=login, account_key="", phone="", known_device=known_device, now=now
    )
    record("recovery_code_withheld", actor="anonymous", subject=login, ip=ip)
    return challenge


def _challenge(token: str | None) -> Challenge:
    try:
        challenge = Challenge.objects.filter(token=uuid.UUID(str(token))).first()
    except ValueError:
        challenge = None
    if challenge is None:
        raise ChallengeOver("no_challenge")
    return challenge


def _budgets(challenge: Challenge) -> dict[str, str | None]:
    """The account and phone budgets a challenge's steps are counted under."""
    known = challenge.known_device
    return {
        "account": budget(challenge.login, known=known),
        "phone": budget(challenge.phone or None, known=known),
    }


def _wrong_code(challenge: Challenge, ip: str | None, password_errors: list[str]) -> NoReturn:
    """Count a wrong code; the last one allowed ends the challenge."""
    challenge.count_wrong_code()
    if challenge.attempts_left > 0:
        raise WrongCode(challenge.attempts_left, password_errors)
    with transaction.atomic():
        if challenge.end(Challenge.End.ATTEMPTS, clock.now()):
            record("recovery_attempts_exhausted", actor="system", subject=challenge.login, ip=ip)
    raise ChallengeOver("too_many_attempts")
