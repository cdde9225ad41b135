"""The machine a benchmark ran on, CPU time of processes, and the JSON results in bench/results/."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import platform
import subprocess
import time
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def details() -> dict[str, Any]:
    """What the numbers depend on: cores, CPU, memory, OS, Python, the servers' and libraries'
    versions, the code's commit, and the load at the time."""
    memory = ""
    with contextlib.suppress(OSError):
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory": memory,
        "os": _os_name(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions(),
        "git": git_commit(),
        "load_average": load_average(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


# Python packages whose speed the numbers measure (the servers, the hash, the drivers).
PACKAGES = (
    "django",
    "granian",
    "gunicorn",
    "psycopg",
    "redis",
    "argon2-cffi",
    "django-tasks",
    "django-tasks-db",
    "python-ldap",
    "smpplib",
)
# Debian packages of the servers the benchmarks start (and of the load generator).
DEBIAN = ("redis-server", "slapd", "kannel", "wrk")


def _output(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def versions() -> dict[str, str]:
    """Each package's version ("" where it is missing)."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = ""
    postgres = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    found["postgresql"] = _output([postgres[-1], "--version"]) if postgres else ""
    for package in DEBIAN:
        found[package] = _output(["dpkg-query", "-W", "-f=${Version}", package])
    return found


def git_commit() -> dict[str, Any]:
    """The commit measured, and whether the working tree differed from it."""
    root = str(RESULTS.parent.parent)
    return {
        "commit": _output(["git", "-C", root, "rev-parse", "HEAD"]),
        "changed_files": len(_output(["git", "-C", root, "status", "--porcelain"]).splitlines()),
    }


def _os_name() -> str:
    with contextlib.suppress(OSError):
        for text in Path("/etc/os-release").read_text().splitlines():
            if text.startswith("PRETTY_NAME="):
                return text.split("=", 1)[1].strip('"')
    return platform.system()


def write_result(name: str, results: dict[str, Any], *, machine: dict[str, Any]) -> Path:
    """bench/results/<name>.json: the machine (and its load after the run) and the numbers."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    machine = {**machine, "load_average_after": load_average()}
    path.write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")
    return path


def children_of(pid: int) -> list[int]:
    """``pid`` and all its descendants that are alive now."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, ppid in parents.items() if ppid == parent]
        found += kids
        frontier += kids
    return found


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time the processes have used so far (those still alive)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def busy_seconds() -> float:
    """CPU time the whole machine spent outside idle so far (every core, every process)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / TICKS
