"""What other concerns may ask of SSO: small functions over logins, never its models."""

from __future__ import annotations

from django.db.models import Q

from govid.sso.clients import add_client, describe
from govid.sso.factors.devices import has_factor
from govid.sso.factors.policy import must_enrol_now, set_role_reader
from govid.sso.factors.recent import (
    ask_for_factor_again,
    factor_checked_recently,
    require_recent_factor,
)
from govid.sso.factors.removal import remove_all_factors
from govid.sso.factors.steps import enrol_url
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
    "ask_for_factor_again",
    "describe",
    "enrol_url",
    "ensure_administrator",
    "factor_checked_recently",
    "has_factor",
    "hold_of",
    "is_administrator",
    "must_enrol_now",
    "remove_all_factors",
    "require_recent_factor",
    "set_role_reader",
]
