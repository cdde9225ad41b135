"""Not one of the last GOVID_PASSWORDS_HISTORY passwords (5), for accounts govid stores.

The current password is the account's own hash; the ones before it are kept here as hashes,
the last ``history - 1`` of them. An LDAP directory keeps its own history (``pwdInHistory``)
and gives no hash: nothing is kept here for it.
"""

from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.db.models import QuerySet

from govid import clock
from govid.directory.api import Account, get_directory
from govid.passwords.conf import password_settings
from govid.passwords.models import PreviousPassword


def _previous(account: Account) -> QuerySet[PreviousPassword]:
    rows = PreviousPassword.objects.filter(account_key=account.key, login=account.login)
    return rows.order_by("-replaced_at", "-pk")


def remember_current(account: Account) -> None:
    """Right before a change: keep the hash being replaced, and only the last ones."""
    keep = password_settings().history - 1
    encoded = get_directory().password_hash(account) if keep > 0 else None
    if not encoded:
        return
    PreviousPassword.objects.create(
        account_key=account.key, login=account.login, encoded=encoded, replaced_at=clock.now()
    )
    kept = list(_previous(account).values_list("pk", flat=True)[:keep])
    _previous(account).exclude(pk__in=kept).delete()


def reused(account: Account, password: str) -> bool:
    """Whether ``password`` was one of the account's previous passwords (not the current one)."""
    keep = password_settings().history - 1
    if keep <= 0:
        return False
    hashes = _previous(account).values_list("encoded", flat=True)[:keep]
    return any(check_password(password, encoded) for encoded in hashes)
