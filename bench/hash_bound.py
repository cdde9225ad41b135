"""hash_bound: the ceiling the password hash sets on logins, on this machine, now.

One process per core does nothing but verify an Argon2id hash made with the parameters the SQL
directory uses (govid.passwords.hashers.OwaspArgon2idHasher); the sum of their rates is the
most logins per second any server could reach here if a login cost only its hash. Prints:

    hash_bound: N verifies/s (X ms each, P processes) | the baseline of login_sql, recovery_flow
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from typing import Any

from bench import knobs, report
from bench.machine import details, write_result

SECONDS = knobs.HASH_SECONDS
PASSWORD = "Demo@2026"


def _hasher() -> Any:
    import argon2

    from govid.passwords.hashers import OwaspArgon2idHasher as Deployed

    return argon2.PasswordHasher(
        time_cost=Deployed.time_cost,
        memory_cost=Deployed.memory_cost,
        parallelism=Deployed.parallelism,
        type=argon2.Type.ID,
    )


def _verify_for(seconds: float, encoded: str, start_at: float, out: Any) -> None:
    hasher = _hasher()
    while time.time() < start_at:  # every process starts together
        time.sleep(0.001)
    end = time.perf_counter() + seconds
    done = 0
    while time.perf_counter() < end:
        hasher.verify(encoded, PASSWORD)
        done += 1
    out.put(done)


def measure(seconds: float = SECONDS) -> dict[str, Any]:
    """Verifies per second with one process per core, all running at once."""
    cores = os.cpu_count() or 1
    encoded = _hasher().hash(PASSWORD)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start_at = time.time() + 0.5
    processes = [
        context.Process(target=_verify_for, args=(seconds, encoded, start_at, queue))
        for _ in range(cores)
    ]
    for process in processes:
        process.start()
    counts = [queue.get(timeout=seconds + 60) for _ in processes]
    for process in processes:
        process.join()
    rate = sum(counts) / seconds
    return {
        "verifies_per_s": rate,
        "processes": cores,
        "seconds": seconds,
        "ms_per_verify": 1000 * cores / rate if rate else None,
        "parameters": encoded.rsplit("$", 2)[0],  # $argon2id$v=19$m=...,t=...,p=...
    }


def main() -> float:
    machine = details()
    result = measure()
    report.line(
        "hash_bound",
        f"{result['verifies_per_s']:.0f} verifies/s",
        detail=f"{result['ms_per_verify']:.1f} ms each, {result['processes']} processes at once",
        of="the baseline of login_sql, recovery_flow",
    )
    write_result("hash_bound", result, machine=machine)
    return float(result["verifies_per_s"])


def known_or_measured() -> float:
    """The hash_bound of this run (set by ``python -m bench``), or measured now."""
    given = os.environ.get("BENCH_HASH_BOUND")
    return float(given) if given else main()


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
