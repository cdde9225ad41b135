"""Sessions in the shared cache (Redis), written once when they begin.

Django's cache sessions, with two round trips fewer per login: a new key is not looked up
first (the first write uses "add", which refuses a key already taken, and then another key is
drawn), and a login's new key is made when the session is saved at the end of the request,
instead of being written empty at once and again with its content.
"""

from __future__ import annotations

import secrets

from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore


class SessionStore(CacheSessionStore):
    def _get_new_session_key(self) -> str:
        # 128 random bits in 32 of the allowed characters (0-9a-f), drawn at once: Django's
        # get_random_string draws each character apart, at a tenth of a millisecond a key.
        return secrets.token_hex(16)

    def cycle_key(self) -> None:
        """A new key for the same content (at login), saved with it at the end of the request."""
        # Django's own method, absent from its type stubs.
        data = self._get_session()  # type: ignore[attr-defined]
        old = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if old:
            self.delete(old)
