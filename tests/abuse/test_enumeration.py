"""Enumeration by timing: the lookup answers known, unknown, locked and phone-less accounts in
the same time (GOVID_LIMITS_LOOKUP_TIME_MS, 100 ms), measured against the live server."""

from __future__ import annotations

import random
import statistics
import time

import pytest

from govid.limits.conf import LimitSettings
from tests.abuse.attacker import Visitor
from tests.abuse.scale import TIMING_SAMPLES, report

pytestmark = pytest.mark.e2e
FLOOR = LimitSettings().lookup_time_ms / 1000  # the deployment's default
BOUND = FLOOR / 10  # the medians of any two kinds differ by less than a tenth of the floor
KINDS = {
    "known": [f"timing.known.{i}" for i in range(6)],
    "locked": [f"timing.locked.{i}" for i in range(6)],
    "phoneless": ["vnpt_testvpdt3"],
    "unknown": [f"khong.co.{i}" for i in range(6)],
}


def test_the_lookup_takes_as_long_for_every_kind_of_account(abuse_live):
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    used: dict[str, int] = {}
    for n in range(TIMING_SAMPLES):
        order = list(KINDS)
        random.shuffle(order)  # interleaved, in a new order each round: load hits all alike
        for kind in order:
            # Each account at most ten times (the per-account ceiling), from a fresh address.
            choices = [a for a in KINDS[kind] if used.get(a, 0) < 10]
            if choices:
                typed = choices[n % len(choices)]
            else:  # the one phone-less account spent: an unknown one looks the same to govid
                assert kind == "phoneless", "each kind needs TIMING_SAMPLES / 10 accounts"
                typed = f"khong.co.so.{n}"
            used[typed] = used.get(typed, 0) + 1
            visitor = Visitor(abuse_live.url)
            visitor.token()
            started = time.perf_counter()
            response = visitor.post("/quen-mat-khau/", {"email": typed})
            times[kind].append(time.perf_counter() - started)
            assert response.status_code == (302 if kind == "known" else 200), (kind, typed)
    medians = {kind: statistics.median(values) for kind, values in times.items()}
    spread = max(medians.values()) - min(medians.values())
    shown = {kind: round(value * 1000, 1) for kind, value in medians.items()}
    shown.update(spread_ms=round(spread * 1000, 1), samples_each=TIMING_SAMPLES)
    report("lookup time (median ms)", shown)
    assert min(min(values) for values in times.values()) >= FLOOR
    assert spread < BOUND
