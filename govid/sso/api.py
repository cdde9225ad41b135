"""What other concerns may ask of SSO: small functions over logins, never its models."""

from __future__ import annotations

from django.db.models import Q

from govid.sso.clients import add_client, describe
from govid.sso.holds import HoldState
from govid.sso.holds import state_of as hold_of
from govid.sso.models import User


def is_administrator(login: str) -> bool:
    """Whether ``login`` may enter the administration (``/quan-tri/``) or holds its powers."""
    return User.objects.filter(Q(is_staff=True) | Q(is_superuser=True), login=login).exists()


def ensure_administrator(login: str, *, name: str) -> int:
    """Make ``login`` a superuser of the administration if it has no user yet; 1 if made."""
    if User.objects.filter(login=login).exists():
        return 0
    User.objects.create_superuser(login, name=name)
    return 1


__all__ = [
    "HoldState",
    "add_client",
    "describe",
    "ensure_administrator",
    "hold_of",
    "is_administrator",
]
