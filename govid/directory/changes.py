"""Changes that end what an account holds: a lock and a phone number.

Each is written through the directory, audited and announced (``events.access_ended``) inside
the caller's transaction, so the sessions, tokens and recovery challenges of the account end
with the change or not at all.

A phone number is a credential (the seed's recovery sends the code to it): a number on file is
replaced only on the word of three different people (the unit proposed it, the district
reviewed it, the provider applies it), whatever path asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govid import clock
from govid.audit.api import record
from govid.directory import get_directory
from govid.directory.base import Account
from govid.directory.events import access_ended
from govid.directory.models import PhoneChange
from govid.phones import mask_phone


class PhoneChangeRefused(ValueError):
    """``code`` is stable: ``phone_on_file`` (a replacement without the three people) or
    ``four_eyes`` (two of them are the same person)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Approval:
    """Who proposed and who reviewed a replacement, beside the one who applies it."""

    proposed_by: str
    reviewed_by: str


def change_phone(
    account: Account,
    phone: str,
    *,
    actor: str,
    source: str,
    ip: str | None = None,
    approval: Approval | None = None,
    **audit: Any,
) -> str | None:
    """Put ``phone`` (E.164) on file; the number it replaced, or None for a first number.

    A first number needs one person (as the seed's provider enters it); a replacement needs an
    ``approval`` naming two others, or it is refused before anything is written.
    """
    old = account.phone
    if old == phone:
        return None
    if old is not None:
        if approval is None:
            raise PhoneChangeRefused("phone_on_file")
        if len({approval.proposed_by, approval.reviewed_by, actor}) < 3:
            raise PhoneChangeRefused("four_eyes")
    get_directory().set_phone(account, phone)
    PhoneChange.objects.create(
        login=account.login, at=clock.now(), replaced=old is not None, actor=actor, source=source
    )
    record(
        "phone_changed",
        actor=actor,
        subject=account.login,
        ip=ip,
        phone=mask_phone(phone),
        replaced=old is not None,
        source=source,
        **audit,
    )
    access_ended.send(sender=Account, login=account.login, reason="phone_changed", actor=actor)
    return old


def set_locked(
    account: Account, locked: bool, *, actor: str, ip: str | None = None, **audit: Any
) -> None:
    """Lock (ending everything the account holds) or unlock it."""
    get_directory().set_locked(account, locked)
    action = "account_locked" if locked else "account_unlocked"
    record(action, actor=actor, subject=account.login, ip=ip, **audit)
    if locked:
        access_ended.send(sender=Account, login=account.login, reason="locked", actor=actor)


def phone_replaced_since(login: str, since: datetime) -> datetime | None:
    """When the account's number was last replaced, if that was after ``since``."""
    found = PhoneChange.objects.filter(login=login, replaced=True, at__gt=since).order_by("-at")
    return found.values_list("at", flat=True).first()
