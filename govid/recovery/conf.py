"""Recovery limits (GOVID_RECOVERY_*): durations in seconds in the environment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from govid.conf import settings_block


@dataclass(frozen=True)
class RecoverySettings:
    code_ttl: timedelta = timedelta(minutes=5)  # how long a code is valid
    max_attempts: int = 5  # wrong codes that end a challenge
    resend_after: timedelta = timedelta(seconds=60)  # wait before "Gửi lại"
    max_resends: int = 3  # resends per challenge (the same code each time)
    daily_codes: int = 5  # codes per account per 24 hours
    privacy: bool = False  # unknown accounts follow the known ones' path (govid.recovery.privacy)
    # A number that replaced another one gets no code for this long ("recently changed
    # security info"): whoever swapped it cannot take the mailbox before its owner hears of it.
    phone_cooling_off: timedelta = timedelta(hours=24)


def recovery_settings() -> RecoverySettings:
    return settings_block(RecoverySettings, "GOVID_RECOVERY")
