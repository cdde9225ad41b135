"""The lines `make bench` prints, all in one shape, and the run's record of them.

    name: value (details) | ratio R of BASELINE (its value) | target T: met

A ratio divides by a baseline measured in the same run, on the same machine; a target is the
one the benchmark's issue set. Each benchmark runs in a process of its own: under
``python -m bench`` every line is also appended, as one JSON object, to the file named by
BENCH_LINES, from which the run's summary table and bench/results/run-*.json are made.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# The lines `make bench` must print (the list, and the baselines they divide by).
EXPECTED = [
    "hash_bound",
    "server_floor",
    "server_login",
    "login_sql",
    "recovery_flow",
    "code_latency",
    "ldap_bind",
    "login_ldap",
    "request_floor",
    "forgot_lookup",
    "lookup_1m",
    "sms_kannel",
    "sms_smpp",
]


@dataclass(frozen=True)
class Target:
    text: str  # what the issue asks, e.g. "ratio >= 0.85"
    met: bool

    def __str__(self) -> str:
        return f"target {self.text}: {'met' if self.met else 'NOT met'}"


def at_least(value: float, floor: float, text: str) -> Target:
    return Target(text, value >= floor)


def below(value: float, ceiling: float, text: str) -> Target:
    return Target(text, value < ceiling)


@dataclass(frozen=True)
class Line:
    name: str
    value: str  # the measurement, short: "34/s p99 357 ms"
    detail: str = ""  # more of it, printed after the value
    ratio: float | None = None
    of: str = ""  # the baseline and its value: "hash_bound (42 verifies/s)"
    targets: tuple[Target, ...] = ()

    def __str__(self) -> str:
        parts = [f"{self.name}: {self.value}" + (f" ({self.detail})" if self.detail else "")]
        if self.ratio is not None:
            parts.append(f"ratio {self.ratio:.2f} of {self.of}")
        elif self.of:
            parts.append(self.of)  # a baseline says what it is the baseline of
        parts += [str(target) for target in self.targets]
        return " | ".join(parts)


def line(
    name: str,
    value: str,
    *,
    detail: str = "",
    ratio: float | None = None,
    of: str = "",
    targets: tuple[Target, ...] | list[Target] = (),
) -> Line:
    """Print one benchmark line (and note it for the run's summary)."""
    printed = Line(name, value, detail, ratio, of, tuple(targets))
    print(printed, flush=True)
    record = os.environ.get("BENCH_LINES")
    if record:
        with open(record, "a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(printed), ensure_ascii=False) + "\n")
    return printed


def recorded(path: Path) -> list[Line]:
    """The lines noted in ``path`` during the run."""
    if not path.exists():
        return []
    lines = []
    for text in path.read_text(encoding="utf-8").splitlines():
        data: dict[str, Any] = json.loads(text)
        data["targets"] = tuple(Target(**t) for t in data["targets"])
        lines.append(Line(**data))
    return lines


def table(lines: list[Line], expected: list[str] = EXPECTED) -> str:
    """The summary: every expected line (MISSING if its benchmark printed none), then others."""
    rows = [("line", "value", "ratio", "of", "target")]
    names = expected + sorted({x.name for x in lines} - set(expected))
    for name in names:
        mine = [x for x in lines if x.name == name]
        if not mine:
            rows.append((name, "MISSING", "", "", ""))
        for x in mine:
            ratio = f"{x.ratio:.2f}" if x.ratio is not None else "-"
            rows.append((name, x.value, ratio, x.of, "; ".join(str(t) for t in x.targets)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + ("  " + row[4] if row[4] else "")
        for row in rows
    ).rstrip()
