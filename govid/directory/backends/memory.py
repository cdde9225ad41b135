"""MemoryDirectory: the in-memory double of the directory plug point, for tests."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Collection
from datetime import datetime

from govid.directory.base import Account, AccountLocked, AccountNotFound, Directory


class MemoryDirectory(Directory):
    """Accounts in a dict; passwords kept as given (tests only, never configured in production)."""

    def __init__(self) -> None:
        self._accounts: dict[str, Account] = {}
        self._passwords: dict[str, str] = {}
        self._expires: dict[str, datetime] = {}  # what a test sets: the directory's own policy
        self._lock = threading.Lock()

    def add(self, account: Account, password: str) -> Account:
        with self._lock:
            self._accounts[account.login] = account
            self._passwords[account.key] = password
        return account

    def find(self, login: str) -> Account | None:
        return self._accounts.get(login)

    def verify_password(self, account: Account, password: str) -> bool:
        return self._passwords.get(account.key) == password

    def set_password(self, account: Account, password: str) -> None:
        with self._lock:
            current = self._current(account)
            if current.locked:
                raise AccountLocked(account.login)
            self._passwords[account.key] = password

    def password_expires(self, account: Account) -> datetime | None:
        return self._expires.get(account.key)

    def expire_password(self, account: Account, at: datetime | None) -> None:
        """Give the account's password an expiry date (None: never), as a directory's maximum
        age would."""
        with self._lock:
            if at is None:
                self._expires.pop(account.key, None)
            else:
                self._expires[account.key] = at

    def set_locked(self, account: Account, locked: bool) -> None:
        self._replace(account, locked=locked)

    def set_phone(self, account: Account, phone: str | None) -> None:
        self._replace(account, phone=phone)

    def accounts_in(self, unit_codes: Collection[str]) -> list[Account]:
        codes = set(unit_codes)
        found = [a for a in self._accounts.values() if a.unit_code in codes]
        return sorted(found, key=lambda account: account.login)

    def burn_verify(self) -> None:
        """Nothing to spend: the double has no hash."""

    def _current(self, account: Account) -> Account:
        current = self._accounts.get(account.login)
        if current is None:
            raise AccountNotFound(account.login)
        return current

    def _replace(self, account: Account, **changes: object) -> None:
        with self._lock:
            current = self._current(account)
            self._accounts[account.login] = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
