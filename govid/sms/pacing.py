"""Keeping within the carrier's rate: at most ``rate`` messages a second through one gateway.

A carrier allows so many messages a second on an account (past it, an SMSC answers
ESME_RTHROTTLED and an HTTP API refuses or drops them). Before each send, the sending thread
waits for the gateway's next start, 1/rate after the previous one; the send itself happens
after the wait, outside the lock, so several messages stay in flight while their starts keep
the pace. The pace is kept per process: production sends from one worker process
(govid-worker.service), whose threads all share each gateway's pacer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RatePacer:
    """Spaces the starts of sends at least 1/rate seconds apart (no limit when rate <= 0)."""

    def __init__(
        self,
        rate: int,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._monotonic = monotonic
        self._sleep = sleep
        self._next = float("-inf")
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Return when this send may start.

        The next start is counted from the moment this one really starts (after its sleep,
        which may overshoot), so no two starts are ever closer than the interval: any window
        of one second holds at most ``rate`` of them.
        """
        if not self.interval:
            return
        with self._lock:  # one thread waits for the next start, the others queue behind it
            delay = self._next - self._monotonic()
            if delay > 0:
                self._sleep(delay)
            self._next = self._monotonic() + self.interval


UNPACED = RatePacer(0)
