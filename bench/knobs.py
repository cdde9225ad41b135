"""How long and how big each benchmark runs: full by default, every line briefly with
GOVID_BENCH_QUICK=1 (a smoke test of the benchmarks themselves: its numbers mean nothing).

Each value can also be set alone from the environment (``BENCH_SECONDS=5``).
"""

from __future__ import annotations

import os

QUICK = os.environ.get("GOVID_BENCH_QUICK", "").strip().lower() not in ("", "0", "false", "no")


def number(name: str, full: float, quick: float) -> float:
    """``$name`` if set, else ``full`` (``quick`` under GOVID_BENCH_QUICK)."""
    given = os.environ.get(name, "").strip()
    return float(given) if given else (quick if QUICK else full)


def count(name: str, full: int, quick: int) -> int:
    return int(number(name, full, quick))


SECONDS = number("BENCH_SECONDS", 20, 1)  # each measurement (wrk counts whole seconds)
WARM_UP = number("BENCH_WARM_UP", 3, 1)  # seconds of load before each measurement
HASH_SECONDS = number("BENCH_HASH_SECONDS", 10, 1)
CONCURRENCY = count("BENCH_CONCURRENCY", 4 * (os.cpu_count() or 1), 4)
ACCOUNTS = count("BENCH_ACCOUNTS", 2000, 100)  # logins, lookups
MILLION = count("BENCH_MILLION", 1_000_000, 1000)  # lookup_1m's accounts
RECOVERY_USERS = count("BENCH_RECOVERY_USERS", 24, 4)
RECOVERY_ACCOUNTS = count("BENCH_RECOVERY_ACCOUNTS", 4000, 200)
SMS_COUNT = count("BENCH_SMS_COUNT", 2000, 40)  # messages per SMS measurement
