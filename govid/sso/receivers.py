"""What the directory's changes mean for SSO: sessions end, tokens are revoked, a hold released."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from govid.audit.api import record
from govid.directory.api import Account, access_ended, account_unblocked, password_changed
from govid.sso import holds, signins
from govid.sso.sessions import end_all_sessions
from govid.sso.tokens import revoke_tokens_of


@receiver(password_changed)
def _on_password_changed(sender: Any, account: Account, actor: str, **kwargs: Any) -> None:
    # Inside the change's transaction: if the change is undone, so is all of this.
    end_access(account.login, actor=actor)
    # The person proved who they are: a login hold has no reason to stay.
    transaction.on_commit(partial(holds.release, account.login, actor=actor))


@receiver(access_ended)
def _on_access_ended(sender: Any, login: str, actor: str, **kwargs: Any) -> None:
    end_access(login, actor=actor)


@receiver(account_unblocked)
def _on_account_unblocked(sender: Any, login: str, actor: str, **kwargs: Any) -> bool:
    # Releasing records login_hold_released (by ``actor``) when the login was held.
    return holds.release(login, actor=actor)


def end_access(login: str, *, actor: str) -> None:
    """Every session of ``login`` (remembered ones too) ends at its next request on any
    instance, and its OIDC tokens and pending codes are revoked."""
    end_all_sessions(login)
    # The sessions are void from now on (their epoch is past); every system they reached is told.
    signins.end_all(login, delete_sessions=False)
    revoked = revoke_tokens_of(login)
    if revoked:
        record("tokens_revoked", actor=actor, subject=login, count=revoked)
