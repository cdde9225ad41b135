"""Signals of the recovery concern: each step's outcome, for concerns that count them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.dispatch import Signal

from govid.limits.api import RateLimited
from govid.recovery.errors import RecoveryError

# Sent with ``step`` ("code", "resend", "reset") and ``outcome`` ("ok" or the refusal's stable
# code: daily_limit, wrong_code, code_expired, ..., or rate_limited), after the step ran.
step_done = Signal()

P = ParamSpec("P")
R = TypeVar("R")


def reports(step: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Send ``step_done`` with the outcome of each call of the decorated flow function."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def counted(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                result = function(*args, **kwargs)
            except RecoveryError as refusal:
                step_done.send(sender=RecoveryError, step=step, outcome=refusal.code)
                raise
            except RateLimited:
                step_done.send(sender=RecoveryError, step=step, outcome="rate_limited")
                raise
            step_done.send(sender=RecoveryError, step=step, outcome="ok")
            return result

        return counted

    return decorate
