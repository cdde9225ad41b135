"""Whether a signed-in login may still act: the directory is asked on every staff request."""

from __future__ import annotations

from govid.directory import get_directory


def account_active(login: str) -> bool:
    """The account still exists and is not locked, as the directory says now."""
    account = get_directory().find(login)
    return account is not None and not account.locked
