"""What second factors a login has: an authenticator app, security keys or passkeys."""

from __future__ import annotations

from govid.sso.factors.models import RecoveryCode, SecurityKey, TotpDevice


def has_totp(login: str) -> bool:
    return TotpDevice.objects.filter(login=login, confirmed_at__isnull=False).exists()


def has_keys(login: str) -> bool:
    return SecurityKey.objects.filter(login=login).exists()


def has_factor(login: str) -> bool:
    """An app or a key, in one query (it runs at every sign-in)."""
    app = TotpDevice.objects.filter(login=login, confirmed_at__isnull=False).values("login")
    return app.union(SecurityKey.objects.filter(login=login).values("login")).exists()


def forget_recovery_codes_if_unused(login: str) -> None:
    """Recovery codes stand in for a factor: with none left, they go too."""
    if not has_factor(login):
        RecoveryCode.objects.filter(login=login).delete()
