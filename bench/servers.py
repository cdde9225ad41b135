"""server_floor and server_login: the web servers side by side, in one run, on one site.

The same production-shape site (PostgreSQL, Redis, the SMS worker) is served in turn by each
server of ``bench.site.SERVERS`` with the same processes and threads: production's
(deploy/serve.py, granian) and the former gunicorn configuration. For each: the request floor
(/healthz through the whole middleware) and full logins at the same concurrency. The winner is
what `make run`, systemd and the browser tests start. Prints:

    server_floor: gunicorn N req/s (server CPU X ms per request) | the baseline of granian's
    server_floor: granian N req/s (server CPU X ms per request; production) | ratio R of gunicorn
    server_login: gunicorn N/s p99 Y ms | ratio R of hash_bound
    server_login: granian N/s p99 Y ms (Q of gunicorn's) | ratio R of hash_bound
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench import hash_bound, report
from bench.knobs import ACCOUNTS, CONCURRENCY, SECONDS, WARM_UP
from bench.load import Run, run_wrk
from bench.login import SUCCESS, add_users
from bench.lookup import request_floor
from bench.machine import details, write_result
from bench.site import (
    PASSWORD,
    PRODUCTION,
    ROOT,
    SERVERS,
    Site,
    add_sql_accounts,
    production_site,
    serve,
    start_web,
    stop_web,
)

# The former server first: production's is printed with its ratio to it.
ORDER = sorted(SERVERS, key=lambda name: name == PRODUCTION)


def logins(site: Site, seconds: float) -> Run:
    return run_wrk(
        "login",
        site.url,
        connections=CONCURRENCY,
        seconds=seconds,
        server_cpu=site.server_cpu,
        BENCH_ACCOUNTS=ACCOUNTS,
        BENCH_PASSWORD=PASSWORD,
        BENCH_SUCCESS=SUCCESS,
    )


def main() -> None:
    bound = hash_bound.known_or_measured()
    machine = details()
    floors: dict[str, Run] = {}
    logged: dict[str, Run] = {}
    with (
        tempfile.TemporaryDirectory(prefix="govid-bench-") as tmp,
        production_site(Path(tmp)) as site,
    ):
        add_sql_accounts(ACCOUNTS)
        add_users(ACCOUNTS)
        for n, server in enumerate(ORDER):
            if n == 0:
                serve(site, server)
            else:
                stop_web(site)
                start_web(site, ROOT, server)
            request_floor(site, seconds=WARM_UP)
            floors[server] = request_floor(site, seconds=SECONDS)
            logins(site, WARM_UP)
            logged[server] = logins(site, SECONDS)
    base = ORDER[0]
    result: dict[str, Any] = {"concurrency": CONCURRENCY, "hash_bound": bound, "servers": {}}
    for server in ORDER:
        floor, login = floors[server], logged[server]
        cpu = floor.summary()["server_cpu_ms_per_op"]
        served = f"server CPU {cpu:.2f} ms per request" + (
            "; production" if server == PRODUCTION else ""
        )
        ratio: float | None = floor.rate / floors[base].rate
        of = f"{base} ({floors[base].rate:.0f} req/s)"
        if server == base:
            ratio, of = None, f"the baseline of {', '.join(x for x in ORDER if x != base)}"
        report.line(
            "server_floor", f"{server} {floor.rate:.0f} req/s", detail=served, ratio=ratio, of=of
        )
        result["servers"][server] = {
            "command": " ".join(Path(part).name for part in SERVERS[server][1:]),
            "floor": floor.summary(),
            "login": login.summary(),
            "floor_ratio_of_" + base: round(floor.rate / floors[base].rate, 3),
            "login_ratio_of_hash_bound": round(login.rate / bound, 3),
        }
    for server in ORDER:
        login = logged[server]
        vs = f"{login.rate / logged[base].rate:.2f} of {base}'s" if server != base else ""
        report.line(
            "server_login",
            f"{server} {login.rate:.0f}/s p99 {login.percentile(99):.0f} ms",
            detail=vs,
            ratio=login.rate / bound,
            of=f"hash_bound ({bound:.0f} verifies/s)",
        )
    result["production"] = PRODUCTION
    write_result("server_floor", result, machine=machine)


if __name__ == "__main__":
    main()
