"""SqlDirectory: accounts in govid's own database, passwords hashed with Argon2id."""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth.hashers import check_password, make_password
from django.db import connection

from govid.directory.base import Account, AccountLocked, AccountNotFound, Directory
from govid.directory.models import StoredAccount, Unit

# A real hash of a password nobody has, checked against for unknown logins (timing).
_DUMMY: list[str] = []

# Every login and every recovery step reads one account by its login: a fixed statement
# (compiling the ORM query cost several times what PostgreSQL spends answering it).
_ROW = (
    "SELECT a.id, a.login, a.name, a.phone, a.locked, a.password, u.code, u.name "  # noqa: S608
    f"FROM {StoredAccount._meta.db_table} a JOIN {Unit._meta.db_table} u ON u.id = a.unit_id "
    "WHERE a.login = %s"
)


def _read(login: str) -> tuple[Account, str] | None:
    """The account with this login and its password hash, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_ROW, [login])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, login, name, phone, locked, encoded, unit_code, unit_name = row
    account = Account(
        key=str(pk), login=login, name=name, unit_code=unit_code, unit_name=unit_name,
        phone=phone or None, locked=bool(locked),
    )  # fmt: skip
    return account, encoded


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
        found = _read(login)
        return found[0] if found else None

    def authenticate(self, login: str, password: str) -> Account | None:
        # The account and its hash in one query: the login's only read of the directory.
        found = _read(login)
        if found is None:
            self.burn_verify()
            return None
        account, encoded = found
        valid = check_password(password, encoded, setter=lambda raw: self._rehash(account, raw))
        return account if valid and not account.locked else None

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

    def find_many(self, logins: Collection[str]) -> dict[str, Account]:
        rows = StoredAccount.objects.select_related("unit").filter(login__in=list(set(logins)))
        return {row.login: _account(row) for row in rows}

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
