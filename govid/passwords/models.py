"""Password history: the hashes an account's recent passwords had (SQL accounts only)."""

from __future__ import annotations

from django.db import models


class PreviousPassword(models.Model):
    """A password an account had until ``replaced_at``, as its hash (never the password)."""

    account_key = models.CharField(max_length=512)
    login = models.CharField(max_length=254)
    encoded = models.CharField(max_length=256)  # a Django hasher string, as the account stored it
    replaced_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["account_key", "login", "replaced_at"])]
        verbose_name = "mật khẩu cũ"
        verbose_name_plural = "mật khẩu cũ"

    def __str__(self) -> str:
        return f"{self.login} {self.replaced_at:%Y-%m-%d %H:%M}"


class ExpiryNotice(models.Model):
    """An expiry reminder sent: one per account and expiry date, however often the job runs."""

    login = models.CharField(max_length=254)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["login", "expires_at"], name="one_notice_per_expiry")
        ]
        verbose_name = "nhắc mật khẩu hết hạn"
        verbose_name_plural = "nhắc mật khẩu hết hạn"

    def __str__(self) -> str:
        return f"{self.login} {self.expires_at:%Y-%m-%d}"
