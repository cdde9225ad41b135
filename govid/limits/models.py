"""The database's counters (the embedded default's store; Redis keeps its own)."""

from __future__ import annotations

from django.db import models


class Counter(models.Model):
    """One fixed window: ``count`` attempts since it started, until ``expires_at`` (epoch s)."""

    key = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.FloatField(db_index=True)

    class Meta:
        verbose_name = "bộ đếm giới hạn"
        verbose_name_plural = "bộ đếm giới hạn"

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
