"""Login holds: failed logins are counted per account and per client address; past a threshold
the account (or address) is held for a while.

Each hold of the same account within ``strike_memory`` lasts twice the previous one, never more
than ``hold_max``: a hold slows guessing down but cannot lock anyone out for good, and
self-service recovery stays open (a successful reset releases the hold). Unknown accounts are
counted like known ones, so a hold says nothing about whether an account exists.

An attempt takes its place in the failure counts before its password is checked, in one atomic
step of the limits' counter store (one upsert in the database, one script in Redis), so that
parallel wrong passwords hold an account at exactly ``hold_after``, on every instance. Holds
and strikes live in Django's cache (the database by default, Redis in production). Every
process and the command line see the same ones. Times come from ``clock.now()``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache

from govid import clock
from govid.audit.api import record
from govid.limits.api import Key, counter_keys, get_store
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


class Held(Exception):
    """The attempt is refused before its password is checked: ``hold`` says until when."""

    def __init__(self, hold: Hold) -> None:
        super().__init__(hold.kind)
        self.hold = hold


@dataclass(frozen=True)
class Attempt:
    """A password check about to run, its place already taken in the failure counts."""

    login: str
    ip: str | None
    account_n: int  # this attempt's place in the account's count (1 = the first)
    ip_n: int  # ... and in the address's (0: not counted)


def _fail_key(kind: str, who: str) -> Key:
    """The failure count's names under every accepted secret key: a rotation restarts no count."""
    return counter_keys("hold", kind, who)


def begin_attempt(login: str, ip: str | None) -> Attempt:
    """Take this attempt's place in the account's and the address's failure counts, before
    its password is checked, in one atomic step of the shared store; raise Held if either is
    held, or if the places up to the hold are already taken by attempts still running.

    Counting first and checking after is what makes the hold exact: of many wrong passwords
    sent at once for one account, ``hold_after`` are checked, whatever the instance.
    """
    conf = sso_settings()
    now = clock.now()
    window = int(conf.failure_window.total_seconds())
    counters = [(_fail_key("account", login), window, conf.hold_after)]
    if ip:
        counters.append((_fail_key("ip", ip), window, conf.hold_after_ip))
    counts = get_store().hit_each(counters, now.timestamp())
    # The hold is read after the place is taken, never before: the attempt that starts a hold
    # writes it and only then empties the count (_start_hold), so an attempt counted after
    # that emptying always sees the hold here, and gives its place back.
    wanted = {_keys(kind, who)[1]: kind for kind, who in (("account", login), ("ip", ip)) if who}
    found = cache.get_many(list(wanted))
    for key, kind in wanted.items():
        until = found.get(key)
        if until is not None and until > now.timestamp():
            for (counted, _window, _ceiling), _count in zip(counters, counts, strict=False):
                get_store().give_back(counted, now.timestamp())
            raise Held(Hold(kind, datetime.fromtimestamp(until, tz=now.tzinfo)))
    account_n = counts[0].n
    ip_n = counts[1].n if len(counts) > 1 else 0
    if account_n > conf.hold_after:
        raise Held(Hold("account", now + _next_length("account", login, conf)))
    if ip_n > conf.hold_after_ip:
        get_store().give_back(_fail_key("account", login), now.timestamp())
        raise Held(Hold("ip", now + _next_length("ip", ip or "", conf)))
    return Attempt(login=login, ip=ip, account_n=account_n, ip_n=ip_n)


def failed(attempt: Attempt) -> Hold | None:
    """The password was wrong: its place stays counted, and the attempt whose place is the
    threshold starts the hold (exactly one does). The hold it starts, if any."""
    conf = sso_settings()
    started = None
    if attempt.account_n == conf.hold_after:
        started = _start_hold("account", attempt.login, conf)
    if attempt.ip and attempt.ip_n == conf.hold_after_ip:
        started = started or _start_hold("ip", attempt.ip, conf)
    return started


def succeeded(attempt: Attempt) -> None:
    """The password was right: the account's count starts again (its strikes stay
    remembered) and the address gets its place back."""
    store, now = get_store(), clock.now().timestamp()
    store.reset(_fail_key("account", attempt.login))
    if attempt.ip:
        store.give_back(_fail_key("ip", attempt.ip), now)


def _next_length(kind: str, who: str, conf: SsoSettings) -> timedelta:
    strikes = int(cache.get(_keys(kind, who)[2], 0)) + 1
    length: timedelta = min(conf.hold_first * 2 ** (strikes - 1), conf.hold_max)
    return length


def _start_hold(kind: str, who: str, conf: SsoSettings) -> Hold:
    _fail, until_key, strikes_key = _keys(kind, who)
    strikes = int(cache.get(strikes_key, 0)) + 1
    length = min(conf.hold_first * 2 ** (strikes - 1), conf.hold_max)
    until = clock.now() + length
    memory = int(conf.strike_memory.total_seconds())
    cache.set_many({until_key: until.timestamp(), strikes_key: strikes}, timeout=memory)
    get_store().reset(_fail_key(kind, who))  # the next hold needs a full count again
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


def release(login: str, *, actor: str) -> bool:
    """End the account's hold and forget its failures and strikes; whether it was held."""
    keys = _keys("account", login)
    until = cache.get(keys[1])
    cache.delete_many(keys)
    get_store().reset(_fail_key("account", login))
    held = until is not None and until > clock.now().timestamp()
    if held:
        record("login_hold_released", actor=actor, subject=login)
    return held


@dataclass(frozen=True)
class HoldState:
    """What the helpdesk sees of a login's hold: held until when (None: not held), and the
    wrong passwords counted in the running window."""

    held_until: datetime | None
    failures: int


def state_of(login: str) -> HoldState:
    """The account's hold and failure count now, read without counting anything."""
    now = clock.now()
    until = cache.get(_keys("account", login)[1])
    held = (
        datetime.fromtimestamp(until, tz=now.tzinfo)
        if until is not None and until > now.timestamp()
        else None
    )
    count = get_store().peek(_fail_key("account", login), now.timestamp())
    return HoldState(held_until=held, failures=count.n if count is not None else 0)
