"""What the forgot flow tells about an account: one strategy, picked once from the settings.

``Open`` (the seed's way) tells: an unknown, locked or phone-less account is refused at the
lookup, the phone page shows the masked number, and the reset page follows the code SMS.

``Private`` (GOVID_RECOVERY_PRIVACY=1) does not tell who has an account. Unknown, locked and
phone-less accounts, and numbers still cooling off, follow the same path as recoverable ones up
to the code step: the lookup goes on to the phone page (which shows no number, for anyone), "Lấy
mã xác nhận" makes a stand-in challenge that sends nothing and that no code opens, and the reset
page says the same words whatever happened. The limits count them alike. What still differs is
an SMS that no gateway took, which ends a real challenge.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime

from govid import clock
from govid.directory.api import Account, get_directory, mask_phone, phone_replaced_since
from govid.recovery.conf import recovery_settings
from govid.recovery.errors import NotRecoverable, PhoneCoolingOff
from govid.recovery.models import Challenge
from govid.recovery.sms import CodeSms, code_sms


@dataclass(frozen=True)
class Lookup:
    """What step 2 shows: the account, and its masked phone (None in privacy mode), and until
    when a number that replaced another one gets no code (None: it gets one now)."""

    login: str
    masked_phone: str | None
    cooling_until: datetime | None = None


class Privacy(ABC):
    """How the flow treats an account it cannot recover, and what its pages show."""

    @abstractmethod
    def lookup(self, login: str | None) -> Lookup:
        """Step 2 for ``login`` (canonical, None if it cannot be one), or NotRecoverable."""

    @abstractmethod
    def recipient(self, login: str) -> Account | None:
        """Step 3 for ``login`` (canonical, "" if it cannot be one): the account the code goes
        to, None for a stand-in challenge, or a refusal (NotRecoverable, PhoneCoolingOff)."""

    @abstractmethod
    def shown_sms(self, challenge: Challenge) -> tuple[CodeSms, str | None]:
        """What the reset page tells: the code SMS's state, and the masked phone (or None)."""


class Open(Privacy):
    def lookup(self, login: str | None) -> Lookup:
        account = recoverable(login)
        assert account.phone is not None  # noqa: S101  (recoverable guarantees it)
        return Lookup(
            login=account.login,
            masked_phone=mask_phone(account.phone),
            cooling_until=cooling_until(account.login),
        )

    def recipient(self, login: str) -> Account | None:
        account = recoverable(login)
        until = cooling_until(login)
        if until is not None:
            raise PhoneCoolingOff(until)
        return account

    def shown_sms(self, challenge: Challenge) -> tuple[CodeSms, str | None]:
        return code_sms(challenge), mask_phone(challenge.phone)


class Private(Privacy):
    def lookup(self, login: str | None) -> Lookup:
        if not login:
            raise NotRecoverable()
        try:
            account = recoverable(login)
        except NotRecoverable:
            return Lookup(login=login, masked_phone=None)  # as if it were
        return Lookup(login=account.login, masked_phone=None)

    def recipient(self, login: str) -> Account | None:
        if not login:
            raise NotRecoverable()
        try:
            account = recoverable(login)
        except NotRecoverable:
            return None
        return None if cooling_until(login) else account

    def shown_sms(self, challenge: Challenge) -> tuple[CodeSms, str | None]:
        return CodeSms(), None


_OPEN, _PRIVATE = Open(), Private()


def privacy_strategy() -> Privacy:
    """The strategy the settings ask for (GOVID_RECOVERY_PRIVACY)."""
    return _PRIVATE if recovery_settings().privacy else _OPEN


def recoverable(login: str | None) -> Account:
    """The account behind ``login`` if it can be recovered by SMS, or NotRecoverable."""
    account = get_directory().find(login) if login else None
    if account is None or account.locked or not account.phone:
        raise NotRecoverable()
    return account


def cooling_until(login: str) -> datetime | None:
    """Until when the account's number, if it replaced another one lately, gets no code."""
    wait = recovery_settings().phone_cooling_off
    replaced = phone_replaced_since(login, clock.now() - wait)
    return replaced + wait if replaced else None
