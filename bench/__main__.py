"""python -m bench (make bench): every benchmark, one summary line each.

hash_bound is measured first and handed to the others (the ratios divide by it). Each
benchmark runs in its own process (its own Django settings, its own throwaway servers), within
a time limit. The machine's load is printed before and after: on a shared machine, numbers
taken while something else runs are worth little. ``python -m bench login_sql ...`` runs some.
"""

from __future__ import annotations

import os
import subprocess
import sys

from bench import hash_bound
from bench.machine import details, load_average

ORDER = {
    "server_floor": ["bench.servers"],  # each server's floor and logins, side by side
    "login_sql": ["bench.login", "login_sql"],
    "recovery_flow": ["bench.recovery"],
    "login_ldap": ["bench.login", "login_ldap"],
    "forgot_lookup": ["bench.lookup"],  # then lookup_1m on the same site
    "sms": ["bench.sms"],
}
LIMIT = 15 * 60  # seconds for any one benchmark, whatever happens


def main(wanted: list[str]) -> int:
    machine = details()
    print(
        f"machine: {machine['cpus']} cores {machine['cpu_model']}, "
        f"load average {' '.join(map(str, machine['load_average']))}",
        flush=True,
    )
    bound = hash_bound.main()
    env = {**os.environ, "BENCH_HASH_BOUND": str(bound)}
    failed = 0
    for name, module in ORDER.items():
        if wanted and name not in wanted:
            continue
        command = [sys.executable, "-m", *module]
        try:
            status = subprocess.run(command, env=env, timeout=LIMIT, check=False).returncode
        except subprocess.TimeoutExpired:
            print(f"{name}: stopped after {LIMIT} s", flush=True)
            status = 1
        failed += status != 0
    print(f"load average after: {' '.join(map(str, load_average()))}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
