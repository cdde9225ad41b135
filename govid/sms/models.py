"""The message record: every SMS govid sends, its route and what became of it."""

from __future__ import annotations

import uuid

from django.db import models

from govid.phones import mask_phone


class Message(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "chờ gửi"
        SENT = "sent", "đã gửi"
        DELIVERED = "delivered", "đã đến máy"
        FAILED = "failed", "không gửi được"
        EXPIRED = "expired", "hết hạn"

    class Purpose(models.TextChoices):
        CODE = "code", "mã xác nhận"
        NOTICE = "notice", "thông báo"

    ref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    to = models.CharField(max_length=16)  # E.164; shown masked everywhere but the sending code
    account = models.CharField(max_length=254, blank=True, db_index=True)  # the login concerned
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    # The stored text never holds a secret: a code is redacted, and the text that is sent is
    # rendered at sending time by the registered source (see texts.py) from ``source_ref``.
    text = models.CharField(max_length=320)
    source = models.CharField(max_length=32, blank=True)
    source_ref = models.CharField(max_length=64, blank=True, db_index=True)
    gateway = models.CharField(max_length=64, blank=True)  # the route that took it
    provider_id = models.CharField(max_length=128, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    queued_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)  # a worker is sending it
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)  # failed or expired

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["gateway", "provider_id"]),
            models.Index(fields=["to", "queued_at"]),
        ]
        ordering = ["-queued_at", "-id"]
        verbose_name = "tin nhắn SMS"
        verbose_name_plural = "tin nhắn SMS"

    def __str__(self) -> str:
        return f"{self.purpose} {self.masked_to} {self.state}"

    @property
    def masked_to(self) -> str:
        return mask_phone(self.to) if self.to.startswith("+84") else "XXX"

    @property
    def pending_retry(self) -> bool:
        """Queued again after a failed attempt."""
        return self.state == self.State.QUEUED and self.attempts > 0 and bool(self.last_error)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DELIVERED, self.State.FAILED, self.State.EXPIRED)
