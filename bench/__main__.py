"""python -m bench (make bench): every benchmark, one summary line each, then the table.

hash_bound is measured first and handed to the others (the ratios divide by it). Each
benchmark runs in its own process (its own Django settings, its own throwaway servers), within
a time limit. The machine's load is printed before and after: on a shared machine, numbers
taken while something else runs are worth little. ``python -m bench login_sql ...`` runs some;
GOVID_BENCH_QUICK=1 runs every line briefly (a smoke test: its numbers mean nothing).

At the end: the table of every line the issue asks for (MISSING where a benchmark failed),
and bench/results/run-<time>.json with the machine, the lines and each benchmark's numbers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import hash_bound, knobs
from bench.machine import RESULTS, details, load_average
from bench.report import recorded, table

ORDER = {
    "server_floor": ["bench.servers"],  # each server's floor and logins, side by side
    "login_sql": ["bench.login", "login_sql"],
    "recovery_flow": ["bench.recovery"],  # and code_latency
    "login_ldap": ["bench.login", "login_ldap"],  # after ldap_bind, its baseline
    "forgot_lookup": ["bench.lookup"],  # after request_floor; then lookup_1m on the same site
    "sms": ["bench.sms"],  # sms_kannel and sms_smpp
}
# The lines each benchmark prints (``python -m bench NAME`` takes any of them).
LINES = {
    "server_floor": ["server_floor", "server_login"],
    "login_sql": ["login_sql"],
    "recovery_flow": ["recovery_flow", "code_latency"],
    "login_ldap": ["ldap_bind", "login_ldap"],
    "forgot_lookup": ["request_floor", "forgot_lookup", "lookup_1m"],
    "sms": ["sms_kannel", "sms_smpp"],
}
LIMIT = 15 * 60  # seconds for any one benchmark, whatever happens


def chosen(wanted: list[str]) -> list[str]:
    """The benchmarks to run for the names given (benchmarks or their lines; none: all)."""
    unknown = set(wanted) - set(LINES) - {x for names in LINES.values() for x in names}
    if unknown - {"hash_bound"}:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    return [name for name, lines in LINES.items() if not wanted or {name, *lines} & set(wanted)]


def main(wanted: list[str]) -> int:
    benchmarks = chosen(wanted)
    machine = details()
    started = time.time()
    print(
        f"machine: {machine['cpus']} cores {machine['cpu_model']}, {machine['memory']}, "
        f"load average {' '.join(map(str, machine['load_average']))}"
        + (
            " (GOVID_BENCH_QUICK: every line briefly, the numbers mean nothing)"
            if knobs.QUICK
            else ""
        ),
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="govid-bench-lines-") as tmp:
        lines_file = Path(tmp) / "lines.jsonl"
        os.environ["BENCH_LINES"] = str(lines_file)
        bound = hash_bound.main()
        env = {**os.environ, "BENCH_HASH_BOUND": str(bound)}
        failed = 0
        for name in benchmarks:
            command = [sys.executable, "-m", *ORDER[name]]
            try:
                status = subprocess.run(command, env=env, timeout=LIMIT, check=False).returncode
            except subprocess.TimeoutExpired:
                print(f"{name}: stopped after {LIMIT} s", flush=True)
                status = 1
            failed += status != 0
        lines = recorded(lines_file)
    # The same bound again: on a shared machine the load may have changed meanwhile (a ratio of
    # hash_bound above 1 says the first was taken on a busier machine than the line itself).
    again = hash_bound.measure()["verifies_per_s"]
    print(
        f"hash_bound again at the end: {again:.0f} verifies/s (the ratios divide by the first, "
        f"{bound:.0f}); load average after: {' '.join(map(str, load_average()))}",
        flush=True,
    )
    expected = ["hash_bound", *(x for name in benchmarks for x in LINES[name])]
    print("\n" + table(lines, expected), flush=True)
    path = write_run(machine, lines, since=started, hash_bound_at_end=again)
    print(f"\nresults: {path.relative_to(RESULTS.parent.parent)}", flush=True)
    missing = set(expected) - {x.name for x in lines}
    return 1 if failed or missing else 0


def write_run(
    machine: dict[str, Any], lines: list[Any], *, since: float, hash_bound_at_end: float
) -> Path:
    """bench/results/run-<UTC time>.json: this run's machine, lines and every benchmark's file."""
    from dataclasses import asdict

    RESULTS.mkdir(exist_ok=True)
    files = {
        path.stem: json.loads(path.read_text())
        for path in sorted(RESULTS.glob("*.json"))
        if not path.name.startswith("run-") and path.stat().st_mtime >= since
    }
    path = RESULTS / time.strftime("run-%Y%m%dT%H%M%SZ.json", time.gmtime(since))
    run = {
        "machine": {**machine, "load_average_after": load_average()},
        "quick": knobs.QUICK,
        "lines": [asdict(x) for x in lines],
        "hash_bound_at_end": hash_bound_at_end,
        "results": {name: data["results"] for name, data in files.items()},
    }
    path.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
