"""The directory plug point: who the users are, wherever their accounts live.

Everything above this module (login, recovery, back office) talks to a ``Directory`` and sees
``Account`` values; the backends (``backends/sql.py``, ``backends/memory.py``) hold no rules.
"""

from __future__ import annotations

import abc
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar


@dataclass(frozen=True)
class Account:
    """One mailbox as the directory describes it."""

    key: str  # the backend's own id (a primary key, a DN)
    login: str  # canonical mail address, lower case
    name: str
    unit_code: str = ""
    unit_name: str = ""
    phone: str | None = None  # E.164, or None when no mobile is on file
    locked: bool = False

    @property
    def local_part(self) -> str:
        return self.login.split("@", 1)[0]


class DirectoryError(Exception):
    """Base of what a directory refuses."""


class AccountLocked(DirectoryError):
    """The account is locked: nothing may be written for it."""


class AccountNotFound(DirectoryError):
    """No such account."""


class DirectoryUnavailable(DirectoryError):
    """The directory cannot be reached; nothing was written."""


class PasswordRefused(DirectoryError):
    """The directory's own policy refused the new password."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


class Directory(abc.ABC):
    """Read and change accounts. Logins given are already canonical (``canonical_login``)."""

    # True when the directory itself refuses the current password as the new one (LDAP's
    # password history), so govid need not test it with a password check of its own.
    refuses_current_password: ClassVar[bool] = False

    @abc.abstractmethod
    def find(self, login: str) -> Account | None:
        """The account with this mail address, or None."""

    @abc.abstractmethod
    def verify_password(self, account: Account, password: str) -> bool:
        """Whether ``password`` is the account's current password."""

    @abc.abstractmethod
    def set_password(self, account: Account, password: str) -> None:
        """Replace the password. Raises AccountLocked (checked at the moment of writing),
        PasswordRefused or DirectoryUnavailable; on any error nothing was changed."""

    def password_hash(self, account: Account) -> str | None:
        """The stored hash of the current password, for govid's password history; None when
        the directory keeps its own history or gives no hash (LDAP)."""
        return None

    def password_expires(self, account: Account) -> datetime | None:
        """When the account's current password expires under the directory's own policy (an
        aware UTC datetime, possibly past), or None when it never does or the directory sets no
        maximum age (AD's maxPwdAge, OpenLDAP ppolicy's pwdMaxAge, Zimbra's
        zimbraPasswordMaxAge)."""
        return None

    @abc.abstractmethod
    def set_locked(self, account: Account, locked: bool) -> None:
        """Lock or unlock the account."""

    @abc.abstractmethod
    def set_phone(self, account: Account, phone: str | None) -> None:
        """Record the account's mobile number (E.164) or remove it."""

    def accounts_in(self, unit_codes: Collection[str]) -> list[Account]:
        """Every account of these units, ordered by login (back-office lists, exports, reports).

        Not abstract so that a backend that cannot list yet still serves login and recovery.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot list the accounts of a unit")

    def find_many(self, logins: Collection[str]) -> dict[str, Account]:
        """The accounts of these logins that exist, by login (names on a page of the audit log).

        One ``find`` each here; a backend that can read them in one query does.
        """
        found = {login: self.find(login) for login in set(logins)}
        return {login: account for login, account in found.items() if account is not None}

    @abc.abstractmethod
    def burn_verify(self) -> None:
        """Spend the time of one password check, so that unknown logins take as long as known."""

    def check(self) -> None:
        """Raise if the directory cannot answer now (used by /readyz)."""
        self.find("readiness-probe@invalid")

    def authenticate(self, login: str, password: str) -> Account | None:
        """The account if ``password`` is right and the account is not locked, else None."""
        account = self.find(login)
        if account is None:
            self.burn_verify()
            return None
        if not self.verify_password(account, password) or account.locked:
            return None
        return account
