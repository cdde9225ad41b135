"""Flash messages that a client cannot pile up.

A client that never follows the redirects (a script sending the same refused form again and
again) would otherwise queue one more copy of the same message per request, and every request
would read and write the whole growing list. A message already waiting to be shown is not
queued again.

They are kept in the session, not in a signed cookie first: only signed-in people of the back
office are given messages, and the cookie store would build a signer on every request (a tenth
of the request floor) to look for messages that are almost never there.
"""

from __future__ import annotations

from typing import Any

from django.contrib.messages.storage.session import SessionStorage


class OnceEachStorage(SessionStorage):
    def add(self, level: int, message: Any, extra_tags: str | None = "") -> None:
        # Django's BaseStorage keeps both lists under these names (not in its type stubs).
        waiting = [*getattr(self, "_loaded_messages"), *getattr(self, "_queued_messages")]  # noqa: B009
        if any(m.level == level and str(m.message) == str(message) for m in waiting):
            return
        super().add(level, message, extra_tags)
