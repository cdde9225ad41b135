"""One contract for every counter store: memory, the database, and a real Redis."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.db import connection

from govid.limits.store import CounterStore, DatabaseStore, MemoryStore, RedisStore
from tests.servers.redis import RedisServer, redis

NOW = 1_800_000_000.0


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with redis() as server:
        yield server


@pytest.fixture(params=["memory", "database", "redis"])
def store(request, transactional_db) -> Iterator[CounterStore]:
    if request.param == "memory":
        yield MemoryStore()
    elif request.param == "database":
        yield DatabaseStore()
    else:
        server = request.getfixturevalue("redis_server")
        store = RedisStore(server.url(3))
        store.client.flushdb()
        yield store
        store.client.close()


def test_hits_count_up_within_one_window(store):
    counts = [store.hit("k", 60, NOW + i) for i in range(3)]
    assert [c.n for c in counts] == [1, 2, 3]
    assert {c.until for c in counts} == {NOW + 60}  # a fixed window: later hits do not extend it
    assert store.peek("k", NOW + 10) == counts[-1]


def test_a_new_window_starts_once_the_last_one_ended(store):
    store.hit("k", 60, NOW)
    store.hit("k", 60, NOW + 1)
    again = store.hit("k", 60, NOW + 60)
    assert (again.n, again.until) == (1, NOW + 120)
    assert store.peek("k", NOW + 200) is None


def test_keys_are_counted_apart(store):
    store.hit("a", 60, NOW)
    assert store.hit("b", 60, NOW).n == 1
    assert store.peek("never", NOW) is None


def test_hit_each_counts_in_order_and_stops_after_the_first_past_its_ceiling(store):
    """One call for every scope of a step: a refused address spends no account's budget."""
    first = store.hit_each([("ip", 60, 2), ("account", 600, 5)], NOW)
    assert [(c.n, c.until) for c in first] == [(1, NOW + 60), (1, NOW + 600)]
    store.hit_each([("ip", 60, 2), ("account", 600, 5)], NOW + 1)
    refused = store.hit_each([("ip", 60, 2), ("account", 600, 5)], NOW + 2)
    assert [c.n for c in refused] == [3]  # the address is past 2: the account is not touched
    assert store.peek("account", NOW + 2).n == 2
    later = store.hit_each([("ip", 60, 2), ("account", 600, 5)], NOW + 60)  # a new ip window
    assert [(c.n, c.until) for c in later] == [(1, NOW + 120), (3, NOW + 600)]
    assert store.hit_each([], NOW) == []


def test_give_back_takes_one_off_but_never_below_zero(store):
    store.hit("k", 60, NOW)
    store.hit("k", 60, NOW)
    store.give_back("k", NOW + 1)
    assert store.peek("k", NOW + 1).n == 1
    store.give_back("k", NOW + 1)
    store.give_back("k", NOW + 1)
    assert store.peek("k", NOW + 1).n == 0
    store.give_back("gone", NOW)  # nothing to give back: no error
    assert store.peek("gone", NOW) is None


def test_reset_forgets_the_window(store):
    store.hit("k", 60, NOW)
    store.reset("k")
    assert store.peek("k", NOW) is None
    assert store.hit("k", 60, NOW).n == 1


def test_concurrent_hits_never_see_the_same_count(store):
    """The reason for the stores: eight threads, each count handed out exactly once."""
    seen: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = [store.hit("race", 600, NOW).n for _ in range(25)]
        with lock:
            seen.extend(mine)
        connection.close()  # each thread's own database connection

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 201))
