"""The tiles of the portal's home: the province's shared systems a civil servant may open."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ICONS = ("van-ban", "thu", "nhan-su", "mot-cua", "he-thong")


class SystemTile(models.Model):
    """One system on the portal's home, opening through SSO at ``start_url``.

    ``party`` names the registered system (an OIDC client id, a SAML SP's entity id, a CAS
    service's name); ``units`` lists the unit codes whose people see it (empty: everyone).
    """

    protocol = models.CharField(_("giao thức"), max_length=8)
    party = models.CharField(_("hệ thống"), max_length=500)
    name = models.CharField(_("tên hiển thị"), max_length=200)
    description = models.CharField(_("mô tả"), max_length=300, blank=True)
    icon = models.CharField(_("biểu tượng"), max_length=20, default="he-thong")
    start_url = models.URLField(_("địa chỉ mở"), max_length=500)
    units = models.CharField(_("đơn vị được dùng"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=100)

    class Meta:
        app_label = "sso"
        verbose_name = _("ô hệ thống")
        verbose_name_plural = pgettext_lazy("số nhiều", "ô hệ thống")
        constraints = [
            models.UniqueConstraint(fields=["protocol", "party"], name="sso_tile_one_per_party")
        ]

    def __str__(self) -> str:
        return self.name
