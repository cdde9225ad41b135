"""Audit events: one row per state change, never updated or deleted by govid."""

from __future__ import annotations

from typing import Any

from django.db import models


class Event(models.Model):
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=64, db_index=True)  # stable code, e.g. "password_reset"
    actor = models.CharField(max_length=254)  # a login, "self", "cli", "system"
    subject = models.CharField(max_length=254, db_index=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "sự kiện nhật ký"
        verbose_name_plural = "nhật ký"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("audit events are append-only")
