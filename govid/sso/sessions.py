"""Session rules: "Nhớ mật khẩu", idle and absolute timeouts, ending every session of an account.

A remembered session lasts ``remember_for`` from login. Otherwise the cookie ends with the
browser, and the session also ends after ``idle_timeout`` without a request or
``absolute_timeout`` after login, whichever comes first.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import F

from govid import clock
from govid.sso.conf import sso_settings
from govid.sso.models import User

STARTED = "sso.started"  # when the person logged in (epoch seconds)
SEEN = "sso.seen"  # their last request, to the minute
REMEMBER = "sso.remember"
# The last-seen time is written at most this often: one database write per minute, not per page.
SEEN_RESOLUTION = 60


def start_session(session: SessionBase, *, remember: bool) -> None:
    """Right after login: the cookie's life and the timestamps the timeouts are measured from."""
    now = clock.now().timestamp()
    conf = sso_settings()
    # 0: the cookie ends with the browser.
    session.set_expiry(int(conf.remember_for.total_seconds()) if remember else 0)
    session[STARTED] = now
    session[SEEN] = now
    session[REMEMBER] = remember


def session_expired(session: SessionBase) -> bool:
    """Whether the session is past one of its timeouts; refreshes the last-seen time if not."""
    started = session.get(STARTED)
    if started is None:
        return False
    conf = sso_settings()
    now = clock.now().timestamp()
    seen = session.get(SEEN, started)
    if session.get(REMEMBER):
        expired = now - started > conf.remember_for.total_seconds()
    else:
        expired = (
            now - seen > conf.idle_timeout.total_seconds()
            or now - started > conf.absolute_timeout.total_seconds()
        )
    if not expired and now - seen >= SEEN_RESOLUTION:
        session[SEEN] = now
    return bool(expired)


def end_all_sessions(login: str) -> None:
    """Every session of this login, on every instance, ends at its next request."""
    User.objects.filter(login=login).update(auth_epoch=F("auth_epoch") + 1)
