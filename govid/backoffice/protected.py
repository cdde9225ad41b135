"""Accounts whose phone no unit officer may propose: those who hold power over the others."""

from __future__ import annotations

from govid.backoffice.models import RoleGrant
from govid.sso.api import is_administrator


def is_protected(login: str) -> bool:
    """A back-office role or the administration: their number changes only by the provider's
    own procedure, never on a unit officer's proposal (a unit holding the provider's account
    would otherwise choose where its recovery codes go)."""
    return RoleGrant.objects.filter(login=login).exists() or is_administrator(login)
