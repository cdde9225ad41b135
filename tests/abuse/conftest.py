"""The attacker suite's live servers: the production server, two workers, behind a "proxy" on
loopback.

Unlike the browser tests' server, these keep govid's default limits, so the attacks meet the
ceilings a deployment has. Accounts for the attacks come from one CSV import.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from govid.captcha.conf import CaptchaSettings
from govid.limits.conf import LimitSettings
from tests.e2e.conftest import LiveServer, serve

DEFAULTS = {
    f"GOVID_LIMITS_{f.name.upper()}": str(f.default)
    for f in dataclasses.fields(LimitSettings)
    if f.name != "store"
} | {
    f"GOVID_CAPTCHA_{f.name.upper()}": str(f.default)
    for f in dataclasses.fields(CaptchaSettings)
    if f.name in ("after_ip", "after_net")
}
BEHIND_PROXY = {
    "GOVID_OPS_TRUSTED_PROXIES": "127.0.0.1/32",
    "GOVID_WORKERS": "2",  # two processes share the counters (the database's, or Redis)
    "GOVID_THREADS": "8",
    # The proof of work stays on, only cheaper: the tests solve it in Python.
    "GOVID_CAPTCHA_COST": "10",
    "GOVID_CAPTCHA_COUNTER_MIN": "10",
    "GOVID_CAPTCHA_COUNTER_MAX": "60",
}
SHARED_PHONE = "0918000999"
FLOOD = 40  # accounts of their own phone each: more than one address's codes an hour (30)


def accounts_csv(folder: Path) -> Path:
    """Accounts for the attacks: each its own phone, several sharing one, a few to lock."""
    rows = ["email,name,unit,phone"]
    rows += [f"flood.{i},Người {i},MYTU-VHTT,09180{i:05d}" for i in range(FLOOD)]
    rows += [f"shared.{i},Chung {i},MYTU-VHTT,{SHARED_PHONE}" for i in range(8)]
    for kind in ("known", "locked"):
        rows += [
            f"timing.{kind}.{i},Đo {i},MYTU-VHTT,09181{i:02d}{len(kind):03d}" for i in range(6)
        ]
    path = folder / "accounts.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


LOCK = (
    "from govid.directory.models import StoredAccount as A; "
    "A.objects.filter(login__startswith='timing.locked.').update(locked=True)"
)


@pytest.fixture(scope="session")
def abuse_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    var = tmp_path_factory.mktemp("abuse-var")
    setup = [["demo"], ["accounts", "import", str(accounts_csv(var))], ["shell", "-c", LOCK]]
    with serve(var, setup=setup, **DEFAULTS, **BEHIND_PROXY) as server:
        yield server


# Every per-account and per-phone window shortened to seconds, so that the victim's wait can
# be lived through; the daily cap is lifted (its 24 hours are proven with the frozen clock).
WINDOW = 6
SHORT_WINDOWS = {
    **{
        name: f"{value.split('/')[0]}/{WINDOW}"
        for name, value in DEFAULTS.items()
        if name.endswith(("_ACCOUNT", "_PHONE"))
    },
    "GOVID_RECOVERY_DAILY_CODES": "1000",
    "GOVID_SSO_HOLD_FIRST": str(WINDOW),
    "GOVID_SSO_HOLD_MAX": str(WINDOW),
}


@pytest.fixture(scope="session")
def lockout_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    var = tmp_path_factory.mktemp("lockout-var")
    with serve(var, **{**DEFAULTS, **BEHIND_PROXY, **SHORT_WINDOWS}) as server:
        yield server


# The back office's world of units, accounts and roles, for the trust-boundary attacks.
from tests.backoffice.conftest import world  # noqa: E402, F401
