"""SqlDirectory: accounts in govid's own database, passwords hashed with Argon2id."""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth.hashers import check_password, make_password

from govid.directory.base import Account, AccountLocked, AccountNotFound, Directory
from govid.directory.models import StoredAccount

# A real hash of a password nobody has, checked against for unknown logins (timing).
_DUMMY: list[str] = []


def _account(row: StoredAccount) -> Account:
    return Account(
        key=str(row.pk),
        login=row.login,
        name=row.name,
        unit_code=row.unit.code,
        unit_name=row.unit.name,
        phone=row.phone or None,
        locked=row.locked,
    )


class SqlDirectory(Directory):
    def find(self, login: str) -> Account | None:
        row = StoredAccount.objects.select_related("unit").filter(login=login).first()
        return _account(row) if row else None

    def verify_password(self, account: Account, password: str) -> bool:
        stored = StoredAccount.objects.filter(pk=account.key).values_list("password", flat=True)
        encoded = stored.first()
        if encoded is None:
            self.burn_verify()
            return False
        return check_password(password, encoded, setter=lambda raw: self._rehash(account, raw))

    def password_hash(self, account: Account) -> str | None:
        stored = StoredAccount.objects.filter(pk=account.key).values_list("password", flat=True)
        return stored.first()

    def set_password(self, account: Account, password: str) -> None:
        # One statement: the lock is checked at the moment of writing, not before.
        changed = StoredAccount.objects.filter(pk=account.key, locked=False).update(
            password=make_password(password)
        )
        if not changed:
            self._raise_missing_or_locked(account)

    def set_locked(self, account: Account, locked: bool) -> None:
        if not StoredAccount.objects.filter(pk=account.key).update(locked=locked):
            raise AccountNotFound(account.login)

    def set_phone(self, account: Account, phone: str | None) -> None:
        if not StoredAccount.objects.filter(pk=account.key).update(phone=phone or ""):
            raise AccountNotFound(account.login)

    def accounts_in(self, unit_codes: Collection[str]) -> list[Account]:
        rows = StoredAccount.objects.select_related("unit").filter(unit__code__in=list(unit_codes))
        return [_account(row) for row in rows.order_by("login")]

    def burn_verify(self) -> None:
        if not _DUMMY:
            _DUMMY.append(make_password("govid-timing-equaliser"))
        check_password("not-the-password", _DUMMY[0])

    def _rehash(self, account: Account, raw: str) -> None:
        """Upgrade a hash made with older parameters, but never on a locked account."""
        StoredAccount.objects.filter(pk=account.key, locked=False).update(
            password=make_password(raw)
        )

    def _raise_missing_or_locked(self, account: Account) -> None:
        if StoredAccount.objects.filter(pk=account.key).exists():
            raise AccountLocked(account.login)
        raise AccountNotFound(account.login)
