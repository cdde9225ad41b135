"""Ending an account's sessions when its password changes."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.dispatch import receiver

from govid.directory.base import Account
from govid.directory.events import password_changed
from govid.sso.models import User


def end_all_sessions(login: str) -> None:
    """Every session of this login, on every instance, ends at its next request."""
    User.objects.filter(login=login).update(auth_epoch=F("auth_epoch") + 1)


@receiver(password_changed)
def _end_sessions_on_password_change(sender: Any, account: Account, **kwargs: Any) -> None:
    end_all_sessions(account.login)
