"""Rate limits (GOVID_LIMITS_*): a ceiling and a window for each step and each scope.

A rule is written ``COUNT/SECONDS`` (``5/3600``: five per hour); ``0`` or ``off`` switches it
off. The defaults follow Microsoft's self-service password reset (at most 5 codes per phone per
hour) and leave room for an office's staff behind one address.
"""

from __future__ import annotations

from dataclasses import dataclass

from govid.conf import settings_block


@dataclass(frozen=True)
class LimitSettings:
    # Where the counters live: auto (Redis when the cache is Redis, else the database),
    # database, redis, or memory (one process only: tests).
    store: str = "auto"
    # Per address and network: sized for an office of about thirty behind one NAT address on a
    # Monday morning (each person a few lookups, a code, a few checks in the hour); the account
    # and phone ceilings, which are what stops guessing and flooding one person, stay strict.
    # The forgot page's lookup ("Tiếp tục"), counted for the typed account even if unknown.
    lookup_ip: str = "100/3600"
    lookup_net: str = "300/3600"
    lookup_account: str = "10/3600"
    # Code requests: "Lấy mã xác nhận" and "Gửi lại" (each one is an SMS paid for; one that
    # sends nothing is given back).
    code_ip: str = "30/3600"
    code_net: str = "90/3600"
    code_account: str = "5/3600"
    code_phone: str = "5/3600"
    # Code checks, i.e. the reset form: the guessing budget across every challenge.
    check_ip: str = "100/3600"
    check_net: str = "300/3600"
    check_account: str = "10/3600"
    check_phone: str = "10/3600"
    # Login attempts, on top of the login holds (which count failures only).
    login_ip: str = "100/900"
    login_net: str = "300/900"
    login_account: str = "20/900"
    # The lookup answers every account in at least this time (enumeration by timing): well
    # above the lookup's own few milliseconds, yet short, since each waiting answer holds one
    # of the server's threads (GOVID_THREADS per process).
    lookup_time_ms: int = 100


def limit_settings() -> LimitSettings:
    return settings_block(LimitSettings, "GOVID_LIMITS")
