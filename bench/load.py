"""The load generator: Debian's wrk (C, one event loop per thread) driven by a small Lua script.

wrk is the lightest client at hand: it costs the server far less CPU than any Python client
would on the same two cores, and what it does cost is measured (``client_cpu_s``) and reported
beside each result. Each wrk thread holds one connection and plays one person (one virtual
user); the Lua scripts in bench/lua/ do the page-by-page logic and time each operation.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.machine import busy_seconds

LUA = Path(__file__).resolve().parent / "lua"


@dataclass(frozen=True)
class Run:
    """What one wrk run measured: operations completed, their latencies, CPU spent."""

    done: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    client_cpu_s: float
    server_cpu_s: float
    machine_busy_s: float

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        values = sorted(self.latencies_ms)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(q / 100 * len(values)))]

    def summary(self) -> dict[str, Any]:
        return {
            "operations": self.done,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "per_s": round(self.rate, 2),
            "p50_ms": round(self.percentile(50), 2),
            "p90_ms": round(self.percentile(90), 2),
            "p99_ms": round(self.percentile(99), 2),
            "max_ms": round(max(self.latencies_ms, default=float("nan")), 2),
            # Where the CPU went during the run, in cores: the load generator, govid's
            # processes, and the whole machine (PostgreSQL, Redis, slapd and others included).
            "client_cores": round(self.client_cpu_s / self.seconds, 3),
            "server_cores": round(self.server_cpu_s / self.seconds, 3),
            "machine_busy_cores": round(self.machine_busy_s / self.seconds, 3),
            "server_cpu_ms_per_op": round(1000 * self.server_cpu_s / self.done, 3)
            if self.done
            else None,
        }


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is missing: `make bench` installs Debian's wrk")
    return found


def run_wrk(
    script: str,
    url: str,
    *,
    connections: int,
    seconds: float,
    server_cpu: Any,
    rate: float | None = None,
    **variables: str | int,
) -> Run:
    """wrk with bench/lua/<script>.lua, one thread per connection, for ``seconds``.

    ``rate`` paces operations (all threads together); ``server_cpu()`` reads the CPU seconds
    the server has used so far, read before and after.
    """
    env = {
        **os.environ,
        "BENCH_LUA_DIR": str(LUA),
        "BENCH_THREADS": str(connections),
        "BENCH_RATE": str(rate or ""),
        **{key: str(value) for key, value in variables.items()},
    }
    command = [
        wrk_binary(),
        f"--threads={connections}",
        f"--connections={connections}",
        f"--duration={int(seconds)}s",
        "--timeout=10s",
        f"--script={LUA / script}.lua",
        url,
    ]
    before_client = resource.getrusage(resource.RUSAGE_CHILDREN)
    before_server, before_busy = server_cpu(), busy_seconds()
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    after_server, after_busy = server_cpu(), busy_seconds()
    after_client = resource.getrusage(resource.RUSAGE_CHILDREN)
    if finished.returncode != 0:
        raise RuntimeError(f"wrk failed: {finished.stderr or finished.stdout}")
    line = next((x for x in finished.stdout.splitlines() if x.startswith("BENCH_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{finished.stdout}\n{finished.stderr}")
    data = json.loads(line.removeprefix("BENCH_RESULT "))
    client = (after_client.ru_utime + after_client.ru_stime) - (
        before_client.ru_utime + before_client.ru_stime
    )
    return Run(
        done=sum(t["done"] for t in data["threads"]),
        errors=sum(t["errors"] for t in data["threads"]),
        seconds=data["duration_us"] / 1e6,
        latencies_ms=[v for t in data["threads"] for v in t["latencies"]],
        client_cpu_s=client,
        server_cpu_s=after_server - before_server,
        machine_busy_s=after_busy - before_busy,
    )
