"""What the directory's changes mean for recovery: the account's live challenges end."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from govid import clock
from govid.directory.api import Account, access_ended, password_changed
from govid.recovery.models import Challenge


def end_challenges(login: str) -> int:
    """End every live challenge of ``login``: a code already sent opens nothing any more."""
    return Challenge.end_all(login, clock.now())


@receiver(password_changed)
def _on_password_changed(sender: Any, account: Account, **kwargs: Any) -> None:
    # A reset used its own challenge first (in the same transaction); the others end here.
    end_challenges(account.login)


@receiver(access_ended)
def _on_access_ended(sender: Any, login: str, **kwargs: Any) -> None:
    end_challenges(login)
