"""Counting attempts and refusing past a ceiling: the API flows and views call."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from datetime import datetime

from govid import clock
from govid.audit.api import record
from govid.limits.rules import counter_keys, network_of, rule_for
from govid.limits.store import get_store

log = logging.getLogger("govid.limits")


class RateLimited(Exception):
    """``step`` is refused for ``scope`` until ``until`` (epoch seconds)."""

    def __init__(self, step: str, scope: str, until: float) -> None:
        super().__init__(f"{step} limited per {scope}")
        self.step = step
        self.scope = scope
        self.until = until

    def seconds_left(self, now: datetime | None = None) -> int:
        now = now or clock.now()
        return max(1, math.ceil(self.until - now.timestamp()))


def _scopes(ip: str | None, account: str | None, phone: str | None) -> Iterator[tuple[str, str]]:
    """The scopes to count, network ones first: a refused address spends no account's budget."""
    if ip:
        yield "ip", ip
        net = network_of(ip)
        if net:
            yield "net", net
    if account:
        yield "account", account
    if phone:
        yield "phone", phone


def hit(
    step: str, *, ip: str | None = None, account: str | None = None, phone: str | None = None
) -> dict[str, int]:
    """Count one attempt at ``step`` in every scope that has a rule (one round trip to the
    store); raise RateLimited at the first scope past its ceiling. The counts, by scope: with
    what was counted under the secret key's fallbacks (``counter_keys``)."""
    now = clock.now().timestamp()
    counted = []
    for scope, who in _scopes(ip, account, phone):
        rule = rule_for(step, scope)
        if rule is not None:
            counted.append((scope, rule, counter_keys(step, scope, who)))
    counts = get_store().hit_each(
        [(key, rule.window, rule.ceiling) for _s, rule, key in counted], now
    )
    for (scope, rule, _key), count in zip(counted, counts, strict=False):
        if count.n > rule.ceiling:
            if count.n == rule.ceiling + 1:  # once per window, not once per refused request
                _note_limit(step, scope, ip=ip, account=account)
            raise RateLimited(step, scope, count.until)
    return {scope: count.n for (scope, _rule, _key), count in zip(counted, counts, strict=False)}


def give_back(
    step: str, *, ip: str | None = None, account: str | None = None, phone: str | None = None
) -> None:
    """Undo one attempt at ``step`` (one that cost nothing, e.g. an SMS no gateway took)."""
    store = get_store()
    for scope, who in _scopes(ip, account, phone):
        if rule_for(step, scope) is not None:
            store.give_back(counter_keys(step, scope, who), clock.now().timestamp())


def attempts(step: str, scope: str, who: str | None) -> int:
    """How many attempts ``who`` made at ``step`` in the running window (0 if none)."""
    if not who:
        return 0
    count = get_store().peek(counter_keys(step, scope, who), clock.now().timestamp())
    return count.n if count else 0


def _note_limit(step: str, scope: str, *, ip: str | None, account: str | None) -> None:
    log.warning("rate limit reached: %s per %s", step, scope)
    subject = account if scope in ("account", "phone") and account else ""
    record("rate_limited", actor="system", subject=subject, ip=ip, step=step, scope=scope)
