"""Audit events: one row per state change, chained by keyed hashes, never updated or deleted."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

GENESIS = "0" * 64  # the "previous hash" of the first row


class Event(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)  # 1, 2, 3, ... in chain order
    at = models.DateTimeField(_("lúc"), db_index=True)
    action = models.CharField(
        _("việc"), max_length=64, db_index=True
    )  # stable code, e.g. "password_reset"
    actor = models.CharField(_("người làm"), max_length=254)  # a login, "self", "cli", "system"
    subject = models.CharField(_("đối tượng"), max_length=254, db_index=True, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)  # the hash of row seq - 1 (GENESIS for the first)
    hash = models.CharField(max_length=64)  # HMAC-SHA256 of this row's content and prev_hash
    key_id = models.CharField(max_length=16)  # which key sealed it (govid.audit.keys.key_id)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = pgettext_lazy("số nhiều", "nhật ký")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("audit events are append-only")


class ChainHead(models.Model):
    """One row: the last event's seq and hash. Writers lock it, so the chain never forks, and
    ``audit verify`` compares it with the last row, so deleting the newest rows shows too."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = "đầu chuỗi nhật ký"

    def __str__(self) -> str:
        return f"{self.seq} {self.hash}"
