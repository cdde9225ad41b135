"""Known devices: a browser where a person signed in or recovered their password before.

A stranger who spends an account's recovery budget (lookups, codes, guesses) would keep its
owner out for as long as the stranger keeps spending. A known device therefore counts against
a budget of its own, which strangers cannot reach: from the office computer or the phone where
they signed in before, owners recover whatever a stranger does (OWASP's "device cookies").

The cookie holds keyed tags of the logins that succeeded in this browser (never the logins
themselves), signed, for a year. Both the signature and the tags are checked under the current
secret key and each of SECRET_KEY_FALLBACKS: a device stays known across a rotation, until the
old key is dropped.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from govid.keyed import candidates, keyed_hash

SALT = "govid.limits.devices"
MAX_AGE = 365 * 24 * 3600
MAX_LOGINS = 5  # a shared computer remembers a few people, not the whole office


def cookie_name() -> str:
    prefix = "__Host-" if settings.SESSION_COOKIE_NAME.startswith("__Host-") else ""
    return f"{prefix}govid_device"


def _tag(login: str) -> str:
    """``login``'s tag under the current secret key: what a cookie gets from now on."""
    return keyed_hash(SALT, login).hex()[:24]


def _every_tag(login: str) -> set[str]:
    """``login``'s tag under the current secret key and under each fallback."""
    return {digest.hex()[:24] for digest in candidates(SALT, login)}


def _tags(request: HttpRequest) -> list[str]:
    raw = request.COOKIES.get(cookie_name(), "")
    try:
        tags = signing.loads(raw, salt=SALT, max_age=MAX_AGE) if raw else []
    except signing.BadSignature:
        return []
    return [tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else []


def known_device(request: HttpRequest, login: str | None) -> bool:
    """Whether ``login`` signed in or recovered in this browser before."""
    return bool(login) and not _every_tag(login or "").isdisjoint(_tags(request))


def remember_device(request: HttpRequest, response: HttpResponse, login: str) -> None:
    """After a login or a reset: this browser is one of ``login``'s known devices."""
    mine = _every_tag(login)  # an older key's tag of the same login is replaced
    tags = [tag for tag in _tags(request) if tag not in mine]
    tags = [_tag(login), *tags][:MAX_LOGINS]
    response.set_cookie(
        cookie_name(),
        signing.dumps(tags, salt=SALT),
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE or request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def budget(login: str | None, *, known: bool) -> str | None:
    """The name an account's (or a phone's) recovery budget is counted under: a known
    device's apart from everyone else's."""
    if not login:
        return login
    return f"{login}#known" if known else login  # "#" is in no login or phone
