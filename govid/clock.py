"""The one seam through which govid reads the time, so that tests can move it.

Flows call ``clock.now()``; tests use ``with clock.frozen(t): ...`` and ``clock.advance(delta)``
instead of sleeping or patching.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.utils import timezone

_shared: dict[str, datetime] = {}


def now() -> datetime:
    """The current time, aware, in UTC (or the frozen time inside ``frozen``)."""
    frozen_at = _shared.get("at")
    return frozen_at if frozen_at is not None else timezone.now()


@contextmanager
def frozen(at: datetime | None = None) -> Iterator[None]:
    """Stop the clock at ``at`` (default: the real now) for every thread until the block ends."""
    if at is not None and timezone.is_naive(at):
        raise ValueError("frozen() needs an aware datetime")
    previous = _shared.get("at")
    _shared["at"] = at or timezone.now()
    try:
        yield
    finally:
        if previous is None:
            _shared.pop("at", None)
        else:
            _shared["at"] = previous


def advance(delta: timedelta) -> None:
    """Move a frozen clock forward."""
    if "at" not in _shared:
        raise RuntimeError("advance() only works inside frozen()")
    _shared["at"] += delta
