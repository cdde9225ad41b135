"""A recovery challenge: one code sent to one account's phone, and the limits around it.

The challenge's whole life is here. It begins in ``open`` (the one place a row is created,
within the day's cap); every later change (a resend, a wrong code, the code used, the end, a
failed resend given back) is one conditional UPDATE whose row count says whether this request
won: of two requests racing for the same change, at most one does.

A challenge is live while ``end_reason`` is blank.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import F

from govid.recovery import codes
from govid.recovery.conf import recovery_settings
from govid.recovery.errors import DailyLimitReached

LIVE = ""  # the end_reason of a challenge that has not ended


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

    # --- its life: one creation, then conditional updates ----------------------------------

    @classmethod
    def open(
        cls, *, login: str, account_key: str, phone: str, known_device: bool, now: datetime
    ) -> Challenge:
        """A new challenge with a fresh seed, if the day's cap leaves room (checked again here,
        in the insert's transaction), or DailyLimitReached. A stand-in (privacy mode) has no
        ``account_key`` and no ``phone``."""
        with transaction.atomic():
            if cls.cap_reached(login, now, known_device):  # a moment after the caller looked
                raise DailyLimitReached()
            return cls.objects.create(
                login=login,
                account_key=account_key,
                phone=phone,
                seed=codes.new_seed(),
                created_at=now,
                expires_at=now + recovery_settings().code_ttl,
                last_sent_at=now,
                known_device=known_device,
            )

    @classmethod
    def cap_reached(cls, login: str, now: datetime, known_device: bool) -> bool:
        """Whether ``login`` had its day's codes: those of the last 24 hours, a known device's
        and the others' counted apart, those whose SMS failed not at all."""
        today = cls.objects.filter(
            login=login, created_at__gt=now - timedelta(hours=24), known_device=known_device
        ).exclude(end_reason=cls.End.SMS_FAILED)
        return today.count() >= recovery_settings().daily_codes

    def claim_resend(self, now: datetime) -> bool:
        """Count a resend at ``now``, unless another request resent it since this row was read
        (or it ended): whether this request may send it."""
        claimed = (
            self._live()
            .filter(resends=self.resends, last_sent_at=self.last_sent_at)
            .update(resends=F("resends") + 1, last_sent_at=now)
        )
        return bool(claimed)

    def give_back_resend(self, now: datetime) -> bool:
        """A resend no gateway took: it is not counted, and the next one needs no wait."""
        given = (
            type(self)
            .objects.filter(pk=self.pk, resends__gt=0)
            .update(resends=F("resends") - 1, last_sent_at=now - recovery_settings().resend_after)
        )
        return bool(given)

    def count_wrong_code(self) -> bool:
        """One wrong code more, never past the limit nor on an ended challenge: whether it
        counted. ``attempts`` is read again (other requests count too)."""
        counted = (
            self._live()
            .filter(attempts__lt=recovery_settings().max_attempts)
            .update(attempts=F("attempts") + 1)
        )
        self.refresh_from_db(fields=["attempts", "end_reason"])
        return bool(counted)

    def consume(self, now: datetime) -> bool:
        """Use the code up, if it is still good at ``now``: of two submissions of the same
        code, exactly one gets True."""
        consumed = (
            self._live()
            .filter(
                seed=self.seed, expires_at__gt=now, attempts__lt=recovery_settings().max_attempts
            )
            .update(end_reason=self.End.USED, ended_at=now)
        )
        return bool(consumed)

    def end(self, reason: str, now: datetime) -> bool:
        """End the challenge for ``reason`` (an End), if it is live: whether this call did."""
        return bool(self._live().update(end_reason=reason, ended_at=now))

    @classmethod
    def end_all(cls, login: str, now: datetime) -> int:
        """End every live challenge of ``login`` (the account changed): how many."""
        return cls.objects.filter(login=login, end_reason=LIVE).update(
            end_reason=cls.End.ENDED, ended_at=now
        )

    def _live(self) -> models.QuerySet[Challenge]:
        return type(self).objects.filter(pk=self.pk, end_reason=LIVE)

    # --- what it can still do ---------------------------------------------------------------

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

    def problem_now(self, now: datetime) -> str:
        """Why the row, read again, takes no code (after a conditional update lost)."""
        self.refresh_from_db()
        return self.problem(now) or "challenge_used"

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
