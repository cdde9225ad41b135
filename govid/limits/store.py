"""Counter stores: atomic fixed-window counters that every process and instance shares.

Each ``hit`` adds one in a single atomic step and returns the count with the window's end, so
concurrent requests can never both see "one left": Redis runs a script (one command, atomic),
the database runs one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement (SQLite
3.35+ and PostgreSQL), which Django's database cache (a read, then a write) is not. Time is
``clock.now()``, so tests move windows with the frozen clock on every store.

A counter may have several names (``Key``): its name under the current secret key, then its
names under the keys of SECRET_KEY_FALLBACKS (``rules.counter_keys``). A hit adds one under the
first name and counts, in the same step, what runs under the others, so a count made before a
rotation keeps counting after it; a window then ends when the last of them does.
"""

from __future__ import annotations

import abc
import random
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import connection
from django.db.models import F, Max, Sum
from django.dispatch import receiver

from govid.limits.conf import limit_settings
from govid.limits.models import Counter

PRUNE_ONE_IN = 1000  # expired rows are deleted on about one hit in this many
NO_CEILING = 2**53  # a count never gets there

# A counter's name, or its names: the one new hits go under first, then older ones (the same
# counter under the secret key's fallbacks), whose running counts are added to it.
Key = str | tuple[str, ...]


def names(key: Key) -> tuple[str, ...]:
    return (key,) if isinstance(key, str) else key


@dataclass(frozen=True)
class Count:
    """A window's count so far and when it ends (epoch seconds)."""

    n: int
    until: float


def _with(count: Count, others: Iterable[Count | None]) -> Count:
    """``count`` with the running counts of the counter's other names added; the window ends
    when the last of theirs does."""
    for other in others:
        if other is not None:
            count = Count(count.n + other.n, max(count.until, other.until))
    return count


def _total(counts: Iterable[Count | None]) -> Count | None:
    """The running counts of a counter's names added up; None if none runs."""
    running = [count for count in counts if count is not None]
    return _with(running[0], running[1:]) if running else None


class CounterStore(abc.ABC):
    @abc.abstractmethod
    def hit(self, key: Key, window: int, now: float) -> Count:
        """Add one to ``key``'s window (a new one of ``window`` s if none is running); the
        count returned adds what runs under ``key``'s older names."""

    def hit_each(self, counters: Sequence[tuple[Key, int, int]], now: float) -> list[Count]:
        """Hit each ``(key, window, ceiling)`` in turn, stopping after the first past its ceiling.

        The counters after a refused one are not touched (a refused address spends no
        account's budget). Stores that can do it in one round trip do.
        """
        counts = []
        for key, window, ceiling in counters:
            counts.append(self.hit(key, window, now))
            if counts[-1].n > ceiling:
                break
        return counts

    @abc.abstractmethod
    def peek(self, key: Key, now: float) -> Count | None:
        """The running window's count (of all ``key``'s names), without adding one; None if
        no window runs."""

    @abc.abstractmethod
    def give_back(self, key: Key, now: float) -> None:
        """Take one off the running window of ``key`` (never below zero): of its first name
        that has a count left."""

    @abc.abstractmethod
    def reset(self, key: Key) -> None:
        """Forget ``key``'s window, under every name."""


class MemoryStore(CounterStore):
    """One process's counters, for tests and single-process tools."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, Count] = {}

    def _running(self, name: str, now: float) -> Count | None:
        current = self._counts.get(name)
        return current if current is not None and current.until > now else None

    def hit(self, key: Key, window: int, now: float) -> Count:
        first, *earlier = names(key)
        with self._lock:
            current = self._running(first, now)
            if current is None:
                current = Count(0, now + window)
            self._counts[first] = Count(current.n + 1, current.until)
            return _with(self._counts[first], [self._running(name, now) for name in earlier])

    def peek(self, key: Key, now: float) -> Count | None:
        with self._lock:
            return _total(self._running(name, now) for name in names(key))

    def give_back(self, key: Key, now: float) -> None:
        with self._lock:
            for name in names(key):
                current = self._running(name, now)
                if current is not None and current.n > 0:
                    self._counts[name] = Count(current.n - 1, current.until)
                    return

    def reset(self, key: Key) -> None:
        with self._lock:
            for name in names(key):
                self._counts.pop(name, None)


class DatabaseStore(CounterStore):
    """Counters in the ``limits_counter`` table, one upsert per hit (which reads a counter's
    older names in the same statement)."""

    def hit(self, key: Key, window: int, now: float) -> Count:
        first, *earlier = names(key)
        table = connection.ops.quote_name(Counter._meta.db_table)
        returning = "count, expires_at"
        params: list[Any] = [first, now + window, now, now]
        if earlier:  # the running counts of the older names, read by the same statement
            among = (
                f"FROM {table} AS e WHERE e.key IN ({', '.join(['%s'] * len(earlier))}) "
                f"AND e.expires_at > %s"
            )
            returning += f", (SELECT SUM(e.count) {among}), (SELECT MAX(e.expires_at) {among})"
            params += [*earlier, now, *earlier, now]
        # Both CASEs read the row as it was before this statement (SQL's rule for SET).
        sql = (
            f"INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT (key) DO UPDATE SET "
            f"count = CASE WHEN {table}.expires_at <= %s THEN 1 ELSE {table}.count + 1 END, "
            f"expires_at = CASE WHEN {table}.expires_at <= %s "
            f"THEN excluded.expires_at ELSE {table}.expires_at END "
            f"RETURNING {returning}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            count, until, *older = cursor.fetchone()
        if random.randrange(PRUNE_ONE_IN) == 0:  # noqa: S311  (not a secret)
            Counter.objects.filter(expires_at__lt=now).delete()
        running = [Count(int(older[0]), float(older[1]))] if older and older[1] is not None else []
        return _with(Count(int(count), float(until)), running)

    def peek(self, key: Key, now: float) -> Count | None:
        running = Counter.objects.filter(key__in=names(key), expires_at__gt=now)
        found = running.aggregate(n=Sum("count"), until=Max("expires_at"))
        if found["until"] is None:
            return None
        return Count(int(found["n"]), float(found["until"]))

    def give_back(self, key: Key, now: float) -> None:
        for name in names(key):  # the first name, unless nothing is left under it
            running = Counter.objects.filter(key=name, expires_at__gt=now, count__gt=0)
            if running.update(count=F("count") - 1):
                return

    def reset(self, key: Key) -> None:
        Counter.objects.filter(key__in=names(key)).delete()


# KEYS: each counter's names, the counters in order; ARGV: now, then for each counter its
# window, the window's end as Python wrote it, its ceiling, and how many older names follow its
# first. Each hash keeps the count and the window's end in govid's clock; the key's own expiry
# (real time) only collects it once it is over. A hit adds one under the first name and the
# running counts of the older ones (the latest end wins). Stops after the first counter past
# its ceiling. Returns n, end, n, end, ... of the counters it hit.
_HIT_EACH = """
local now = tonumber(ARGV[1])
local out = {}
local k = 1
for a = 2, #ARGV, 4 do
  local key = KEYS[k]
  local window = tonumber(ARGV[a])
  local older = tonumber(ARGV[a + 3])
  local ends = redis.call('HGET', key, 'until')
  local n
  if (not ends) or tonumber(ends) <= now then
    n = 1
    ends = ARGV[a + 1]
    redis.call('HSET', key, 'n', 1, 'until', ends)
    redis.call('EXPIRE', key, math.ceil(window) + 60)
  else
    n = redis.call('HINCRBY', key, 'n', 1)
  end
  for j = 1, older do
    local was = redis.call('HMGET', KEYS[k + j], 'n', 'until')
    if was[1] and was[2] and tonumber(was[2]) > now then
      n = n + tonumber(was[1])
      if tonumber(was[2]) > tonumber(ends) then ends = was[2] end
    end
  end
  out[#out + 1] = n
  out[#out + 1] = ends
  if n > tonumber(ARGV[a + 2]) then break end
  k = k + 1 + older
end
return out
"""
# KEYS: a counter's names; takes one off the first that has a running count above zero.
_GIVE_BACK = """
for _, key in ipairs(KEYS) do
  local ends = tonumber(redis.call('HGET', key, 'until'))
  if ends and ends > tonumber(ARGV[1]) and tonumber(redis.call('HGET', key, 'n')) > 0 then
    redis.call('HINCRBY', key, 'n', -1)
    return 1
  end
end
return 0
"""


class RedisStore(CounterStore):
    """Counters in Redis (the production cache), one script call per hit."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self._hit_each = self.client.register_script(_HIT_EACH)
        self._give_back = self.client.register_script(_GIVE_BACK)

    def _key(self, key: str) -> str:
        return f"govid:limits:{key}"

    def hit(self, key: Key, window: int, now: float) -> Count:
        return self.hit_each([(key, window, NO_CEILING)], now)[0]

    def hit_each(self, counters: Sequence[tuple[Key, int, int]], now: float) -> list[Count]:
        if not counters:
            return []
        keys: list[str] = []
        args: list[Any] = [now]
        for key, window, ceiling in counters:
            first, *earlier = names(key)
            keys += [self._key(name) for name in (first, *earlier)]
            # repr: Python's exact float text, kept as the window's end
            args += [window, repr(now + window), ceiling, len(earlier)]
        flat = cast(list[Any], self._hit_each(keys=keys, args=args))
        return [Count(int(flat[i]), float(flat[i + 1])) for i in range(0, len(flat), 2)]

    def peek(self, key: Key, now: float) -> Count | None:
        pipe = self.client.pipeline(transaction=False)  # one round trip for every name
        for name in names(key):
            pipe.hmget(self._key(name), ["n", "until"])
        counts = [
            Count(int(n), float(until)) if n is not None and until is not None else None
            for n, until in cast(list[list[Any]], pipe.execute())
        ]
        return _total(c if c is not None and c.until > now else None for c in counts)

    def give_back(self, key: Key, now: float) -> None:
        self._give_back(keys=[self._key(name) for name in names(key)], args=[now])

    def reset(self, key: Key) -> None:
        self.client.delete(*(self._key(name) for name in names(key)))


def _redis_url() -> str | None:
    cache_conf = settings.CACHES.get("default", {})
    if str(cache_conf.get("BACKEND", "")).endswith("RedisCache"):
        location = cache_conf.get("LOCATION")
        return str(location[0] if isinstance(location, list | tuple) else location)
    return None


@cache
def get_store() -> CounterStore:
    """The configured store, built once per process."""
    kind = limit_settings().store
    url = _redis_url()
    if kind == "auto":
        kind = "redis" if url else "database"
    if kind == "redis":
        if not url:
            raise ImproperlyConfigured("GOVID_LIMITS_STORE=redis needs GOVID_REDIS_URL")
        return RedisStore(url)
    if kind == "database":
        return DatabaseStore()
    if kind == "memory":
        return MemoryStore()
    raise ImproperlyConfigured(f"GOVID_LIMITS_STORE: unknown store {kind!r}")


@receiver(setting_changed)
def _forget_store(**kwargs: object) -> None:
    if kwargs.get("setting") in ("GOVID_LIMITS", "CACHES"):
        get_store.cache_clear()
