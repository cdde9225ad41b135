"""How hard the attacker suite pushes: a short run in `make test`, the long one in `make fuzz`."""

from __future__ import annotations

import os

LONG = os.environ.get("GOVID_FUZZ") == "long"
GUESSES = 100_000 if LONG else 1_000  # code guesses against one account
CRAWL = 100_000 if LONG else 3_000  # malformed requests sent by the crawler
TIMING_SAMPLES = 60 if LONG else 12  # lookups measured per kind of account
DEADLINE = 1800.0 if LONG else 240.0  # seconds any one attack may run


def report(title: str, numbers: dict[str, object]) -> None:
    """One line the run prints (`make fuzz` shows it; pytest -s or -rA in `make test`)."""
    text = ", ".join(f"{key}={value}" for key, value in numbers.items())
    print(f"\n[abuse] {title}: {text}", flush=True)
