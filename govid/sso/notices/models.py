"""What notices keep: the browsers each account signed in from, and the e-mails to send."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class KnownBrowser(models.Model):
    """A browser where ``login`` signed in: its device cookie's id, kept only as a keyed hash
    (a copy of this table names no browser a thief could pose as)."""

    login = models.CharField(max_length=254)
    browser_hash = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        app_label = "sso"
        verbose_name = _("trình duyệt đã biết")
        verbose_name_plural = pgettext_lazy("số nhiều", "trình duyệt đã biết")
        constraints = [
            models.UniqueConstraint(fields=["login", "browser_hash"], name="sso_known_browser_once")
        ]

    def __str__(self) -> str:
        return self.login


class MailNotice(models.Model):
    """One security notice e-mail: written with the event, sent by the worker with retries.

    It holds no secret (the notices never carry a code or a password), so keeping the text is
    what lets a retry send exactly what the event said.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("chờ gửi")
        SENT = "sent", _("đã gửi")
        FAILED = "failed", _("không gửi được")

    event = models.CharField(max_length=32)
    login = models.CharField(max_length=254, db_index=True)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    queued_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        app_label = "sso"
        verbose_name = _("thư thông báo bảo mật")
        verbose_name_plural = pgettext_lazy("số nhiều", "thư thông báo bảo mật")

    def __str__(self) -> str:
        return f"{self.event} → {self.to}"
