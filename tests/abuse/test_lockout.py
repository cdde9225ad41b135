"""A stranger attacks one account on every step until every ceiling is hit; its owner is locked
out only until the longest window ends, then recovers and logs in.

The live server's per-account and per-phone windows are shortened to seconds here (WINDOW), so
the wait can be lived through; tests/limits/test_lockout.py proves the default bound (24 hours,
the daily code cap) with the frozen clock.
"""

from __future__ import annotations

import re
import time

import pytest

from govid.demo.data import PASSWORD
from tests.abuse.attacker import Visitor, sent_to_reset
from tests.abuse.conftest import WINDOW
from tests.abuse.scale import report

pytestmark = pytest.mark.e2e
VICTIM = "binh.tran"
PHONE = "+84912345678"
NEW = "Tra#Ve2026-lai!"


def attack(live, victim: str = VICTIM) -> float:
    """Every step, from fresh addresses, until each refuses; the time of the last blow."""
    holders = []
    for _ in range(12):  # lookups and codes: past ten lookups, past five codes
        visitor = Visitor(live.url)
        if sent_to_reset(visitor.get_code(victim)):
            holders.append(visitor)
    wrong = {"code": "000000", "password1": NEW, "password2": NEW}
    for n in range(12):  # wrong codes, past the budget of ten
        holders[n % len(holders)].post("/quen-mat-khau/dat-lai/", wrong, ip=Visitor(live.url).ip)
    for _ in range(8):  # wrong passwords, past the login hold
        stranger = Visitor(live.url)
        stranger.post("/", {"username": victim, "password": "Sai#Matkhau1"})
    return time.monotonic()


def recover(live, owner: Visitor, victim: str = VICTIM, phone: str = PHONE) -> bool:
    """The owner's whole recovery with the code from their phone; whether it succeeded."""
    before = len(live.messages(phone))
    if not sent_to_reset(owner.get_code(victim)):
        return False
    text = live.wait_for_messages(phone, before + 1)[-1]["text"]
    found = re.search(r"\b(\d{6})\b", text)
    assert found is not None
    code = found.group(1)
    done = owner.post("/quen-mat-khau/dat-lai/", {"code": code, "password1": NEW, "password2": NEW})
    return done.headers.get("Location", "").endswith("/thanh-cong/")


def test_a_stranger_locks_the_owner_out_for_one_window_at_most(lockout_live):
    last_blow = attack(lockout_live)
    owner = Visitor(lockout_live.url)  # their own address, never used by the attacker
    refused = owner.lookup(VICTIM)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) <= WINDOW
    login = owner.post("/", {"username": VICTIM, "password": PASSWORD})
    assert login.status_code == 429  # the login hold (or the login ceiling)
    time.sleep(max(0.0, last_blow + WINDOW + 0.5 - time.monotonic()))
    waited = time.monotonic() - last_blow
    assert recover(lockout_live, Visitor(lockout_live.url))
    signed = Visitor(lockout_live.url)
    signed.get("/")
    answer = signed.post("/", {"username": VICTIM, "password": NEW})
    report("victim lockout", {"window_s": WINDOW, "recovered_after_s": round(waited, 1)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/tai-khoan/"


def test_from_a_browser_where_the_owner_signed_in_before_recovery_never_waits(lockout_live):
    """A known device counts against a budget of its own: the attack cannot spend it."""
    owner = Visitor(lockout_live.url)
    owner.get("/")
    assert owner.post("/", {"username": "an.nguyen", "password": PASSWORD}).status_code == 302
    attack(lockout_live, "an.nguyen")
    assert Visitor(lockout_live.url).lookup("an.nguyen").status_code == 429  # anyone else waits
    assert recover(lockout_live, owner, "an.nguyen", "+84393555121")
