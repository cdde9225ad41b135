"""The message record: every SMS govid sends, its route and what became of it."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govid.phones import mask_phone


class Message(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("chờ gửi")
        SENT = "sent", _("đã gửi")
        DELIVERED = "delivered", _("đã đến máy")
        FAILED = "failed", _("không gửi được")
        EXPIRED = "expired", _("hết hạn")

    class Purpose(models.TextChoices):
        CODE = "code", _("mã xác nhận")
        NOTICE = "notice", _("thông báo")

    ref = models.UUIDField(_("mã tin"), default=uuid.uuid4, unique=True, editable=False)
    to = models.CharField(max_length=16)  # E.164; shown masked everywhere but the sending code
    account = models.CharField(
        _("tài khoản"), max_length=254, blank=True, db_index=True
    )  # the login concerned
    purpose = models.CharField(_("loại"), max_length=8, choices=Purpose.choices)
    # The stored text never holds a secret: a code is redacted, and the text that is sent is
    # rendered at sending time by the registered source (see texts.py) from ``source_ref``.
    text = models.CharField(_("nội dung"), max_length=320)
    source = models.CharField(max_length=32, blank=True)
    source_ref = models.CharField(max_length=64, blank=True, db_index=True)
    gateway = models.CharField(_("cổng gửi"), max_length=64, blank=True)  # the route that took it
    provider_id = models.CharField(_("mã của nhà mạng"), max_length=128, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    queued_at = models.DateTimeField(_("xếp hàng lúc"))
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)  # a worker is sending it
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("đến máy lúc"), null=True, blank=True)
    failed_at = models.DateTimeField(_("thất bại lúc"), null=True, blank=True)  # failed or expired

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["gateway", "provider_id"]),
            models.Index(fields=["to", "queued_at"]),
        ]
        ordering = ["-queued_at", "-id"]
        verbose_name = _("tin nhắn SMS")
        verbose_name_plural = pgettext_lazy("số nhiều", "tin nhắn SMS")

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
