"""The SQL directory's store: units (province -> district -> unit) and their accounts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Unit(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh / thành phố")
        DISTRICT = "district", _("Huyện / quận / thị xã")
        UNIT = "unit", _("Cơ quan, đơn vị")

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(
        _("cấp hành chính"), max_length=16, choices=Kind.choices, default=Kind.UNIT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("đơn vị")
        verbose_name_plural = pgettext_lazy("số nhiều", "đơn vị")

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class StoredAccount(models.Model):
    """An account of the SQL directory; the rest of govid sees it as ``directory.Account``."""

    login = models.CharField(_("email công vụ"), max_length=254, unique=True)
    name = models.CharField(_("họ và tên"), max_length=200)
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="accounts"
    )
    phone = models.CharField(
        _("số điện thoại"), max_length=16, blank=True, default=""
    )  # E.164, "" if none
    locked = models.BooleanField(_("bị khoá"), default=False)
    password = models.CharField(max_length=256)  # Django hasher string (Argon2id)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["login"]
        verbose_name = _("tài khoản")
        verbose_name_plural = pgettext_lazy("số nhiều", "tài khoản")

    def __str__(self) -> str:
        return self.login


class PhoneChange(models.Model):
    """When an account's phone was set or replaced, whatever directory holds it.

    Recovery reads it: a number that replaced another one waits out a cooling-off period before
    a code is sent to it (``GOVID_RECOVERY_PHONE_COOLING_OFF``).
    """

    login = models.CharField(max_length=254)
    at = models.DateTimeField()
    replaced = models.BooleanField()  # False: the account had no number before
    actor = models.CharField(max_length=254)
    source = models.CharField(max_length=32)  # request, import, cli

    class Meta:
        indexes = [models.Index(fields=["login", "at"])]
        verbose_name = "thay đổi số điện thoại"
        verbose_name_plural = "thay đổi số điện thoại"

    def __str__(self) -> str:
        return f"{self.login} {self.at:%Y-%m-%d %H:%M}"
