"""Counter stores: atomic fixed-window counters that every process and instance shares.

Each ``hit`` adds one in a single atomic step and returns the count with the window's end, so
concurrent requests can never both see "one left": Redis runs a script (one command, atomic),
the database runs one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` statement (SQLite
3.35+ and PostgreSQL), which Django's database cache (a read, then a write) is not. Time is
``clock.now()``, so tests move windows with the frozen clock on every store.
"""

from __future__ import annotations

import abc
import random
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import connection
from django.db.models import F
from django.dispatch import receiver

from govid.limits.conf import limit_settings
from govid.limits.models import Counter

PRUNE_ONE_IN = 1000  # expired rows are deleted on about one hit in this many
NO_CEILING = 2**53  # a count never gets there


@dataclass(frozen=True)
class Count:
    """A window's count so far and when it ends (epoch seconds)."""

    n: int
    until: float


class CounterStore(abc.ABC):
    @abc.abstractmethod
    def hit(self, key: str, window: int, now: float) -> Count:
        """Add one to ``key``'s window (a new one of ``window`` s if none is running)."""

    def hit_each(self, counters: list[tuple[str, int, int]], now: float) -> list[Count]:
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
    def peek(self, key: str, now: float) -> Count | None:
        """The running window's count, without adding one; None if no window runs."""

    @abc.abstractmethod
    def give_back(self, key: str, now: float) -> None:
        """Take one off the running window of ``key`` (never below zero)."""

    @abc.abstractmethod
    def reset(self, key: str) -> None:
        """Forget ``key``'s window."""


class MemoryStore(CounterStore):
    """One process's counters, for tests and single-process tools."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, Count] = {}

    def hit(self, key: str, window: int, now: float) -> Count:
        with self._lock:
            current = self._counts.get(key)
            if current is None or current.until <= now:
                current = Count(0, now + window)
            self._counts[key] = Count(current.n + 1, current.until)
            return self._counts[key]

    def peek(self, key: str, now: float) -> Count | None:
        with self._lock:
            current = self._counts.get(key)
        return current if current is not None and current.until > now else None

    def give_back(self, key: str, now: float) -> None:
        with self._lock:
            current = self._counts.get(key)
            if current is not None and current.until > now and current.n > 0:
                self._counts[key] = Count(current.n - 1, current.until)

    def reset(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class DatabaseStore(CounterStore):
    """Counters in the ``limits_counter`` table, one upsert per hit."""

    def hit(self, key: str, window: int, now: float) -> Count:
        table = connection.ops.quote_name(Counter._meta.db_table)
        # Both CASEs read the row as it was before this statement (SQL's rule for SET).
        sql = (
            f"INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT (key) DO UPDATE SET "
            f"count = CASE WHEN {table}.expires_at <= %s THEN 1 ELSE {table}.count + 1 END, "
            f"expires_at = CASE WHEN {table}.expires_at <= %s "
            f"THEN excluded.expires_at ELSE {table}.expires_at END "
            f"RETURNING count, expires_at"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, now + window, now, now])
            count, until = cursor.fetchone()
        if random.randrange(PRUNE_ONE_IN) == 0:  # noqa: S311  (not a secret)
            Counter.objects.filter(expires_at__lt=now).delete()
        return Count(int(count), float(until))

    def peek(self, key: str, now: float) -> Count | None:
        row = Counter.objects.filter(key=key, expires_at__gt=now).first()
        return Count(row.count, row.expires_at) if row else None

    def give_back(self, key: str, now: float) -> None:
        Counter.objects.filter(key=key, expires_at__gt=now, count__gt=0).update(
            count=F("count") - 1
        )

    def reset(self, key: str) -> None:
        Counter.objects.filter(key=key).delete()


# KEYS: the counters, hit in order; ARGV: now, then each counter's window, the window's end as
# Python wrote it, and ceiling. Each hash keeps the count and the window's end in govid's
# clock; the key's own expiry (real time) only collects it once it is over. Stops after the
# first counter past its ceiling. Returns n, end, n, end, ... of the counters it hit.
_HIT_EACH = """
local now = tonumber(ARGV[1])
local out = {}
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[3 * i - 1])
  local ends = redis.call('HGET', key, 'until')
  local n
  if (not ends) or tonumber(ends) <= now then
    n = 1
    ends = ARGV[3 * i]
    redis.call('HSET', key, 'n', 1, 'until', ends)
    redis.call('EXPIRE', key, math.ceil(window) + 60)
  else
    n = redis.call('HINCRBY', key, 'n', 1)
  end
  out[#out + 1] = n
  out[#out + 1] = ends
  if n > tonumber(ARGV[3 * i + 1]) then break end
end
return out
"""
_GIVE_BACK = """
local ends = tonumber(redis.call('HGET', KEYS[1], 'until'))
if ends and ends > tonumber(ARGV[1]) and tonumber(redis.call('HGET', KEYS[1], 'n')) > 0 then
  redis.call('HINCRBY', KEYS[1], 'n', -1)
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

    def hit(self, key: str, window: int, now: float) -> Count:
        return self.hit_each([(key, window, NO_CEILING)], now)[0]

    def hit_each(self, counters: list[tuple[str, int, int]], now: float) -> list[Count]:
        if not counters:
            return []
        args: list[Any] = [now]
        for _key, window, ceiling in counters:
            # repr: Python's exact float text, kept as the window's end
            args += [window, repr(now + window), ceiling]
        keys = [self._key(key) for key, _window, _ceiling in counters]
        flat = cast(list[Any], self._hit_each(keys=keys, args=args))
        return [Count(int(flat[i]), float(flat[i + 1])) for i in range(0, len(flat), 2)]

    def peek(self, key: str, now: float) -> Count | None:
        values = cast(list[Any], self.client.hmget(self._key(key), ["n", "until"]))
        if values[0] is None or values[1] is None or float(values[1]) <= now:
            return None
        return Count(int(values[0]), float(values[1]))

    def give_back(self, key: str, now: float) -> None:
        self._give_back(keys=[self._key(key)], args=[now])

    def reset(self, key: str) -> None:
        self.client.delete(self._key(key))


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
