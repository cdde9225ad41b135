"""A recovery challenge: one code sent to one account's phone, and the limits around it."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models

from govid.recovery.conf import recovery_settings


class Challenge(models.Model):
    class End(models.TextChoices):
        USED = "used", "used"
        ATTEMPTS = "attempts", "too many wrong codes"
        SMS_FAILED = "sms_failed", "SMS not sent"
        # The account changed under it (lock, phone, password, ...): the code opens nothing.
        ENDED = "ended", "ended by a change of the account"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    login = models.CharField(max_length=254)
    account_key = models.CharField(max_length=512)
    phone = models.CharField(max_length=16)  # E.164, where the code went
    seed = models.CharField(max_length=32)  # see codes.py: the code is derived, never stored
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_sent_at = models.DateTimeField()
    resends = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, choices=End.choices, blank=True)
    # Asked from a browser where the account signed in or recovered before: its limits are
    # counted apart from everyone else's (govid.limits.devices), so strangers cannot spend them.
    known_device = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["login", "created_at"])]
        verbose_name = "mã khôi phục"
        verbose_name_plural = "mã khôi phục"

    def __str__(self) -> str:
        return f"{self.login} {self.created_at:%Y-%m-%d %H:%M}"

    def problem(self, now: datetime) -> str | None:
        """Why this challenge cannot take a code any more (a stable code), or None."""
        if self.end_reason == self.End.USED:
            return "challenge_used"
        if self.end_reason == self.End.ENDED:
            return "challenge_ended"
        if self.end_reason:
            return "too_many_attempts" if self.end_reason == self.End.ATTEMPTS else "code_not_sent"
        if now >= self.expires_at:
            return "code_expired"
        return None

    def seconds_until_resend(self, now: datetime) -> int:
        wait = self.last_sent_at + recovery_settings().resend_after - now
        return max(0, int(wait.total_seconds() + 0.999))

    @property
    def stand_in(self) -> bool:
        """Privacy mode's challenge for an account that cannot be recovered (nothing sent)."""
        return not self.account_key

    @property
    def resends_left(self) -> int:
        return max(0, recovery_settings().max_resends - self.resends)

    @property
    def attempts_left(self) -> int:
        return max(0, recovery_settings().max_attempts - self.attempts)
