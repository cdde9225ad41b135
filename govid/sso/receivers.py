"""What a password change means for SSO: sessions end, tokens are revoked, a hold is released."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from govid.audit.log import record
from govid.directory.base import Account
from govid.directory.events import password_changed
from govid.sso import holds
from govid.sso.models import User
from govid.sso.sessions import end_all_sessions
from govid.sso.tokens import revoke_all_tokens


@receiver(password_changed)
def _on_password_changed(sender: Any, account: Account, actor: str, **kwargs: Any) -> None:
    # Inside the change's transaction: if the change is undone, so is all of this.
    end_all_sessions(account.login)
    user = User.objects.filter(login=account.login).first()
    if user is not None:
        revoked = revoke_all_tokens(user)
        if revoked:
            record("tokens_revoked", actor=actor, subject=account.login, count=revoked)
    # The person proved who they are: a login hold has no reason to stay.
    transaction.on_commit(partial(holds.release, account.login, actor=actor))
