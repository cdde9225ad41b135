"""Reverse brute force on one account: many addresses, every challenge it can get, and a
sweep of codes (100,000 in `make fuzz`): none opens it, and only the budget is even looked at."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from govid.demo.data import PASSWORD
from tests.abuse.attacker import Visitor, new_ip, sent_to_reset
from tests.abuse.scale import DEADLINE, GUESSES, report

pytestmark = pytest.mark.e2e
VICTIM = "an.nguyen"
NEW = "Ke@Tan2026congx"
CHECK_BUDGET = 10  # GOVID_LIMITS_CHECK_ACCOUNT's default: guesses looked at per hour


def test_code_guesses_over_many_challenges_and_addresses_open_nothing(abuse_live):
    # Every challenge the attacker can get for the account, from fresh addresses.
    holders = []
    for _ in range(20):
        visitor = Visitor(abuse_live.url, ip=new_ip(v6=len(holders) % 2 == 1))
        if sent_to_reset(visitor.get_code(VICTIM)):
            holders.append(visitor)
    assert 1 <= len(holders) <= 5  # the daily cap: five codes per account

    lock = threading.Lock()
    outcome = {"looked_at": 0, "refused": 0, "over": 0, "opened": 0, "other": 0}
    started = time.monotonic()

    def guess(n: int) -> None:
        if time.monotonic() - started > DEADLINE:
            return
        holder = holders[n % len(holders)]
        data = {"code": f"{n % 1_000_000:06d}", "password1": NEW, "password2": NEW}
        response = holder.post("/quen-mat-khau/dat-lai/", data, ip=new_ip(v6=n % 3 == 0))
        location = response.headers.get("Location", "")
        wrong = response.status_code == 400 and "Mã xác nhận không đúng" in response.text
        kind = (
            "opened" if location.endswith("/thanh-cong/")
            else "refused" if response.status_code == 429
            else "looked_at" if wrong
            else "over" if response.status_code == 302
            else "other"
        )  # fmt: skip
        with lock:
            outcome[kind] += 1

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(guess, range(GUESSES)))
    elapsed = time.monotonic() - started
    sent = sum(outcome.values())
    report(
        "code guesses",
        {"sent": sent, **outcome, "challenges": len(holders), "seconds": round(elapsed, 1),
         "per_second": round(sent / elapsed)},
    )  # fmt: skip
    assert sent == GUESSES, "the attack did not finish within its deadline"
    assert outcome["opened"] == 0
    assert outcome["other"] == 0
    assert outcome["looked_at"] <= CHECK_BUDGET
    # Every other guess was refused unread: by the budget (429), or, once a challenge had
    # ended (its lifetime is shorter than the long run), by a redirect to ask again.
    assert outcome["refused"] + outcome["over"] >= GUESSES - CHECK_BUDGET - 5 * len(holders)
    # The owner's password is the one it was.
    owner = Visitor(abuse_live.url)
    owner.get("/")
    signed = owner.post("/", {"username": VICTIM, "password": PASSWORD})
    assert signed.status_code == 302 and signed.headers["Location"] == "/tai-khoan/"
