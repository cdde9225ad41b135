"""What the recovery flow refuses, each with a stable code."""

from __future__ import annotations

from datetime import datetime


class RecoveryError(Exception):
    code = "recovery_error"


class NotRecoverable(RecoveryError):
    """Unknown, locked, or no phone on file: the user is told one and the same thing."""

    code = "account_unavailable"


class PhoneCoolingOff(RecoveryError):
    """The number on file replaced another one lately: no code goes to it before ``until``."""

    code = "phone_cooling_off"

    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until


class DailyLimitReached(RecoveryError):
    code = "daily_limit"


class CodeNotSent(RecoveryError):
    """No gateway took the SMS; it does not count against the user's limits."""

    code = "sms_failed"


class ResendTooEarly(RecoveryError):
    code = "resend_too_early"

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class NoMoreResends(RecoveryError):
    code = "resend_limit"


class ChallengeOver(RecoveryError):
    """The challenge can take no code: ``code`` is code_expired, too_many_attempts,
    challenge_used, code_not_sent or no_challenge."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class WrongCode(RecoveryError):
    code = "wrong_code"

    def __init__(self, attempts_left: int, password_errors: list[str]) -> None:
        super().__init__(attempts_left)
        self.attempts_left = attempts_left
        self.password_errors = password_errors


class PasswordRejected(RecoveryError):
    code = "password_policy"

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages
