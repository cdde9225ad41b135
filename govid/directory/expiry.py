"""Whether an account's password has expired under the directory's own policy."""

from __future__ import annotations

from govid import clock
from govid.directory import get_directory
from govid.directory.base import Directory


def password_expired(login: str) -> bool:
    """The directory's maximum age has passed for this account's password (asked at login, once
    the password typed is known to be right)."""
    directory = get_directory()
    if type(directory).password_expires is Directory.password_expires:
        return False  # no maximum age at all (govid's SQL accounts): no second read at login
    account = directory.find(login)
    expires = directory.password_expires(account) if account is not None else None
    return expires is not None and expires <= clock.now()
