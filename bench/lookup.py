"""forgot_lookup and lookup_1m: the recovery's step 2, the lookup of an account, alone.

forgot_lookup: new visitors POST an account name to the forgot page (with the CSRF token the
page gave them) and get the redirect to the masked phone, at a fixed concurrency.
lookup_1m: the same site with 1,000,000 accounts in PostgreSQL; the lookup through HTTP one at
a time (what one person waits), and the directory's own lookup measured in this process.
The forgot page answers every lookup after a fixed time (GOVID_LIMITS_LOOKUP_TIME_MS, against
enumeration by timing): a wait, not work, that caps a process at threads / floor answers per
second whatever the lookup costs. These lines measure the lookup's own cost, so the site runs
with that floor off, and say so. Before them, on the same site and at the same concurrency,
request_floor: /healthz, a view that does nothing, through the same server and middleware:
what any request costs here before govid does anything, the baseline of forgot_lookup's ratio.
lookup_1m's baseline is the same one-at-a-time lookup on the first ACCOUNTS, measured on the
same site before the million are added. Prints:

    request_floor: N req/s (server CPU X ms per request) | the baseline of forgot_lookup
    forgot_lookup: N req/s p99 Y ms (answer-time floor off) | ratio R of request_floor |
        target >= 1200 req/s; target ratio >= 0.6
    lookup_1m: p99 X ms (directory alone p99 Y ms) | ratio R of the same at ACCOUNTS accounts
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import knobs, report
from bench.knobs import ACCOUNTS, MILLION, SECONDS, WARM_UP
from bench.knobs import CONCURRENCY as DEFAULT_CONCURRENCY
from bench.load import run_wrk
from bench.machine import details, write_result
from bench.site import Site, account_login, add_sql_accounts, production_site, serve

CONCURRENCY = int(os.environ.get("BENCH_LOOKUP_CONCURRENCY", str(DEFAULT_CONCURRENCY)))
SAMPLES = knobs.count("BENCH_LOOKUP_SAMPLES", 20_000, 200)  # directory lookups in-process
TARGET_RATE = 1200  # forgot_lookup's requests a second...
TARGET_RATIO = 0.6  # ...and its ratio of request_floor
SUCCESS = "/quen-mat-khau/so-dien-thoai/"
NO_FLOOR = {"GOVID_LIMITS_LOOKUP_TIME_MS": "0"}


def lookups(site: Site, *, connections: int, seconds: float, accounts: int) -> Any:
    return run_wrk(
        "lookup",
        site.url,
        connections=connections,
        seconds=seconds,
        server_cpu=site.server_cpu,
        BENCH_ACCOUNTS=accounts,
        BENCH_PATH="/quen-mat-khau/",
        BENCH_SUCCESS=SUCCESS,
    )


def request_floor(site: Site, *, seconds: float) -> Any:
    return run_wrk(
        "plain",
        site.url,
        connections=CONCURRENCY,
        seconds=seconds,
        server_cpu=site.server_cpu,
        BENCH_PATH="/healthz",
    )


def directory_lookups(accounts: int) -> dict[str, Any]:
    """SqlDirectory.find for random accounts, one after another, in this process."""
    from govid.directory import get_directory

    directory = get_directory()
    picks = [account_login(random.randrange(accounts)) for _ in range(SAMPLES)]
    times = []
    for login in picks:
        started = time.perf_counter()
        found = directory.find(login)
        times.append(1000 * (time.perf_counter() - started))
        assert found is not None
    times.sort()
    return {
        "samples": SAMPLES,
        "p50_ms": round(times[SAMPLES // 2], 3),
        "p99_ms": round(times[int(0.99 * SAMPLES)], 3),
        "max_ms": round(times[-1], 3),
    }


def main() -> None:
    machine = details()
    with (
        tempfile.TemporaryDirectory(prefix="govid-bench-") as tmp,
        production_site(Path(tmp), extra_env=NO_FLOOR) as site,
    ):
        add_sql_accounts(ACCOUNTS)
        serve(site)
        request_floor(site, seconds=WARM_UP)
        floor = request_floor(site, seconds=SECONDS)
        floor_cpu = floor.summary()["server_cpu_ms_per_op"]
        report.line(
            "request_floor",
            f"{floor.rate:.0f} req/s",
            detail=f"server CPU {floor_cpu:.2f} ms per request",
            of="the baseline of forgot_lookup",
        )
        write_result(
            "request_floor",
            {"concurrency": CONCURRENCY, "path": "/healthz", **floor.summary()},
            machine=machine,
        )
        lookups(site, connections=CONCURRENCY, seconds=WARM_UP, accounts=ACCOUNTS)
        full = lookups(site, connections=CONCURRENCY, seconds=SECONDS, accounts=ACCOUNTS)
        ratio = full.rate / floor.rate
        report.line(
            "forgot_lookup",
            f"{full.rate:.0f} req/s p99 {full.percentile(99):.1f} ms",
            detail=f"answer-time floor off; server CPU "
            f"{full.summary()['server_cpu_ms_per_op']:.2f} ms per lookup",
            ratio=ratio,
            of=f"request_floor ({floor.rate:.0f} req/s)",
            targets=[
                report.at_least(full.rate, TARGET_RATE, f">= {TARGET_RATE} req/s"),
                report.at_least(ratio, TARGET_RATIO, f"ratio >= {TARGET_RATIO}"),
            ],
        )
        write_result(
            "forgot_lookup",
            {
                "concurrency": CONCURRENCY,
                "accounts": ACCOUNTS,
                **NO_FLOOR,
                **full.summary(),
                "request_floor_per_s": round(floor.rate, 2),
                "ratio_of_request_floor": round(ratio, 3),
            },
            machine=machine,
        )
        machine = details()
        one_at_a_time = min(SECONDS, 10)
        few = lookups(site, connections=1, seconds=one_at_a_time, accounts=ACCOUNTS)
        started = time.perf_counter()
        add_sql_accounts(MILLION)
        loaded = time.perf_counter() - started
        one = lookups(site, connections=1, seconds=one_at_a_time, accounts=MILLION)
        alone = directory_lookups(MILLION)
    report.line(
        "lookup_1m",
        f"p99 {one.percentile(99):.1f} ms",
        detail=f"{MILLION} accounts; directory alone p99 {alone['p99_ms']:.2f} ms; "
        "answer-time floor off",
        ratio=one.percentile(99) / few.percentile(99),
        of=f"the same at {ACCOUNTS} accounts (p99 {few.percentile(99):.1f} ms)",
    )
    write_result(
        "lookup_1m",
        {
            "accounts": MILLION,
            "load_seconds": round(loaded, 1),
            "http_one_at_a_time": one.summary(),
            "http_one_at_a_time_few_accounts": {"accounts": ACCOUNTS, **few.summary()},
            "directory_alone": alone,
        },
        machine=machine,
    )


if __name__ == "__main__":
    main()
