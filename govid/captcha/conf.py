"""Proof-of-work settings (GOVID_CAPTCHA_*).

The browser must find a counter whose PBKDF2-SHA-256 key (``cost`` iterations) starts with a
given prefix; the counter is drawn between ``counter_min`` and ``counter_max``, so a solution
costs on average ``cost * (counter_min + counter_max) / 2`` iterations (about a second or two on
a phone with the defaults) while the server checks it with one HMAC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from govid.conf import settings_block


@dataclass(frozen=True)
class CaptchaSettings:
    mode: str = "auto"  # auto: past the thresholds below; always; off
    after_ip: int = 5  # lookups from one address (in the lookup window) before the check shows
    after_net: int = 20  # ... from one /24 or /64 network
    cost: int = 1000  # PBKDF2 iterations per counter tried
    counter_min: int = 2000
    counter_max: int = 6000
    ttl: timedelta = timedelta(minutes=10)  # how long a challenge can be solved and used


def captcha_settings() -> CaptchaSettings:
    return settings_block(CaptchaSettings, "GOVID_CAPTCHA")
