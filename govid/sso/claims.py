"""What a relying party learns about the person: the claims, per scope.

``unit`` (scope ``profile``) is govid's own claim: ``{"code": "MYTU-VHTT", "name": "..."}``.
``phone_number`` (scope ``phone``) is E.164 for trusted clients and the seed's mask
(``0393XXX121``) for the others. ``email_verified`` is true only for an address of the
province's own domains (GOVID_MAIL_DOMAINS): the mailbox is then the account itself.
"""

from __future__ import annotations

from typing import Any

from govid.directory.api import Account, canonical_login, get_directory
from govid.phones import mask_phone
from govid.sso.models import RelyingParty, User

CLAIM_SCOPES = {
    "sub": "openid",
    "name": "profile",
    "preferred_username": "profile",
    "unit": "profile",
    "email": "email",
    "email_verified": "email",
    "phone_number": "phone",
}


def is_trusted(application: Any) -> bool:
    """Whether the client is one of the province's own systems (no consent, full phone)."""
    if application is None:
        return False
    return RelyingParty.objects.filter(application=application, trusted=True).exists()


def account_of(user: User) -> Account | None:
    """The directory's account behind a user, if it still exists and is not locked."""
    account = get_directory().find(user.login)
    return account if account is not None and not account.locked else None


def user_claims(user: User, *, trusted: bool) -> dict[str, Any]:
    """Every claim about ``user`` except ``sub``; the caller filters them by scope."""
    account = get_directory().find(user.login)
    claims: dict[str, Any] = {
        "name": account.name if account else user.name,
        "preferred_username": user.login.split("@", 1)[0],
        "email": user.login,
        # The official mailbox is the account itself; an LDAP entry's mail elsewhere is not.
        "email_verified": canonical_login(user.login) == user.login,
    }
    if account is not None:
        claims["unit"] = {"code": account.unit_code, "name": account.unit_name}
        if account.phone:
            claims["phone_number"] = account.phone if trusted else mask_phone(account.phone)
    return claims
