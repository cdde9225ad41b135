"""Revoking tokens: all of an account's, and those of an authorization code used twice."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken
from oauth2_provider.models import revoke_access_token as _revoke_access_token

from govid import clock
from govid.audit.api import record
from govid.sso.models import RedeemedCode, User

# Codes live a minute; a replay later than this is still refused, only not traced back.
REMEMBER_REDEEMED = timedelta(days=1)


def revoke_tokens_of(login: str) -> int:
    """Revoke every token of the person behind ``login``, if they ever signed in; how many."""
    user = User.objects.filter(login=login).first()
    return revoke_all_tokens(user) if user is not None else 0


def revoke_all_tokens(user: User) -> int:
    """Revoke every access and refresh token of ``user`` (and pending codes); how many."""
    now = clock.now()
    refreshed = RefreshToken.objects.filter(user=user, revoked__isnull=True).update(
        revoked=now, access_token=None
    )
    accessed, _ = AccessToken.objects.filter(user=user).delete()
    IDToken.objects.filter(user=user).delete()
    Grant.objects.filter(user=user).delete()
    return int(refreshed) + int(accessed)


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def remember_redeemed(
    code: str,
    application: Application,
    *,
    access_token: AccessToken | None,
    token_family: uuid.UUID | None,
) -> None:
    """Note that ``code`` was exchanged for these tokens (a hash of it, never the code)."""
    now = clock.now()
    RedeemedCode.objects.filter(redeemed_at__lt=now - REMEMBER_REDEEMED).delete()
    RedeemedCode.objects.update_or_create(
        code_hash=_digest(code),
        defaults={
            "application": application,
            "access_token": access_token,
            "token_family": token_family,
            "redeemed_at": now,
        },
    )


def revoke_replayed(code: str, application: Application) -> bool:
    """If ``code`` was already exchanged, revoke what it gave (RFC 6749 4.1.2); whether it was."""
    redeemed = RedeemedCode.objects.filter(code_hash=_digest(code), application=application).first()
    if redeemed is None:
        return False
    if redeemed.access_token is not None:
        _revoke_access_token(redeemed.access_token)
    RefreshToken.revoke_family(redeemed.token_family)
    record("oidc_code_replayed", actor="system", subject=application.client_id)
    return True
