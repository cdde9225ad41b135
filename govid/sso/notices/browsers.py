"""New devices: which browser a sign-in comes from, and whether the account has seen it.

Definition. A *device* is a browser profile, named by govid's device cookie: a random 128-bit
id, signed (so a made-up one is no id at all), HttpOnly, SameSite=Lax, Secure under TLS (and
then ``__Host-`` prefixed), kept 400 days and renewed at each sign-in. The server remembers,
per account, the keyed hash of each id it signed in from (``KnownBrowser``, the most recent
``GOVID_NOTICES_KNOWN_BROWSERS`` of them). A sign-in is from a *new device* when its browser's
id is not among the account's, so clearing cookies or a private window counts as new: the
safe side for an alarm.

No alarm while the account has no browser remembered at all: the first sign-in of a brand-new
account has nobody to warn yet, and the first one of each existing account after notices are
turned on adopts that browser quietly, instead of mailing every civil servant about the office
PC they have used for years. (The rate limits' device cookie cannot stand in for this one: it
is given after the password alone, before any second step.)
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from govid import clock
from govid.keyed import candidates, keyed_hash
from govid.sso.notices.conf import notice_settings
from govid.sso.notices.models import KnownBrowser

SALT = "govid.sso.notices.browser"
MAX_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days


def cookie_name() -> str:
    prefix = "__Host-" if settings.SESSION_COOKIE_NAME.startswith("__Host-") else ""
    return f"{prefix}govid_browser"


def browser_id(request: HttpRequest) -> str | None:
    """This browser's id from its cookie, if it carries a genuine one."""
    raw = request.COOKIES.get(cookie_name(), "")
    try:
        value = signing.loads(raw, salt=SALT) if raw else None
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) and len(value) == 32 else None


def note_browser(request: HttpRequest, login: str) -> tuple[bool, str]:
    """Whether this sign-in of ``login`` comes from a browser new to it, and the browser's id
    (a new one for a browser without a genuine cookie); either way, it is remembered now."""
    now = clock.now()
    agent = request.headers.get("User-Agent", "")[:300]
    found = browser_id(request)
    if found is not None:
        hashes = [digest.hex() for digest in candidates(SALT, f"{login}\n{found}")]
        if KnownBrowser.objects.filter(login=login, browser_hash__in=hashes).update(
            last_seen_at=now, user_agent=agent
        ):
            return False, found
    browser = found or secrets.token_hex(16)
    known = KnownBrowser.objects.filter(login=login).count()
    _remember(login, browser, agent, known=known)
    return known > 0, browser


def _remember(login: str, browser: str, agent: str, *, known: int) -> None:
    """Remember ``browser`` beside the ``known`` ones; past the limit, the least recently used
    go. One INSERT on the usual path: the same browser twice at once (two tabs) is no error."""
    now = clock.now()
    KnownBrowser.objects.bulk_create(
        [
            KnownBrowser(
                login=login,
                browser_hash=keyed_hash(SALT, f"{login}\n{browser}").hex(),
                first_seen_at=now,
                last_seen_at=now,
                user_agent=agent,
            )
        ],
        ignore_conflicts=True,
    )
    keep = notice_settings().known_browsers
    if known < keep:
        return
    stale = KnownBrowser.objects.filter(login=login).order_by("-last_seen_at")[keep:]
    KnownBrowser.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()


def set_browser_cookie(request: HttpRequest, response: HttpResponse, browser: str) -> None:
    """Give (or renew) this browser's device cookie."""
    response.set_cookie(
        cookie_name(),
        signing.dumps(browser, salt=SALT),
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE or request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
