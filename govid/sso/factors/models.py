"""What govid keeps of a person's second factors: never a code, the TOTP secret encrypted."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TotpDevice(models.Model):
    """One authenticator app of one login; usable once ``confirmed_at`` is set.

    ``last_step`` is the 30-second time step of the last code accepted: a code of that step or
    an earlier one is refused, on every instance (the check and the update are one UPDATE).
    """

    login = models.CharField(max_length=254, unique=True)
    secret = models.TextField()  # encrypted (secrets.seal), never shown after enrolment
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    class Meta:
        app_label = "sso"
        verbose_name = _("ứng dụng xác thực")
        verbose_name_plural = pgettext_lazy("số nhiều", "ứng dụng xác thực")

    def __str__(self) -> str:
        return self.login


class RecoveryCode(models.Model):
    """A one-time recovery code, kept only as a keyed hash."""

    login = models.CharField(max_length=254, db_index=True)
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "sso"

    def __str__(self) -> str:
        return f"{self.login} ({'used' if self.used_at else 'unused'})"


class FactorDeadline(models.Model):
    """When a person who must have a second factor was first found without one: the grace
    period counts from here."""

    login = models.CharField(max_length=254, unique=True)
    since = models.DateTimeField()

    class Meta:
        app_label = "sso"

    def __str__(self) -> str:
        return f"{self.login} ({self.since:%Y-%m-%d})"


class SignInFactors(models.Model):
    """How one sign-in (by its public ``sid``) proved who it is: RFC 8176 ``amr`` values, and
    when a second factor was last checked. The ID tokens of that sign-in carry them."""

    sid = models.CharField(max_length=64, unique=True)
    amr = models.JSONField(default=list)
    checked_at = models.DateTimeField()

    class Meta:
        app_label = "sso"

    def __str__(self) -> str:
        return f"{self.sid[:8]}... {self.amr}"


class SecurityKey(models.Model):
    """A WebAuthn credential of one login: a security key or a passkey (platform or roaming)."""

    login = models.CharField(max_length=254, db_index=True)
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url
    public_key = models.BinaryField()  # COSE
    sign_count = models.BigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "sso"
        verbose_name = _("khoá bảo mật")
        verbose_name_plural = pgettext_lazy("số nhiều", "khoá bảo mật")

    def __str__(self) -> str:
        return f"{self.login}: {self.name}"
