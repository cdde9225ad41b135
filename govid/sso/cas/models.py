"""CAS services registered with govid, and the service tickets it issues them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CasService(models.Model):
    """A system that signs in through CAS: every service URL starting with ``service_url``."""

    name = models.CharField(_("tên hệ thống"), max_length=200, unique=True)
    service_url = models.URLField(_("tiền tố địa chỉ dịch vụ"), max_length=500, unique=True)
    # CAS single logout: a back-channel logoutRequest POSTed to the service URL at sign-out.
    single_logout = models.BooleanField(_("đăng xuất đồng thời"), default=False)
    created_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)

    class Meta:
        app_label = "sso"
        verbose_name = _("hệ thống CAS")
        verbose_name_plural = pgettext_lazy("số nhiều", "hệ thống CAS")

    def __str__(self) -> str:
        return f"{self.name} ({self.service_url})"


class ServiceTicket(models.Model):
    """A service ticket (``ST-...``): single-use, short-lived, bound to one service URL.

    Only a hash of the ticket is kept here; the sign-in's visit keeps the ticket itself, which
    the single-logout message must name.
    """

    ticket_hash = models.CharField(max_length=64, unique=True)
    service = models.ForeignKey(CasService, on_delete=models.CASCADE, related_name="+")
    service_url = models.CharField(max_length=2000)
    sid = models.CharField(max_length=64)
    login = models.CharField(max_length=254)
    # Issued right after the person typed their password (what renew=true asks for).
    primary = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "sso"

    def __str__(self) -> str:
        return f"{self.service.name} ({self.created_at:%Y-%m-%d %H:%M:%S})"
