"""Login holds: failed logins are counted per account and per client address; past a threshold
the account (or address) is held for a while.

Each hold of the same account within ``strike_memory`` lasts twice the previous one, never more
than ``hold_max``: a hold slows guessing down but cannot lock anyone out for good, and
self-service recovery stays open (a successful reset releases the hold). Unknown accounts are
counted like known ones, so a hold says nothing about whether an account exists.

Counters live in Django's cache (the database by default, Redis in production), so every
process and the command line see the same ones. Times come from ``clock.now()``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache

from govid import clock
from govid.audit.log import record
from govid.sso.conf import SsoSettings, sso_settings

PREFIX = "govid.sso.hold"


@dataclass(frozen=True)
class Hold:
    """An account (``kind="account"``) or a client address (``kind="ip"``) held until ``until``."""

    kind: str
    until: datetime

    def seconds_left(self, now: datetime) -> int:
        return max(1, int((self.until - now).total_seconds() + 0.999))


def _keys(kind: str, who: str) -> tuple[str, str, str]:
    digest = hashlib.sha256(who.encode()).hexdigest()[:40]  # safe for any cache's key rules
    return (f"{PREFIX}.fail.{kind}.{digest}", f"{PREFIX}.until.{kind}.{digest}",
            f"{PREFIX}.strikes.{kind}.{digest}")  # fmt: skip


@dataclass(frozen=True)
class Standing:
    """Where a login attempt stands before its password is checked."""

    hold: Hold | None  # the hold that refuses it now, if any
    failures: bool  # whether the account has failures counted in the running window


def standing(login: str, ip: str | None) -> Standing:
    """The hold that refuses a login attempt for ``login`` from ``ip`` now, if any, and
    whether the account has failures to forget once it logs in (one round trip for all)."""
    now = clock.now()
    wanted = {_keys(kind, who)[1]: kind for kind, who in (("account", login), ("ip", ip)) if who}
    fail_key = _keys("account", login)[0]
    found = cache.get_many([*wanted, fail_key])
    for key, kind in wanted.items():
        until = found.get(key)
        if until is not None and until > now.timestamp():
            return Standing(Hold(kind, datetime.fromtimestamp(until, tz=now.tzinfo)), True)
    return Standing(None, fail_key in found)


def record_failure(login: str, ip: str | None) -> Hold | None:
    """Count a wrong password for ``login`` from ``ip``; the hold it starts, if it starts one."""
    conf = sso_settings()
    started = None
    for kind, who, threshold in (
        ("account", login, conf.hold_after),
        ("ip", ip, conf.hold_after_ip),
    ):
        if who and _count(kind, who, conf) >= threshold:
            started = started or _start_hold(kind, who, conf)
    return started


def _count(kind: str, who: str, conf: SsoSettings) -> int:
    key = _keys(kind, who)[0]
    window = int(conf.failure_window.total_seconds())
    cache.add(key, 0, timeout=window)  # the window starts at the first failure
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _start_hold(kind: str, who: str, conf: SsoSettings) -> Hold:
    fail_key, until_key, strikes_key = _keys(kind, who)
    strikes = int(cache.get(strikes_key, 0)) + 1
    length = min(conf.hold_first * 2 ** (strikes - 1), conf.hold_max)
    until = clock.now() + length
    memory = int(conf.strike_memory.total_seconds())
    cache.set_many({until_key: until.timestamp(), strikes_key: strikes}, timeout=memory)
    cache.delete(fail_key)  # the next hold needs a full count again
    record(
        "login_held",
        actor="system",
        subject=who,
        ip=who if kind == "ip" else None,
        kind=kind,
        strikes=strikes,
        minutes=int(length / timedelta(minutes=1)),
    )
    return Hold(kind, until)


def forget_failures(login: str) -> None:
    """A successful login: the account's count starts again (its strikes stay remembered)."""
    cache.delete(_keys("account", login)[0])


def release(login: str, *, actor: str) -> bool:
    """End the account's hold and forget its failures and strikes; whether it was held."""
    keys = _keys("account", login)
    until = cache.get(keys[1])
    cache.delete_many(keys)
    held = until is not None and until > clock.now().timestamp()
    if held:
        record("login_hold_released", actor=actor, subject=login)
    return held
