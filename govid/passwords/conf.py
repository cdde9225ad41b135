"""Password policy settings (GOVID_PASSWORDS_*)."""

from __future__ import annotations

from dataclasses import dataclass

from govid.conf import settings_block


@dataclass(frozen=True)
class PasswordSettings:
    min_length: int = 8  # the seed's rule; ASVS level 2 asks for 12
    character_classes: bool = True  # the seed's upper, lower, digit and special character
    history: int = 5  # a new password may not be one of the last N (SQL accounts); 0: off
    # An SMS this many days before the directory's password expiry
    # (GOVID_PASSWORD_EXPIRY_NOTICE_DAYS); 0: none.
    expiry_notice_days: int = 7


def password_settings() -> PasswordSettings:
    return settings_block(PasswordSettings, "GOVID_PASSWORDS")
